"""Property tests: the frame decoder is total (a Frame or a ProtocolError, nothing else)
and every valid frame survives encode → decode."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cometchat_nb.errors import ProtocolError
from cometchat_nb.protocol import frames as fr
from cometchat_nb.protocol.frames import decode, decode_object, encode

from .strategies import frame_like, valid_frames

FRAME_CLASSES = (
    fr.AuthRequest,
    fr.AuthResult,
    fr.Ping,
    fr.Pong,
    fr.MessageFrame,
    fr.TypingFrame,
    fr.ReceiptFrame,
    fr.PresenceFrame,
    fr.TransientFrame,
    fr.ReactionFrame,
    fr.ErrorFrame,
    fr.UnknownFrame,
)


def touch(frame: fr.Frame) -> None:
    """Everything a listener might read must work on a decoded frame."""
    assert isinstance(frame, FRAME_CLASSES)
    encode(frame)
    if isinstance(frame, fr.MessageFrame):
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
    elif isinstance(frame, fr.TypingFrame):
        assert frame.indicator.receiver_type in ("user", "group")
    elif isinstance(frame, fr.ReceiptFrame):
        r = frame.receipt
        r.getDeliveredAt()
        r.getReadAt()
    elif isinstance(frame, fr.TransientFrame):
        frame.transient.getData()
    elif isinstance(frame, fr.PresenceFrame):
        assert frame.user.status in ("online", "offline")


def decode_object_total(obj: Any) -> None:
    try:
        frame = decode_object(obj)
    except ProtocolError as exc:
        assert exc.message and exc.code == "ERR_PROTOCOL"
        assert len(exc.message) < 1000
        return
    touch(frame)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame_like)
def test_decoders_are_total_on_frame_shaped_junk(obj: dict[str, Any]) -> None:
    decode_object_total(obj)
    text = json.dumps(obj)  # NaN/Infinity are written as the literals json.loads accepts
    for data in (text, text.encode()):
        try:
            frame = decode(data)
        except ProtocolError:
            continue
        touch(frame)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64))
def test_decode_is_total_on_any_bytes_or_text(data: bytes | str) -> None:
    try:
        frame = decode(data)
    except ProtocolError:
        return
    touch(frame)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_frames())
def test_valid_frames_round_trip(frame: fr.Frame) -> None:
    text = encode(frame)
    again = decode(text)
    assert type(again) is type(frame)
    assert again == frame
    assert encode(again) == text  # the JSON is stable too (MessageFrame equality is by id only)
    assert decode_object(frame.to_wire()) == frame
