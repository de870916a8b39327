"""``ReactionsRequestBuilder``: pages of a message's reactions, by cursor."""

from __future__ import annotations

from typing import Any, Self

from ...errors import ErrorCode, InvalidArgumentError
from ...models import Reaction
from .base import RestCaller, as_list, check_limit

__all__ = ["ReactionsRequest", "ReactionsRequestBuilder"]


class ReactionsRequest:
    """Who reacted to one message (with one reaction, or any), oldest first.

    As the JS SDK's ``ReactionsRequest``: each answer's ``meta.next`` /
    ``meta.previous`` (``{affix, id}``) is merged into the next ``fetchNext`` /
    ``fetchPrevious`` query (``GET messages/{id}/reactions[/{reaction}]``).
    """

    def __init__(self, caller: RestCaller, params: dict[str, Any]) -> None:
        self._caller = caller
        self.message_id: str = params["message_id"]
        self.reaction: str | None = params.get("reaction")
        self.limit: int = params.get("limit", 10)
        self._cursors: dict[str, dict[str, Any]] = {"append": {}, "prepend": {}}

    async def _fetch(self, affix: str) -> list[Reaction]:
        path = {"messageId": self.message_id}
        endpoint = "getReactions"
        if self.reaction:
            endpoint, path["reaction"] = "getReactionsOfType", self.reaction
        query: dict[str, Any] = {"limit": self.limit, "affix": affix, **self._cursors[affix]}
        data, meta = await self._caller(endpoint, path=path, query=query)
        items = [Reaction.from_wire(r) for r in as_list(data, endpoint)]
        for key, affix_of in (("next", "append"), ("previous", "prepend")):
            cursor = meta.get(key) if isinstance(meta, dict) else None
            if isinstance(cursor, dict) and cursor.get("id") is not None:
                self._cursors[affix_of] = {"affix": affix_of, "id": str(cursor["id"])}
        return items

    async def fetch_next(self) -> list[Reaction]:
        """The next page (the oldest reactions first time)."""
        return await self._fetch("append")

    async def fetch_previous(self) -> list[Reaction]:
        """The page before the cursor."""
        return await self._fetch("prepend")

    def get_limit(self) -> int:
        return self.limit

    def get_message_id(self) -> str:
        return self.message_id

    def get_reaction(self) -> str | None:
        return self.reaction

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next
    fetchPrevious = fetch_previous
    getLimit = get_limit
    getMessageId = get_message_id
    getReaction = get_reaction


class ReactionsRequestBuilder:
    """``CometChat.ReactionsRequestBuilder()``: ``set_message_id`` (required), ``set_reaction``, limit."""

    def __init__(self, caller: RestCaller | None = None) -> None:
        self._caller = caller
        self._params: dict[str, Any] = {"limit": 10}

    def set_message_id(self, message_id: str | int) -> Self:
        self._params["message_id"] = str(message_id)
        return self

    def set_reaction(self, reaction: str) -> Self:
        self._params["reaction"] = reaction
        return self

    def set_limit(self, limit: int) -> Self:
        self._params["limit"] = check_limit(limit)
        return self

    def _checked(self) -> dict[str, Any]:
        if not self._params.get("message_id"):
            raise InvalidArgumentError(
                "ReactionsRequestBuilder needs setMessageId()", code=ErrorCode.MISSING_PARAMETERS
            )
        return dict(self._params)

    def build(self) -> ReactionsRequest:
        if self._caller is None:
            raise InvalidArgumentError(
                "this builder is not bound to a client; use client.reactions_request()"
            )
        return ReactionsRequest(self._caller, self._checked())

    # camelCase aliases -------------------------------------------------------------
    setMessageId = set_message_id
    setReaction = set_reaction
    setLimit = set_limit
