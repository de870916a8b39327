"""A decoded socket message keeps the frame's text; ``raw`` is parsed again on first use."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from cometchat_nb.models import Action, TextMessage, message_from_wire
from cometchat_nb.protocol import codec, frames

from ..support.wire import text_body

#: the §3.5 message as an edited one, with the id, text and times these tests check
BODY = text_body(id="42", text="hi", sentAt=1700000000, editedAt=1700000005, editedBy="superhero2")
FRAME = {"type": "message", "appId": "app", "deviceId": "d1", "sender": "superhero2", "body": BODY}


@pytest.mark.parametrize("loads", [json.loads, orjson.loads])
def test_raw_is_parsed_again_on_first_use(loads: Any) -> None:
    frame = codec.decode(json.dumps(FRAME), loads=loads)
    assert isinstance(frame, frames.MessageFrame)
    msg = frame.message
    assert isinstance(msg, TextMessage)
    assert msg.text == "hi" and msg.id == "42" and msg.sent_at == 1700000000
    assert msg.edited_at == 1700000005 and msg.edited_by == "superhero2"
    assert msg.deleted_at is None and msg.deleted_by is None
    raw = msg.raw
    assert raw == BODY
    assert msg.raw is raw  # parsed once
    sender = msg.sender
    assert sender is not None and sender.name == "Captain America"
    assert frame.to_wire()["body"] == BODY


def test_raw_can_be_replaced() -> None:
    msg = codec.decode(json.dumps(FRAME)).message  # type: ignore[union-attr]
    msg.raw = {"data": {"text": "other"}}
    assert msg.raw == {"data": {"text": "other"}}
    assert msg.data == {"text": "other"}


def test_messages_not_from_a_frame_keep_their_dict() -> None:
    msg = message_from_wire(BODY)
    assert msg.raw is BODY
    assert TextMessage("superhero1", "hello").raw == {}


def test_actions_keep_their_tree() -> None:
    action = {
        **BODY,
        "id": "43",
        "category": "action",
        "type": "message",
        "data": {"action": "edited", "entities": {"on": {"entity": BODY, "entityType": "message"}}},
    }
    frame = codec.decode(json.dumps({**FRAME, "body": action}))
    assert isinstance(frame, frames.MessageFrame) and isinstance(frame.message, Action)
    target = frame.message.action_on
    assert isinstance(target, TextMessage)
    assert frame.message.raw["data"]["entities"]["on"]["entity"] is target.raw
