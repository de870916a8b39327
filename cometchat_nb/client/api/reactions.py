"""Reactions over REST: add, remove, and list who reacted (``ReactionsRequestBuilder``)."""

from __future__ import annotations

from ...errors import ErrorCode, InvalidArgumentError
from ...models import BaseMessage, message_from_wire
from ..requests import ReactionsRequestBuilder
from .base import ApiBase

__all__ = ["ReactionsApi"]

#: The longest reaction the embedded server takes (README "Reactions").
MAX_REACTION_CHARS = 32


def _checked(message_id: str | int, reaction: str) -> tuple[str, str]:
    if not isinstance(reaction, str) or not reaction:
        raise InvalidArgumentError("a reaction is a non-empty string", code=ErrorCode.MISSING_PARAMETERS)
    mid = str(message_id).strip()
    if not mid:
        raise InvalidArgumentError("a reaction needs a message id", code=ErrorCode.MISSING_PARAMETERS)
    return mid, reaction


class ReactionsApi(ApiBase):
    """``addReaction``, ``removeReaction`` and ``ReactionsRequestBuilder``."""

    async def add_reaction(self, message_id: str | int, reaction: str) -> BaseMessage:
        """React to a message; returns it with its reaction counts as you now see them.

        Everyone who can see the message gets ``onMessageReactionAdded``.
        Reacting again with the same reaction changes nothing.
        """
        self._bind()
        mid, reaction = _checked(message_id, reaction)
        data, _ = await self.rest_call("addReaction", path={"messageId": mid, "reaction": reaction})
        message = message_from_wire(data, source="sent")
        message._set_reader(self.uid)
        return message

    async def remove_reaction(self, message_id: str | int, reaction: str) -> BaseMessage:
        """Take your reaction back; returns the message with its reaction counts."""
        self._bind()
        mid, reaction = _checked(message_id, reaction)
        data, _ = await self.rest_call("removeReaction", path={"messageId": mid, "reaction": reaction})
        message = message_from_wire(data, source="sent")
        message._set_reader(self.uid)
        return message

    def reactions_request(self) -> ReactionsRequestBuilder:
        """A ``ReactionsRequestBuilder`` bound to this client."""
        return ReactionsRequestBuilder(self.rest_call)

    # camelCase aliases -------------------------------------------------------------
    addReaction = add_reaction
    removeReaction = remove_reaction
