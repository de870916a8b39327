"""``ConversationsRequestBuilder``: pages of the logged-in user's conversations, newest first.

Paged as the official JS SDK 4.2 pages them (``ConversationsRequest.fetchNext``):
``GET conversations?per_page=&page=``, the first page being ``setPage(n)`` + 1;
a non-empty page moves the request to the next one, an empty page does not (so
a later ``fetch_next()`` asks for the same page again and finds conversations
that appeared since). Filters are sent only when set, booleans as ``true``.
"""

from __future__ import annotations

from typing import Any, Final, Self

from ...errors import InvalidArgumentError
from ...models import Conversation
from ...protocol.rest import Meta
from .base import PagedBuilder, RestCaller, as_list

__all__ = ["CONVERSATION_MAX_LIMIT", "ConversationsRequest", "ConversationsRequestBuilder"]

#: The largest page the official SDK asks for (``DEFAULT_VALUES.CONVERSATION_MAX_LIMIT``).
CONVERSATION_MAX_LIMIT: Final = 50

_TYPES: Final = ("user", "group")


def _tags(tags: Any, what: str) -> list[str]:
    if (
        isinstance(tags, str)
        or not isinstance(tags, (list, tuple))
        or not all(isinstance(t, str) for t in tags)
    ):
        raise InvalidArgumentError(f"{what} must be a list of strings, got {tags!r}")
    return [t.strip() for t in tags]


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgumentError(f"{what} must be True or False, got {value!r}")
    return value


class ConversationsRequest:
    """A built conversation listing; :meth:`fetch_next` returns one page at a time."""

    def __init__(self, caller: RestCaller, params: dict[str, Any]) -> None:
        self._caller = caller
        self.limit: int = params.pop("limit", 30)
        start: int = params.pop("page", 0)
        self._query = {k: v for k, v in params.items() if v not in (None, False, [], "")}
        self._current_page = start  # the last page that had conversations (or the start)
        self.total_pages: int | None = None

    @property
    def page(self) -> int:
        """The last page that had conversations (``getPage()``; 0 before the first)."""
        return self._current_page

    async def fetch_next(self) -> list[Conversation]:
        """The next page of conversations (empty when there are no more for now)."""
        page = self._current_page + 1
        data, meta = await self._caller(
            "conversations", query={"per_page": self.limit, **self._query, "page": page}
        )
        items = as_list(data, "conversations")
        if meta:
            self.total_pages = Meta.from_wire(meta).pagination.total_pages
        if items:
            self._current_page = page
        return [Conversation.from_wire(c) for c in items]

    def get_limit(self) -> int:
        return self.limit

    def get_page(self) -> int:
        return self.page

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next
    getLimit = get_limit
    getPage = get_page


class ConversationsRequestBuilder(PagedBuilder):
    """``CometChat.ConversationsRequestBuilder``: every setter of the official SDK 4.2."""

    def set_limit(self, limit: int) -> Self:
        """Conversations per page, 1..50 (the official SDK refuses more)."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= CONVERSATION_MAX_LIMIT:
            raise InvalidArgumentError(
                f"limit must be an integer within 1..{CONVERSATION_MAX_LIMIT}, got {limit!r}"
            )
        self._params["limit"] = limit
        return self

    def set_conversation_type(self, conversation_type: str) -> Self:
        """Only ``"user"`` or only ``"group"`` conversations."""
        if conversation_type not in _TYPES:
            raise InvalidArgumentError(
                f"conversation type must be 'user' or 'group', got {conversation_type!r}"
            )
        self._params["conversationType"] = conversation_type
        return self

    def set_search_keyword(self, keyword: str) -> Self:
        """Conversations whose other end's name or id contains ``keyword``."""
        if not isinstance(keyword, str):
            raise InvalidArgumentError(f"search keyword must be a string, got {keyword!r}")
        self._params["searchKey"] = keyword.strip()
        return self

    def with_user_and_group_tags(self, value: bool) -> Self:
        """Ask for the user/group tags in ``conversationWith`` (always there on this server)."""
        self._params["withUserAndGroupTags"] = _flag(value, "withUserAndGroupTags")
        return self

    def set_tags(self, tags: list[str]) -> Self:
        """Only conversations tagged (``tagConversation``) with one of ``tags``."""
        self._params["tags"] = _tags(tags, "tags")
        return self

    def with_tags(self, value: bool) -> Self:
        """List each conversation's tags."""
        self._params["withTags"] = _flag(value, "withTags")
        return self

    def set_group_tags(self, tags: list[str]) -> Self:
        """Only group conversations whose group has one of ``tags``."""
        self._params["groupTags"] = _tags(tags, "groupTags")
        return self

    def set_user_tags(self, tags: list[str]) -> Self:
        """Only user conversations whose user has one of ``tags``."""
        self._params["userTags"] = _tags(tags, "userTags")
        return self

    def include_blocked_users(self, value: bool) -> Self:
        """Keep conversations with users one has blocked (or who blocked one)."""
        self._params["includeBlockedUsers"] = _flag(value, "includeBlockedUsers")
        return self

    def with_blocked_info(self, value: bool) -> Self:
        """Add ``blockedByMe``/``hasBlockedMe`` to the users of the conversations."""
        self._params["withBlockedInfo"] = _flag(value, "withBlockedInfo")
        return self

    def set_unread(self, value: bool) -> Self:
        """Only conversations with unread messages."""
        self._params["unread"] = _flag(value, "unread")
        return self

    def set_page(self, page: int) -> Self:
        """Start after page ``page`` (0: the first page; the official SDK's meaning)."""
        if not isinstance(page, int) or isinstance(page, bool) or page < 0:
            raise InvalidArgumentError(f"page must be an integer ≥ 0, got {page!r}")
        self._params["page"] = page
        return self

    def set_hide_agentic(self, value: bool) -> Self:
        """Hide conversations with AI agents (sent; this server has none)."""
        self._params["hideAgentic"] = _flag(value, "hideAgentic")
        return self

    def set_only_agentic(self, value: bool) -> Self:
        """Only conversations with AI agents (sent; this server has none)."""
        self._params["onlyAgentic"] = _flag(value, "onlyAgentic")
        return self

    def set_pinned_by(self, pinned_by: list[str]) -> Self:
        """Only conversations pinned by these (sent as ``pinnedBy``; this server has no pins)."""
        self._params["pinnedBy"] = _tags(pinned_by, "pinnedBy")
        return self

    def build(self) -> ConversationsRequest:
        return ConversationsRequest(self._bound(), dict(self._params))

    # camelCase aliases -------------------------------------------------------------
    setLimit = set_limit
    setConversationType = set_conversation_type
    setSearchKeyword = set_search_keyword
    withUserAndGroupTags = with_user_and_group_tags
    setTags = set_tags
    withTags = with_tags
    setGroupTags = set_group_tags
    setUserTags = set_user_tags
    includeBlockedUsers = include_blocked_users
    setIncludeBlockedUsers = include_blocked_users
    withBlockedInfo = with_blocked_info
    setWithBlockedInfo = with_blocked_info
    setUnread = set_unread
    setPage = set_page
    setHideAgentic = set_hide_agentic
    setOnlyAgentic = set_only_agentic
    setPinnedBy = set_pinned_by
