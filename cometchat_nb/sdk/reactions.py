"""The facade's reaction calls (blocking wrappers of :mod:`..client.api.reactions`)."""

from __future__ import annotations

from ..models import BaseMessage
from .state import run

__all__ = ["ReactionsFacade"]


class ReactionsFacade:
    """``addReaction``, ``removeReaction`` (``ReactionsRequestBuilder`` is in :mod:`.requests`)."""

    @staticmethod
    def add_reaction(messageId: str | int, reaction: str) -> BaseMessage:
        """React to a message; the message with its reaction counts as you now see them."""
        message: BaseMessage = run(lambda c: c.add_reaction(messageId, reaction), "CometChat.addReaction()")
        return message

    @staticmethod
    def remove_reaction(messageId: str | int, reaction: str) -> BaseMessage:
        """Take your reaction back; the message with its reaction counts."""
        message: BaseMessage = run(
            lambda c: c.remove_reaction(messageId, reaction), "CometChat.removeReaction()"
        )
        return message

    # camelCase aliases -------------------------------------------------------------
    addReaction = add_reaction
    removeReaction = remove_reaction
