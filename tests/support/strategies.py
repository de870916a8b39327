"""Hypothesis strategies shared by the protocol tests.

Two families:

* *junk*: arbitrary JSON values whose dict keys and string values are drawn
  mostly from the real wire vocabulary, so the fuzzers reach deep into the
  decoders instead of bouncing off the first ``isinstance`` check;
* *valid*: well-formed frames and models, for round-trip properties.

and the totality checks the fuzzers share: :func:`touch` (everything a listener
might read works on a decoded frame) and :func:`decode_object_total`.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from cometchat_nb.errors import ErrorCode, ProtocolError
from cometchat_nb.models import ReactionEvent, User, message_from_wire
from cometchat_nb.protocol import frames
from cometchat_nb.protocol.codec import decode_object, encode

FRAME_TYPES = (
    "auth",
    "message",
    "typing_indicator",
    "receipts",
    "presence",
    "transient_message",
    "reaction",
    "error",
    "notification_feed_item",
)

KEYS = (
    # envelope
    "type",
    "action",
    "ack",
    "appId",
    "deviceId",
    "sender",
    "receiver",
    "receiverType",
    "messageSender",
    "body",
    # bodies
    "auth",
    "presenceSubscription",
    "roles",
    "params",
    "code",
    "status",
    "error",
    "message",
    "user",
    "metadata",
    "messageId",
    "timestamp",
    "data",
    "reaction",
    "reactedBy",
    "reactedAt",
    "conversationId",
    # users, groups, messages
    "uid",
    "guid",
    "name",
    "lastActiveAt",
    "statusMessage",
    "tags",
    "scope",
    "joinedAt",
    "hasJoined",
    "membersCount",
    "id",
    "muid",
    "category",
    "text",
    "customData",
    "url",
    "attachments",
    "entities",
    "entity",
    "entityType",
    "by",
    "on",
    "for",
    "sessionid",
    "sentAt",
    "updatedAt",
    "editedAt",
    "deletedAt",
    "readAt",
    "deliveredAt",
    "replyCount",
    "parentId",
    "parentMessageId",
    "subType",
    "oldScope",
    "newScope",
    "extras",
    "scope",
    "old",
    "new",
    # rest
    "pagination",
    "cursor",
    "total",
    "per_page",
    "current_page",
    "total_pages",
    "affix",
    "details",
)

VALUES = (
    *FRAME_TYPES,
    "ping",
    "pong",
    "true",
    "200",
    "OK",
    "NONE",
    "ALL_USERS",
    "ROLES",
    "FRIENDS",
    "started",
    "ended",
    "delivered",
    "read",
    "deliveredToAll",
    "readByAll",
    "online",
    "available",
    "offline",
    "user",
    "group",
    "chat",
    "groupchat",
    "text",
    "custom",
    "action",
    "call",
    "interactive",
    "image",
    "groupMember",
    "edited",
    "deleted",
    "joined",
    "initiated",
    "message_reaction_added",
    "AUTH_ERR_AUTH_TOKEN_NOT_FOUND",
    "1",
    "",
    "²",
    "--5",
    "-3",
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and ±inf included: json.loads produces them from NaN/Infinity
    | st.text(max_size=8)
    | st.sampled_from(VALUES)
)
keys = st.sampled_from(KEYS) | st.text(max_size=6)

json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=25,
)

# cheaper values for the many optional fields of the shaped strategies below
field_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=2) | st.dictionaries(keys, children, max_size=3),
    max_leaves=4,
)


def _optional_dict(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


# junk that is *shaped* like the real thing, so every decoder branch is reached:
# each frame type gets a body with that type's keys; the fields that gate
# decoding (action, user, ids) are usually valid, and numbers include the
# awkward ones (NaN, ±inf, "²", "--5" ...). Junk stays in every position, less often.
numberish = st.one_of(
    st.integers(),
    st.floats(),
    st.sampled_from(
        [math.inf, -math.inf, math.nan, 1.5, 2**70, "12", "²", "--5", "-3", "", "1e3", "0x10", True, None]
    ),
)


def _mostly(
    valid: st.SearchStrategy[Any], junk: st.SearchStrategy[Any] | None = None
) -> st.SearchStrategy[Any]:
    """``valid`` about four times in five, else ``junk`` (default: any small JSON)."""
    other = junk if junk is not None else field_values
    return st.integers(0, 4).flatmap(lambda n: valid if n else other)


def _choice(*choices: Any) -> st.SearchStrategy[Any]:
    return _mostly(st.sampled_from(choices))


def _shaped(required: dict[str, Any], optional: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(required, optional=optional)


user_like = _shaped(
    {"uid": _choice("u1", "0", 7, "")},
    {
        "name": field_values,
        "status": _choice("online", "offline", "away"),
        "lastActiveAt": numberish,
        "metadata": field_values,
        "tags": field_values,
        "guid": field_values,
        "scope": field_values,
        "joinedAt": numberish,
        "hasJoined": field_values,
        "membersCount": numberish,
    },
)
_user = _mostly(user_like)
entity_like = _shaped(
    {"entity": _user, "entityType": _choice("user", "group", "message", "call")},
    {},
)
message_like: st.SearchStrategy[dict[str, Any]] = st.deferred(
    lambda: _shaped(
        {"id": _choice("100", 7, "", 1.5)},
        {
            "category": _choice("message", "custom", "action", "call", "interactive"),
            "type": _choice("text", "custom", "image", "groupMember", "message"),
            "sender": _choice("superhero2"),
            "receiver": _choice("superhero1"),
            "receiverType": _choice("user", "group"),
            "sentAt": numberish,
            "updatedAt": numberish,
            "readAt": numberish,
            "replyCount": numberish,
            "tags": field_values,
            "metadata": field_values,
            "parentId": field_values,
            "data": _mostly(
                _shaped(
                    {},
                    {
                        "text": field_values,
                        "customData": field_values,
                        "metadata": field_values,
                        "url": field_values,
                        "attachments": field_values,
                        "action": field_values,
                        "entities": _mostly(
                            _shaped(
                                {},
                                {
                                    "sender": entity_like,
                                    "receiver": entity_like,
                                    "by": entity_like,
                                    "for": entity_like,
                                    "on": entity_like
                                    | st.fixed_dictionaries(
                                        {"entityType": st.just("message"), "entity": message_like}
                                    ),
                                },
                            )
                        ),
                    },
                )
            ),
        },
    )
)
BODIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "auth": _shaped(
        {"auth": _choice("jwt", "")},
        {
            "deviceId": field_values,
            "presenceSubscription": _choice("NONE", "ALL_USERS", "ROLES", "FRIENDS", "X"),
            "roles": _mostly(st.lists(st.text(max_size=3), max_size=3)),
            "params": field_values,
        },
    )
    | _shaped({}, {"code": _choice("200", 200), "status": _choice("OK"), "error": field_values}),
    "message": message_like,
    "typing_indicator": _shaped(
        {"action": _choice("started", "ended"), "user": _user}, {"metadata": field_values}
    ),
    "receipts": _shaped(
        {
            "action": _choice("delivered", "read", "deliveredToAll", "readByAll", "seen"),
            "messageId": _mostly(st.sampled_from(["105", "", 105]), numberish),
            "user": _user,
        },
        {"timestamp": numberish},
    ),
    "presence": _shaped(
        {"action": _choice("online", "available", "offline", "away"), "user": _user},
        {"timestamp": numberish},
    ),
    "transient_message": _shaped({"user": _user}, {"data": field_values}),
    "reaction": _shaped(
        {"reaction": _choice("👍", ""), "messageId": _mostly(st.sampled_from(["100", ""]), numberish)},
        {
            "action": _choice("message_reaction_added", "message_reaction_removed"),
            "uid": field_values,
            "conversationId": field_values,
            "reactedAt": numberish,
            "reactedBy": _user,
        },
    ),
    "error": _shaped({}, {"code": field_values, "message": field_values}),
}
_text = st.text(max_size=5)
_ENVELOPE = {
    "appId": _mostly(_text),
    "deviceId": _mostly(_text),
    "sender": _mostly(st.just("superhero1")),
    "receiver": _mostly(_text),
    "receiverType": _choice("user", "group", "chat", "groupchat", "channel"),
    "messageSender": _mostly(_text),
}
frame_like: st.SearchStrategy[dict[str, Any]] = st.one_of(
    *[
        st.fixed_dictionaries({"type": st.just(t), "body": _mostly(body)}, optional=_ENVELOPE)
        for t, body in BODIES.items()
    ],
    st.fixed_dictionaries(
        {"type": st.sampled_from(FRAME_TYPES) | field_values}, optional={**_ENVELOPE, "body": field_values}
    ),
    st.fixed_dictionaries({"action": _choice("ping", "pong")}, optional={"ack": field_values}),
)


# ----------------------------------------------------------------------------
# valid values, for round trips

# JSON that survives a trip through json.dumps/json.loads unchanged (no NaN)
finite_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
json_objects = st.dictionaries(st.text(max_size=5), finite_json, max_size=4)
ids = st.text(min_size=1, max_size=12)
opt_text = st.none() | st.text(max_size=12)
opt_int = st.none() | st.integers(min_value=0, max_value=2**53)


@st.composite
def users(draw: st.DrawFn, status: st.SearchStrategy[str | None] | None = None) -> User:
    return User(
        uid=draw(ids),
        name=draw(opt_text),
        avatar=draw(opt_text),
        link=draw(opt_text),
        role=draw(opt_text),
        # User.from_wire maps every status but "offline" to "online"
        status=draw(status if status is not None else st.sampled_from([None, "online", "offline"])),
        status_message=draw(opt_text),
        metadata=draw(st.none() | json_objects),
        last_active_at=draw(opt_int),
        tags=draw(st.none() | st.lists(st.text(max_size=5), max_size=3)),
    )


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "app_id": draw(opt_text),
        "device_id": draw(opt_text),
        "sender": draw(opt_text),
        "receiver": draw(opt_text),
        "receiver_type": draw(st.sampled_from([None, "user", "group"])),
    }


@st.composite
def message_bodies(draw: st.DrawFn) -> dict[str, Any]:
    category, mtype = draw(
        st.sampled_from(
            [
                ("message", "text"),
                ("message", "custom"),
                ("message", "image"),
                ("message", "file"),
                ("custom", "location"),
                ("action", "groupMember"),
                ("call", "audio"),
                ("interactive", "form"),
            ]
        )
    )
    data: dict[str, Any] = {"metadata": draw(json_objects)}
    if mtype == "text":
        data["text"] = draw(st.text(max_size=20))
    elif category == "custom" or mtype == "custom":
        data["customData"] = draw(json_objects)
    elif category == "action":
        data["action"] = draw(st.sampled_from(["joined", "left", "kicked"]))
    body: dict[str, Any] = {
        "id": draw(st.integers(min_value=1, max_value=10**9).map(str)),
        "conversationId": draw(st.text(max_size=20)),
        "sender": draw(ids),
        "receiver": draw(ids),
        "receiverType": draw(st.sampled_from(["user", "group"])),
        "category": category,
        "type": mtype,
        "data": data,
        "sentAt": draw(st.integers(min_value=0, max_value=2**40)),
    }
    return body


@st.composite
def valid_frames(draw: st.DrawFn) -> frames.Frame:
    env = draw(envelopes())
    kind = draw(
        st.sampled_from(
            [
                "auth_request",
                "auth_result",
                "ping",
                "pong",
                "message",
                "typing",
                "receipt",
                "presence",
                "transient",
                "reaction",
                "error",
                "unknown",
            ]
        )
    )
    if kind == "auth_request":
        sub = draw(st.sampled_from(frames.PRESENCE_SUBSCRIPTIONS))
        return frames.AuthRequest(
            jwt=draw(ids),
            presence_subscription=sub,
            roles=tuple(draw(st.lists(st.text(max_size=6), max_size=3))) if sub == "ROLES" else (),
            params=draw(json_objects),
            **env,
        )
    if kind == "auth_result":
        ok = draw(st.booleans())
        return frames.AuthResult(
            code="200" if ok else draw(st.text(max_size=4)),
            status="OK" if ok else draw(st.text(max_size=4)),
            error=None if ok else {"code": draw(ids), "message": draw(st.text(max_size=10))},
            **env,
        )
    if kind == "ping":
        return frames.Ping(ack=draw(st.sampled_from(["true", "false"])))
    if kind == "pong":
        return frames.Pong()
    if kind == "message":
        return frames.MessageFrame(message=message_from_wire(draw(message_bodies())), **env)
    if kind == "typing":
        return frames.TypingFrame(
            action=draw(st.sampled_from(["started", "ended"])),
            user=draw(users()),
            metadata=draw(st.none() | json_objects),
            **env,
        )
    if kind == "receipt":
        return frames.ReceiptFrame(
            receipt_type=draw(st.sampled_from(["delivery", "read", "deliveredToAll", "readByAll"])),
            message_id=draw(ids),
            user=draw(users()),
            message_sender=draw(opt_text),
            timestamp=draw(opt_int),
            **env,
        )
    if kind == "presence":
        action = draw(st.sampled_from(["online", "available", "offline"]))
        ts = draw(opt_int)
        user = draw(users(status=st.just("offline" if action == "offline" else "online")))
        if ts is not None:
            user.last_active_at = ts  # the decoder copies the timestamp into the user
        return frames.PresenceFrame(action=action, user=user, timestamp=ts, **env)
    if kind == "transient":
        return frames.TransientFrame(user=draw(users()), data=draw(json_objects), **env)
    if kind == "reaction":
        event = ReactionEvent(
            action=draw(st.sampled_from(["message_reaction_added", "message_reaction_removed"])),
            reaction=draw(ids),
            message_id=draw(ids),
            uid=draw(st.text(max_size=8)),
            conversation_id=draw(opt_text),
            reacted_at=draw(opt_int),
            reacted_by=draw(st.none() | users()),
        )
        return frames.ReactionFrame(event=event, **env)
    if kind == "error":
        return frames.ErrorFrame(code=draw(ids), message=draw(st.text(max_size=20)), **env)
    frame_type = draw(st.text(min_size=1, max_size=10).filter(lambda t: t not in FRAME_TYPES))
    return frames.UnknownFrame(frame_type=frame_type, body=draw(json_objects), **env)


# -- totality checks -------------------------------------------------------------------

FRAME_CLASSES = (
    frames.AuthRequest,
    frames.AuthResult,
    frames.Ping,
    frames.Pong,
    frames.MessageFrame,
    frames.TypingFrame,
    frames.ReceiptFrame,
    frames.PresenceFrame,
    frames.TransientFrame,
    frames.ReactionFrame,
    frames.ErrorFrame,
    frames.UnknownFrame,
)


def touch(frame: frames.Frame) -> None:
    """Everything a listener might read must work on a decoded frame."""
    assert isinstance(frame, FRAME_CLASSES)
    encode(frame)
    if isinstance(frame, frames.MessageFrame):
        m = frame.message
        for getter in (
            m.getId,
            m.getSender,
            m.getReceiver,
            m.getReceiverId,
            m.getReceiverType,
            m.getSentAt,
            m.getConversationId,
            m.getMetadata,
            m.getTags,
            m.getDeliveredAt,
            m.getReadAt,
            m.getEditedAt,
            m.getDeletedAt,
            m.getEditedBy,
            m.getReplyCount,
            m.getParentMessageId,
            m.getData,
        ):
            getter()
        assert isinstance(m.getId(), str)
        meta = m.getMetadata()
        assert meta is None or isinstance(meta, dict)
        m.to_wire()
        repr(m)
    elif isinstance(frame, frames.TypingFrame):
        assert frame.indicator.receiver_type in ("user", "group")
    elif isinstance(frame, frames.ReceiptFrame):
        r = frame.receipt
        r.getDeliveredAt()
        r.getReadAt()
    elif isinstance(frame, frames.TransientFrame):
        frame.transient.getData()
    elif isinstance(frame, frames.PresenceFrame):
        assert frame.user.status in ("online", "offline")


def decode_object_total(obj: Any) -> None:
    """``decode_object(obj)`` gives a frame that :func:`touch` can read, or a short ProtocolError."""
    try:
        frame = decode_object(obj)
    except ProtocolError as exc:
        assert exc.message and exc.code == ErrorCode.PROTOCOL_ERROR
        assert len(exc.message) < 1000
        return
    touch(frame)
