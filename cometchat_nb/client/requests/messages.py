"""``MessagesRequestBuilder``: pages of history, before or after a cursor."""

from __future__ import annotations

from typing import Any, Final, Self

from ...errors import ErrorCode, InvalidArgumentError
from ...models import MEDIA_TYPES, BaseMessage, message_from_wire
from ...protocol.rest import Meta
from .base import RestCaller, as_list, check_limit, reader_of

__all__ = ["QUERY_NAMES", "MessagesRequest", "MessagesRequestBuilder"]

#: The builder's parameters that go to the server under their own name (the JS SDK's
#: query names, ``MessagesRequest.makeAPICall``; README "History filters"); unset
#: (false, empty) ones are left out, as the SDK leaves them.
QUERY_NAMES: Final = frozenset(
    {
        "categories",
        "types",
        "hideDeleted",
        "unread",
        "searchKey",
        "updatedAt",
        "onlyUpdates",
        "hideReplies",
        "withParent",
        "hasAttachments",
        "hasLinks",
        "hasMentions",
        "hasReactions",
        "mentionedUids",
        "tags",
        "withTags",
        "attachmentTypes",
        "mentionsWithTagInfo",
        "mentionsWithBlockedInfo",
        "hideMessagesFromBlockedUsers",
        "hideQuotedMessages",
        "onlyInteractionGoalCompleted",
    }
)


class MessagesRequest:
    """Pages of one conversation's (or all conversations') messages."""

    def __init__(self, caller: RestCaller, params: dict[str, Any]) -> None:
        self._caller = caller
        self._uid: str | None = params.get("uid")
        self._guid: str | None = params.get("guid")
        self.limit: int = params.get("limit", 30)
        self._parent: str | None = params.get("parent")
        self._query = {k: v for k, v in params.items() if k in QUERY_NAMES and v}
        self._cursor_id: str | None = params.get("message_id")
        self._cursor_sent_at: int | None = params.get("timestamp")
        self._done = {"prepend": False, "append": False}

    def _endpoint(self) -> tuple[str, dict[str, str]]:
        if self._parent:
            return "getThreadMessages", {"messageId": self._parent}
        if self._uid:
            return "getUserMessages", {"uid": self._uid}
        if self._guid:
            return "getGroupMessages", {"guid": self._guid}
        return "getMessages", {}

    async def _fetch(self, affix: str) -> list[BaseMessage]:
        if self._done[affix]:
            return []
        endpoint, path = self._endpoint()
        query: dict[str, Any] = {"per_page": self.limit, "affix": affix, **self._query}
        if self._cursor_id is not None:
            query["id"] = self._cursor_id
        elif self._cursor_sent_at is not None:
            query["sentAt"] = self._cursor_sent_at
        data, meta = await self._caller(endpoint, path=path, query=query)
        messages = [message_from_wire(m, source="history") for m in as_list(data, endpoint)]
        uid = reader_of(self._caller)
        for m in messages:
            m._set_reader(uid)
        if not messages:
            self._done[affix] = True
            return []
        if "updatedAt" in self._query and affix == "append":
            # pages of updates run in update order: the last update time is the next cursor
            self._query["updatedAt"] = max(m.updated_at or 0 for m in messages)
            if len(messages) < self.limit:
                self._done[affix] = True
            return messages
        cursor = Meta.from_wire(meta).cursor
        if cursor is not None and cursor.id is not None:
            self._cursor_id = cursor.id
        else:
            ids = [m.id for m in messages if m.id is not None]
            key = (lambda i: int(i)) if all(i.isascii() and i.isdigit() for i in ids) else (lambda i: i)
            self._cursor_id = min(ids, key=key) if affix == "prepend" else max(ids, key=key)
        self._cursor_sent_at = None
        if len(messages) < self.limit:
            self._done[affix] = True
        return messages

    async def fetch_previous(self) -> list[BaseMessage]:
        """The page before the cursor (the newest page first time), oldest first."""
        return await self._fetch("prepend")

    async def fetch_next(self) -> list[BaseMessage]:
        """The page after the cursor, oldest first."""
        return await self._fetch("append")

    # camelCase aliases -------------------------------------------------------------
    fetchPrevious = fetch_previous
    fetchNext = fetch_next


