"""The socket reader's fast decoder (cometchat_nb.client.wire) gives what the general one gives.

``wire.decode`` reads text-message frames with a typed msgspec decoder and
hands every other frame to ``codec.decode``; for any input the two must give
equal frames (every field of the message, its raw JSON) or both refuse it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cometchat_nb.client import wire
from cometchat_nb.errors import ProtocolError
from cometchat_nb.models import BaseMessage, TextMessage
from cometchat_nb.protocol import codec
from cometchat_nb.protocol.frames import MessageFrame

# JSON values of every kind, with the numbers where msgspec and orjson part ways
# (integers past 64 bits, where orjson reads a float)
_ints = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.sampled_from([2**64, -(2**63) - 1, 10**30, 0, 1, -1]),
)
_scalars = st.one_of(
    st.none(), st.booleans(), _ints, st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=6)
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _field(*likely: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(likely)


_TEXT_DATA = st.fixed_dictionaries(
    {},
    optional={
        "text": _field("hello 🎉", "", None),
        "metadata": _field({"k": 1}, {"big": 10**30}, None),
        "entities": _field({"sender": {"entity": {"uid": "alice"}, "entityType": "user"}}),
        "mentions": _field({"bob": {"uid": "bob"}}, {}),
        "reactions": _field([{"reaction": "👍", "count": 1}]),
    },
)
# well-formed values (and the odd ones CometChat may send) for every key the decoders read
_BODY_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "muid": _field("m-1", None),
    "conversationId": _field("a_user_b", None),
    "sender": _field("alice", None),
    "receiver": _field("bob", None),
    "receiverType": _field("user", "group", "chat", None),
    "sentAt": _field(1796437328, None),
    "updatedAt": _field(1796437329, None),
    "editedAt": _field(1796437330, None),
    "editedBy": _field("alice", None),
    "deletedAt": _field(1796437331, None),
    "deletedBy": _field("alice", None),
    "parentId": _field("9", "", None),
    "parentMessageId": _field("9", "", None),
    "tags": _field(["a", "b"], [], None),
    "metadata": _field({"k": "v"}, {"n": 10**30}, None),
    "text": _field("top", None),
    "data": st.one_of(_TEXT_DATA, _TEXT_DATA, _TEXT_DATA, _field(None, [], "x")),
}
_bodies = st.fixed_dictionaries(
    {
        "id": _field("1", "42"),
        "type": _field(*["text"] * 8, "custom", "image", None),
        "category": _field(*["message"] * 6, None, None, "", "custom", "action", "call"),
    },
    optional=_BODY_FIELDS,
)
_ENVELOPE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "appId": _field("app", None),
    "deviceId": _field("dev-1", None),
    "sender": _field("alice", None),
    "receiver": _field("bob", None),
    "receiverType": _field("user", "group", "groupchat", "team", None),
}
_clean_frames = st.fixed_dictionaries(
    {"type": _field(*["message"] * 8, "typing_indicator", "receipts"), "body": _bodies},
    optional=_ENVELOPE_FIELDS,
)


def _with(frame: dict[str, Any], changes: list[tuple[str, Any]]) -> dict[str, Any]:
    """``frame`` with a few keys of its body (``body.`` …) or envelope set to any JSON value."""
    frame = {**frame, "body": dict(frame["body"])}
    for key, value in changes:
        if key.startswith("body."):
            if isinstance(frame["body"], dict):
                frame["body"][key[5:]] = value
        else:
            frame[key] = value
    return frame


_KEYS = ["body", *_ENVELOPE_FIELDS, *(f"body.{k}" for k in ("id", "type", "category", *_BODY_FIELDS))]
# values a server may send where the SDK expects another type, and the numbers where msgspec and
# orjson part ways (integers past 64 bits: orjson reads a float)
_ODD = st.sampled_from(
    [
        "",
        "17",
        7,
        2**63,
        2**64,
        -(2**63) - 1,
        10**30,
        1.5,
        True,
        None,
        [],
        ["a", 1],
        ["a", 10**30],
        {"uid": "a"},
    ]
)
_frames = st.builds(
    _with, _clean_frames, st.lists(st.tuples(st.sampled_from(_KEYS), st.one_of(_ODD, _json)), max_size=1)
)

_SKIP = {"_raw", "_raw_frame", "_loads", "_sender", "_receiver", "_reader"}


def _slots(cls: type) -> set[str]:
    return {name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())} - _SKIP


def _decoded(data: bytes, decode: Any) -> Any:
    try:
        return decode(data)
    except ProtocolError as exc:
        return ("refused", str(exc))


def _assert_same(data: bytes) -> None:
    fast = _decoded(data, wire.decode)
    slow = _decoded(data, lambda d: codec.decode(d, loads=orjson.loads))
    if type(fast) is wire.TextFrame:
        # a text message the fast path read itself: the message and the sending device
        assert type(slow) is MessageFrame and fast.device_id == slow.device_id
    elif type(slow) is not MessageFrame:
        assert type(fast) is type(slow) and fast == slow
        return
    else:  # a frame the fast path handed to the general decoder
        assert type(fast) is MessageFrame
        assert (fast.app_id, fast.device_id, fast.sender, fast.receiver, fast.receiver_type) == (
            slow.app_id,
            slow.device_id,
            slow.sender,
            slow.receiver,
            slow.receiver_type,
        )
    a, b = fast.message, slow.message
    assert type(a) is type(b)
    for name in sorted(_slots(type(a))):
        assert getattr(a, name) == getattr(b, name), name
    assert a.raw == b.raw
    assert (a.mentioned_uids, a.reactions, a.reply_count) == (b.mentioned_uids, b.reactions, b.reply_count)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(frame=_frames)
@example(frame={"type": "message", "body": {"id": "1", "type": "text", "data": {"text": "hi"}}})
@example(frame={"type": "message", "body": {"id": "1", "type": "text", "text": "top", "data": None}})
@example(frame={"type": "message", "body": {"id": "1", "type": "text", "sentAt": 2**64}})
@example(frame={"type": "message", "body": {"id": "1", "type": "text", "tags": ["a", 10**30]}})
@example(frame={"type": "message", "body": {"id": "1", "type": "text", "metadata": {"n": 10**30}}})
@example(frame={"type": "message", "body": {"id": "1", "type": "text", "data": {"text": "[{" * 600}}})
def test_fast_decoder_gives_the_general_decoders_frame(frame: dict[str, Any]) -> None:
    # the standard library's dumps: orjson refuses to write integers past 64 bits
    _assert_same(json.dumps(frame, ensure_ascii=False).encode())


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b'{"type":"message","body":{"id":"1","type":"text"},}',
        b'{"type":"message","body":{"id":"1","type":"text","data":{"text":"\xff"}}}',
        b'{"type":"message","body":{"id":"1","type":"text","data":{"entities":'
        + b"[" * 1100
        + b"]" * 1100
        + b"}}}",
        # deeper than orjson reads, in a field the typed view skips (msgspec skips it on 3.12+)
        b'{"type":"message","body":{"id":"1","type":"text","data":{"text":"a","entities":'
        + b'{"a":' * 1100
        + b"1"
        + b"}" * 1100
        + b"}}}",
        b'{"action":"pong"}',
        b'{"type":"message","body":{"id":"1","type":"text","sentAt":1e400}}',
        # orjson refuses a number the typed view keeps as raw JSON
        b'{"type":"message","body":{"id":"1","type":"text","data":{"text":"a","metadata":{"x":1e400}}}}',
        b'{"type":"message","body":{"id":"1","type":"text","metadata":[1e400]}}',
    ],
)
def test_fast_decoder_refuses_what_the_general_one_refuses(data: bytes) -> None:
    _assert_same(data)


def test_a_plain_text_message_takes_the_fast_path_and_keeps_its_frame() -> None:
    data = (
        b'{"type":"message","appId":"app","deviceId":"d","receiverType":"chat","body":{"id":"5",'
        b'"type":"text","category":"message","sender":"alice","receiver":"bob","receiverType":"user",'
        b'"sentAt":7,"data":{"text":"hi","metadata":{"k":1},"entities":{"sender":{"entity":'
        b'{"uid":"alice","name":"Alice"},"entityType":"user"}}}}}'
    )
    frame = wire.decode(data)
    assert isinstance(frame, wire.TextFrame) and frame.device_id == "d"
    message = frame.message
    assert type(message) is TextMessage and isinstance(message, BaseMessage)
    assert message._raw is None and message._raw_frame is data  # parsed again only if asked
    assert (message.id, message.text, message.sent_at, message.metadata) == ("5", "hi", 7, {"k": 1})
    assert message.sender is not None and message.sender.name == "Alice"
