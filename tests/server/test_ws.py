"""The WebSocket: auth handshake, keepalive, relays, receipts, fan-out, presence, limits."""

from __future__ import annotations

import base64

import orjson
import pytest
from websockets.exceptions import ConnectionClosed

from cometchat_nb.errors import ErrorCode
from cometchat_nb.models import Action, TextMessage
from cometchat_nb.protocol import codec, frames
from cometchat_nb.protocol.frames import CloseCode
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Login, Rest, Sock, auth_frame, data


def _decode(frame: dict[str, object]) -> frames.Frame:
    return codec.decode(orjson.dumps(frame), loads=orjson.loads)


# -- auth -------------------------------------------------------------------------


async def test_auth_ok(server: EmbeddedServer, rest: Rest) -> None:
    login = rest.login("superhero1", resource="WEB-4_2_0-abc")
    sock = await Sock.open(server)
    result = await sock.auth(login)
    decoded = _decode(result)
    assert isinstance(decoded, frames.AuthResult) and decoded.ok
    assert result["sender"] == "superhero1" and result["deviceId"] == "WEB-4_2_0-abc"
    assert result["appId"] == server.app_id
    assert server.connection_count("superhero1") == 1 and server.connection_count() == 1
    await sock.close()


async def test_auth_frame_without_sender_is_fine(server: EmbeddedServer, rest: Rest) -> None:
    sock = await Sock.open(server)
    result = await sock.auth(rest.login("superhero1"), sender=None)
    assert result["body"]["status"] == "OK"
    await sock.close()


def _tamper(jwt: str) -> str:
    header, payload, sig = jwt.split(".")
    claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["uid"] = "superhero2"
    forged = base64.urlsafe_b64encode(orjson.dumps(claims)).rstrip(b"=").decode()
    return f"{header}.{forged}.{sig}"


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("garbage", ErrorCode.WS_AUTH_FAIL),
        ("tampered", ErrorCode.WS_AUTH_FAIL),
        ("other_uid_sender", ErrorCode.WS_AUTH_FAIL),
        ("other_server", ErrorCode.WS_AUTH_FAIL),
        ("logged_out", ErrorCode.AUTH_TOKEN_NOT_FOUND),
        ("wrong_app", ErrorCode.WS_AUTH_FAIL),
        ("no_jwt", ErrorCode.WS_AUTH_FAIL),
        ("bad_subscription", ErrorCode.WS_AUTH_FAIL),
    ],
)
async def test_auth_refused(server: EmbeddedServer, rest: Rest, case: str, code: str) -> None:
    login = rest.login("superhero1")
    frame = auth_frame(server.app_id, login)
    if case == "garbage":
        frame["body"]["auth"] = "not.a.jwt"
    elif case == "tampered":
        frame["body"]["auth"] = _tamper(login.jwt)
        frame["sender"] = "superhero2"
    elif case == "other_uid_sender":  # a valid JWT issued to another uid
        frame["sender"] = "superhero2"
    elif case == "other_server":
        with EmbeddedServer() as other, Rest(other) as other_rest:
            frame["body"]["auth"] = other_rest.login("superhero1").jwt
    elif case == "logged_out":
        rest.call("DELETE", "/me", token=login.token)
    elif case == "wrong_app":
        frame["appId"] = "another-app"
    elif case == "no_jwt":
        del frame["body"]["auth"]
    elif case == "bad_subscription":
        frame["body"]["presenceSubscription"] = "EVERYONE"
    sock = await Sock.open(server)
    await sock.send(frame)
    result = await sock.expect("auth")
    assert result["body"]["code"] == "401" and result["body"]["status"] == "ERROR"
    assert result["body"]["error"]["code"] == code
    assert login.jwt not in orjson.dumps(result).decode()
    assert (await sock.closed())[0] == CloseCode.AUTH_FAILED
    assert server.connection_count() == 0


