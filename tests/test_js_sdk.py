"""The OFFICIAL CometChat JS SDK (npm ``@cometchat/chat-sdk-javascript``, run
in Node by ``tests/js/driver.js``) against the embedded server, over plain
http/ws and over TLS (Node trusting the server's certificate through
``NODE_EXTRA_CA_CERTS``, never ``NODE_TLS_REJECT_UNAUTHORIZED=0``).

The manual flow of protocol.md §6: init (autoEstablishSocketConnection off) →
login → connect → receive a REST-sent message, a typing indicator and a
delivery receipt from a Python client → send (the Python client receives it)
→ fetchPrevious → disconnect; then a second Node process restores the session
from the same localStorage file with init() alone → connect → receives →
logout, after which the server refuses the token.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from cometchat_nb import TypingIndicator
from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from .node_driver import WAIT, MakePy, NodeDriver, python_clients, require_node

pytestmark = pytest.mark.node

JS_UID = "superhero1"
PY_UID = "superhero2"


@pytest.fixture(params=["plain", "tls"])
def server(request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(tls=request.param == "tls", auth_timeout=5.0) as srv:
        yield srv


@pytest.fixture
async def make_py(server: EmbeddedServer) -> AsyncIterator[MakePy]:
    async with python_clients(server) as make:
        yield make


def assert_loopback(js: NodeDriver, server: EmbeddedServer) -> None:
    """Every REST call and socket of the driver went to this server, on the expected scheme."""
    scheme = "https" if server.tls else "http"
    fetches = js.seen("fetch")
    assert fetches
    for f in fetches:
        url = urlsplit(f["url"])
        assert (url.scheme, url.hostname, url.port) == (scheme, "127.0.0.1", server.port), f
    for w in js.seen("wsOpen"):
        url = urlsplit(w["url"])
        assert (url.scheme, url.hostname, url.port) == (
            "wss" if server.tls else "ws",
            "127.0.0.1",
            server.ws_port,
        ), w


def token_works(server: EmbeddedServer, token: str) -> tuple[bool, str | None]:
    """Ask the server (``GET /v3.0/me``) whether ``token`` is still accepted."""
    verify = ssl.create_default_context(cafile=server.ca_file) if server.ca_file else True
    reply = httpx.get(
        f"{server.url}/v3.0/me",
        headers={"appId": server.app_id, "authToken": token, "Accept": "application/json"},
        verify=verify,
        timeout=WAIT,
    ).json()
    return "data" in reply, reply.get("error", {}).get("code")


async def test_official_sdk_manual_flow_then_restore_and_logout(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    storage = tmp_path / "localStorage.json"
    bob, brec = await make_py(PY_UID)

    # -- first process: init → login → connect -------------------------------------------
    js = NodeDriver(server, "login", storage, uid=JS_UID)
    try:
        init = await js.step("init")
        assert init["value"] is True
        login = await js.step("login")
        assert login["uid"] == JS_UID and login["authToken"]
        token = login["authToken"]
        # manual mode: the login made exactly the two REST calls and opened no socket
        assert [(f["method"], urlsplit(f["url"]).path) for f in js.seen("fetch")] == [
            ("POST", f"/users/{JS_UID}/auth_tokens"),
            ("PUT", "/me"),
        ]
        assert (await js.step("status"))["status"] == "disconnected"
        await js.expect("inConnecting")
        await js.expect("onConnected")
        await js.expect("ready")
        assert server.connection_count(JS_UID) == 1
        await brec.wait(lambda r: any(u.uid == JS_UID for u in r.args("onUserOnline")))

        # a text message another user sends over REST
        rest_msg = server.send_message(PY_UID, JS_UID, "hello from REST")
        got = await js.expect("onTextMessageReceived", id=rest_msg["id"])
        assert (got["text"], got["sender"], got["receiver"], got["receiverType"]) == (
            "hello from REST",
            PY_UID,
            JS_UID,
            "user",
        )
        assert got["conversationId"] == rest_msg["conversationId"]
        assert got["sentAt"] == rest_msg["sentAt"]

        # typing from the Python client
        await bob.start_typing(TypingIndicator(JS_UID, "user", {"draft": True}))
        typing = await js.expect("onTypingStarted")
        assert (typing["sender"], typing["receiver"], typing["receiverType"]) == (PY_UID, JS_UID, "user")
        assert typing["metadata"] == {"draft": True}
        await bob.end_typing(TypingIndicator(JS_UID, "user"))
        assert (await js.expect("onTypingEnded"))["sender"] == PY_UID

        # the JS SDK's own delivery receipt for the REST message reaches its author
        await js.call("markAsDelivered", id=rest_msg["id"])
        (theirs,) = await brec.wait_for("onMessagesDelivered")
        assert theirs.getMessageId() == rest_msg["id"] and theirs.getSender().getUid() == JS_UID

        # JS sends; the Python client receives it and answers with receipts
        sent = (await js.call("sendMessage", to=PY_UID, text="hi from node"))["message"]
        assert (sent["text"], sent["sender"], sent["receiver"]) == ("hi from node", JS_UID, PY_UID)
        # (server.send_message above also reached bob's own socket: that copy is id rest_msg["id"])
        await brec.wait(lambda r: any(m.id == sent["id"] for m in r.args("onTextMessageReceived")))
        (msg,) = [m for m in brec.args("onTextMessageReceived") if m.id == sent["id"]]
        assert msg.getText() == "hi from node"
        assert msg.getSender().getUid() == JS_UID
        await bob.mark_as_delivered(msg)
        delivered = await js.expect("onMessagesDelivered")
        assert (delivered["messageId"], delivered["sender"], delivered["receiptType"]) == (
            sent["id"],
            PY_UID,
            "delivery",
        )
        assert delivered["deliveredAt"]
        await bob.mark_as_read(msg)
        read = await js.expect("onMessagesRead")
        assert (read["messageId"], read["sender"], read["receiptType"]) == (sent["id"], PY_UID, "read")

        # history
        history = (await js.call("fetchPrevious", uid=PY_UID, limit=30))["messages"]
        assert [(m["id"], m["text"], m["sender"]) for m in history] == [
            (rest_msg["id"], "hello from REST", PY_UID),
            (sent["id"], "hi from node", JS_UID),
        ]

        # disconnect: the server sees the socket go (the Python client gets the presence)
        await js.call("disconnect")
        await brec.wait(lambda r: any(u.uid == JS_UID for u in r.args("onUserOffline")))
        assert server.connection_count(JS_UID) == 0
        assert not js.seen("error")
        assert_loopback(js, server)
        assert js.exit_code() == 0
    finally:
        js.close()

    # -- second process: init() restores the session from the localStorage file -----------
    js2 = NodeDriver(server, "restore", storage)
    try:
        await js2.step("init")
        restored = await js2.step("restore")
        assert restored["user"] == {"uid": JS_UID, "authToken": token}
        assert not js2.seen("fetch"), "init() with a stored session must not call the server"
        await js2.step("status")
        await js2.expect("onConnected")
        await js2.expect("ready")
        await brec.wait(lambda r: sum(u.uid == JS_UID for u in r.args("onUserOnline")) >= 2)

        again = server.send_message(PY_UID, JS_UID, "welcome back")
        got = await js2.expect("onTextMessageReceived", id=again["id"])
        assert (got["text"], got["sender"]) == ("welcome back", PY_UID)

        assert token_works(server, token) == (True, None)
        out = await js2.call("logout")
        assert out["user"] is None
        await js2.expect("logoutSuccess")
        assert [urlsplit(f["url"]).path for f in js2.seen("fetch") if f["method"] == "DELETE"] == ["/v3.0/me"]
        # the server revoked the token and closed the socket
        assert token_works(server, token) == (False, ErrorCode.AUTH_TOKEN_NOT_FOUND)
        await brec.wait(lambda r: sum(u.uid == JS_UID for u in r.args("onUserOffline")) >= 2)
        assert server.connection_count(JS_UID) == 0
        assert not js2.seen("error")
        assert_loopback(js2, server)
        assert js2.exit_code() == 0
    finally:
        js2.close()

    # a third process finds nobody to restore (logout cleared the stored user)
    js3 = NodeDriver(server, "restore", storage)
    try:
        await js3.step("init")
        gone = await js3.expect("result", step="restore")
        assert gone["ok"] is False and gone["user"] is None
        assert not js3.seen("fetch") and not js3.seen("wsOpen")
        assert js3.exit_code() == 0
    finally:
        js3.close()


async def test_official_sdk_tls_needs_the_servers_certificate(tmp_path: Path) -> None:
    """Without NODE_EXTRA_CA_CERTS the SDK refuses the self-signed server (so
    the TLS run really verifies the certificate)."""
    require_node()
    with EmbeddedServer(tls=True) as server:
        await _refused(server, tmp_path)


async def _refused(server: EmbeddedServer, tmp_path: Path) -> None:
    js = NodeDriver(server, "login", tmp_path / "ls.json", uid=JS_UID, env={"NODE_EXTRA_CA_CERTS": None})
    try:
        await js.step("init")
        login = await js.expect("result", step="login")
        assert login["ok"] is False and login["code"] == ErrorCode.FAILED_TO_FETCH
        assert server.connection_count() == 0
        assert js.exit_code() == 0
    finally:
        js.close()


async def test_official_sdk_reconnects_after_the_server_drops_it(tmp_path: Path) -> None:
    """A server-side close (4000, ``drop_all_sockets``): ``onDisconnected`` at
    once, then the SDK's own reconnect timer (5 s, protocol.md §4.5) opens a
    new socket, which the server authenticates; messages flow again."""
    require_node()
    with EmbeddedServer() as server:
        js = NodeDriver(server, "login", tmp_path / "ls.json", uid=JS_UID)
        try:
            for name in ("inConnecting", "onConnected", "ready"):
                await js.expect(name)
            assert server.drop_all_sockets() == 1
            assert (await js.expect("wsClose"))["code"] == 4000
            await js.expect("onDisconnected")
            await js.expect("ready", timeout=WAIT + 5.0)
            assert len(js.seen("wsOpen")) == 2 and server.connection_count(JS_UID) == 1
            sent = server.send_message(PY_UID, JS_UID, "still here")
            assert (await js.expect("onTextMessageReceived", id=sent["id"]))["text"] == "still here"
            assert js.exit_code() == 0
        finally:
            js.close()


def test_the_driver_is_bounded(tmp_path: Path) -> None:
    """The harness cannot hang a run: stdin EOF ends the driver (0), and its
    watchdog ends it (124) when nobody does."""
    require_node()
    with EmbeddedServer() as server:
        eof = NodeDriver(server, "login", tmp_path / "a.json", uid=JS_UID)
        try:
            eof.wait("ready")
            assert eof.proc.stdin is not None
            eof.proc.stdin.close()
            assert eof.wait("exit")["code"] == 0
            assert eof.proc.wait(WAIT) == 0
        finally:
            eof.close()
        stuck = NodeDriver(server, "login", tmp_path / "b.json", uid=JS_UID, watchdog=1.0)
        try:
            assert stuck.wait("error", step="watchdog")["code"] == "WATCHDOG"
            assert stuck.proc.wait(WAIT) == 124
        finally:
            stuck.close()
