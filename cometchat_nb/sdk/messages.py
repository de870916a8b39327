"""The facade's message calls: send, edit, delete, fetch one (blocking :mod:`..client.api.messages`)."""

from __future__ import annotations

from ..models import BaseMessage, CustomMessage
from .state import current_client, run

__all__ = ["MessagesFacade"]


class MessagesFacade:
    """``sendMessage``, ``editMessage``, ``deleteMessage``, ``getMessageDetails`` …"""

    @staticmethod
    def send_message(message: BaseMessage) -> BaseMessage:
        """Send over REST; returns the stored message (id, sentAt, sender)."""
        sent: BaseMessage = run(lambda c: c.send_message(message), "CometChat.sendMessage()")
        return sent

    @staticmethod
    def send_custom_message(message: CustomMessage) -> BaseMessage:
        sent: BaseMessage = run(lambda c: c.send_custom_message(message), "CometChat.sendCustomMessage()")
        return sent

    @staticmethod
    def edit_message(message: BaseMessage) -> BaseMessage:
        edited: BaseMessage = run(lambda c: c.edit_message(message), "CometChat.editMessage()")
        return edited

    @staticmethod
    def delete_message(messageId: str | int) -> BaseMessage:
        deleted: BaseMessage = run(lambda c: c.delete_message(messageId), "CometChat.deleteMessage()")
        return deleted

    @staticmethod
    def get_message_details(messageId: str | int) -> BaseMessage:
        message: BaseMessage = run(lambda c: c.get_message(messageId), "CometChat.getMessageDetails()")
        return message

    @staticmethod
    def get_last_delivered_message_id() -> str | None:
        return current_client().get_last_delivered_message_id()

    # camelCase aliases -------------------------------------------------------------
    sendMessage = send_message
    sendCustomMessage = send_custom_message
    editMessage = edit_message
    deleteMessage = delete_message
    getMessageDetails = get_message_details
    getLastDeliveredMessageId = get_last_delivered_message_id