async def test_auth_timeout() -> None:
    with EmbeddedServer(auth_timeout=0.3) as server:
        sock = await Sock.open(server)
        assert (await sock.closed())[0] == CloseCode.AUTH_TIMEOUT


async def test_frames_before_auth(server: EmbeddedServer, rest: Rest) -> None:
    sock = await Sock.open(server)
    await sock.send({"action": "ping", "ack": "true"})
    assert await sock.recv() == {"action": "pong"}
    await sock.send({"type": "typing_indicator", "receiver": "superhero2", "body": {"action": "started"}})
    err = await sock.expect("error")
    assert err["body"]["code"] == ErrorCode.PROTOCOL_ERROR and "auth" in err["body"]["message"]
    assert (await sock.auth(rest.login("superhero1")))["body"]["status"] == "OK"
    await sock.close()


async def test_ping_pong(server: EmbeddedServer, rest: Rest) -> None:
    sock = await Sock.login(server, rest.login("superhero1"))
    for _ in range(3):
        await sock.send({"action": "ping", "ack": "true"})
        assert isinstance(_decode(await sock.recv()), frames.Pong)
    await sock.close()


# -- malformed input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        "[1,2,3]",
        '"just a string"',
        '{"no":"type"}',
        '{"type":"receipts","body":{"action":"eaten","messageId":"1"}}',
        '{"type":"typing_indicator","body":"x"}',
        '{"type":"message","body":{"no":"id"}}',
        '{"type":"auth","body":{"auth":"again"}}',
        '{"type":"presence","body":{"action":"online","user":{"uid":"superhero1"}}}',
        '{"type":"something_new","body":{}}',
    ],
)
async def test_malformed_frames_keep_the_socket(server: EmbeddedServer, rest: Rest, payload: str) -> None:
    sock = await Sock.login(server, rest.login("superhero1"))
    await sock.ws.send(payload)
    err = await sock.expect("error")
    assert err["body"]["code"] in (ErrorCode.PROTOCOL_ERROR, ErrorCode.BAD_REQUEST) and err["body"]["message"]
    assert await sock.sync() == []  # still usable
    await sock.close()


async def test_binary_frame_answered(server: EmbeddedServer, rest: Rest) -> None:
    sock = await Sock.login(server, rest.login("superhero1"))
    await sock.ws.send(b'{"action":"ping"}')
    err = await sock.expect("error")
    assert "binary" in err["body"]["message"]
    assert await sock.sync() == []
    await sock.close()


async def test_too_many_bad_frames_closes_1008(server: EmbeddedServer, rest: Rest) -> None:
    sock = await Sock.login(server, rest.login("superhero1"))
    for _ in range(101):
        await sock.ws.send("nope")
    assert (await sock.closed())[0] == CloseCode.POLICY_VIOLATION


async def test_oversized_frame_closes_1009() -> None:
    with EmbeddedServer(max_frame_bytes=1024) as server:
        with Rest(server) as rest:
            sock = await Sock.login(server, rest.login("superhero1"))
        await sock.send(
            {"type": "transient_message", "receiver": "superhero2", "body": {"data": {"x": "y" * 2000}}}
        )
        assert (await sock.closed())[0] == CloseCode.MESSAGE_TOO_BIG


async def test_spoofed_sender_is_refused(server: EmbeddedServer, rest: Rest) -> None:
    one = await Sock.login(server, rest.login("superhero1"))
    two = await Sock.login(server, rest.login("superhero2"))
    await one.send(
        {
            "type": "typing_indicator",
            "sender": "superhero3",
            "receiver": "superhero2",
            "receiverType": "user",
            "body": {"action": "started"},
        }
    )
    err = await one.expect("error")
    assert err["body"]["code"] == ErrorCode.PERMISSION_DENIED
    await one.sync()
    assert await two.sync() == []  # nothing relayed
    await one.close()
    await two.close()


