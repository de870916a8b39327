"""Conversations: ``Conversation`` (one row of a "Recent chats" list).

The wire form is the conversation object of ``GET conversations`` and
``GET users/{uid}/conversation`` (README, "Conversations, unread counts and read
state"): ``conversationId``, ``conversationType``, ``conversationWith`` (a user or
group JSON), ``lastMessage`` (a message JSON, parsed only when it has an ``id``, as
the official SDK does), ``unreadMessageCount`` (a string on the wire, parsed as an
int), ``unreadMentionsCount``, ``lastReadMessageId``, ``latestMessageId``, ``tags``,
``createdAt``, ``updatedAt``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._wire import JSON, as_object, lenient_dict, lenient_int, lenient_list, lenient_str, put, required_str
from .constants import RECEIVER_TYPE
from .message_kinds import message_from_wire
from .messages import BaseMessage
from .users import Group, User

__all__ = ["Conversation", "conversation_from_message"]


@dataclass(slots=True, eq=True)
class Conversation:
    """``CometChat.Conversation``: the other end, the last message and the unread counts."""

    conversation_id: str
    conversation_type: str
    conversation_with: User | Group
    last_message: BaseMessage | None = None
    unread_message_count: int = 0
    unread_mentions_count: int = 0
    last_read_message_id: str | None = None
    latest_message_id: str | None = None
    tags: list[str] = field(default_factory=list)
    created_at: int | None = None
    updated_at: int | None = None

    @classmethod
    def from_wire(cls, obj: Any) -> Conversation:
        """A conversation object of the REST API (``ProtocolError`` if it has no id,
        type or ``conversationWith``)."""
        o = as_object(obj, "conversation")
        kind = required_str(o, "conversationType", "conversation")
        with_obj = as_object(o.get("conversationWith"), "conversation.conversationWith")
        peer: User | Group = (
            Group.from_wire(with_obj) if kind == RECEIVER_TYPE.GROUP else User.from_wire(with_obj)
        )
        last = lenient_dict(o, "lastMessage")
        return cls(
            conversation_id=required_str(o, "conversationId", "conversation"),
            conversation_type=kind,
            conversation_with=peer,
            last_message=message_from_wire(last, source="history") if last and "id" in last else None,
            unread_message_count=lenient_int(o, "unreadMessageCount") or 0,
            unread_mentions_count=lenient_int(o, "unreadMentionsCount") or 0,
            last_read_message_id=lenient_str(o, "lastReadMessageId"),
            latest_message_id=lenient_str(o, "latestMessageId"),
            tags=lenient_list(o, "tags") or [],
            created_at=lenient_int(o, "createdAt"),
            updated_at=lenient_int(o, "updatedAt"),
        )

    def to_wire(self) -> JSON:
        out: JSON = {
            "conversationId": self.conversation_id,
            "conversationType": self.conversation_type,
            "conversationWith": self.conversation_with.to_wire(),
            "unreadMessageCount": self.unread_message_count,
            "unreadMentionsCount": self.unread_mentions_count,
            "tags": list(self.tags),
        }
        put(out, "lastMessage", self.last_message.to_wire() if self.last_message is not None else None)
        put(out, "lastReadMessageId", self.last_read_message_id)
        put(out, "latestMessageId", self.latest_message_id)
        put(out, "createdAt", self.created_at)
        put(out, "updatedAt", self.updated_at)
        return out

    @property
    def with_id(self) -> str:
        """The uid or guid of the other end."""
        peer = self.conversation_with
        return peer.guid if isinstance(peer, Group) else peer.uid

    # the JS SDK's getters and setters (camelCase aliases at the end) ---------
    def get_conversation_id(self) -> str:
        return self.conversation_id

    def get_conversation_type(self) -> str:
        return self.conversation_type

    def get_conversation_with(self) -> User | Group:
        return self.conversation_with

    def get_last_message(self) -> BaseMessage | None:
        return self.last_message

    def get_unread_message_count(self) -> int:
        return self.unread_message_count

    def get_unread_mentions_count(self) -> int:
        return self.unread_mentions_count

    def get_last_read_message_id(self) -> str | None:
        return self.last_read_message_id

    def get_latest_message_id(self) -> str | None:
        return self.latest_message_id

    def get_tags(self) -> list[str]:
        return self.tags

    def get_created_at(self) -> int | None:
        return self.created_at

    def get_updated_at(self) -> int | None:
        return self.updated_at

    def set_conversation_id(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id

    def set_conversation_type(self, conversation_type: str) -> None:
        self.conversation_type = conversation_type

    def set_conversation_with(self, conversation_with: User | Group) -> None:
        self.conversation_with = conversation_with

    def set_last_message(self, last_message: BaseMessage | None) -> None:
        self.last_message = last_message

    def set_unread_message_count(self, count: int) -> None:
        self.unread_message_count = count

    def set_unread_mentions_count(self, count: int) -> None:
        self.unread_mentions_count = count

    def set_last_read_message_id(self, message_id: str) -> None:
        self.last_read_message_id = message_id

    def set_latest_message_id(self, message_id: str) -> None:
        self.latest_message_id = message_id

    def set_tags(self, tags: list[str]) -> None:
        self.tags = list(tags)

    # camelCase aliases -------------------------------------------------------------
    getConversationId = get_conversation_id
    getConversationType = get_conversation_type
    getConversationWith = get_conversation_with
    getLastMessage = get_last_message
    getUnreadMessageCount = get_unread_message_count
    getUnreadMentionsCount = get_unread_mentions_count
    getLastReadMessageId = get_last_read_message_id
    getLatestMessageId = get_latest_message_id
    getTags = get_tags
    getCreatedAt = get_created_at
    getUpdatedAt = get_updated_at
    setConversationId = set_conversation_id
    setConversationType = set_conversation_type
    setConversationWith = set_conversation_with
    setLastMessage = set_last_message
    setUnreadMessageCount = set_unread_message_count
    setUnreadMentionsCount = set_unread_mentions_count
    setLastReadMessageId = set_last_read_message_id
    setLatestMessageId = set_latest_message_id
    setTags = set_tags


def conversation_from_message(message: BaseMessage, me: str) -> Conversation:
    """The conversation ``message`` belongs to, as seen by ``me`` (what the official
    ``CometChatHelper.getConversationFromMessage`` builds, without a network call):
    its ``conversationId`` and receiver type, the message as the last one, the other
    user (or the group) as ``conversationWith``, nothing unread, no tags."""
    peer: User | Group
    if message.receiver_type == RECEIVER_TYPE.GROUP:
        receiver = message.receiver
        peer = receiver if isinstance(receiver, Group) else Group(guid=message.receiver_id)
    else:
        sender, receiver = message.sender, message.receiver
        if sender is not None and sender.uid != me:
            peer = sender
        elif isinstance(receiver, User):
            peer = receiver
        else:
            peer = User(uid=message.receiver_id)
    return Conversation(
        conversation_id=message.conversation_id or "",
        conversation_type=message.receiver_type,
        conversation_with=peer,
        last_message=message,
    )
