"""Property tests: the frame decoder is total (a Frame or a ProtocolError, nothing else)
and every valid frame survives encode → decode."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cometchat_nb.errors import ProtocolError
from cometchat_nb.protocol import frames
from cometchat_nb.protocol.codec import decode, decode_object, encode

from ..support.strategies import decode_object_total, frame_like, touch, valid_frames


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
def test_valid_frames_round_trip(frame: frames.Frame) -> None:
    text = encode(frame)
    again = decode(text)
    assert type(again) is type(frame)
    assert again == frame
    assert encode(again) == text  # the JSON is stable too (MessageFrame equality is by id only)
    assert decode_object(frame.to_wire()) == frame
