"""``MessagesRequestBuilder``: pages of history, before or after a cursor."""

from __future__ import annotations

from typing import Any, Self

from ...errors import InvalidArgumentError
from ...models import BaseMessage, message_from_wire
from ...protocol.rest import Meta
from .base import RestCaller, as_list, check_limit

__all__ = ["MessagesRequest", "MessagesRequestBuilder"]


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
                "hideMessagesFromBlockedUsers": 1 if params.get("hide_blocked") else None,
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
        messages = [message_from_wire(m, source="history") for m in as_list(data, endpoint)]
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
        self._params["hide_deleted"] = bool(hide)
        return self

    def set_unread(self, unread: bool = True) -> Self:
        self._params["unread"] = bool(unread)
        return self

    def hide_messages_from_blocked_users(self, hide: bool = True) -> Self:
        """Leave out what users in a block with the logged-in user sent (group history)."""
        self._params["hide_blocked"] = bool(hide)
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
    hideMessagesFromBlockedUsers = hide_messages_from_blocked_users