async def test_internal_error_keeps_the_socket(
    server: EmbeddedServer, rest: Rest, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from cometchat_nb.server.ws import SocketServer

    def boom(self: SocketServer, session: object, frame: object) -> None:
        raise RuntimeError("secret detail")

    sock = await Sock.login(server, rest.login("superhero1"))
    monkeypatch.setattr(SocketServer, "relay", boom)
    await sock.send({"type": "typing_indicator", "receiver": "superhero2", "body": {"action": "started"}})
    err = await sock.expect("error")
    assert err["body"]["code"] == ErrorCode.INTERNAL and "secret" not in err["body"]["message"]
    assert await sock.sync() == []
    assert "internal error while handling a frame" in caplog.text
    await sock.close()


# -- relays -------------------------------------------------------------------------


async def test_typing_relay_direct(server: EmbeddedServer, rest: Rest) -> None:
    l1 = rest.login("superhero1", resource="dev-one")
    one = await Sock.login(server, l1)
    one_b = await Sock.login(server, l1)  # the typist's other socket gets nothing
    two = await Sock.login(server, rest.login("superhero2"))
    await one.send(
        {
            "appId": server.app_id,
            "type": "typing_indicator",
            "sender": "superhero1",
            "deviceId": "dev-one",
            "receiver": "superhero2",
            "receiverType": "user",
            "body": {
                "action": "started",
                "user": {"uid": "superhero1", "name": "Fake Name"},
                "metadata": {"k": 1},
            },
        }
    )
    frame = await two.expect("typing_indicator")
    decoded = _decode(frame)
    assert isinstance(decoded, frames.TypingFrame) and decoded.action == "started"
    assert (
        decoded.user.uid == "superhero1" and decoded.user.name == "Iron Man"
    )  # from the store, not the client
    assert decoded.metadata == {"k": 1} and frame["deviceId"] == "dev-one" and frame["sender"] == "superhero1"
    # endTyping quirk: receiverType "chat" means user
    await one.send(
        {
            "type": "typing_indicator",
            "receiver": "superhero2",
            "receiverType": "chat",
            "body": {"action": "ended"},
        }
    )
    ended = await two.expect("typing_indicator")
    assert ended["body"]["action"] == "ended" and ended["receiverType"] == "user"
    assert await one.sync() == []
    assert await one_b.sync() == []
    for s in (one, one_b, two):
        await s.close()


async def test_typing_relay_group(server: EmbeddedServer, rest: Rest) -> None:
    server.create_user("outsider")
    socks = {
        uid: await Sock.login(server, rest.login(uid))
        for uid in ("superhero1", "superhero2", "superhero3", "outsider")
    }
    await socks["superhero1"].send(
        {
            "type": "typing_indicator",
            "receiver": "supergroup",
            "receiverType": "group",
            "body": {"action": "started"},
        }
    )
    for uid in ("superhero2", "superhero3"):
        frame = await socks[uid].expect("typing_indicator")
        assert frame["receiver"] == "supergroup" and frame["receiverType"] == "group"
    assert await socks["superhero1"].sync() == []
    assert await socks["outsider"].sync() == []
    # an outsider may not type into the group
    await socks["outsider"].send(
        {
            "type": "typing_indicator",
            "receiver": "supergroup",
            "receiverType": "group",
            "body": {"action": "started"},
        }
    )
    assert (await socks["outsider"].expect("error"))["body"]["code"] == ErrorCode.NOT_A_MEMBER
    await socks["outsider"].send(
        {
            "type": "typing_indicator",
            "receiver": "ghost",
            "receiverType": "user",
            "body": {"action": "started"},
        }
    )
    assert (await socks["outsider"].expect("error"))["body"]["code"] == ErrorCode.UID_NOT_FOUND
    await socks["outsider"].send(
        {"type": "typing_indicator", "receiverType": "user", "body": {"action": "started"}}
    )
    assert (await socks["outsider"].expect("error"))["body"]["code"] == ErrorCode.BAD_REQUEST
    for s in socks.values():
        await s.close()


async def test_transient_relay(server: EmbeddedServer, rest: Rest) -> None:
    one = await Sock.login(server, rest.login("superhero1"))
    two = await Sock.login(server, rest.login("superhero2"))
    await one.send(
        {
            "type": "transient_message",
            "receiver": "superhero2",
            "receiverType": "user",
            "body": {"data": {"live": True}},
        }
    )
    decoded = _decode(await two.expect("transient_message"))
    assert (
        isinstance(decoded, frames.TransientFrame)
        and decoded.data == {"live": True}
        and decoded.user.uid == "superhero1"
    )
    await one.close()
    await two.close()


# -- receipts ------------------------------------------------------------------------


async def test_receipts(server: EmbeddedServer, rest: Rest) -> None:
    l1, l2 = rest.login("superhero1"), rest.login("superhero2", resource="dev-two")
    one = await Sock.login(server, l1)
    two = await Sock.login(server, l2)
    msg = rest.send_text(l1, "superhero2", "did you get this?")
    await two.expect("message")
    receipt = {
        "appId": server.app_id,
        "receiver": "superhero1",
        "receiverType": "user",
        "deviceId": "dev-two",
        "type": "receipts",
        "sender": "superhero2",
        "messageSender": "superhero1",
        "body": {"action": "delivered", "messageId": msg["id"], "user": {"uid": "superhero2"}},
    }
    await two.send(receipt)
    got = await one.expect("receipts")
    decoded = _decode(got)
    assert isinstance(decoded, frames.ReceiptFrame) and decoded.receipt_type == "delivery"
    assert (
        decoded.message_id == msg["id"]
        and decoded.user.uid == "superhero2"
        and decoded.message_sender == "superhero1"
    )
    assert got["deviceId"] == "dev-two" and decoded.timestamp
    # duplicates are stored once and not relayed again
    await two.send(receipt)
    await two.sync()
    assert await one.sync() == []
    await two.send({**receipt, "body": {**receipt["body"], "action": "read"}})
    assert (await one.expect("receipts"))["body"]["action"] == "read"
    stored = data(rest.call("GET", f"/messages/{msg['id']}", token=l1.token))
    assert stored["deliveredAt"] and stored["readAt"]
    assert stored["readAt"] >= stored["deliveredAt"]
    await one.close()
    await two.close()


async def test_receipt_refusals(server: EmbeddedServer, rest: Rest) -> None:
    l1, l2 = rest.login("superhero1"), rest.login("superhero2")
    msg = rest.send_text(l1, "superhero2", "x")
    three = await Sock.login(server, rest.login("superhero3"))
    one = await Sock.login(server, l1)
    cases = [
        (three, msg["id"], "delivered", ErrorCode.PERMISSION_DENIED),  # not their message to read
        (three, "99999", "read", ErrorCode.MESSAGE_ID_NOT_FOUND),
        (three, "abc", "read", ErrorCode.MESSAGE_ID_NOT_FOUND),
        (one, msg["id"], "read", ErrorCode.BAD_REQUEST),  # own message
        (one, msg["id"], "readByAll", ErrorCode.BAD_REQUEST),  # server-only receipt kind
    ]
    for sock, mid, action, code in cases:
        await sock.send(
            {
                "type": "receipts",
                "receiver": "superhero1",
                "receiverType": "user",
                "body": {"action": action, "messageId": mid},
            }
        )
        assert (await sock.expect("error"))["body"]["code"] == code, (mid, action)
    assert l2.token  # superhero2 never connected: receipts above reached nobody
    await three.close()
    await one.close()


# -- message fan-out ---------------------------------------------------------------------


async def test_message_fanout_direct(server: EmbeddedServer, rest: Rest) -> None:
    l1 = rest.login("superhero1", resource="dev-1a")
    phone = await Sock.login(server, l1)
    l1b = rest.login("superhero1", resource="dev-1b")
    laptop = await Sock.login(server, l1b)
    two = await Sock.login(server, rest.login("superhero2"))
    three = await Sock.login(server, rest.login("superhero3"))
    msg = rest.send_text(l1, "superhero2", "hi")
    got = await two.expect("message")
    decoded = _decode(got)
    assert isinstance(decoded, frames.MessageFrame) and isinstance(decoded.message, TextMessage)
    assert decoded.message.text == "hi" and decoded.message.id == msg["id"] and got["body"] == msg
    assert got["deviceId"] == "dev-1a" and got["sender"] == "superhero1" and got["receiver"] == "superhero2"
    # every socket of the sender gets it too; the originating one filters by deviceId
    assert (await phone.expect("message"))["deviceId"] == "dev-1a"
    assert (await laptop.expect("message"))["body"]["id"] == msg["id"]
    assert await three.sync() == []
    for s in (phone, laptop, two, three):
        await s.close()


async def test_message_fanout_group_and_admin_helper(server: EmbeddedServer, rest: Rest) -> None:
    server.create_user("outsider")
    socks = {
        uid: await Sock.login(server, rest.login(uid)) for uid in ("superhero1", "superhero4", "outsider")
    }
    sent = server.send_message(
        "superhero2", "supergroup", "hello group", receiver_type="group", metadata={"a": 1}
    )
    for uid in ("superhero1", "superhero4"):
        frame = await socks[uid].expect("message")
        assert frame["body"]["id"] == sent["id"] and frame["receiverType"] == "group"
        assert frame["deviceId"] != rest.login(uid).resource
    assert await socks["outsider"].sync() == []
    custom = server.send_custom_message("superhero4", "superhero1", "poll", {"q": "?"})
    frame = await socks["superhero1"].expect("message")
    assert frame["body"]["id"] == custom["id"] and frame["body"]["category"] == "custom"
    assert (await socks["superhero4"].expect("message"))["body"]["id"] == custom["id"]
    for s in socks.values():
        await s.close()


async def test_edit_delete_frames(server: EmbeddedServer, rest: Rest) -> None:
    l1 = rest.login("superhero1")
    two = await Sock.login(server, rest.login("superhero2"))
    msg = rest.send_text(l1, "superhero2", "typo")
    await two.expect("message")
    rest.call(
        "PUT",
        f"/messages/{msg['id']}",
        token=l1.token,
        json={"data": {"text": "fixed"}},
        resource=l1.resource,
    )
    frame = await two.expect("message")
    action = _decode(frame)
    assert isinstance(action, frames.MessageFrame) and isinstance(action.message, Action)
    assert action.message.action == "edited" and int(action.message.id or 0) > int(msg["id"])
    on = action.message.action_on
    assert isinstance(on, TextMessage) and on.text == "fixed" and on.id == msg["id"]
    rest.call("DELETE", f"/messages/{msg['id']}", token=l1.token, resource=l1.resource)
    deleted = _decode(await two.expect("message"))
    assert isinstance(deleted, frames.MessageFrame) and isinstance(deleted.message, Action)
    assert deleted.message.action == "deleted"
    assert deleted.message.action_on is not None and deleted.message.action_on.deleted_at  # type: ignore[union-attr]
    await two.close()


async def test_join_leave_frames(server: EmbeddedServer, rest: Rest) -> None:
    server.create_group("club", members=["superhero1"])
    one = await Sock.login(server, rest.login("superhero1"))
    l2 = rest.login("superhero2")
    two = await Sock.login(server, l2)
    rest.call("POST", "/groups/club/members", token=l2.token, json={"type": "public"})
    for sock in (one, two):
        joined = _decode(await sock.expect("message"))
        assert isinstance(joined, frames.MessageFrame) and isinstance(joined.message, Action)
        assert joined.message.action == "joined" and joined.message.receiver_id == "club"
    rest.call("DELETE", "/groups/club/members/superhero2", token=l2.token)
    for sock in (one, two):  # the leaver hears it too
        left = _decode(await sock.expect("message"))
        assert (
            isinstance(left, frames.MessageFrame)
            and isinstance(left.message, Action)
            and left.message.action == "left"
        )
    server.send_message("superhero1", "club", "after", receiver_type="group")
    await one.expect("message")
    assert await two.sync() == []
    # a kick reaches the kicked member too
    rest.call("POST", "/groups/club/members", token=l2.token, json={})
    await two.expect("message")
    rest.call("DELETE", "/groups/club/members/superhero2", token=rest.login("superhero1").token)
    kicked = _decode(await two.expect(lambda f: f.get("body", {}).get("data", {}).get("action") == "kicked"))
    assert isinstance(kicked, frames.MessageFrame) and isinstance(kicked.message, Action)
    assert kicked.message.action_on is not None and kicked.message.action_on.uid == "superhero2"  # type: ignore[union-attr]
    await one.close()
    await two.close()


# -- presence --------------------------------------------------------------------------


async def test_presence_subscriptions(server: EmbeddedServer, rest: Rest) -> None:
    server.create_user("boss", "Boss", role="admin")
    server.add_friends("superhero4", ["boss"])
    everyone = await Sock.login(server, rest.login("superhero1"), subscription="ALL_USERS")
    admins = await Sock.login(server, rest.login("superhero2"), subscription="ROLES", roles=["admin"])
    defaults = await Sock.login(server, rest.login("superhero3"), subscription="ROLES", roles=["default"])
    friend = await Sock.login(server, rest.login("superhero4"), subscription="FRIENDS")
    nobody = await Sock.login(server, rest.login("superhero5"), subscription="NONE")
    watchers = (everyone, admins, defaults, friend, nobody)
    for s in watchers:  # drain presence caused by the logins above
        s.seen.clear()
        await s.sync()

    l_boss = rest.login("boss")
    boss = await Sock.login(server, l_boss)
    online = await everyone.expect("presence")
    decoded = _decode(online)
    assert isinstance(decoded, frames.PresenceFrame) and decoded.online and decoded.user.uid == "boss"
    assert decoded.user.role == "admin" and decoded.timestamp
    assert (await admins.expect("presence"))["body"]["user"]["uid"] == "boss"
    assert (await friend.expect("presence"))["body"]["action"] == "online"
    assert await defaults.sync() == []
    assert await nobody.sync() == []
    assert await boss.sync() == []  # nobody is told about themselves

    # a second socket of the same user announces nothing; the last close announces offline
    boss2 = await Sock.login(server, l_boss)
    assert await everyone.sync() == []
    await boss.close()
    assert await everyone.sync() == []
    await boss2.close()
    offline = await everyone.expect("presence")
    assert offline["body"]["action"] == "offline"
    assert (await admins.expect("presence"))["body"]["action"] == "offline"
    assert (await friend.expect("presence"))["body"]["action"] == "offline"
    assert await nobody.sync() == []
    users = {u["uid"]: u for u in data(rest.call("GET", "/users", token=l_boss.token))}
    assert users["boss"]["status"] == "offline" and users["superhero1"]["status"] == "online"
    for s in watchers:
        await s.close()


async def test_logout_closes_that_sessions_sockets(server: EmbeddedServer, rest: Rest) -> None:
    a = rest.login("superhero1")
    b = rest.login("superhero1")
    sock_a = await Sock.login(server, a)
    sock_b = await Sock.login(server, b)
    rest.call("DELETE", "/me", token=a.token)
    assert (await sock_a.closed())[0] == CloseCode.SESSION_REVOKED
    assert await sock_b.sync() == []
    assert server.connection_count("superhero1") == 1
    await sock_b.close()


async def test_server_stop_closes_with_1001(rest: Rest, server: EmbeddedServer) -> None:
    sock = await Sock.login(server, rest.login("superhero1"))
    import asyncio

    await asyncio.to_thread(server.stop)
    with pytest.raises(ConnectionClosed) as info:
        await sock.recv()
    assert info.value.rcvd is not None and info.value.rcvd.code == CloseCode.GOING_AWAY


_ = Login  # re-exported for type hints in helpers
