"""CometChat WebSocket frames (sans-I/O): one typed, frozen class per frame.

Every frame is a JSON text message. Frames the server pushes share one
envelope (protocol.md §4.3)::

    {"appId", "type", "sender"?, "receiver"?, "receiverType"?, "deviceId",
     "messageSender"?, "body": {...}}

Keepalive frames are the exception: ``{"action": "ping", "ack": "true"}`` and
``{"action": "pong"}``.

Each frame's :meth:`to_wire` gives its JSON object;
:mod:`cometchat_nb.protocol.codec` turns text into frames (``decode``) and
frames into text (``encode``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ..models import (
    BaseMessage,
    MessageReceipt,
    ReactionEvent,
    TransientMessage,
    TypingIndicator,
    User,
)

__all__ = [
    "PRESENCE_SUBSCRIPTIONS",
    "AuthRequest",
    "AuthResult",
    "CloseCode",
    "ErrorFrame",
    "Frame",
    "MessageFrame",
    "Ping",
    "Pong",
    "PresenceFrame",
    "ReactionFrame",
    "ReceiptFrame",
    "TransientFrame",
    "TypingFrame",
    "UnknownFrame",
]

JSON = dict[str, Any]

PRESENCE_SUBSCRIPTIONS: Final = ("NONE", "ALL_USERS", "ROLES", "FRIENDS")


class CloseCode:
    """WebSocket close codes used by the embedded server and understood by the client.

    ========  ===========================================  ====================
    code      meaning                                      client reaction
    ========  ===========================================  ====================
    1000      normal close (``disconnect()``, logout)       none
    1001      server going away (shutdown)                  reconnect
    1008      policy violation (malformed frames)            reconnect
    1009      frame too big                                  reconnect
    1011      server error                                   reconnect
    4000      server asks the client to reconnect            reconnect
    4001      authentication failed (bad/missing JWT)        terminal: FAILED
    4002      no auth frame within the handshake timeout     reconnect
    4003      session revoked (token deleted, user logout)   terminal: FAILED
    ========  ===========================================  ====================
    """

    NORMAL: Final = 1000
    GOING_AWAY: Final = 1001
    POLICY_VIOLATION: Final = 1008
    MESSAGE_TOO_BIG: Final = 1009
    INTERNAL_ERROR: Final = 1011
    RECONNECT: Final = 4000
    AUTH_FAILED: Final = 4001
    AUTH_TIMEOUT: Final = 4002
    SESSION_REVOKED: Final = 4003

    TERMINAL: Final = frozenset({AUTH_FAILED, SESSION_REVOKED})

    @classmethod
    def is_terminal(cls, code: int | None) -> bool:
        """True if a close with this code must not be retried."""
        return code in cls.TERMINAL


# Receiver types the JS SDK may put in a typing frame (endTyping quirk).
_RT_ALIASES: Final = {"user": "user", "group": "group", "chat": "user", "groupchat": "group"}
# Receipt actions on the wire → MessageReceipt.receipt_type.
_RECEIPT_TYPES: Final = {
    "delivered": "delivery",
    "read": "read",
    "deliveredToAll": "deliveredToAll",
    "readByAll": "readByAll",
}
_RECEIPT_ACTIONS: Final = {v: k for k, v in _RECEIPT_TYPES.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Envelope:
    app_id: str | None = None
    device_id: str | None = None
    sender: str | None = None
    receiver: str | None = None
    receiver_type: str | None = None

    def _envelope(self, frame_type: str) -> JSON:
        out: JSON = {"type": frame_type}
        if self.app_id is not None:
            out["appId"] = self.app_id
        if self.receiver is not None:
            out["receiver"] = self.receiver
        if self.receiver_type is not None:
            out["receiverType"] = self.receiver_type
        if self.device_id is not None:
            out["deviceId"] = self.device_id
        if self.sender is not None:
            out["sender"] = self.sender
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthRequest(_Envelope):
    """Client → server, right after the socket opens. ``jwt`` is from ``PUT me``
    (a credential: left out of the repr)."""

    jwt: str = field(repr=False)
    presence_subscription: str = "NONE"
    roles: tuple[str, ...] = ()
    params: JSON = field(default_factory=dict)

    def to_wire(self) -> JSON:
        out = self._envelope("auth")
        body: JSON = {
            "auth": self.jwt,
            "deviceId": self.device_id,
            "presenceSubscription": self.presence_subscription,
            "params": self.params,
        }
        if self.roles:
            body["roles"] = list(self.roles)
        out["body"] = body
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthResult(_Envelope):
    """Server → client answer to :class:`AuthRequest`.

    Success is ``code == "200"`` and ``status == "OK"`` (strings, as the JS SDK
    compares them); a refusal carries ``error`` with a CometChat code/message
    and is followed by a close with :attr:`CloseCode.AUTH_FAILED`.
    """

    code: str = "200"
    status: str = "OK"
    error: JSON | None = None

    @property
    def ok(self) -> bool:
        return self.code == "200" and self.status == "OK"

    def to_wire(self) -> JSON:
        out = self._envelope("auth")
        body: JSON = {"code": self.code, "status": self.status}
        if self.error is not None:
            body["error"] = self.error
        out["body"] = body
        return out


@dataclass(frozen=True, slots=True)
class Ping:
    """Client → server keepalive. The server must answer :class:`Pong` at once."""

    ack: str = "true"

    def to_wire(self) -> JSON:
        return {"action": "ping", "ack": self.ack}


@dataclass(frozen=True, slots=True)
class Pong:
    """Server → client keepalive answer."""

    def to_wire(self) -> JSON:
        return {"action": "pong"}


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageFrame(_Envelope):
    """A message (text, custom, media, action, call) pushed to a recipient."""

    message: BaseMessage

    def to_wire(self) -> JSON:
        out = self._envelope("message")
        out["body"] = self.message.raw or self.message.to_wire()
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class TypingFrame(_Envelope):
    """Typing started/ended, either direction. ``user`` is the typist."""

    action: Literal["started", "ended"]
    user: User
    metadata: JSON | None = None

    @property
    def indicator(self) -> TypingIndicator:
        return TypingIndicator(
            receiver_id=self.receiver or "",
            receiver_type=self.receiver_type or "user",
            metadata=self.metadata,
            sender=self.user,
        )

    def to_wire(self) -> JSON:
        out = self._envelope("typing_indicator")
        body: JSON = {"action": self.action, "user": self.user.to_wire()}
        if self.metadata is not None:
            body["metadata"] = self.metadata
        out["body"] = body
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptFrame(_Envelope):
    """A delivery/read receipt, either direction.

    ``receipt_type`` is ``delivery``/``read``/``deliveredToAll``/``readByAll``;
    ``user`` sent the receipt; ``message_sender`` wrote the message.
    """

    receipt_type: str
    message_id: str
    user: User
    message_sender: str | None = None
    timestamp: int | None = None

    @property
    def receipt(self) -> MessageReceipt:
        return MessageReceipt(
            message_id=self.message_id,
            sender=self.user,
            receiver_id=self.receiver or "",
            receiver_type=self.receiver_type or "user",
            receipt_type=self.receipt_type,
            timestamp=self.timestamp,
            message_sender=self.message_sender,
        )

    def to_wire(self) -> JSON:
        out = self._envelope("receipts")
        if self.message_sender is not None:
            out["messageSender"] = self.message_sender
        body: JSON = {
            "action": _RECEIPT_ACTIONS.get(self.receipt_type, self.receipt_type),
            "messageId": self.message_id,
            "user": self.user.to_wire(),
        }
        if self.timestamp is not None:
            body["timestamp"] = self.timestamp
        out["body"] = body
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class PresenceFrame(_Envelope):
    """Server → client: a user came online or went offline."""

    action: str
    user: User
    timestamp: int | None = None

    @property
    def online(self) -> bool:
        return self.action != "offline"

    def to_wire(self) -> JSON:
        out = self._envelope("presence")
        body: JSON = {"action": self.action, "user": self.user.to_wire()}
        if self.timestamp is not None:
            body["timestamp"] = self.timestamp
        out["body"] = body
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class TransientFrame(_Envelope):
    """A transient message, either direction (never stored)."""

    user: User
    data: JSON = field(default_factory=dict)

    @property
    def transient(self) -> TransientMessage:
        return TransientMessage(
            receiver_id=self.receiver or "",
            receiver_type=self.receiver_type or "user",
            data=self.data,
            sender=self.user,
        )

    def to_wire(self) -> JSON:
        out = self._envelope("transient_message")
        out["body"] = {"user": self.user.to_wire(), "data": self.data}
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionFrame(_Envelope):
    """Server → client: a reaction was added to or removed from a message."""

    event: ReactionEvent

    def to_wire(self) -> JSON:
        out = self._envelope("reaction")
        e = self.event
        body: JSON = {
            "action": e.action,
            "reaction": e.reaction,
            "messageId": e.message_id,
            "uid": e.uid,
        }
        if e.conversation_id is not None:
            body["conversationId"] = e.conversation_id
        if e.reacted_at is not None:
            body["reactedAt"] = e.reacted_at
        if e.reacted_by is not None:
            body["reactedBy"] = e.reacted_by.to_wire()
        if e.reaction_id is not None:
            body["id"] = e.reaction_id
        if e.parent_message_id is not None:
            body["parentId"] = e.parent_message_id
        out["body"] = body
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorFrame(_Envelope):
    """Server → client: a frame the client sent was refused (the socket stays up)."""

    code: str
    message: str

    def to_wire(self) -> JSON:
        out = self._envelope("error")
        out["body"] = {"code": self.code, "message": self.message}
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownFrame(_Envelope):
    """A well-formed frame of a type this SDK does not handle (kept, not an error)."""

    frame_type: str
    body: JSON

    def to_wire(self) -> JSON:
        out = self._envelope(self.frame_type)
        out["body"] = self.body
        return out


Frame = (
    AuthRequest
    | AuthResult
    | Ping
    | Pong
    | MessageFrame
    | TypingFrame
    | ReceiptFrame
    | PresenceFrame
    | TransientFrame
    | ReactionFrame
    | ErrorFrame
    | UnknownFrame
)
