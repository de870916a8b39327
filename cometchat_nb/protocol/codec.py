"""CometChat WebSocket frame codec (sans-I/O): text ↔ the frames of :mod:`.frames`.

:func:`decode` turns one text (or bytes) message into a typed, frozen frame;
:func:`encode` gives a frame's text. Malformed input raises
:class:`~cometchat_nb.errors.ProtocolError` with a sentence that says what was
wrong; the caller should log it and keep the connection (a server may answer
with an ``error`` frame, see :class:`~.frames.ErrorFrame`). JSON parsing is
injectable (``loads=orjson.loads``) so this module stays stdlib-only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import fields
from typing import Any, Final

from ..errors import ErrorCode, ProtocolError, short_repr
from ..models import Action, BaseMessage, ReactionEvent, User, message_from_wire
from .frames import (
    _RECEIPT_TYPES,
    _RT_ALIASES,
    JSON,
    PRESENCE_SUBSCRIPTIONS,
    AuthRequest,
    AuthResult,
    ErrorFrame,
    Frame,
    MessageFrame,
    Ping,
    Pong,
    PresenceFrame,
    ReactionFrame,
    ReceiptFrame,
    TransientFrame,
    TypingFrame,
    UnknownFrame,
)

__all__ = ["Loads", "decode", "decode_object", "encode", "message_frame"]

Loads = Callable[[str | bytes], Any]


# ----------------------------------------------------------------------------
# decoding


def _s(obj: JSON, key: str) -> str | None:
    v = obj.get(key)
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    raise ProtocolError(f"frame field {key!r} must be a string, got {type(v).__name__}")


def _int(obj: JSON, key: str) -> int | None:
    v = obj.get(key)
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and math.isfinite(v):  # json.loads accepts Infinity/NaN
        return int(v)
    return None


def _body(obj: JSON, frame_type: str) -> JSON:
    body = obj.get("body")
    if not isinstance(body, dict):
        raise ProtocolError(f"{frame_type!r} frame has no object 'body'")
    return body


def _user(body: JSON, fallback_uid: str | None, frame_type: str) -> User:
    u = body.get("user")
    if isinstance(u, dict):
        return User.from_wire(u)
    if fallback_uid:
        return User(uid=fallback_uid)
    raise ProtocolError(f"{frame_type!r} frame has no 'user' and no 'sender'")


def _receiver_type(obj: JSON) -> str | None:
    rt = _s(obj, "receiverType")
    if rt is None:
        return None
    norm = _RT_ALIASES.get(rt)
    if norm is None:
        raise ProtocolError(f"unknown receiverType {short_repr(rt)} (expected 'user' or 'group')")
    return norm


def _env(obj: JSON) -> dict[str, Any]:
    return {
        "app_id": _s(obj, "appId"),
        "device_id": _s(obj, "deviceId"),
        "sender": _s(obj, "sender"),
        "receiver": _s(obj, "receiver"),
        "receiver_type": _receiver_type(obj),
    }


# The hot path: one ``message`` frame per chat message. Its envelope is nearly always
# plain strings, read here without the generic helpers, and the frozen frame is built
# through its slot descriptors: the dataclass __init__ calls object.__setattr__ once
# per field, which costs more than decoding the rest of the frame.
_STR_OR_NONE: Final = frozenset({str, type(None)})
_MESSAGE_FRAME_FIELDS: Final = ("message", "app_id", "device_id", "sender", "receiver", "receiver_type")
if {f.name for f in fields(MessageFrame)} != set(_MESSAGE_FRAME_FIELDS):  # pragma: no cover - guard
    raise RuntimeError("MessageFrame fields changed: update _MESSAGE_FRAME_FIELDS and _decode_message")
_SET_MESSAGE, _SET_APP_ID, _SET_DEVICE_ID, _SET_SENDER, _SET_RECEIVER, _SET_RECEIVER_TYPE = (
    getattr(MessageFrame, name).__set__ for name in _MESSAGE_FRAME_FIELDS
)


def message_frame(
    message: BaseMessage,
    app_id: str | None,
    device_id: str | None,
    sender: str | None,
    receiver: str | None,
    receiver_type: str | None,
) -> MessageFrame:
    """A :class:`MessageFrame` from checked parts (``receiver_type`` already ``user``/``group``/None).

    For decoders of the hot path: cheaper than the dataclass constructor.
    """
    frame = object.__new__(MessageFrame)
    _SET_MESSAGE(frame, message)
    _SET_APP_ID(frame, app_id)
    _SET_DEVICE_ID(frame, device_id)
    _SET_SENDER(frame, sender)
    _SET_RECEIVER(frame, receiver)
    _SET_RECEIVER_TYPE(frame, receiver_type)
    return frame


def _decode_message(obj: JSON, source: str) -> MessageFrame:
    get = obj.get
    app_id, device_id, sender, receiver = get("appId"), get("deviceId"), get("sender"), get("receiver")
    rt = get("receiverType")
    body = get("body")
    if not (
        type(body) is dict
        and type(app_id) in _STR_OR_NONE
        and type(device_id) in _STR_OR_NONE
        and type(sender) in _STR_OR_NONE
        and type(receiver) in _STR_OR_NONE
        and (rt is None or (type(rt) is str and rt in _RT_ALIASES))
    ):  # numbers to convert, or a field to refuse: the general path says what is wrong
        env = _env(obj)
        return MessageFrame(message=message_from_wire(_body(obj, "message"), source=source), **env)
    message = message_from_wire(body, source=source)
    return message_frame(
        message, app_id, device_id, sender, receiver, None if rt is None else _RT_ALIASES[rt]
    )


def _decode_auth(obj: JSON) -> AuthRequest | AuthResult:
    body = _body(obj, "auth")
    env = _env(obj)
    if "auth" in body:
        jwt = body.get("auth")
        if not isinstance(jwt, str) or not jwt:
            raise ProtocolError("auth frame: 'body.auth' must be a non-empty string (the JWT)")
        sub = body.get("presenceSubscription") or "NONE"
        if sub not in PRESENCE_SUBSCRIPTIONS:
            raise ProtocolError(f"auth frame: unknown presenceSubscription {short_repr(sub)}")
        roles = body.get("roles") or ()
        if not isinstance(roles, (list, tuple)) or not all(isinstance(r, str) for r in roles):
            raise ProtocolError("auth frame: 'body.roles' must be a list of strings")
        params = body.get("params")
        if env["device_id"] is None and isinstance(body.get("deviceId"), str):
            env["device_id"] = body["deviceId"]
        return AuthRequest(
            jwt=jwt,
            presence_subscription=sub,
            roles=tuple(roles),
            params=params if isinstance(params, dict) else {},
            **env,
        )
    error = body.get("error")
    return AuthResult(
        code=_s(body, "code") or "",
        status=_s(body, "status") or "",
        error=error if isinstance(error, dict) else None,
        **env,
    )


def _decode_typing(obj: JSON) -> TypingFrame:
    body = _body(obj, "typing_indicator")
    action = body.get("action")
    if action not in ("started", "ended"):
        raise ProtocolError(
            f"typing_indicator: action must be 'started' or 'ended', got {short_repr(action)}"
        )
    env = _env(obj)
    meta = body.get("metadata")
    return TypingFrame(
        action=action,
        user=_user(body, env["sender"], "typing_indicator"),
        metadata=meta if isinstance(meta, dict) else None,
        **env,
    )


def _decode_receipt(obj: JSON) -> ReceiptFrame:
    body = _body(obj, "receipts")
    action = body.get("action")
    receipt_type = _RECEIPT_TYPES.get(action) if isinstance(action, str) else None
    if receipt_type is None:
        raise ProtocolError(
            f"receipts: unknown action {short_repr(action)} (expected one of {', '.join(_RECEIPT_TYPES)})"
        )
    message_id = _s(body, "messageId")
    if not message_id:
        raise ProtocolError("receipts: 'body.messageId' is missing")
    env = _env(obj)
    return ReceiptFrame(
        receipt_type=receipt_type,
        message_id=message_id,
        user=_user(body, env["sender"], "receipts"),
        message_sender=_s(obj, "messageSender"),
        timestamp=_int(body, "timestamp"),
        **env,
    )


def _decode_presence(obj: JSON) -> PresenceFrame:
    body = _body(obj, "presence")
    action = body.get("action")
    if action not in ("online", "available", "offline"):
        raise ProtocolError(
            f"presence: unknown action {short_repr(action)} (expected online, available or offline)"
        )
    env = _env(obj)
    user = _user(body, env["sender"], "presence")
    ts = _int(body, "timestamp")
    user.status = "offline" if action == "offline" else "online"
    if ts is not None:
        user.last_active_at = ts
    return PresenceFrame(action=action, user=user, timestamp=ts, **env)


def _decode_reaction(obj: JSON) -> ReactionFrame:
    body = _body(obj, "reaction")
    action = _s(body, "action") or ""
    reaction = _s(body, "reaction")
    message_id = _s(body, "messageId")
    if not reaction or not message_id:
        raise ProtocolError("reaction: 'reaction' and 'messageId' are required")
    by = body.get("reactedBy")
    env = _env(obj)
    event = ReactionEvent(
        action=action,
        reaction=reaction,
        message_id=message_id,
        uid=_s(body, "uid") or "",
        conversation_id=_s(body, "conversationId"),
        reacted_at=_int(body, "reactedAt"),
        reacted_by=User.from_wire(by) if isinstance(by, dict) else None,
        reaction_id=_s(body, "id"),
        receiver_id=env["receiver"],
        receiver_type=env["receiver_type"],
        parent_message_id=_s(body, "parentId"),
    )
    return ReactionFrame(event=event, **env)


def decode_object(obj: Any, *, source: str = "live") -> Frame:
    """Decode one already-parsed JSON frame (see :func:`decode`).

    Raises :class:`ProtocolError` for anything that is not a valid frame.
    """
    try:
        return _decode_object(obj, source)
    except RecursionError:
        # A parser with a fixed depth limit (orjson: 1024) can hand us nesting
        # that models.message_from_wire (action → edited message → …) cannot
        # walk on a deep call stack.
        raise ProtocolError("frame is nested too deeply") from None


def _decode_object(obj: Any, source: str) -> Frame:
    if not isinstance(obj, dict):
        raise ProtocolError(f"a frame must be a JSON object, got {type(obj).__name__}")
    frame_type = obj.get("type")
    if frame_type is None:
        action = obj.get("action")
        if action == "ping":
            ack = obj.get("ack", "true")
            return Ping(ack=str(ack))
        if action == "pong":
            return Pong()
        raise ProtocolError("frame has neither 'type' nor a ping/pong 'action'")
    if not isinstance(frame_type, str):
        raise ProtocolError(f"frame 'type' must be a string, got {type(frame_type).__name__}")
    if frame_type == "message":
        return _decode_message(obj, source)
    if frame_type == "typing_indicator":
        return _decode_typing(obj)
    if frame_type == "receipts":
        return _decode_receipt(obj)
    if frame_type == "presence":
        return _decode_presence(obj)
    if frame_type == "auth":
        return _decode_auth(obj)
    if frame_type == "transient_message":
        body = _body(obj, "transient_message")
        env = _env(obj)
        data = body.get("data")
        return TransientFrame(
            user=_user(body, env["sender"], "transient_message"),
            data=data if isinstance(data, dict) else {},
            **env,
        )
    if frame_type == "reaction":
        return _decode_reaction(obj)
    if frame_type == "error":
        body = _body(obj, "error")
        return ErrorFrame(
            code=_s(body, "code") or ErrorCode.UNKNOWN, message=_s(body, "message") or "", **_env(obj)
        )
    raw_body = obj.get("body")
    return UnknownFrame(
        frame_type=frame_type, body=raw_body if isinstance(raw_body, dict) else {}, **_env(obj)
    )


def decode(data: str | bytes, *, loads: Loads = json.loads, source: str = "live") -> Frame:
    """Decode one WebSocket text message into a frame.

    Raises :class:`ProtocolError` for invalid JSON, a non-object, a missing or
    wrongly typed field. The caller decides what to do (the client logs and
    drops the frame; the server answers an :class:`ErrorFrame`).

    The message of a :class:`MessageFrame` (other than an ``Action``) keeps
    ``data`` rather than the parsed JSON: its ``raw`` is parsed again, with
    ``loads``, on first use.
    """
    try:
        obj = loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ProtocolError(f"frame is not valid JSON: {exc}") from None
    if type(obj) is dict and obj.get("type") == "message":  # most frames: straight to their decoder
        try:
            frame: Frame = _decode_message(obj, source)
        except RecursionError:  # see decode_object
            raise ProtocolError("frame is nested too deeply") from None
    else:
        frame = decode_object(obj, source=source)
    if type(frame) is MessageFrame and type(frame.message) is not Action:
        # the message keeps the text and parses its raw JSON again if asked for it
        # (an Action's nested messages share parts of its JSON: it keeps the tree)
        frame.message._keep_frame(data, loads)
    return frame


def encode(frame: Frame, *, dumps: Callable[[Any], str] | None = None) -> str:
    """The text of a frame, ready for ``websocket.send``."""
    obj = frame.to_wire()
    if dumps is None:
        return json.dumps(obj, separators=(",", ":"))
    return dumps(obj)
