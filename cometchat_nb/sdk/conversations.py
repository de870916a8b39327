"""The facade's conversation calls (blocking wrappers of :mod:`..client.api.conversations`)."""

from __future__ import annotations

from ..models import BaseMessage, Conversation, MessageReceipt
from .state import run

__all__ = ["ConversationsFacade"]


class ConversationsFacade:
    """``getConversation``, ``markConversationAsRead``, ``getUnreadMessageCount*`` …
    (``ConversationsRequestBuilder`` is in :mod:`.requests`)."""

    @staticmethod
    def get_conversation(conversation_with: str, conversation_type: str) -> Conversation:
        found: Conversation = run(
            lambda c: c.get_conversation(conversation_with, conversation_type), "CometChat.getConversation()"
        )
        return found

    @staticmethod
    def tag_conversation(
        conversation_with: str, conversation_type: str, tags: list[str] | None = None
    ) -> Conversation:
        tagged: Conversation = run(
            lambda c: c.tag_conversation(conversation_with, conversation_type, tags),
            "CometChat.tagConversation()",
        )
        return tagged

    @staticmethod
    def delete_conversation(conversation_with: str, conversation_type: str) -> str:
        done: str = run(
            lambda c: c.delete_conversation(conversation_with, conversation_type),
            "CometChat.deleteConversation()",
        )
        return done

    @staticmethod
    def get_conversation_from_message(message: BaseMessage) -> Conversation:
        found: Conversation = run(
            lambda c: c.get_conversation_from_message(message), "CometChat.getConversationFromMessage()"
        )
        return found

    @staticmethod
    def mark_conversation_as_read(conversation_with: str, conversation_type: str) -> str:
        done: str = run(
            lambda c: c.mark_conversation_as_read(conversation_with, conversation_type),
            "CometChat.markConversationAsRead()",
        )
        return done

    @staticmethod
    def mark_conversation_as_delivered(conversation_with: str, conversation_type: str) -> str:
        done: str = run(
            lambda c: c.mark_conversation_as_delivered(conversation_with, conversation_type),
            "CometChat.markConversationAsDelivered()",
        )
        return done

    @staticmethod
    def mark_message_as_unread(message: BaseMessage) -> Conversation:
        found: Conversation = run(
            lambda c: c.mark_message_as_unread(message), "CometChat.markMessageAsUnread()"
        )
        return found

    @staticmethod
    def get_message_receipts(message_id: str | int) -> list[MessageReceipt]:
        receipts: list[MessageReceipt] = run(
            lambda c: c.get_message_receipts(message_id), "CometChat.getMessageReceipts()"
        )
        return receipts

    @staticmethod
    def get_unread_message_count(hide_messages_from_blocked_users: bool = False) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = run(
            lambda c: c.get_unread_message_count(hide_messages_from_blocked_users),
            "CometChat.getUnreadMessageCount()",
        )
        return counts

    @staticmethod
    def get_unread_message_count_for_all_users(
        hide_messages_from_blocked_users: bool = False,
    ) -> dict[str, int]:
        counts: dict[str, int] = run(
            lambda c: c.get_unread_message_count_for_all_users(hide_messages_from_blocked_users),
            "CometChat.getUnreadMessageCountForAllUsers()",
        )
        return counts

    @staticmethod
    def get_unread_message_count_for_all_groups(
        hide_messages_from_blocked_users: bool = False,
    ) -> dict[str, int]:
        counts: dict[str, int] = run(
            lambda c: c.get_unread_message_count_for_all_groups(hide_messages_from_blocked_users),
            "CometChat.getUnreadMessageCountForAllGroups()",
        )
        return counts

    @staticmethod
    def get_unread_message_count_for_user(
        uid: str, hide_messages_from_blocked_users: bool = False
    ) -> dict[str, int]:
        counts: dict[str, int] = run(
            lambda c: c.get_unread_message_count_for_user(uid, hide_messages_from_blocked_users),
            "CometChat.getUnreadMessageCountForUser()",
        )
        return counts

    @staticmethod
    def get_unread_message_count_for_group(
        guid: str, hide_messages_from_blocked_users: bool = False
    ) -> dict[str, int]:
        counts: dict[str, int] = run(
            lambda c: c.get_unread_message_count_for_group(guid, hide_messages_from_blocked_users),
            "CometChat.getUnreadMessageCountForGroup()",
        )
        return counts

    # camelCase aliases -------------------------------------------------------------
    getConversation = get_conversation
    tagConversation = tag_conversation
    deleteConversation = delete_conversation
    getConversationFromMessage = get_conversation_from_message
    markConversationAsRead = mark_conversation_as_read
    markConversationAsDelivered = mark_conversation_as_delivered
    markMessageAsUnread = mark_message_as_unread
    getMessageReceipts = get_message_receipts
    getUnreadMessageCount = get_unread_message_count
    getUnreadMessageCountForAllUsers = get_unread_message_count_for_all_users
    getUnreadMessageCountForAllGroups = get_unread_message_count_for_all_groups
    getUnreadMessageCountForUser = get_unread_message_count_for_user
    getUnreadMessageCountForGroup = get_unread_message_count_for_group
