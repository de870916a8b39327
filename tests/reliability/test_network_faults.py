"""Network faults: half-open links, servers that never answer the handshake, blocking
listeners, refused connects and credentials revoked while connected.

Every wait is bounded; reconnect backoff is injected (zero or a few milliseconds)
and recorded, so the tests can check that retries follow it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.server import ServerConnection, serve

from cometchat_nb import (
    AuthError,
    Client,
    ConnectionState,
    MemorySessionStore,
    MessageListener,
    StateError,
    TextMessage,
    TypingIndicator,
)
from cometchat_nb.errors import ErrorCode
from cometchat_nb.errors import TimeoutError as SdkTimeoutError
from cometchat_nb.protocol.states import ConnectionStateChange
from cometchat_nb.server import EmbeddedServer

from ..support import RESTART_WAIT, Recorder, check_truthful, idle, new_client, settings_at
from .procs import ServerProcess


def _calls(rec: Recorder) -> list[str]:
    return [e.name for e in rec.named("inConnecting", "onConnected", "onDisconnected")]


class RecordedBackoff:
    """An injected backoff that records the attempts it was asked about."""

    def __init__(self, delay: Callable[[int], float]) -> None:
        self.delay = delay
        self.attempts: list[int] = []

    def __call__(self, attempt: int) -> float:
        self.attempts.append(attempt)
        return self.delay(attempt)


# --------------------------------------------------------------------------------------
# half-open link


async def test_stalled_pongs_detected_within_ping_interval_plus_pong_timeout(
    server: EmbeddedServer, clients: list[Client]
) -> None:
    ping, pong = 0.1, 0.2
    bob, rec = new_client(server.app_id, settings_at(server.url, ping_interval=ping, pong_timeout=pong))
    clients.append(bob)
    await bob.init()
    await bob.login("superhero2", server.auth_key)
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
    await bob.wait_for_catchup(RESTART_WAIT)
    for _ in range(3):  # three half-open episodes in a row
        connected_changes = [c for c in bob.state_log if c.current is ConnectionState.CONNECTED]
        stalled_at = time.time()
        server.stall_pongs(True)
        await bob.wait_for_state(ConnectionState.DISCONNECTED, timeout=RESTART_WAIT)
        drop = bob.state_log[-1] if bob.state_log[-1].current is ConnectionState.DISCONNECTED else None
        drop = next(c for c in reversed(bob.state_log) if c.current is ConnectionState.DISCONNECTED)
        # the last ping went out at most ping_interval after the stall began
        took = drop.at - stalled_at
        assert took <= ping + pong + 0.5, f"dead link noticed after {took:.3f}s"
        assert drop.reason is not None and "pong" in drop.reason and drop.reason_code == "1006"
        server.stall_pongs(False)
        await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
        assert (
            len([c for c in bob.state_log if c.current is ConnectionState.CONNECTED])
            == len(connected_changes) + 1
        )
    await bob.wait_for_catchup(RESTART_WAIT)
    sent = server.send_message("superhero1", "superhero2", "after three dead links")["id"]
    await rec.wait(lambda r: sent in [m.id for m in r.args("onTextMessageReceived")])
    assert await idle(bob)
    check_truthful(bob.state_log, _calls(rec))
    assert bob.status()["reconnects"] == 3


async def test_frozen_server_with_full_send_buffers_is_declared_dead(
    tmp_path: Path, clients: list[Client]
) -> None:
    """A server that is there but silent (SIGSTOP) while the client keeps writing:
    once the socket's send buffers are full every write blocks, and the keepalive's
    ping must not block with them — the link is declared dead within
    ping_interval + pong_timeout of the ping that got no answer. The writes await
    start_typing inline, as ``asyncio.wait_for`` does on Python >= 3.12: a caller
    that never yields to the loop must still see the drop at once (a frame is
    queued only once the client no longer says ``connected``), never
    ERR_QUEUE_FULL while ``connected``."""
    srv = ServerProcess(tmp_path / "chat.sqlite")
    try:
        srv.start()
        ping, pong = 0.2, 0.3
        bob, rec = new_client(srv.app_id, settings_at(srv.url, ping_interval=ping, pong_timeout=pong))
        clients.append(bob)
        await bob.init()
        await bob.login("superhero2", srv.auth_key)
        await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
        await bob.wait_for_catchup(RESTART_WAIT)
        srv.freeze()
        frozen_at = time.time()
        indicator = TypingIndicator("superhero1", "user", metadata={"pad": "x" * 4000})
        blocked = False
        for _ in range(20_000):  # bounded: ~80 MB at most; loopback buffers hold a few MB
            try:
                async with asyncio.timeout(0.5):
                    await bob.start_typing(indicator)
            except TimeoutError:
                blocked = True  # the socket's buffers are full: writes block
                break
            if bob.connection_state is not ConnectionState.CONNECTED:
                break
            assert bob.status()["queued_out"] == 0, "a frame is held while the client says connected"
        assert blocked or bob.connection_state is not ConnectionState.CONNECTED
        await bob.wait_for_state(
            ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, timeout=ping + pong + 5.0
        )
        drop = next(c for c in bob.state_log if c.previous is ConnectionState.CONNECTED and c.at >= frozen_at)
        assert drop.reason is not None and "pong" in drop.reason, drop
        assert drop.at - frozen_at <= 0.5 + ping + pong + 2.0
        assert bob.get_connection_status() != "connected"
        srv.freeze(False)
        await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
        assert await idle(bob)
        check_truthful(bob.state_log, _calls(rec))
    finally:
        srv.kill()


# --------------------------------------------------------------------------------------
# a server that accepts TCP but never answers


class BlackHole:
    """A raw asyncio server: accepts TCP, reads everything, never answers.

    With ``upgrade=True`` it is a real WebSocket server that completes the
    handshake and then never answers the auth frame."""

    def __init__(self) -> None:
        self.accepted = 0
        self.closed = 0
        self.changed = asyncio.Event()
        self.port = 0
        self._server: Any = None

    async def _raw(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.changed.set()
        try:
            while await reader.read(65536):  # until the client gives up and closes
                pass
        finally:
            self.closed += 1
            self.changed.set()
            writer.close()

    async def _ws(self, ws: ServerConnection) -> None:
        self.accepted += 1
        self.changed.set()
        try:
            async for _ in ws:  # the auth frame arrives; it is never answered
                pass
        finally:
            self.closed += 1
            self.changed.set()

    async def start(self, *, upgrade: bool) -> None:
        if upgrade:
            self._server = await serve(self._ws, "127.0.0.1", 0, ping_interval=None)
        else:
            self._server = await asyncio.start_server(self._raw, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def wait(self, predicate: Callable[[], bool], timeout: float = RESTART_WAIT) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                self.changed.clear()
                await self.changed.wait()


@pytest.fixture
async def black_hole(request: pytest.FixtureRequest) -> AsyncIterator[BlackHole]:
    hole = BlackHole()
    await hole.start(upgrade=request.param == "upgrade")
    try:
        yield hole
    finally:
        await hole.stop()


async def _session_pointing_at(server: EmbeddedServer, ws_port: int) -> MemorySessionStore:
    """A saved session whose server settings send the web-socket to ``ws_port``."""
    store = MemorySessionStore()
    first = Client(server.app_id, settings_at(server.url, manual=True), store=store)
    try:
        await first.init()
        await first.login("superhero2", server.auth_key)
    finally:
        await first.close()
    saved = store.load()
    assert saved is not None
    saved["settings"]["CHAT_WSS_PORT"] = ws_port
    store.save(saved)
    return store


@pytest.mark.parametrize("black_hole", ["tcp", "upgrade"], indirect=True)
async def test_unanswered_handshake_times_out_is_reported_and_retried(
    server: EmbeddedServer, black_hole: BlackHole, clients: list[Client]
) -> None:
    """``tcp``: TCP accepted, the HTTP upgrade never answered. ``upgrade``: the
    upgrade answered, the auth frame never. Either way each attempt ends within
    ``connect_timeout``, is reported with a reason, and is retried with backoff."""
    connect_timeout = 0.3
    store = await _session_pointing_at(server, black_hole.port)
    backoff = RecordedBackoff(lambda n: 0.01 * n)
    client = Client(
        server.app_id,
        settings_at(server.url, connect_timeout=connect_timeout),
        store=store,
        backoff=backoff,
    )
    rec = Recorder()
    client.add_event_sink(rec)
    clients.append(client)
    await client.init()  # auto mode: restoring the session opens the socket
    await rec.wait(
        lambda r: sum(1 for c in r.args("onStateChange") if c.current is ConnectionState.DISCONNECTED) >= 3
    )
    fails = [c for c in client.state_log if c.current is ConnectionState.DISCONNECTED]
    starts = [c for c in client.state_log if c.current is ConnectionState.CONNECTING]
    for start, fail in zip(starts, fails, strict=False):
        took = fail.at - start.at
        assert took <= connect_timeout + 0.5, f"attempt {start.attempt} hung for {took:.2f}s"
        assert took >= connect_timeout * 0.9, "gave up before the connect timeout"
        assert fail.reason_code == ErrorCode.WS_CONNECTION_FAIL
        assert fail.reason is not None and f"within {connect_timeout:g} s" in fail.reason
        assert fail.retry_in == pytest.approx(0.01 * fail.attempt)
    assert [c.attempt for c in starts[:3]] == [1, 2, 3]
    assert backoff.attempts[:3] == [1, 2, 3]
    assert client.get_connection_status() in ("connecting", "disconnected")
    assert not [c for c in client.state_log if c.current is ConnectionState.CONNECTED]

    # connect() gives a clear timeout (and keeps retrying in the background) ...
    with pytest.raises(SdkTimeoutError) as info:
        await client.connect(timeout=0.5)
    assert "not connected after" in info.value.message and "still retrying" in info.value.message
    # ... and disconnect() stops it at once, mid-handshake or mid-backoff
    t0 = time.monotonic()
    await client.disconnect()
    assert time.monotonic() - t0 < 1.0
    assert client.connection_state is ConnectionState.CLOSED
    # every socket the client opened was closed by it: nothing is left hanging
    await black_hole.wait(lambda: black_hole.closed == black_hole.accepted)
    assert black_hole.accepted >= 3
    assert await idle(client)
    check_truthful(client.state_log, _calls(rec))


async def _manual_client_at_black_hole(
    server: EmbeddedServer, black_hole: BlackHole, clients: list[Client]
) -> tuple[Client, Recorder]:
    """A manual-mode client whose restored session points at ``black_hole``; attempts
    would hang for 30 s (connect_timeout) unless stopped."""
    store = await _session_pointing_at(server, black_hole.port)
    client = Client(
        server.app_id,
        settings_at(server.url, manual=True, connect_timeout=30.0),
        store=store,
        backoff=lambda attempt: 0.0,
    )
    rec = Recorder()
    client.add_event_sink(rec)
    clients.append(client)
    await client.init()  # manual mode: nothing opens
    assert black_hole.accepted == 0
    return client, rec


@pytest.mark.parametrize("black_hole", ["tcp", "upgrade"], indirect=True)
async def test_disconnect_during_connect_ends_its_attempt_at_once(
    server: EmbeddedServer, black_hole: BlackHole, clients: list[Client]
) -> None:
    """connect() makes its first attempt on the caller's task (no task start, no wake-up):
    disconnect() in the middle of it (TCP accepted, upgrade or auth unanswered) cancels
    it at once, connect() says why, the socket is closed and nothing is retried."""
    client, rec = await _manual_client_at_black_hole(server, black_hole, clients)
    connecting = asyncio.create_task(client.connect())
    await black_hole.wait(lambda: black_hole.accepted == 1)
    assert client.connection_state is ConnectionState.CONNECTING
    t0 = time.monotonic()
    await client.disconnect()
    assert time.monotonic() - t0 < 1.0
    with pytest.raises(StateError) as info:
        await asyncio.wait_for(connecting, RESTART_WAIT)
    assert info.value.code == ErrorCode.NO_WEBSOCKET_CONNECTION
    assert "disconnect() was called while connecting" in info.value.message
    assert client.connection_state is ConnectionState.CLOSED
    await black_hole.wait(lambda: black_hole.closed == 1)
    assert await idle(client)
    assert black_hole.accepted == 1  # not retried
    assert [c.current for c in client.state_log] == [
        ConnectionState.CONNECTING,
        ConnectionState.CLOSING,
        ConnectionState.CLOSED,
    ]
    check_truthful(client.state_log, _calls(rec))
    # the client is usable afterwards: a second connect() makes a new first attempt
    again = asyncio.create_task(client.connect())
    await black_hole.wait(lambda: black_hole.accepted == 2)
    await client.disconnect()
    with pytest.raises(StateError):
        await asyncio.wait_for(again, RESTART_WAIT)
    await black_hole.wait(lambda: black_hole.closed == 2)


@pytest.mark.parametrize("black_hole", ["tcp", "upgrade"], indirect=True)
async def test_a_cancelled_connect_keeps_connecting_in_the_background(
    server: EmbeddedServer, black_hole: BlackHole, clients: list[Client]
) -> None:
    """Cancelling connect() abandons the attempt it was making (its socket is closed), and
    the client, which still wants a socket, starts over in the background until
    disconnect()."""
    client, rec = await _manual_client_at_black_hole(server, black_hole, clients)
    connecting = asyncio.create_task(client.connect())
    await black_hole.wait(lambda: black_hole.accepted == 1)
    connecting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await connecting
    await black_hole.wait(lambda: black_hole.accepted == 2 and black_hole.closed == 1)
    assert client.connection_state is ConnectionState.CONNECTING
    t0 = time.monotonic()
    await client.disconnect()
    assert time.monotonic() - t0 < 1.0
    assert client.connection_state is ConnectionState.CLOSED
    await black_hole.wait(lambda: black_hole.closed == 2)
    assert await idle(client)
    assert black_hole.accepted == 2
    check_truthful(client.state_log, _calls(rec))


# --------------------------------------------------------------------------------------
# slow consumers


async def test_a_blocking_listener_stalls_neither_keepalive_nor_other_clients(
    server: EmbeddedServer, clients: list[Client]
) -> None:
    ping, pong = 0.02, 0.1
    knobs = {"ping_interval": ping, "pong_timeout": pong}
    bob, bob_rec = new_client(server.app_id, settings_at(server.url, **knobs), name="bob")
    alice, alice_rec = new_client(server.app_id, settings_at(server.url, **knobs), name="alice")
    clients.extend([bob, alice])
    for client, uid in ((bob, "superhero2"), (alice, "superhero3")):
        await client.init()
        await client.login(uid, server.auth_key)
        await client.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
        await client.wait_for_catchup(RESTART_WAIT)

    release = threading.Event()
    entered = threading.Event()
    order: list[str] = []

    def slow(msg: TextMessage) -> None:
        entered.set()
        order.append(msg.getText())
        release.wait(30)  # a listener doing blocking work for seconds

    bob.add_message_listener("slow", MessageListener(onTextMessageReceived=slow))
    try:
        server.send_message("superhero1", "superhero2", "block 0")
        assert await asyncio.to_thread(entered.wait, RESTART_WAIT)
        frames_before = server.stats()["frames_in"]
        more = [server.send_message("superhero1", "superhero2", f"block {i}")["id"] for i in range(1, 20)]
        # the socket stays up through many keepalive rounds while the listener blocks
        with pytest.raises(SdkTimeoutError):
            await bob.wait_for_state(
                ConnectionState.DISCONNECTED, ConnectionState.FAILED, timeout=20 * (ping + pong)
            )
        assert bob.connection_state is ConnectionState.CONNECTED
        assert server.stats()["frames_in"] - frames_before >= 10, "pings stopped while a listener blocked"
        assert bob.status()["rtt_ms"] is not None
        assert server.connection_count("superhero2") == 1
        assert bob.status()["dispatch_backlog"] >= 1  # queued, not lost
        # another client of the same process is not held up
        t0 = time.monotonic()
        hi = server.send_message("superhero1", "superhero3", "not stuck behind bob")["id"]
        await alice_rec.wait(lambda r: hi in [m.id for m in r.args("onTextMessageReceived")], timeout=2.0)
        assert time.monotonic() - t0 < 2.0
    finally:
        release.set()
    await bob_rec.wait(lambda r: set(more) <= {m.id for m in r.args("onTextMessageReceived")})
    assert await idle(bob)
    assert order == [f"block {i}" for i in range(20)]  # in order, none dropped
    assert not [c for c in bob.state_log if c.current is ConnectionState.DISCONNECTED]


# --------------------------------------------------------------------------------------
# refused connects


async def test_refused_connects_are_retried_with_backoff_and_states_tell_the_truth(
    tmp_path: Path, clients: list[Client]
) -> None:
    db = tmp_path / "chat.sqlite"
    first = EmbeddedServer(db=db)
    first.start()
    port, ws_port = first.port, first.ws_port
    second: EmbeddedServer | None = None
    try:
        backoff = RecordedBackoff(lambda n: min(0.005 * 2**n, 0.05))
        bob, rec = new_client(first.app_id, settings_at(first.url), backoff=backoff)
        clients.append(bob)
        await bob.init()
        await bob.login("superhero2", first.auth_key)
        await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
        await bob.wait_for_catchup(RESTART_WAIT)
        down_at = time.time()
        await asyncio.to_thread(first.stop)  # nothing listens on either port any more

        def refused(r: Recorder) -> list[ConnectionStateChange]:
            return [
                c
                for c in r.args("onStateChange")
                if c.current is ConnectionState.DISCONNECTED and c.reason_code == ErrorCode.WS_CONNECTION_FAIL
            ]

        await rec.wait(lambda r: len(refused(r)) >= 5)
        assert bob.get_connection_status() != "connected"
        second = EmbeddedServer(db=db, port=port, ws_port=ws_port)
        second.start()
        up_at = time.time()
        await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
        await bob.wait_for_catchup(RESTART_WAIT)
        assert await idle(bob)

        log = bob.state_log
        down = [c for c in log if down_at <= c.at <= up_at]
        assert not [c for c in down if c.current is ConnectionState.CONNECTED]
        assert down[0].current is ConnectionState.DISCONNECTED and down[0].reason_code == "1001"  # going away
        failures = [c for c in down if c.current is ConnectionState.DISCONNECTED and c.attempt > 0]
        assert [c.attempt for c in failures[:5]] == [1, 2, 3, 4, 5]
        for c in failures:
            assert c.retry_in == backoff.delay(c.attempt), c
            assert c.reason is not None and "cannot open the web-socket" in c.reason
        tries = [c for c in down if c.current is ConnectionState.CONNECTING]
        assert [c.attempt for c in tries[:5]] == [1, 2, 3, 4, 5]
        check_truthful(log, _calls(rec))
        sent = second.send_message("superhero1", "superhero2", "back")["id"]
        await rec.wait(lambda r: sent in [m.id for m in r.args("onTextMessageReceived")])
    finally:
        await asyncio.to_thread(first.stop)
        if second is not None:
            await asyncio.to_thread(second.stop)


# --------------------------------------------------------------------------------------
# credentials revoked


@pytest.mark.parametrize("how", ["revoked", "logged-out-elsewhere", "revoked-while-offline"])
async def test_revoked_credentials_end_in_failed_logged_out_without_retry_storm(
    server: EmbeddedServer, clients: list[Client], how: str
) -> None:
    store = MemorySessionStore()
    bob = Client(server.app_id, settings_at(server.url), store=store, backoff=lambda _n: 0.0)
    rec = Recorder()
    bob.add_event_sink(rec)
    clients.append(bob)
    await bob.init()
    await bob.login("superhero2", server.auth_key)
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
    await bob.wait_for_catchup(RESTART_WAIT)
    token = store.load()["authToken"]  # type: ignore[index]
    if how == "revoked-while-offline":
        await bob.disconnect()
    rest_calls = bob._rest.calls
    before = len(bob.state_log)
    if how == "logged-out-elsewhere":
        async with httpx.AsyncClient(timeout=RESTART_WAIT) as http:
            r = await http.delete(
                f"{server.url}/v3.0/me", headers={"appId": server.app_id, "authToken": token}
            )
        assert r.json()["data"]["success"] is True
    else:
        assert server.revoke_tokens("superhero2") >= 1
    if how == "revoked-while-offline":
        with pytest.raises(AuthError) as info:
            await bob.connect(timeout=RESTART_WAIT)
        assert info.value.code == ErrorCode.AUTH_TOKEN_NOT_FOUND
    await bob.wait_for_state(ConnectionState.FAILED, timeout=RESTART_WAIT)
    await rec.wait_for("logoutSuccess")
    assert bob.get_logged_in_user() is None
    saved = store.load() or {}
    assert "authToken" not in saved and "jwt" not in saved
    failed = bob.state_log[-1]
    assert failed.current is ConnectionState.FAILED and failed.reason_code == ErrorCode.AUTH_TOKEN_NOT_FOUND
    # no retry storm: at most one more socket attempt, and a refresh, then nothing
    attempts = [c for c in bob.state_log[before:] if c.current is ConnectionState.CONNECTING]
    assert len(attempts) <= 1
    with pytest.raises(SdkTimeoutError):
        await bob.wait_for_state(ConnectionState.CONNECTING, timeout=0.5)
    assert bob._rest.calls - rest_calls <= 3
    assert server.connection_count("superhero2") == 0
    with pytest.raises(StateError) as info2:
        await bob.connect()
    assert info2.value.code == ErrorCode.USER_NOT_LOGGED_IN
    assert await idle(bob)
    check_truthful(bob.state_log, _calls(rec))
