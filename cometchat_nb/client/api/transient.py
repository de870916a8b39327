"""Typing indicators and receipts: socket frames, queued while disconnected (:mod:`..outbound`)."""

from __future__ import annotations

from typing import Literal

from ...errors import ErrorCode, InvalidArgumentError
from ...models import BaseMessage, TypingIndicator
from ..outbound import receipt_frame, typing_frame
from .base import ApiBase

__all__ = ["TransientApi"]


class TransientApi(ApiBase):
    """``startTyping``, ``endTyping``, ``markAsDelivered``, ``markAsRead``."""

    async def start_typing(self, indicator: TypingIndicator) -> None:
        """Tell the receiver you started typing (``CometChat.startTyping``)."""
        await self._typing("started", indicator)

    async def end_typing(self, indicator: TypingIndicator) -> None:
        """Tell the receiver you stopped typing (``CometChat.endTyping``)."""
        await self._typing("ended", indicator)

    async def _typing(self, action: Literal["started", "ended"], indicator: TypingIndicator) -> None:
        self._bind()
        if not isinstance(indicator, TypingIndicator):
            raise InvalidArgumentError("expected a TypingIndicator(receiverId, receiverType)")
        if not self._transient_allowed():
            return
        session = self._need_session("this call")
        await self._outbound.send(
            typing_frame(
                app_id=self.app_id,
                device_id=self.resource,
                user=session.user,
                receiver=indicator.receiver_id,
                receiver_type=indicator.receiver_type,
                action=action,
                metadata=indicator.metadata,
            )
        )

    async def mark_as_delivered(
        self,
        message: BaseMessage | str,
        receiver_id: str | None = None,
        receiver_type: str | None = None,
        sender_id: str | None = None,
    ) -> None:
        """Send a delivery receipt.

        ``markAsDelivered(message)`` or ``markAsDelivered(messageId, receiverId, receiverType, senderId)``.
        """
        await self._receipt("delivery", message, receiver_id, receiver_type, sender_id)

    async def mark_as_read(
        self,
        message: BaseMessage | str,
        receiver_id: str | None = None,
        receiver_type: str | None = None,
        sender_id: str | None = None,
    ) -> None:
        """Send a read receipt.

        ``markAsRead(message)`` or ``markAsRead(messageId, receiverId, receiverType, senderId)``.
        """
        await self._receipt("read", message, receiver_id, receiver_type, sender_id)

    async def _receipt(
        self,
        receipt_type: str,
        message: BaseMessage | str,
        receiver_id: str | None,
        receiver_type: str | None,
        sender_id: str | None,
    ) -> None:
        self._bind()
        if isinstance(message, BaseMessage):
            if message.id is None:
                raise InvalidArgumentError("the message has no id (was it sent?)")
            message_id = message.id
            sender_id = message.sender_uid or sender_id
            receiver_type = message.receiver_type
            receiver_id = message.receiver_id if receiver_type == "group" else sender_id
        else:
            message_id = str(message)
        if not (message_id and receiver_id and receiver_type and sender_id):
            raise InvalidArgumentError(
                "a receipt needs messageId, receiverId, receiverType and senderId",
                code=ErrorCode.MISSING_PARAMETERS,
            )
        if not self._transient_allowed():
            return
        session = self._need_session("this call")
        await self._outbound.send(
            receipt_frame(
                app_id=self.app_id,
                device_id=self.resource,
                user=session.user,
                receiver=receiver_id,
                receiver_type=receiver_type,
                receipt_type=receipt_type,
                message_id=message_id,
                message_sender=sender_id,
            )
        )

    # camelCase aliases -------------------------------------------------------------
    startTyping = start_typing
    endTyping = end_typing
    markAsDelivered = mark_as_delivered
    markAsRead = mark_as_read
