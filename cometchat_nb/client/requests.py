"""Paged requests: messages (history), users, groups, group members.

Builders mirror the JS SDK (``MessagesRequestBuilder().setUID(uid).setLimit(30).build()``);
the built request keeps its cursor, so calling ``fetch_previous()`` again
returns the page before the last one, and an empty page ends the sequence
without another network call (as the JS SDK does with ``meta.cursor``)::

    request = client.messages_request().set_uid("superhero2").set_limit(30).build()
    older = await request.fetch_previous()      # newest 30, oldest first
    older_still = await request.fetch_previous()

The sync facade (:mod:`cometchat_nb.sdk`) wraps the same requests with
blocking ``fetchPrevious()``/``fetchNext()``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Self

from ..errors import InvalidArgumentError, ProtocolError
from ..models import BaseMessage, Group, GroupMember, User, message_from_wire
from ..protocol.rest import Meta

__all__ = [
    "GroupMembersRequest",
    "GroupMembersRequestBuilder",
    "GroupsRequest",
    "GroupsRequestBuilder",
    "MessagesRequest",
    "MessagesRequestBuilder",
    "RestCaller",
    "UsersRequest",
    "UsersRequestBuilder",
]

#: ``await caller(endpoint, path=..., query=...) -> (data, meta)``
RestCaller = Callable[..., Awaitable[tuple[Any, dict[str, Any]]]]

MAX_LIMIT = 100


def _limit(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
        raise InvalidArgumentError(f"limit must be an integer within 1..{MAX_LIMIT}, got {value!r}")
    return value


def _list(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise ProtocolError(f"{what}: expected a list in 'data', got {type(data).__name__}")
    return data


class MessagesRequest:
    """Pages of one conversation's (or all conversations') messages."""

    def __init__(self, caller: RestCaller, params: dict[str, Any]) -> None:
        self._caller = caller
        self._uid: str | None = params.get("uid")
        self._guid: str | None = params.get("guid")
        self.limit: int = params.get("limit", 30)
        self._query = {
            k: v
            for k, v in {
                "categories": params.get("categories"),
                "types": params.get("types"),
                "hideDeleted": params.get("hide_deleted"),
                "unread": params.get("unread"),
            }.items()
            if v
        }
        self._cursor_id: str | None = params.get("message_id")
        self._cursor_sent_at: int | None = params.get("timestamp")
        self._done = {"prepend": False, "append": False}

    def _endpoint(self) -> tuple[str, dict[str, str]]:
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
        messages = [message_from_wire(m, source="history") for m in _list(data, endpoint)]
        if not messages:
            self._done[affix] = True
            return []
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

    fetchPrevious = fetch_previous  # noqa: N815
    fetchNext = fetch_next  # noqa: N815


class MessagesRequestBuilder:
    """``CometChat.MessagesRequestBuilder`` (camelCase and snake_case setters)."""

    def __init__(self, caller: RestCaller | None = None) -> None:
        self._caller = caller
        self._params: dict[str, Any] = {"limit": 30}

    def _bind(self) -> RestCaller:
        if self._caller is None:
            raise InvalidArgumentError("this builder is not bound to a client; use client.messages_request()")
        return self._caller

    def setUID(self, uid: str) -> Self:  # noqa: N802
        self._params["uid"], self._params["guid"] = uid, None
        return self

    def setGUID(self, guid: str) -> Self:  # noqa: N802
        self._params["guid"], self._params["uid"] = guid, None
        return self

    def setLimit(self, limit: int) -> Self:  # noqa: N802
        self._params["limit"] = _limit(limit)
        return self

    def setMessageId(self, message_id: str | int) -> Self:  # noqa: N802
        self._params["message_id"] = str(message_id)
        return self

    def setTimestamp(self, timestamp: int) -> Self:  # noqa: N802
        self._params["timestamp"] = int(timestamp)
        return self

    def setCategories(self, categories: list[str]) -> Self:  # noqa: N802
        self._params["categories"] = list(categories)
        return self

    def setTypes(self, types: list[str]) -> Self:  # noqa: N802
        self._params["types"] = list(types)
        return self

    def hideDeletedMessages(self, hide: bool = True) -> Self:  # noqa: N802
        self._params["hide_deleted"] = bool(hide)
        return self

    def setUnread(self, unread: bool = True) -> Self:  # noqa: N802
        self._params["unread"] = bool(unread)
        return self

    def build(self) -> MessagesRequest:
        return MessagesRequest(self._bind(), dict(self._params))

    set_uid = setUID
    set_guid = setGUID
    set_limit = setLimit
    set_message_id = setMessageId
    set_timestamp = setTimestamp
    set_categories = setCategories
    set_types = setTypes
    hide_deleted_messages = hideDeletedMessages
    set_unread = setUnread


class _PagedRequest:
    """Page-numbered listing (users, groups, members)."""

    endpoint = ""

    def __init__(
        self, caller: RestCaller, params: dict[str, Any], path: dict[str, str] | None = None
    ) -> None:
        self._caller = caller
        self.limit: int = params.pop("limit", 30)
        self._query = {k: v for k, v in params.items() if v is not None}
        self._path = path or {}
        self._page = 0
        self._total_pages: int | None = None

    async def _next_page(self) -> list[Any]:
        if self._total_pages is not None and self._page >= self._total_pages:
            return []
        self._page += 1
        data, meta = await self._caller(
            self.endpoint, path=self._path, query={"per_page": self.limit, "page": self._page, **self._query}
        )
        items = _list(data, self.endpoint)
        self._total_pages = Meta.from_wire(meta).pagination.total_pages if meta else None
        if not items:
            self._total_pages = self._page
        return items


class _PagedBuilder:
    """What the users/groups/members builders share: the limit, a search key, binding."""

    def __init__(self, caller: RestCaller | None = None) -> None:
        self._caller = caller
        self._params: dict[str, Any] = {"limit": 30}

    def _bound(self) -> RestCaller:
        if self._caller is None:
            raise InvalidArgumentError(
                f"this {type(self).__name__} is not bound to a client; use the client's *_request() method"
            )
        return self._caller

    def setLimit(self, limit: int) -> Self:  # noqa: N802
        self._params["limit"] = _limit(limit)
        return self

    def setSearchKeyword(self, keyword: str) -> Self:  # noqa: N802
        self._params["searchKey"] = keyword
        return self

    set_limit = setLimit
    set_search_keyword = setSearchKeyword


class UsersRequest(_PagedRequest):
    endpoint = "users"

    async def fetch_next(self) -> list[User]:
        """The next page of users (empty when there are no more)."""
        return [User.from_wire(u) for u in await self._next_page()]

    fetchNext = fetch_next  # noqa: N815


class UsersRequestBuilder(_PagedBuilder):
    """``CometChat.UsersRequestBuilder``."""

    def setStatus(self, status: str) -> Self:  # noqa: N802
        """Only users with this presence: ``"online"`` (or ``"available"``) or ``"offline"``.

        Sent as CometChat's REST API takes it: ``status=available`` for online users,
        as the official SDKs send ``USER_STATUS.ONLINE``.
        """
        wire = {"online": "available", "available": "available", "offline": "offline"}.get(
            status.lower() if isinstance(status, str) else ""
        )
        if wire is None:
            raise InvalidArgumentError("status must be 'online' (or 'available') or 'offline'")
        self._params["status"] = wire
        return self

    def setRoles(self, roles: list[str]) -> Self:  # noqa: N802
        self._params["roles"] = list(roles)
        return self

    def build(self) -> UsersRequest:
        return UsersRequest(self._bound(), dict(self._params))

    set_status = setStatus
    set_roles = setRoles


class GroupsRequest(_PagedRequest):
    endpoint = "groups"

    async def fetch_next(self) -> list[Group]:
        """The next page of groups."""
        return [Group.from_wire(g) for g in await self._next_page()]

    fetchNext = fetch_next  # noqa: N815


class GroupsRequestBuilder(_PagedBuilder):
    """``CometChat.GroupsRequestBuilder``."""

    def joinedOnly(self, joined: bool = True) -> Self:  # noqa: N802
        self._params["hasJoined"] = bool(joined) or None
        return self

    def build(self) -> GroupsRequest:
        return GroupsRequest(self._bound(), dict(self._params))

    joined_only = joinedOnly


class GroupMembersRequest(_PagedRequest):
    endpoint = "groupMembers"

    async def fetch_next(self) -> list[GroupMember]:
        """The next page of members."""
        return [GroupMember.from_wire(m) for m in await self._next_page()]

    fetchNext = fetch_next  # noqa: N815


class GroupMembersRequestBuilder(_PagedBuilder):
    """``CometChat.GroupMembersRequestBuilder(guid)``."""

    def __init__(self, guid: str, caller: RestCaller | None = None) -> None:
        if not guid:
            raise InvalidArgumentError("GUID cannot be empty")
        super().__init__(caller)
        self._guid = guid

    def build(self) -> GroupMembersRequest:
        return GroupMembersRequest(self._bound(), dict(self._params), {"guid": self._guid})