class MessagesRequestBuilder:
    """``CometChat.MessagesRequestBuilder`` (snake_case setters and their camelCase aliases)."""

    def __init__(self, caller: RestCaller | None = None) -> None:
        self._caller = caller
        self._params: dict[str, Any] = {"limit": 30}

    def _bind(self) -> RestCaller:
        if self._caller is None:
            raise InvalidArgumentError("this builder is not bound to a client; use client.messages_request()")
        return self._caller

    def set_uid(self, uid: str) -> Self:
        self._params["uid"], self._params["guid"] = uid, None
        return self

    def set_guid(self, guid: str) -> Self:
        self._params["guid"], self._params["uid"] = guid, None
        return self

    def set_limit(self, limit: int) -> Self:
        self._params["limit"] = check_limit(limit)
        return self

    def set_message_id(self, message_id: str | int) -> Self:
        self._params["message_id"] = str(message_id)
        return self

    def set_timestamp(self, timestamp: int) -> Self:
        self._params["timestamp"] = int(timestamp)
        return self

    def set_categories(self, categories: list[str]) -> Self:
        self._params["categories"] = list(categories)
        return self

    def set_types(self, types: list[str]) -> Self:
        self._params["types"] = list(types)
        return self

    def hide_deleted_messages(self, hide: bool = True) -> Self:
        self._params["hideDeleted"] = bool(hide)
        return self

    def set_unread(self, unread: bool = True) -> Self:
        self._params["unread"] = bool(unread)
        return self

    def set_parent_message_id(self, parent_message_id: str | int) -> Self:
        """The replies of that message (``GET messages/{id}/thread``)."""
        self._params["parent"] = str(parent_message_id)
        return self

    def set_category(self, category: str) -> Self:
        return self.set_categories([category])

    def set_type(self, type: str) -> Self:  # noqa: A002 - the JS SDK's name
        return self.set_types([type])

    def set_search_keyword(self, keyword: str) -> Self:
        """Text, caption or attachment name containing ``keyword`` (case-insensitive)."""
        self._params["searchKey"] = keyword
        return self

    def set_updated_after(self, updated_at: int) -> Self:
        """Messages sent or updated after ``updated_at`` (seconds), in update order."""
        self._params["updatedAt"] = int(updated_at)
        return self

    def updates_only(self, only: bool = True) -> Self:
        """With :meth:`set_updated_after`: only messages edited or deleted since."""
        self._params["onlyUpdates"] = bool(only)
        return self

    def hide_replies(self, hide: bool = True) -> Self:
        """Leave thread replies out of a conversation's pages."""
        self._params["hideReplies"] = bool(hide)
        return self

    def with_parent(self, with_parent: bool = True) -> Self:
        """With :meth:`set_parent_message_id`: the parent message too."""
        self._params["withParent"] = bool(with_parent)
        return self

    def has_attachments(self, value: bool = True) -> Self:
        self._params["hasAttachments"] = bool(value)
        return self

    def has_links(self, value: bool = True) -> Self:
        self._params["hasLinks"] = bool(value)
        return self

    def has_mentions(self, value: bool = True) -> Self:
        self._params["hasMentions"] = bool(value)
        return self

    def has_reactions(self, value: bool = True) -> Self:
        self._params["hasReactions"] = bool(value)
        return self

    def set_mentioned_uids(self, uids: list[str]) -> Self:
        """Messages mentioning any of ``uids``."""
        self._params["mentionedUids"] = [str(u) for u in uids]
        return self

    def set_tags(self, tags: list[str]) -> Self:
        """Messages with any of ``tags``."""
        self._params["tags"] = [str(t) for t in tags]
        return self

    def with_tags(self, value: bool = True) -> Self:
        self._params["withTags"] = bool(value)
        return self

    def set_attachment_types(self, types: list[str]) -> Self:
        """Media messages of these types (``image``, ``video``, ``audio``, ``file``)."""
        bad = [t for t in types if t not in MEDIA_TYPES]
        if bad:
            raise InvalidArgumentError(
                f"attachment types are {', '.join(MEDIA_TYPES)}, got {bad!r}",
                code=ErrorCode.INVALID_PARAMETER,
            )
        self._params["attachmentTypes"] = list(types)
        return self

    def mentions_with_tag_info(self, value: bool = True) -> Self:
        """Mentioned users come with their ``tags``."""
        self._params["mentionsWithTagInfo"] = bool(value)
        return self

    def mentions_with_blocked_info(self, value: bool = True) -> Self:
        """Mentioned users come with ``blockedByMe`` / ``hasBlockedMe``."""
        self._params["mentionsWithBlockedInfo"] = bool(value)
        return self

    def hide_messages_from_blocked_users(self, value: bool = True) -> Self:
        self._params["hideMessagesFromBlockedUsers"] = bool(value)
        return self

    def hide_quoted_messages(self, value: bool = True) -> Self:
        self._params["hideQuotedMessages"] = bool(value)
        return self

    def set_interaction_goal_completed_only(self, value: bool = True) -> Self:
        self._params["onlyInteractionGoalCompleted"] = bool(value)
        return self

    def build(self) -> MessagesRequest:
        return MessagesRequest(self._bind(), dict(self._params))

    # camelCase aliases -------------------------------------------------------------
    setUID = set_uid
    setGUID = set_guid
    setLimit = set_limit
    setMessageId = set_message_id
    setTimestamp = set_timestamp
    setCategories = set_categories
    setTypes = set_types
    hideDeletedMessages = hide_deleted_messages
    setUnread = set_unread
    setParentMessageId = set_parent_message_id
    setCategory = set_category
    setType = set_type
    setSearchKeyword = set_search_keyword
    setUpdatedAfter = set_updated_after
    updatesOnly = updates_only
    hideReplies = hide_replies
    withParent = with_parent
    hasAttachments = has_attachments
    hasLinks = has_links
    hasMentions = has_mentions
    hasReactions = has_reactions
    setMentionedUIDs = set_mentioned_uids
    setTags = set_tags
    withTags = with_tags
    setAttachmentTypes = set_attachment_types
    mentionsWithTagInfo = mentions_with_tag_info
    mentionsWithBlockedInfo = mentions_with_blocked_info
    hideMessagesFromBlockedUsers = hide_messages_from_blocked_users
    hideQuotedMessages = hide_quoted_messages
    setInteractionGoalCompletedOnly = set_interaction_goal_completed_only
