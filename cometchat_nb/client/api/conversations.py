"""Conversations over REST: one conversation, its tags, its read/delivered marks,
the unread counts and a message's receipts (README, "Conversations, unread counts
and read state", for the wire).

Return values are what the official JS SDK 4.2 resolves: the mark and delete
calls its fixed sentences, the unread counts plain ``{id: count}`` dicts
(``get_unread_message_count`` ``{"users": {...}, "groups": {...}}``) that leave
out conversations with nothing unread.
"""

from __future__ import annotations

from typing import Any, Final

from ...errors import ErrorCode, InvalidArgumentError, ProtocolError
from ...models import (
    RECEIVER_TYPE,
    BaseMessage,
    Conversation,
    MessageReceipt,
    User,
)
from ...models.conversations import conversation_from_message
from ..requests.conversations import ConversationsRequestBuilder
from .base import ApiBase

__all__ = ["ConversationsApi", "receipts_from_wire", "unread_counts"]

READ_DONE: Final = "Conversation marked as read successfully."
DELIVERED_DONE: Final = "Conversation marked as delivered successfully."
DELETED_DONE: Final = "Conversation deleted successfully."


def _target(conversation_with: Any, conversation_type: Any) -> tuple[str, dict[str, str]]:
    """``("User"|"Group", {"uid"|"guid": id})`` for the ``users/{uid}/…`` or ``groups/{guid}/…``
    endpoints; the id lower-cased as the official SDK sends it."""
    kind = conversation_type.lower() if isinstance(conversation_type, str) else None
    if kind not in (RECEIVER_TYPE.USER, RECEIVER_TYPE.GROUP):
        raise InvalidArgumentError(
            f"conversation type must be 'user' or 'group', got {conversation_type!r}",
            code=ErrorCode.INVALID_RECEIVER_TYPE,
        )
    if not isinstance(conversation_with, str) or not conversation_with.strip():
        raise InvalidArgumentError(f"a {kind} id is needed, got {conversation_with!r}")
    ident = conversation_with.lower()
    return ("Group", {"guid": ident}) if kind == RECEIVER_TYPE.GROUP else ("User", {"uid": ident})


def _flag(hide: Any) -> int:
    if not isinstance(hide, bool):
        raise InvalidArgumentError(f"hide_messages_from_blocked_users must be True or False, got {hide!r}")
    return 1 if hide else 0


def unread_counts(data: Any, entity_type: str | None = None) -> dict[str, int]:
    """``{entityId: count}`` of an ``unread=1&count=1`` answer (``[{entityId, entityType, count}]``),
    only the entries of ``entity_type`` when given."""
    if not isinstance(data, list):
        raise ProtocolError(f"unread counts: expected a list in 'data', got {type(data).__name__}")
    out: dict[str, int] = {}
    for row in data:
        if not isinstance(row, dict) or not isinstance(row.get("entityId"), str):
            raise ProtocolError(f"unread counts: bad entry {row!r}")
        if entity_type is not None and row.get("entityType") != entity_type:
            continue
        count = row.get("count")
        out[row["entityId"]] = int(count) if isinstance(count, (int, str)) and str(count).isdigit() else 0
    return out


def receipts_from_wire(data: Any) -> list[MessageReceipt]:
    """The receipts of a ``GET messages/{id}`` answer (``receipts.data``), one per recipient:
    a read receipt when ``readAt`` is set (keeping ``deliveredAt``), a delivery receipt otherwise."""
    if not isinstance(data, dict):
        raise ProtocolError("getMessageReceipts: expected a message object")
    receipts = data.get("receipts")
    entries = receipts.get("data") if isinstance(receipts, dict) else None
    if not isinstance(entries, list):
        return []
    out: list[MessageReceipt] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("recipient"), dict):
            raise ProtocolError(f"getMessageReceipts: bad receipt {entry!r}")
        read_at, delivered_at = entry.get("readAt"), entry.get("deliveredAt")
        read = isinstance(read_at, int) and read_at > 0
        out.append(
            MessageReceipt(
                message_id=str(data.get("id")),
                sender=User.from_wire(entry["recipient"]),
                receiver_id=str(data.get("receiver")),
                receiver_type=str(data.get("receiverType")),
                receipt_type=MessageReceipt.RECEIPT_TYPE.READ_RECEIPT
                if read
                else MessageReceipt.RECEIPT_TYPE.DELIVERY_RECEIPT,
                timestamp=read_at if read else delivered_at if isinstance(delivered_at, int) else None,
                message_sender=str(data.get("sender")),
                also_delivered_at=delivered_at if read and isinstance(delivered_at, int) else None,
            )
        )
    return out


