"""The facade's typing and receipt calls (blocking wrappers of :mod:`..client.api.transient`)."""

from __future__ import annotations

from ..models import BaseMessage, TypingIndicator
from .state import run

__all__ = ["TransientFacade"]


class TransientFacade:
    """``startTyping``, ``endTyping``, ``markAsDelivered``, ``markAsRead``."""

    @staticmethod
    def start_typing(typingIndicator: TypingIndicator) -> None:
        run(lambda c: c.start_typing(typingIndicator), "CometChat.startTyping()")

    @staticmethod
    def end_typing(typingIndicator: TypingIndicator) -> None:
        run(lambda c: c.end_typing(typingIndicator), "CometChat.endTyping()")

    @staticmethod
    def mark_as_delivered(message: BaseMessage | str, *args: str) -> None:
        run(lambda c: c.mark_as_delivered(message, *args), "CometChat.markAsDelivered()")

    @staticmethod
    def mark_as_read(message: BaseMessage | str, *args: str) -> None:
        run(lambda c: c.mark_as_read(message, *args), "CometChat.markAsRead()")

    # camelCase aliases -------------------------------------------------------------
    startTyping = start_typing
    endTyping = end_typing
    markAsDelivered = mark_as_delivered
    markAsRead = mark_as_read
