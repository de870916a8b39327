"""Authorization matrix: every way to reach what one is not part of is refused with the
right CometChat code, and no error text leaks another user's messages, a token, a JWT
or the auth key.

Cast: alice (superhero1) and bob (superhero2) share a DM and the private group
``secret``; eve (superhero3) is in neither, but is in the public group ``eves``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from cometchat_nb.errors import ErrorCode as E
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Login, Rest, Sock, auth_frame, data

SECRET_DM = "the launch code is 0000 (alice to bob only)"
SECRET_GROUP = "private plans of the secret group"


@dataclass
class World:
    server: EmbeddedServer
    rest: Rest
    alice: Login
    bob: Login
    eve: Login
    logged_out: Login
    dm_id: str
    group_msg_id: str
    eve_dm_id: str
    secrets: list[str] = field(default_factory=list)

    def leaked(self, text: str) -> list[str]:
        return [s for s in self.secrets if s in text]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with EmbeddedServer() as server, Rest(server) as rest:
        alice, bob, eve = rest.login("superhero1"), rest.login("superhero2"), rest.login("superhero3")
        gone = rest.login("superhero4")
        assert data(rest.call("DELETE", "/me", token=gone.token))["success"] is True
        server.create_group("secret", "Secret", members=["superhero1", "superhero2"], type="private")
        server.create_group("eves", "Eve's", members=["superhero3"])
        dm = rest.send_text(alice, "superhero2", SECRET_DM)["id"]
        group_msg = rest.send_text(alice, "secret", SECRET_GROUP, "group")["id"]
        eve_dm = rest.send_text(eve, "superhero1", "hi alice, eve here")["id"]
        secrets = [SECRET_DM, SECRET_GROUP, server.auth_key]
        for who in (alice, bob, eve, gone):
            jwt = who.jwt
            secrets += [who.token, jwt, *jwt.split(".")[1:]]  # the JWT, its claims and its signature
        yield World(server, rest, alice, bob, eve, gone, dm, group_msg, eve_dm, secrets)


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    code: str
    who: str | None = "eve"  # whose token; None = no token header
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    admin_key: str | None = None  # an apiKey header value


CASES = [
    # credentials
    Case("no-token", "GET", "/users", E.EMPTY_AUTH_TOKEN, who=None),
    Case("wrong-token", "GET", "/users", E.AUTH_TOKEN_NOT_FOUND, who=None, headers={"authToken": "x" * 43}),
    Case("logged-out-token", "GET", "/me", E.AUTH_TOKEN_NOT_FOUND, who="logged_out"),
    Case("logged-out-token-send", "POST", "/messages", E.AUTH_TOKEN_NOT_FOUND, who="logged_out",
         body={"receiver": "superhero1", "receiverType": "user", "data": {"text": "x"}}),
    Case("jwt-as-token", "GET", "/me", E.AUTH_TOKEN_NOT_FOUND, who="eve-jwt"),
    Case("no-app-id", "GET", "/users", E.EMPTY_APPID, headers={"appId": ""}),
    Case("wrong-app-id", "GET", "/users", E.INVALID_APPID, headers={"appId": "someone-elses-app"}),
    # other people's direct messages
    Case("read-their-dm-by-id", "GET", "/messages/{dm_id}", E.PERMISSION_DENIED),
    Case("edit-their-dm", "PUT", "/messages/{dm_id}", E.PERMISSION_DENIED, body={"data": {"text": "pwned"}}),
    Case("delete-their-dm", "DELETE", "/messages/{dm_id}", E.PERMISSION_DENIED),
    Case("receiver-edits-dm", "PUT", "/messages/{dm_id}", E.PERMISSION_DENIED, who="bob",
         body={"data": {"text": "bob rewrites alice"}}),
    Case("receiver-deletes-dm", "DELETE", "/messages/{dm_id}", E.PERMISSION_DENIED, who="bob"),
    # groups one is not part of
    Case("read-private-group", "GET", "/groups/secret", E.GUID_NOT_FOUND),
    Case("read-private-group-messages", "GET", "/groups/secret/messages", E.NOT_A_MEMBER),
    Case("read-private-group-members", "GET", "/groups/secret/members", E.NOT_A_MEMBER),
    Case("read-private-group-message-by-id", "GET", "/messages/{group_msg_id}", E.PERMISSION_DENIED),
    Case("send-to-private-group", "POST", "/messages", E.NOT_A_MEMBER,
         body={"receiver": "secret", "receiverType": "group", "data": {"text": "let me in"}}),
    Case("join-private-group", "POST", "/groups/secret/members", E.GROUP_JOIN_NOT_ALLOWED, body={}),
    Case("kick-from-foreign-group", "DELETE", "/groups/secret/members/superhero2", E.NOT_A_MEMBER),
    Case("participant-kicks-owner", "DELETE", "/groups/secret/members/superhero1", E.GROUP_NO_CLEARANCE,
         who="bob"),
    Case("edit-group-message-of-another", "PUT", "/messages/{group_msg_id}", E.PERMISSION_DENIED, who="bob",
         body={"data": {"text": "x"}}),
    Case("read-public-group-not-joined", "GET", "/groups/eves/messages", E.NOT_A_MEMBER, who="alice"),
    Case("send-to-public-group-not-joined", "POST", "/messages", E.NOT_A_MEMBER, who="alice",
         body={"receiver": "eves", "receiverType": "group", "data": {"text": "x"}}),
    # admin endpoints
    Case("admin-no-key", "POST", "/users", E.EMPTY_APIKEY, who=None, body={"uid": "mallory"}),
    Case("admin-wrong-key", "POST", "/users", E.APIKEY_NOT_FOUND, who=None, admin_key="not-the-key",
         body={"uid": "mallory"}),
    Case("admin-user-token-instead-of-key", "POST", "/users", E.EMPTY_APIKEY, body={"uid": "mallory"}),
    Case("admin-token-for-another-user", "POST", "/users/superhero1/auth_tokens", E.EMPTY_APIKEY, body={}),
    Case("admin-token-wrong-key", "POST", "/users/superhero1/auth_tokens", E.APIKEY_NOT_FOUND, who=None,
         admin_key="local-auth-ke", body={}),
    Case("admin-update-user-wrong-key", "PUT", "/users/superhero1", E.APIKEY_NOT_FOUND, who=None,
         admin_key="x", body={"name": "pwned"}),
    Case("admin-friends-no-key", "POST", "/users/superhero1/friends", E.EMPTY_APIKEY,
         body={"accepted": ["superhero3"]}),
]  # fmt: skip


def _request(world: World, case: Case) -> httpx.Response:
    tokens = {
        "eve": world.eve.token,
        "bob": world.bob.token,
        "alice": world.alice.token,
        "logged_out": world.logged_out.token,
        "eve-jwt": world.eve.jwt,
    }
    headers = {"appId": world.server.app_id, "sdk": "python@test"}
    if case.who is not None:
        headers["authToken"] = tokens[case.who]
    if case.admin_key is not None:
        headers["apiKey"] = case.admin_key
    headers.update(case.headers)
    headers = {k: v for k, v in headers.items() if v}
    path = case.path.format(dm_id=world.dm_id, group_msg_id=world.group_msg_id)
    return world.rest.http.request(case.method, "/v3.0" + path, headers=headers, json=case.body)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_refused_with_the_right_code_and_nothing_leaked(world: World, case: Case) -> None:
    r = _request(world, case)
    body = r.json()
    assert set(body) == {"error"}, f"{case.id}: expected a refusal, got {r.status_code} {body}"
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == case.code, body
    assert 400 <= r.status_code < 500
    assert not world.leaked(r.text), f"{case.id} leaked {world.leaked(r.text)}"
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_nothing_changed_by_the_refused_calls(world: World) -> None:
    """The refused edits/deletes/joins/kicks really did nothing."""
    rest, alice, bob = world.rest, world.alice, world.bob
    dm = data(rest.call("GET", f"/messages/{world.dm_id}", token=alice.token))
    assert dm["data"]["text"] == SECRET_DM and "deletedAt" not in dm and "editedAt" not in dm
    members = {m["uid"] for m in data(rest.call("GET", "/groups/secret/members", token=bob.token))}
    assert members == {"superhero1", "superhero2"}
    r = rest.call("GET", "/users/mallory", token=alice.token)
    assert r.json()["error"]["code"] == E.UID_NOT_FOUND
    assert data(rest.call("GET", "/users/superhero1", token=alice.token))["name"] != "pwned"


@pytest.mark.parametrize(
    "path",
    ["/users/superhero1/messages", "/users/superhero2/messages", "/messages", "/groups/supergroup/messages"],
)
def test_history_shows_only_own_conversations(world: World, path: str) -> None:
    """``users/{uid}/messages`` is *your* conversation with uid, whoever uid talks to."""
    r = world.rest.call("GET", path, token=world.eve.token, params={"per_page": 100})
    messages = data(r)
    assert not world.leaked(r.text)
    for m in messages:
        if m["receiverType"] == "user":
            assert "superhero3" in (m["sender"], m["receiver"]), m
        else:
            assert m["receiver"] in ("supergroup", "eves"), m
    if path == "/users/superhero1/messages":
        assert [m["id"] for m in messages] == [world.eve_dm_id]


# --------------------------------------------------------------------------------------
# the web-socket


def _forged(jwt: str, **claims: Any) -> str:
    """``jwt`` with its claims changed and the old signature (so it no longer verifies)."""
    header, payload, signature = jwt.split(".")
    obj = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    obj.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


AUTH_CASES: list[tuple[str, Callable[[World], dict[str, Any]], str]] = [
    ("another-users-jwt", lambda w: auth_frame(w.server.app_id, w.eve, jwt=w.bob.jwt), E.WS_AUTH_FAIL),
    ("logged-out-jwt", lambda w: auth_frame(w.server.app_id, w.logged_out), E.AUTH_TOKEN_NOT_FOUND),
    ("forged-uid", lambda w: auth_frame(w.server.app_id, w.eve, jwt=_forged(w.eve.jwt, uid="superhero1"),
                                        sender=None), E.WS_AUTH_FAIL),
    ("forged-expiry", lambda w: auth_frame(w.server.app_id, w.eve, jwt=_forged(w.eve.jwt, exp=2**40)),
     E.WS_AUTH_FAIL),
    ("auth-token-as-jwt", lambda w: auth_frame(w.server.app_id, w.eve, jwt=w.eve.token), E.WS_AUTH_FAIL),
    ("other-app", lambda w: {**auth_frame(w.server.app_id, w.eve), "appId": "other-app"}, E.WS_AUTH_FAIL),
    ("empty-jwt", lambda w: auth_frame(w.server.app_id, w.eve, jwt=""), E.WS_AUTH_FAIL),
]  # fmt: skip


@pytest.mark.parametrize(("name", "frame", "code"), AUTH_CASES, ids=[c[0] for c in AUTH_CASES])
async def test_socket_auth_refused(
    world: World, name: str, frame: Callable[[World], dict[str, Any]], code: str
) -> None:
    sock = await Sock.open(world.server)
    try:
        await sock.send(frame(world))
        answer = await sock.expect(lambda f: f.get("type") == "auth")
        assert answer["body"]["status"] == "ERROR" and answer["body"]["error"]["code"] == code, answer
        raw = json.dumps(answer)
        assert not world.leaked(raw), world.leaked(raw)
        close_code, _ = await sock.closed()
        assert close_code == 4001
    finally:
        await sock.close()


async def test_socket_spoofing_and_foreign_targets_refused_and_not_relayed(world: World) -> None:
    """Typing/receipts with another uid as sender, receipts for messages one cannot
    read, typing into groups one is not in: refused with an error frame; the
    would-be recipients get nothing; eve's socket never sees alice and bob's DM."""
    server = world.server
    eve = await Sock.login(server, world.eve)
    bob = await Sock.login(server, world.bob)
    alice = await Sock.login(server, world.alice)
    try:
        base = {"appId": server.app_id, "deviceId": world.eve.resource}
        typing = {"action": "started", "user": {"uid": "superhero1"}}
        attempts: list[tuple[dict[str, Any], str]] = [
            ({**base, "type": "typing_indicator", "sender": "superhero1", "receiver": "superhero2",
              "receiverType": "user", "body": typing}, E.PERMISSION_DENIED),
            ({**base, "type": "receipts", "sender": "superhero2", "receiver": "superhero1",
              "receiverType": "user", "messageSender": "superhero1",
              "body": {"action": "read", "messageId": world.dm_id}}, E.PERMISSION_DENIED),
            ({**base, "type": "receipts", "receiver": "superhero1", "receiverType": "user",
              "messageSender": "superhero1", "body": {"action": "read", "messageId": world.dm_id}},
             E.PERMISSION_DENIED),
            ({**base, "type": "receipts", "receiver": "secret", "receiverType": "group",
              "messageSender": "superhero1",
              "body": {"action": "delivered", "messageId": world.group_msg_id}},
             E.PERMISSION_DENIED),
            ({**base, "type": "typing_indicator", "receiver": "secret", "receiverType": "group",
              "body": {"action": "started"}}, E.NOT_A_MEMBER),
            ({**base, "type": "transient_message", "receiver": "secret", "receiverType": "group",
              "body": {"data": {"x": 1}}}, E.NOT_A_MEMBER),
            ({**base, "type": "message", "receiver": "superhero2", "receiverType": "user",
              "body": {"id": "99999", "sender": "superhero3", "receiver": "superhero2",
                       "receiverType": "user", "category": "message", "type": "text",
                       "data": {"text": "over the socket"}}},
             E.BAD_REQUEST),
        ]  # fmt: skip
        for frame, code in attempts:
            await eve.send(frame)
            error = await eve.expect("error")
            assert error["body"]["code"] == code, (frame, error)
            assert not world.leaked(json.dumps(error)), error
        # the DM between alice and bob reaches them, never eve
        world.rest.send_text(world.alice, "superhero2", SECRET_DM + " (again)")
        await bob.expect(lambda f: f.get("type") == "message")
        for sock in (bob, alice, eve):
            frames = await sock.sync()
            assert not [f for f in frames if f.get("type") in ("typing_indicator", "receipts", "transient")]
        seen = json.dumps(eve.seen)
        assert SECRET_DM not in seen and SECRET_GROUP not in seen
        assert world.rest.server.connection_count("superhero3") == 1  # refusals never cost the socket
    finally:
        for sock in (eve, bob, alice):
            await sock.close()