class ConversationsApi(ApiBase):
    """``getConversation``, ``markConversationAsRead``, ``getUnreadMessageCount*`` … and
    ``ConversationsRequestBuilder``."""

    def conversations_request(self) -> ConversationsRequestBuilder:
        """A ``ConversationsRequestBuilder`` bound to this client."""
        return ConversationsRequestBuilder(self.rest_call)

    async def get_conversation(self, conversation_with: str, conversation_type: str) -> Conversation:
        """The conversation with a user or a group (``ERR_CONVERSATION_NOT_FOUND`` before a message)."""
        kind, path = _target(conversation_with, conversation_type)
        self._bind()
        data, _ = await self.rest_call(f"get{kind}Conversation", path=path)
        return Conversation.from_wire(data)

    async def tag_conversation(
        self, conversation_with: str, conversation_type: str, tags: list[str] | None = None
    ) -> Conversation:
        """Replace the caller's tags on a conversation; the conversation with its new tags."""
        kind, path = _target(conversation_with, conversation_type)
        given: Any = [] if tags is None else tags
        if not isinstance(given, list) or not all(isinstance(t, str) for t in given):
            raise InvalidArgumentError(f"tags must be a list of strings, got {tags!r}")
        self._bind()
        data, _ = await self.rest_call(f"update{kind}Conversation", path=path, body={"tags": given})
        return Conversation.from_wire(data)

    async def delete_conversation(self, conversation_with: str, conversation_type: str) -> str:
        """Remove the conversation from the caller's list (until a newer message)."""
        kind, path = _target(conversation_with, conversation_type)
        self._bind()
        await self.rest_call(f"delete{kind}Conversation", path=path)
        return DELETED_DONE

    async def get_conversation_from_message(self, message: BaseMessage) -> Conversation:
        """The conversation ``message`` belongs to, built locally as the official
        ``CometChatHelper.getConversationFromMessage`` does (nothing unread, no tags)."""
        if not isinstance(message, BaseMessage):
            raise InvalidArgumentError(f"a message is needed, got {type(message).__name__}")
        self._bind()
        session = self._need_session("getConversationFromMessage")
        return conversation_from_message(message, session.uid)

    async def mark_conversation_as_read(self, conversation_with: str, conversation_type: str) -> str:
        """Everything in the conversation is read (and delivered); the others get the read receipt."""
        kind, path = _target(conversation_with, conversation_type)
        self._bind()
        await self.rest_call(f"mark{kind}ConversationAsRead", path=path, body={})
        return READ_DONE

    async def mark_conversation_as_delivered(self, conversation_with: str, conversation_type: str) -> str:
        """Everything in the conversation is delivered."""
        kind, path = _target(conversation_with, conversation_type)
        self._bind()
        await self.rest_call(f"mark{kind}ConversationAsDelivered", path=path, body={})
        return DELIVERED_DONE

    async def mark_message_as_unread(self, message: BaseMessage) -> Conversation:
        """``message`` and everything newer from others is unread again; the conversation."""
        if not isinstance(message, BaseMessage) or message.id is None:
            raise InvalidArgumentError(
                "a received message (with an id) is needed", code=ErrorCode.INVALID_PARAMETER
            )
        self._bind()
        me = self._need_session("markMessageAsUnread").uid
        if message.receiver_type == RECEIVER_TYPE.GROUP:
            endpoint, path = "markGroupMessagesAsUnread", {"guid": message.receiver_id}
        else:
            sender = message.sender.uid if message.sender is not None else None
            other = message.receiver_id if sender == me else sender or message.receiver_id
            endpoint, path = "markUserMessagesAsUnread", {"uid": other}
        data, _ = await self.rest_call(endpoint, path=path, body={"messageId": str(message.id)})
        if not isinstance(data, dict):
            raise ProtocolError("markMessageAsUnread: expected an object in 'data'")
        return Conversation.from_wire(data.get("conversation"))

    async def get_message_receipts(self, message_id: str | int) -> list[MessageReceipt]:
        """Who a message of the caller reached: one receipt per recipient (empty for others' messages)."""
        if (
            isinstance(message_id, bool)
            or not isinstance(message_id, (str, int))
            or not str(message_id).strip()
        ):
            raise InvalidArgumentError(f"a message id is needed, got {message_id!r}")
        self._bind()
        data, _ = await self.rest_call("getMessage", path={"messageId": str(message_id)})
        return receipts_from_wire(data)

    # -- unread counts ---------------------------------------------------------------
    async def get_unread_message_count(
        self, hide_messages_from_blocked_users: bool = False
    ) -> dict[str, dict[str, int]]:
        """``{"users": {uid: n}, "groups": {guid: n}}`` over every conversation with unread messages."""
        query = {
            "unread": 1,
            "count": 1,
            "hideMessagesFromBlockedUsers": _flag(hide_messages_from_blocked_users),
        }
        self._bind()
        data, _ = await self.rest_call("getMessages", query=query)
        return {
            "users": unread_counts(data, RECEIVER_TYPE.USER),
            "groups": unread_counts(data, RECEIVER_TYPE.GROUP),
        }

    async def get_unread_message_count_for_all_users(
        self, hide_messages_from_blocked_users: bool = False
    ) -> dict[str, int]:
        """``{uid: n}`` over the user conversations with unread messages."""
        return await self._counts_by_type(RECEIVER_TYPE.USER, hide_messages_from_blocked_users)

    async def get_unread_message_count_for_all_groups(
        self, hide_messages_from_blocked_users: bool = False
    ) -> dict[str, int]:
        """``{guid: n}`` over the group conversations with unread messages."""
        return await self._counts_by_type(RECEIVER_TYPE.GROUP, hide_messages_from_blocked_users)

    async def get_unread_message_count_for_user(
        self, uid: str, hide_messages_from_blocked_users: bool = False
    ) -> dict[str, int]:
        """``{uid: n}`` for one user conversation (``{}`` when nothing is unread)."""
        if not isinstance(uid, str) or not uid:
            raise InvalidArgumentError(f"a uid is needed, got {uid!r}")
        hide = _flag(hide_messages_from_blocked_users)
        self._bind()
        data, _ = await self.rest_call(
            "getUserMessages",
            path={"uid": uid},
            query={"hideMessagesFromBlockedUsers": hide, "unread": 1, "count": 1, "uid": uid},
        )
        return unread_counts(data)

    async def get_unread_message_count_for_group(
        self, guid: str, hide_messages_from_blocked_users: bool = False
    ) -> dict[str, int]:
        """``{guid: n}`` for one group conversation (``{}`` when nothing is unread)."""
        if not isinstance(guid, str) or not guid:
            raise InvalidArgumentError(f"a guid is needed, got {guid!r}")
        hide = _flag(hide_messages_from_blocked_users)
        self._bind()
        data, _ = await self.rest_call(
            "getGroupMessages",
            path={"guid": guid},
            query={"hideMessagesFromBlockedUsers": hide, "unread": 1, "count": 1, "guid": guid},
        )
        return unread_counts(data, RECEIVER_TYPE.GROUP)

    async def _counts_by_type(self, kind: str, hide: bool) -> dict[str, int]:
        query = {"hideMessagesFromBlockedUsers": _flag(hide), "receiverType": kind, "unread": 1, "count": 1}
        self._bind()
        data, _ = await self.rest_call("getMessages", query=query)
        return unread_counts(data)

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
