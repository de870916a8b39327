"""WebSocket frame codec: exact shapes of protocol.md §4, round trips, malformed input."""

from __future__ import annotations

import copy
import json
from typing import Any

import orjson
import pytest

from cometchat_nb.errors import ProtocolError
from cometchat_nb.models import (
    Action,
    Attachment,
    Call,
    CustomMessage,
    MediaMessage,
    MessageReceipt,
    ReactionEvent,
    TextMessage,
    User,
)
from cometchat_nb.protocol import frames
from cometchat_nb.protocol.codec import decode, decode_object, encode

from ..support.wire import HIM, ME, TEXT_BODY

SESSION = "WEB-4_2_0-76527b4e-ffc8-4759-ac21-99af1c6c5cef-1795889786656"
INSTALL = "testapp_760301a1-1111-2222-3333-444455556666_1795889786658"
#: §4.1: the auth frame the official JS SDK sends right after the socket opens
JS_AUTH: dict[str, Any] = {
    "appId": "testapp",
    "deviceId": SESSION,
    "type": "auth",
    "sender": "superhero1",
    "body": {
        "auth": "eyJhbGciOi.jwt.sig",
        "deviceId": SESSION,
        "presenceSubscription": "ALL_USERS",
        "params": {
            "appInfo": {
                "version": "4.2.0",
                "apiVersion": "v3.0",
                "origin": "http://localhost",
                "uts": 1795889786,
            },
            "userAgent": "Node.js/20",
            "deviceId": INSTALL,
            "platform": "javascript",
        },
    },
}
#: §4.1 step 3: the server's reply that worked
AUTH_OK: dict[str, Any] = {
    "appId": "testapp",
    "type": "auth",
    "sender": "superhero1",
    "deviceId": SESSION,
    "body": {"code": "200", "status": "OK"},
}
#: §4.4: typing and receipts the JS SDK sends
JS_TYPING: dict[str, Any] = {
    "appId": "testapp",
    "receiver": "superhero2",
    "receiverType": "user",
    "deviceId": SESSION,
    "type": "typing_indicator",
    "sender": "superhero1",
    "body": {"action": "started", "user": ME, "metadata": {"k": "v"}},
}
JS_RECEIPT: dict[str, Any] = {
    "appId": "testapp",
    "receiver": "superhero2",
    "receiverType": "user",
    "deviceId": SESSION,
    "type": "receipts",
    "sender": "superhero1",
    "messageSender": "superhero2",
    "body": {"action": "delivered", "messageId": "105", "user": ME},
}
PRESENCE: dict[str, Any] = {
    "appId": "testapp",
    "type": "presence",
    "sender": "superhero2",
    "deviceId": "server",
    "body": {"action": "online", "user": HIM, "timestamp": 1795889915},
}


def frame(frame_type: str, body: Any, **envelope: Any) -> dict[str, Any]:
    return {"appId": "testapp", "deviceId": "other-device", "type": frame_type, "body": body, **envelope}


def wire_roundtrip(obj: dict[str, Any]) -> frames.Frame:
    """decode(obj) and check the frame re-encodes to exactly ``obj``."""
    f = decode(json.dumps(obj))
    assert json.loads(encode(f)) == obj
    assert decode(encode(f)) == f
    return f


# ----------------------------------------------------------------------------
# auth


def test_js_auth_frame_decodes_to_auth_request() -> None:
    f = wire_roundtrip(JS_AUTH)
    assert isinstance(f, frames.AuthRequest)
    assert f.jwt == "eyJhbGciOi.jwt.sig"
    assert f.device_id == SESSION
    assert f.presence_subscription == "ALL_USERS"
    assert f.roles == ()
    assert f.sender == "superhero1"
    assert f.app_id == "testapp"
    assert f.receiver is None and f.receiver_type is None
    assert f.params["deviceId"] == INSTALL
    assert f.params["appInfo"]["version"] == "4.2.0"


def test_auth_request_with_roles_round_trips() -> None:
    obj = copy.deepcopy(JS_AUTH)
    obj["body"]["presenceSubscription"] = "ROLES"
    obj["body"]["roles"] = ["admin", "moderator"]
    f = wire_roundtrip(obj)
    assert isinstance(f, frames.AuthRequest)
    assert f.presence_subscription == "ROLES"
    assert f.roles == ("admin", "moderator")


def test_auth_request_defaults() -> None:
    f = decode('{"type":"auth","body":{"auth":"jwt"}}')
    assert f == frames.AuthRequest(jwt="jwt")
    assert f.presence_subscription == "NONE" and f.params == {} and f.roles == ()


