"""Events that are not messages: typing, receipts, transient messages, reactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Final

from ._wire import JSON, check_receiver_type
from .constants import RECEIVER_TYPE
from .reactions import Reaction
from .users import User

__all__ = ["MessageReceipt", "ReactionEvent", "TransientMessage", "TypingIndicator"]


@dataclass(slots=True, eq=True)
class TypingIndicator:
    """``CometChat.TypingIndicator(receiverId, receiverType, metadata)``.

    Outgoing: pass it to ``startTyping``/``endTyping``. Incoming: ``sender``
    is who is typing.
    """

    receiver_id: str
    receiver_type: str = RECEIVER_TYPE.USER
    metadata: JSON | None = None
    sender: User | None = None
    last_timestamp: int | None = None

    def __post_init__(self) -> None:
        check_receiver_type(self.receiver_type)

    def get_receiver_id(self) -> str:
        return self.receiver_id

    def get_receiver_type(self) -> str:
        return self.receiver_type

    def get_metadata(self) -> JSON | None:
        return self.metadata

    def get_sender(self) -> User | None:
        return self.sender

    def get_last_timestamp(self) -> int | None:
        return self.last_timestamp

    def set_metadata(self, metadata: JSON) -> None:
        self.metadata = metadata

    # camelCase aliases -------------------------------------------------------------
    getReceiverId = get_receiver_id
    getReceiverType = get_receiver_type
    getMetadata = get_metadata
    getSender = get_sender
    getLastTimestamp = get_last_timestamp
    setMetadata = set_metadata


@dataclass(slots=True, frozen=True, kw_only=True)
class MessageReceipt:
    """A delivery/read receipt (``CometChat.MessageReceipt``)."""

    RECEIPT_TYPE: ClassVar[type[_ReceiptType]]

    message_id: str
    sender: User
    receiver_id: str
    receiver_type: str
    receipt_type: str
    timestamp: int | None = None
    message_sender: str | None = None
    #: when a read receipt also says when the message was delivered
    #: (``getMessageReceipts``: one entry with ``deliveredAt`` and ``readAt``)
    also_delivered_at: int | None = None

    @property
    def delivered_at(self) -> int | None:
        if self.receipt_type in ("delivery", "deliveredToAll"):
            return self.timestamp
        return self.also_delivered_at

    @property
    def read_at(self) -> int | None:
        return self.timestamp if self.receipt_type in ("read", "readByAll") else None

    def get_message_id(self) -> str:
        return self.message_id

    def get_sender(self) -> User:
        return self.sender

    def get_receiver(self) -> str:
        return self.receiver_id

    def get_receiver_type(self) -> str:
        return self.receiver_type

    def get_receipt_type(self) -> str:
        return self.receipt_type

    def get_timestamp(self) -> int | None:
        return self.timestamp

    def get_delivered_at(self) -> int | None:
        return self.delivered_at

    def get_read_at(self) -> int | None:
        return self.read_at

    # camelCase aliases -------------------------------------------------------------
    getMessageId = get_message_id
    getSender = get_sender
    getReceiver = get_receiver
    getReceiverType = get_receiver_type
    getReceiptType = get_receipt_type
    getTimestamp = get_timestamp
    getDeliveredAt = get_delivered_at
    getReadAt = get_read_at


class _ReceiptType:
    DELIVERY_RECEIPT: Final = "delivery"
    READ_RECEIPT: Final = "read"
    DELIVERED_TO_ALL_RECEIPT: Final = "deliveredToAll"
    READ_BY_ALL_RECEIPT: Final = "readByAll"


MessageReceipt.RECEIPT_TYPE = _ReceiptType


@dataclass(slots=True, frozen=True, kw_only=True)
class TransientMessage:
    """A transient (not stored) message (``CometChat.TransientMessage``)."""

    receiver_id: str
    receiver_type: str
    data: JSON
    sender: User | None = None

    def get_receiver_id(self) -> str:
        return self.receiver_id

    def get_receiver_type(self) -> str:
        return self.receiver_type

    def get_data(self) -> JSON:
        return self.data

    def get_sender(self) -> User | None:
        return self.sender

    # camelCase aliases -------------------------------------------------------------
    getReceiverId = get_receiver_id
    getReceiverType = get_receiver_type
    getData = get_data
    getSender = get_sender


@dataclass(slots=True, frozen=True, kw_only=True)
class ReactionEvent:
    """``CometChat.ReactionEvent``: a reaction added to / removed from a message.

    What ``onMessageReactionAdded`` / ``onMessageReactionRemoved`` receive.
    As in the JS SDK, :meth:`get_reaction` is the :class:`Reaction` (who, what,
    when); the plain fields (``reaction`` the emoji, ``uid`` …) are kept for
    Python code. ``action`` is a :class:`REACTION_ACTION` value.
    """

    action: str
    reaction: str
    message_id: str
    uid: str
    conversation_id: str | None = None
    reacted_at: int | None = None
    reacted_by: User | None = None
    reaction_id: str | None = None
    # copies of the frame's envelope (who the reacted-to message is addressed to), so
    # not part of the event's identity: two frames of one event compare equal
    receiver_id: str | None = field(default=None, compare=False)
    receiver_type: str | None = field(default=None, compare=False)
    parent_message_id: str | None = None

    @property
    def added(self) -> bool:
        return "removed" not in self.action

    def get_reaction(self) -> Reaction:
        return Reaction(
            reaction_id=self.reaction_id,
            message_id=self.message_id,
            reaction=self.reaction,
            uid=self.uid,
            reacted_at=self.reacted_at,
            reacted_by=self.reacted_by,
        )

    def get_message_id(self) -> str:
        return self.message_id

    def get_reacted_by(self) -> User | None:
        return self.reacted_by

    def get_receiver_id(self) -> str | None:
        return self.receiver_id

    def get_receiver_type(self) -> str | None:
        return self.receiver_type

    def get_conversation_id(self) -> str | None:
        return self.conversation_id

    def get_parent_message_id(self) -> str | None:
        return self.parent_message_id

    # camelCase aliases -------------------------------------------------------------
    getReaction = get_reaction
    getMessageId = get_message_id
    getReactedBy = get_reacted_by
    getReceiverId = get_receiver_id
    getReceiverType = get_receiver_type
    getConversationId = get_conversation_id
    getParentMessageId = get_parent_message_id