def test_auth_request_device_id_falls_back_to_the_body() -> None:
    f = decode('{"type":"auth","body":{"auth":"jwt","deviceId":"dev-1"}}')
    assert isinstance(f, frames.AuthRequest) and f.device_id == "dev-1"


def test_auth_request_built_in_python_has_the_js_shape() -> None:
    params = JS_AUTH["body"]["params"]
    f = frames.AuthRequest(
        jwt="eyJhbGciOi.jwt.sig",
        presence_subscription="ALL_USERS",
        params=params,
        app_id="testapp",
        device_id=SESSION,
        sender="superhero1",
    )
    assert json.loads(encode(f)) == JS_AUTH


def test_server_auth_ok_reply() -> None:
    f = wire_roundtrip(AUTH_OK)
    assert isinstance(f, frames.AuthResult)
    assert f.ok and f.error is None
    assert encode(frames.AuthResult(app_id="testapp", sender="superhero1", device_id=SESSION)) == json.dumps(
        {
            "type": "auth",
            "appId": "testapp",
            "deviceId": SESSION,
            "sender": "superhero1",
            "body": {"code": "200", "status": "OK"},
        },
        separators=(",", ":"),
    )


def test_server_auth_error_reply() -> None:
    err = {"code": "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "message": "bad jwt"}
    f = wire_roundtrip(frame("auth", {"code": "401", "status": "ERROR", "error": err}))
    assert isinstance(f, frames.AuthResult)
    assert not f.ok
    assert f.error == err


@pytest.mark.parametrize(
    ("body", "ok"),
    [
        ({"code": "200", "status": "OK"}, True),
        ({"code": 200, "status": "OK"}, True),  # a number is read as its text
        ({"code": "200", "status": "ok"}, False),  # the JS SDK compares strings exactly
        ({"code": "201", "status": "OK"}, False),
        ({}, False),
    ],
)
def test_auth_result_ok_compares_strings(body: dict[str, Any], ok: bool) -> None:
    f = decode_object(frame("auth", body))
    assert isinstance(f, frames.AuthResult)
    assert f.ok is ok


def test_auth_result_non_object_error_is_dropped() -> None:
    f = decode_object(frame("auth", {"code": "500", "status": "ERR", "error": "boom"}))
    assert isinstance(f, frames.AuthResult) and f.error is None


# ----------------------------------------------------------------------------
# keepalive


def test_ping_exact_text() -> None:
    assert encode(frames.Ping()) == '{"action":"ping","ack":"true"}'
    assert decode('{"action":"ping","ack":"true"}') == frames.Ping()
    assert decode('{"action":"ping"}') == frames.Ping()


def test_pong_exact_text() -> None:
    assert encode(frames.Pong()) == '{"action":"pong"}'
    assert decode('{"action":"pong"}') == frames.Pong()
    assert decode(b'{"action":"pong"}') == frames.Pong()


def test_ping_with_null_type_is_still_a_ping() -> None:
    assert decode_object({"type": None, "action": "ping", "ack": "true"}) == frames.Ping()


# ----------------------------------------------------------------------------
# messages


def test_text_message_frame_from_protocol_example() -> None:
    f = wire_roundtrip(
        frame("message", TEXT_BODY, sender="superhero2", receiver="superhero1", receiverType="user")
    )
    assert isinstance(f, frames.MessageFrame)
    m = f.message
    assert isinstance(m, TextMessage)
    assert m.getId() == "100"
    assert m.getText() == "hello"
    sender = m.getSender()
    assert sender is not None and sender.getUid() == "superhero2" and sender.getName() == "Captain America"
    assert m.getReceiverId() == "superhero1"
    assert m.getReceiverType() == "user"
    assert m.getSentAt() == 1795889915
    assert m.getConversationId() == "superhero1_user_superhero2"
    assert m.source == "live"


def test_message_frame_source_is_passed_through() -> None:
    f = decode(json.dumps(frame("message", TEXT_BODY)), source="catchup")
    assert isinstance(f, frames.MessageFrame)
    assert f.message.source == "catchup" and f.message.is_catchup


def test_custom_message_frame() -> None:
    body = {
        "id": "101",
        "sender": "superhero2",
        "receiver": "superhero1",
        "receiverType": "user",
        "category": "custom",
        "type": "location",
        "data": {"customData": {"lat": 1.5, "lng": 2.5}},
    }
    f = wire_roundtrip(frame("message", body))
    assert isinstance(f, frames.MessageFrame)
    assert isinstance(f.message, CustomMessage)
    assert f.message.getCustomData() == {"lat": 1.5, "lng": 2.5}
    assert f.message.custom_type == "location"


def test_media_message_frame() -> None:
    body = {
        "id": "102",
        "sender": "superhero2",
        "receiver": "g1",
        "receiverType": "group",
        "category": "message",
        "type": "image",
        "data": {
            "url": "https://files.example/cat.png",
            "text": "a cat",
            "attachments": [{"url": "https://files.example/cat.png", "mimeType": "image/png"}, "junk"],
        },
    }
    f = wire_roundtrip(frame("message", body, receiverType="group"))
    assert isinstance(f, frames.MessageFrame)
    m = f.message
    assert isinstance(m, MediaMessage)
    assert m.getURL() == "https://files.example/cat.png"
    assert m.getCaption() == "a cat"
    assert m.getAttachments() == [Attachment(url="https://files.example/cat.png", mime_type="image/png")]
    assert m.getReceiverType() == "group"
    receiver = m.getReceiver()
    assert receiver is not None and getattr(receiver, "guid", None) == "g1"


def test_action_edited_frame_carries_the_edited_message() -> None:
    edited = {
        "id": "100",
        "sender": "superhero1",
        "receiver": "superhero2",
        "receiverType": "user",
        "category": "message",
        "type": "text",
        "data": {"text": "hello (edited)"},
        "editedAt": 1795889999,
        "editedBy": "superhero1",
    }
    body = {
        "id": "201",
        "conversationId": "superhero1_user_superhero2",
        "sender": "superhero1",
        "receiver": "superhero2",
        "receiverType": "user",
        "category": "action",
        "type": "message",
        "data": {
            "action": "edited",
            "entities": {
                "by": {"entity": ME, "entityType": "user"},
                "on": {"entity": edited, "entityType": "message"},
            },
        },
        "sentAt": 1795889999,
    }
    f = wire_roundtrip(frame("message", body))
    assert isinstance(f, frames.MessageFrame)
    action = f.message
    assert isinstance(action, Action)
    assert action.getAction() == "edited"
    by = action.getActionBy()
    assert isinstance(by, User) and by.uid == "superhero1"
    on = action.getActionOn()
    assert isinstance(on, TextMessage)
    assert on.getId() == "100" and on.getText() == "hello (edited)"
    assert on.getEditedAt() == 1795889999 and on.getEditedBy() == "superhero1"


def test_action_group_member_joined_frame() -> None:
    body = {
        "id": "202",
        "conversationId": "group_avengers",
        "sender": "superhero3",
        "receiver": "avengers",
        "receiverType": "group",
        "category": "action",
        "type": "groupMember",
        "data": {
            "action": "joined",
            "entities": {
                "by": {"entity": {"uid": "superhero3", "name": "Spiderman"}, "entityType": "user"},
                "on": {"entity": {"uid": "superhero3", "name": "Spiderman"}, "entityType": "user"},
                "for": {
                    "entity": {"guid": "avengers", "name": "Avengers", "type": "public"},
                    "entityType": "group",
                },
            },
        },
        "sentAt": 1795890000,
    }
    f = wire_roundtrip(frame("message", body, receiver="avengers", receiverType="group"))
    assert isinstance(f, frames.MessageFrame)
    action = f.message
    assert isinstance(action, Action)
    assert action.getAction() == "joined"
    assert isinstance(action.getActionBy(), User)
    group = action.getActionFor()
    assert group is not None and getattr(group, "guid", None) == "avengers"
    on = action.getActionOn()
    assert isinstance(on, User) and on.uid == "superhero3"


def test_call_frame() -> None:
    body = {
        "id": "300",
        "sender": "superhero2",
        "receiver": "superhero1",
        "receiverType": "user",
        "category": "call",
        "type": "audio",
        "data": {
            "action": "initiated",
            "entities": {
                "on": {"entity": {"sessionid": "v1.abc", "status": "initiated"}, "entityType": "call"}
            },
        },
    }
    f = wire_roundtrip(frame("message", body))
    assert isinstance(f, frames.MessageFrame)
    assert isinstance(f.message, Call)
    assert f.message.getSessionId() == "v1.abc"
    assert f.message.getStatus() == "initiated"


def test_locally_built_message_frame_encodes_its_post_body() -> None:
    m = TextMessage("superhero2", "hi", "user")
    f = frames.MessageFrame(message=m, sender="superhero1")
    out = json.loads(encode(f))
    assert out["type"] == "message"
    assert out["body"] == m.to_wire()


# ----------------------------------------------------------------------------
# typing


def test_js_typing_started_frame() -> None:
    f = wire_roundtrip(JS_TYPING)
    assert isinstance(f, frames.TypingFrame)
    assert f.action == "started"
    assert f.user.uid == "superhero1" and f.user.name == "Iron Man"
    assert f.metadata == {"k": "v"}
    ind = f.indicator
    assert ind.getReceiverId() == "superhero2"
    assert ind.getReceiverType() == "user"
    assert ind.getMetadata() == {"k": "v"}
    sender = ind.getSender()
    assert sender is not None and sender.getUid() == "superhero1"


def test_typing_ended_without_metadata() -> None:
    obj = copy.deepcopy(JS_TYPING)
    obj["body"] = {"action": "ended", "user": ME}
    f = wire_roundtrip(obj)
    assert isinstance(f, frames.TypingFrame)
    assert f.action == "ended" and f.metadata is None


@pytest.mark.parametrize(
    ("wire", "normalised"),
    [("user", "user"), ("group", "group"), ("chat", "user"), ("groupchat", "group")],
)
def test_end_typing_receiver_type_quirk(wire: str, normalised: str) -> None:
    """endTyping(plain object) sends 'chat'/'groupchat' (protocol.md §4.4)."""
    obj = copy.deepcopy(JS_TYPING)
    obj["receiverType"] = wire
    obj["body"] = {"action": "ended", "user": ME}
    f = decode(json.dumps(obj))
    assert isinstance(f, frames.TypingFrame)
    assert f.receiver_type == normalised
    assert f.indicator.receiver_type == normalised
    assert json.loads(encode(f))["receiverType"] == normalised


def test_typing_user_falls_back_to_envelope_sender() -> None:
    f = decode_object(frame("typing_indicator", {"action": "started"}, sender="superhero9"))
    assert isinstance(f, frames.TypingFrame)
    assert f.user == User(uid="superhero9")


def test_typing_non_object_metadata_is_dropped() -> None:
    f = decode_object(frame("typing_indicator", {"action": "started", "user": ME, "metadata": [1]}))
    assert isinstance(f, frames.TypingFrame) and f.metadata is None


# ----------------------------------------------------------------------------
# receipts


@pytest.mark.parametrize(
    ("action", "receipt_type", "delivered", "read"),
    [
        ("delivered", "delivery", True, False),
        ("read", "read", False, True),
        ("deliveredToAll", "deliveredToAll", True, False),
        ("readByAll", "readByAll", False, True),
    ],
)
def test_receipt_frames(action: str, receipt_type: str, delivered: bool, read: bool) -> None:
    obj = copy.deepcopy(JS_RECEIPT)
    obj["body"] = {"action": action, "messageId": "105", "user": ME, "timestamp": 1795889920}
    f = wire_roundtrip(obj)
    assert isinstance(f, frames.ReceiptFrame)
    assert f.receipt_type == receipt_type
    assert f.message_id == "105"
    assert f.message_sender == "superhero2"
    assert f.timestamp == 1795889920
    r = f.receipt
    assert r.getReceiptType() == receipt_type
    assert r.getMessageId() == "105"
    assert r.getSender().getUid() == "superhero1"
    assert r.getReceiver() == "superhero2"
    assert (r.getDeliveredAt() == 1795889920) is delivered
    assert (r.getReadAt() == 1795889920) is read


def test_js_receipt_frame_exact_shape() -> None:
    f = wire_roundtrip(JS_RECEIPT)
    assert isinstance(f, frames.ReceiptFrame) and f.timestamp is None


def test_receipt_numeric_message_id_becomes_text() -> None:
    f = decode_object(frame("receipts", {"action": "read", "messageId": 105, "user": ME}))
    assert isinstance(f, frames.ReceiptFrame) and f.message_id == "105"


def test_receipt_type_constants_match_the_frames() -> None:
    rt = MessageReceipt.RECEIPT_TYPE
    assert (rt.DELIVERY_RECEIPT, rt.READ_RECEIPT) == ("delivery", "read")
    assert (rt.DELIVERED_TO_ALL_RECEIPT, rt.READ_BY_ALL_RECEIPT) == ("deliveredToAll", "readByAll")


# ----------------------------------------------------------------------------
# presence


def test_presence_online_from_server() -> None:
    f = decode(json.dumps(PRESENCE))
    assert isinstance(f, frames.PresenceFrame)
    assert f.online
    assert f.user.uid == "superhero2"
    assert f.user.status == "online"
    assert f.user.last_active_at == 1795889915
    assert f.timestamp == 1795889915


@pytest.mark.parametrize(
    ("action", "status", "online"),
    [("online", "online", True), ("available", "online", True), ("offline", "offline", False)],
)
@pytest.mark.parametrize("stated", ["online", "offline", None])
def test_presence_action_sets_user_status(action: str, status: str, online: bool, stated: str | None) -> None:
    user: dict[str, Any] = {"uid": "u1"}
    if stated is not None:
        user["status"] = stated
    f = decode_object(frame("presence", {"action": action, "user": user, "timestamp": 42}))
    assert isinstance(f, frames.PresenceFrame)
    assert f.online is online
    assert f.user.status == status  # the action wins over the user's own status field
    assert f.user.last_active_at == 42


def test_presence_without_timestamp_keeps_last_active_at() -> None:
    f = decode_object(frame("presence", {"action": "offline", "user": {"uid": "u1", "lastActiveAt": 7}}))
    assert isinstance(f, frames.PresenceFrame)
    assert f.timestamp is None and f.user.last_active_at == 7


def test_presence_float_timestamp_is_truncated() -> None:
    f = decode_object(frame("presence", {"action": "online", "user": {"uid": "u1"}, "timestamp": 12.9}))
    assert isinstance(f, frames.PresenceFrame) and f.timestamp == 12


def test_presence_round_trip() -> None:
    user = User(uid="superhero2", name="Captain America", status="offline", last_active_at=99)
    f = frames.PresenceFrame(action="offline", user=user, timestamp=99, app_id="testapp")
    assert decode(encode(f)) == f


# ----------------------------------------------------------------------------
# transient, reaction, error, unknown


def test_transient_frame() -> None:
    f = wire_roundtrip(frame("transient_message", {"user": ME, "data": {"live": "reaction", "x": [1, 2]}}))
    assert isinstance(f, frames.TransientFrame)
    t = f.transient
    assert t.getData() == {"live": "reaction", "x": [1, 2]}
    sender = t.getSender()
    assert sender is not None and sender.uid == "superhero1"


def test_transient_frame_without_data() -> None:
    f = decode_object(frame("transient_message", {"user": ME}))
    assert isinstance(f, frames.TransientFrame) and f.data == {}


def test_reaction_frame() -> None:
    body = {
        "action": "message_reaction_added",
        "reaction": "👍",
        "messageId": "100",
        "uid": "superhero2",
        "conversationId": "superhero1_user_superhero2",
        "reactedAt": 1795889930,
        "reactedBy": HIM,
    }
    f = wire_roundtrip(frame("reaction", body))
    assert isinstance(f, frames.ReactionFrame)
    e = f.event
    assert e == ReactionEvent(
        action="message_reaction_added",
        reaction="👍",
        message_id="100",
        uid="superhero2",
        conversation_id="superhero1_user_superhero2",
        reacted_at=1795889930,
        reacted_by=User.from_wire(HIM),
        receiver_id=f.receiver,
        receiver_type=f.receiver_type,
    )
    # the JS SDK's shapes: the event's getReaction() is the Reaction (who, what, when)
    r = e.getReaction()
    assert (r.getReaction(), r.getMessageId(), r.getUid()) == ("👍", "100", "superhero2")
    assert e.getMessageId() == "100" and e.getReceiverId() == f.receiver


def test_error_frame() -> None:
    f = wire_roundtrip(frame("error", {"code": "ERR_BAD_REQUEST", "message": "receiver is missing"}))
    assert f == frames.ErrorFrame(
        code="ERR_BAD_REQUEST", message="receiver is missing", app_id="testapp", device_id="other-device"
    )


def test_error_frame_defaults() -> None:
    assert decode_object({"type": "error", "body": {}}) == frames.ErrorFrame(code="ERR_UNKNOWN", message="")


def test_unknown_frame_is_kept() -> None:
    obj = frame("notification_feed_item", {"action": "sent", "feedItem": {"id": 1}})
    f = wire_roundtrip(obj)
    assert isinstance(f, frames.UnknownFrame)
    assert f.frame_type == "notification_feed_item"
    assert f.body == {"action": "sent", "feedItem": {"id": 1}}


def test_unknown_frame_without_body() -> None:
    f = decode_object({"type": "streamed_message"})
    assert f == frames.UnknownFrame(frame_type="streamed_message", body={})


# ----------------------------------------------------------------------------
# codec plumbing


def test_frames_are_frozen() -> None:
    f = frames.ErrorFrame(code="c", message="m")
    with pytest.raises(AttributeError):
        f.code = "x"  # type: ignore[misc]


def test_encode_is_compact_and_custom_dumps_is_used() -> None:
    assert " " not in encode(frames.ErrorFrame(code="c", message="m"))
    assert encode(frames.Pong(), dumps=lambda o: "X" + json.dumps(o)) == 'X{"action": "pong"}'


@pytest.mark.parametrize(
    "obj", [JS_AUTH, AUTH_OK, JS_TYPING, JS_RECEIPT, PRESENCE, frame("message", TEXT_BODY)]
)
def test_orjson_loads_is_accepted(obj: dict[str, Any]) -> None:
    text = json.dumps(obj)
    assert decode(text, loads=orjson.loads) == decode(text)
    assert decode(orjson.dumps(obj), loads=orjson.loads) == decode(text)


def test_close_codes() -> None:
    assert frames.CloseCode.is_terminal(frames.CloseCode.AUTH_FAILED)
    assert frames.CloseCode.is_terminal(4003)
    for code in (None, 1000, 1001, 1006, 1008, 1011, 4000, 4002):
        assert not frames.CloseCode.is_terminal(code)


# ----------------------------------------------------------------------------
# malformed input: always ProtocolError, with a sentence that helps


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("{'type': 'auth'}", "not valid JSON"),
        ('{"type":"auth",}', "not valid JSON"),
        (b"\x80\x81\x82", "not valid JSON"),
        (b'{"type":"\xff\xfe"}', "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('{"a":' * 50_000 + "1" + "}" * 50_000, "not valid JSON"),
        ("[]", "must be a JSON object, got list"),
        ("null", "got NoneType"),
        ("1", "got int"),
        ("1.5", "got float"),
        ('"auth"', "got str"),
        ("true", "got bool"),
        ("{}", "neither 'type' nor a ping/pong 'action'"),
        ('{"action":"pang"}', "neither 'type' nor a ping/pong 'action'"),
        ('{"type":5}', "'type' must be a string, got int"),
        ('{"type":["auth"]}', "'type' must be a string, got list"),
        ('{"type":{"a":1}}', "'type' must be a string, got dict"),
    ],
)
def test_garbage_text(data: str | bytes, hint: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode(data)
    assert hint in info.value.message
    assert info.value.code == "ERR_PROTOCOL"
    assert len(str(info.value)) < 600  # never echoes a huge input back


BODY_TYPES = [
    "message",
    "typing_indicator",
    "receipts",
    "presence",
    "auth",
    "transient_message",
    "reaction",
    "error",
]


@pytest.mark.parametrize("frame_type", BODY_TYPES)
@pytest.mark.parametrize("body", [None, [], "body", 1, True], ids=["missing", "list", "str", "int", "bool"])
def test_missing_or_non_object_body(frame_type: str, body: Any) -> None:
    obj: dict[str, Any] = {"type": frame_type}
    if body is not None:
        obj["body"] = body
    with pytest.raises(ProtocolError, match=f"'{frame_type}' frame has no object 'body'"):
        decode_object(obj)


VALID_BY_TYPE: dict[str, dict[str, Any]] = {
    "auth": JS_AUTH,
    "auth_reply": AUTH_OK,
    "message": frame("message", TEXT_BODY),
    "typing_indicator": JS_TYPING,
    "receipts": JS_RECEIPT,
    "presence": PRESENCE,
    "transient_message": frame("transient_message", {"user": ME, "data": {}}),
    "reaction": frame("reaction", {"action": "a", "reaction": "x", "messageId": "1", "uid": "u"}),
    "error": frame("error", {"code": "E", "message": "m"}),
    "unknown": frame("zzz", {}),
}
ENVELOPE_FIELDS = ["appId", "deviceId", "sender", "receiver", "receiverType", "messageSender"]
WRONG_TYPES = [[], {}, True, False, ["x"], {"uid": "x"}]


@pytest.mark.parametrize("name", sorted(VALID_BY_TYPE))
@pytest.mark.parametrize("field", ENVELOPE_FIELDS)
def test_wrong_type_for_envelope_fields(name: str, field: str) -> None:
    for value in WRONG_TYPES:
        obj = copy.deepcopy(VALID_BY_TYPE[name])
        obj[field] = value
        if field == "messageSender" and name != "receipts":
            decode_object(obj)  # only receipts read messageSender; others ignore it
            continue
        with pytest.raises(ProtocolError, match=repr(field)):
            decode_object(obj)


@pytest.mark.parametrize("value", ["channel", "USER", "", "users", "chatroom"])
def test_unknown_receiver_type(value: str) -> None:
    obj = copy.deepcopy(JS_TYPING)
    obj["receiverType"] = value
    with pytest.raises(ProtocolError, match=r"unknown receiverType .* \(expected 'user' or 'group'\)"):
        decode_object(obj)


@pytest.mark.parametrize("action", ["seen", "delivery", "READ", "", None, 1, [], {"a": 1}])
def test_unknown_receipt_action(action: Any) -> None:
    obj = copy.deepcopy(JS_RECEIPT)
    obj["body"]["action"] = action
    with pytest.raises(ProtocolError, match=r"receipts: unknown action .*delivered, read"):
        decode_object(obj)


def _with_body(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    obj = copy.deepcopy(base)
    for k, v in changes.items():
        if v is _DEL:
            obj["body"].pop(k, None)
        else:
            obj["body"][k] = v
    return obj


_DEL = object()


def _no_sender(obj: dict[str, Any]) -> dict[str, Any]:
    obj.pop("sender", None)
    return obj


@pytest.mark.parametrize(
    ("obj", "hint"),
    [
        # auth request
        (_with_body(JS_AUTH, auth=""), "'body.auth' must be a non-empty string"),
        (_with_body(JS_AUTH, auth=None), "'body.auth' must be a non-empty string"),
        (_with_body(JS_AUTH, auth=123), "'body.auth' must be a non-empty string"),
        (_with_body(JS_AUTH, auth=["jwt"]), "'body.auth' must be a non-empty string"),
        (_with_body(JS_AUTH, presenceSubscription="EVERYONE"), "unknown presenceSubscription 'EVERYONE'"),
        (_with_body(JS_AUTH, presenceSubscription=["ALL_USERS"]), "unknown presenceSubscription"),
        (_with_body(JS_AUTH, presenceSubscription={"a": 1}), "unknown presenceSubscription"),
        (_with_body(JS_AUTH, roles="admin"), "'body.roles' must be a list of strings"),
        (_with_body(JS_AUTH, roles=["admin", 1]), "'body.roles' must be a list of strings"),
        (_with_body(JS_AUTH, roles={"admin": 1}), "'body.roles' must be a list of strings"),
        # auth reply
        (_with_body(AUTH_OK, code=["200"]), "'code' must be a string, got list"),
        (_with_body(AUTH_OK, status={"a": 1}), "'status' must be a string, got dict"),
        (_with_body(AUTH_OK, code=True), "'code' must be a string, got bool"),
        # typing
        (_with_body(JS_TYPING, action="typing"), "action must be 'started' or 'ended', got 'typing'"),
        (_with_body(JS_TYPING, action=_DEL), "action must be 'started' or 'ended', got None"),
        (_with_body(JS_TYPING, action=["started"]), "action must be 'started' or 'ended'"),
        (
            _no_sender(_with_body(JS_TYPING, user=_DEL)),
            "'typing_indicator' frame has no 'user' and no 'sender'",
        ),
        (_with_body(JS_TYPING, user={"name": "x"}), "user is missing required field 'uid'"),
        (_with_body(JS_TYPING, user={"uid": ""}), "user field 'uid' must not be empty"),
        (_with_body(JS_TYPING, user={"uid": ["u"]}), "user field 'uid' must be a string, got list"),
        (_with_body(JS_TYPING, user={"uid": 1.5}), "user field 'uid' must be a string, got float"),
        (_with_body(JS_TYPING, user={"uid": True}), "user field 'uid' must be a string, got bool"),
        # receipts
        (_with_body(JS_RECEIPT, messageId=_DEL), "'body.messageId' is missing"),
        (_with_body(JS_RECEIPT, messageId=""), "'body.messageId' is missing"),
        (_with_body(JS_RECEIPT, messageId={"id": 1}), "'messageId' must be a string, got dict"),
        (_with_body(JS_RECEIPT, messageId=False), "'messageId' must be a string, got bool"),
        (_no_sender(_with_body(JS_RECEIPT, user=[ME])), "'receipts' frame has no 'user' and no 'sender'"),
        # presence
        (_with_body(PRESENCE, action="away"), "presence: unknown action 'away'"),
        (_with_body(PRESENCE, action=_DEL), "presence: unknown action None"),
        (
            _no_sender(_with_body(PRESENCE, user="superhero2")),
            "'presence' frame has no 'user' and no 'sender'",
        ),
        # reaction
        (frame("reaction", {"messageId": "1"}), "'reaction' and 'messageId' are required"),
        (frame("reaction", {"reaction": "x"}), "'reaction' and 'messageId' are required"),
        (frame("reaction", {"reaction": ["x"], "messageId": "1"}), "'reaction' must be a string"),
        (frame("reaction", {"reaction": "x", "messageId": "1", "uid": {}}), "'uid' must be a string"),
        (
            frame("reaction", {"reaction": "x", "messageId": "1", "reactedBy": {}}),
            "missing required field 'uid'",
        ),
        # transient
        (frame("transient_message", {"data": {}}), "'transient_message' frame has no 'user' and no 'sender'"),
        # error
        (frame("error", {"code": {"c": 1}}), "'code' must be a string, got dict"),
        (frame("error", {"message": ["m"]}), "'message' must be a string, got list"),
        # message bodies
        (frame("message", {}), "message is missing required field 'id'"),
        (frame("message", {"id": ""}), "message field 'id' must not be empty"),
        (frame("message", {"id": None}), "message is missing required field 'id'"),
        (frame("message", {"id": ["1"]}), "message field 'id' must be a string, got list"),
        (frame("message", {"id": 1.5}), "message field 'id' must be a string, got float"),
        (
            frame("message", {"id": "1", "category": "action", "data": {"entities": {"by": {"entity": {}}}}}),
            "missing required field 'uid'",
        ),
    ],
)
def test_malformed_fields(obj: dict[str, Any], hint: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps(obj))
    assert hint in info.value.message, info.value.message


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize("where", ["timestamp", "lastActiveAt"])
def test_non_finite_numbers_are_ignored_not_crashing(value: str, where: str) -> None:
    """json.loads accepts NaN/Infinity; int(inf) would raise OverflowError."""
    user = '{"uid":"a"}' if where == "timestamp" else f'{{"uid":"a","lastActiveAt":{value}}}'
    ts = f',"timestamp":{value}' if where == "timestamp" else ""
    text = f'{{"type":"presence","body":{{"action":"online","user":{user}{ts}}}}}'
    assert json.loads(text)["body"]["action"] == "online"
    f = decode(text)
    assert isinstance(f, frames.PresenceFrame)
    assert f.user.last_active_at is None


@pytest.mark.parametrize("where", ["receipts", "reaction"])
def test_non_finite_timestamps_in_other_frames(where: str) -> None:
    if where == "receipts":
        f = decode_object(_with_body(JS_RECEIPT, timestamp=float("inf")))
        assert isinstance(f, frames.ReceiptFrame) and f.timestamp is None
    else:
        body = {"reaction": "x", "messageId": "1", "reactedAt": float("nan")}
        f = decode_object(frame("reaction", body))
        assert isinstance(f, frames.ReactionFrame) and f.event.reacted_at is None


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


def test_deeply_nested_values_give_short_messages() -> None:
    deep = _deep(900)
    obj = copy.deepcopy(JS_TYPING)
    obj["body"]["action"] = deep
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps(obj))
    assert "action must be 'started' or 'ended'" in info.value.message
    assert len(info.value.message) < 300


def test_deeply_nested_action_messages_do_not_overflow_the_stack() -> None:
    """Action → edited message → action … recursion is bounded by ProtocolError."""
    body: dict[str, Any] = {"id": "0", "category": "message", "type": "text", "data": {"text": "x"}}
    for i in range(5000):
        body = {
            "id": str(i + 1),
            "category": "action",
            "type": "message",
            "data": {"action": "edited", "entities": {"on": {"entityType": "message", "entity": body}}},
        }
    with pytest.raises(ProtocolError, match="nested too deeply"):
        decode_object({"type": "message", "body": body})


def test_moderately_nested_action_messages_decode() -> None:
    body: dict[str, Any] = {"id": "0", "category": "message", "type": "text", "data": {"text": "x"}}
    for i in range(20):
        body = {
            "id": str(i + 1),
            "category": "action",
            "type": "message",
            "data": {"action": "edited", "entities": {"on": {"entityType": "message", "entity": body}}},
        }
    f = decode(json.dumps({"type": "message", "body": body}))
    assert isinstance(f, frames.MessageFrame)
    m: Any = f.message
    depth = 0
    while isinstance(m, Action):
        m = m.getActionOn()
        depth += 1
    assert depth == 20 and isinstance(m, TextMessage) and m.getText() == "x"


def test_garbage_decoded_by_orjson() -> None:
    with pytest.raises(ProtocolError, match="not valid JSON"):
        decode(b"{nope", loads=orjson.loads)
    with pytest.raises(ProtocolError, match="not valid JSON"):
        decode("[" * 2000 + "]" * 2000, loads=orjson.loads)
