"""Connection management against a real EmbeddedServer: auto and manual modes,
init-restore, truthful states, reconnects without loss or duplicates, dead links,
refused credentials without retry storms."""

from __future__ import annotations

import pytest

from cometchat_nb import (
    AuthError,
    Client,
    ConnectionState,
    MemorySessionStore,
    StateError,
    TextMessage,
)
from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient, settings_for


def text_ids(rec_args: list[object]) -> list[str]:
    return [m.id for m in rec_args]  # type: ignore[attr-defined]


async def test_default_flow_login_opens_socket_and_messages_arrive(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    bob, bob_rec = await make_client("superhero2")
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    assert bob.get_connection_status() == "connected"
    assert bob.get_logged_in_user() is not None
    assert bob.get_logged_in_user().getUid() == "superhero2"  # type: ignore[union-attr]
    await bob.wait_for_catchup()

    server.send_message("superhero1", "superhero2", "hello bob")
    (msg,) = await bob_rec.wait_for("onTextMessageReceived")
    assert msg.getText() == "hello bob"
    assert msg.getSender().getUid() == "superhero1"
    assert msg.getReceiverId() == "superhero2"
    assert msg.source == "live"
    # CometChat callbacks in order, each paired with a state change carrying a reason
    assert bob_rec.names()[:4] == ["loginSuccess", "inConnecting", "onStateChange", "onConnected"]
    await bob.logout()
    assert bob.get_logged_in_user() is None
    assert bob.connection_state is ConnectionState.CLOSED
    await bob_rec.wait_for("logoutSuccess")


async def test_connect_without_login_raises_clear_error(make_client: MakeClient) -> None:
    client, _ = await make_client(None, manual=True)
    with pytest.raises(StateError) as info:
        await client.connect()
    assert info.value.code == ErrorCode.USER_NOT_LOGGED_IN
    assert "login()" in info.value.message
    assert client.connection_state is ConnectionState.INITIALIZED


async def test_manual_flow_connect_disconnect_catchup_exactly_once(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    bob, rec = await make_client("superhero2", manual=True)
    # manual mode: login opens nothing
    assert bob.connection_state is ConnectionState.INITIALIZED
    assert server.connection_count("superhero2") == 0

    await bob.connect()
    assert bob.get_connection_status() == "connected"
    assert server.connection_count("superhero2") == 1
    await bob.wait_for_catchup()
    server.send_message("superhero1", "superhero2", "live 1")
    await rec.wait_for("onTextMessageReceived", 1)

    await bob.disconnect()
    # truthful status: disconnected, and onDisconnected fired (the JS SDK does neither)
    assert bob.get_connection_status() == "disconnected"
    assert bob.connection_state is ConnectionState.CLOSED
    await rec.wait_for("onDisconnected")
    assert server.connection_count("superhero2") == 0

    missed = [server.send_message("superhero1", "superhero2", f"missed {i}")["id"] for i in range(5)]
    assert rec.count("onTextMessageReceived") == 1  # nothing arrives while disconnected

    await bob.connect()
    result = await bob.wait_for_catchup()
    assert result is not None and result.delivered == 5 and not result.gap_possible
    got = await rec.wait_for("onTextMessageReceived", 6)
    assert [m.id for m in got[1:]] == missed
    assert all(m.source == "catchup" for m in got[1:])
    assert rec.count("onCatchupFinished") >= 2
    # idempotent
    await bob.connect()
    await bob.disconnect()
    await bob.disconnect()
    assert bob.connection_state is ConnectionState.CLOSED


async def test_init_restores_session_auto_mode_reconnects_and_catches_up(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    store = MemorySessionStore()
    first, _ = await make_client("superhero2", store=store)
    await first.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await first.wait_for_catchup()
    server.send_message("superhero1", "superhero2", "seen by the first run")
    await first.close()  # the app stops; the session stays saved

    missed = server.send_message("superhero1", "superhero2", "sent while the app was closed")["id"]
    second, rec = await make_client(None, store=store)  # init() restores
    assert second.get_logged_in_user() is not None
    await second.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await second.wait_for_catchup()
    got = await rec.wait_for("onTextMessageReceived")
    assert [m.id for m in got] == [missed]
    assert got[0].source == "catchup"


async def test_init_restore_manual_mode_opens_nothing_until_connect(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    store = MemorySessionStore()
    first, _ = await make_client("superhero3", store=store, manual=True)
    await first.close()
    second, rec = await make_client(None, store=store, manual=True)
    assert second.get_logged_in_user().uid == "superhero3"  # type: ignore[union-attr]
    assert second.connection_state is ConnectionState.INITIALIZED
    assert server.connection_count("superhero3") == 0
    await second.connect()
    assert server.connection_count("superhero3") == 1
    await second.wait_for_catchup()
    server.send_message("superhero1", "superhero3", "hi")
    await rec.wait_for("onTextMessageReceived")


async def test_server_drops_reconnect_zero_lost_zero_duplicated(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    bob, rec = await make_client("superhero2")
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await bob.wait_for_catchup()
    sent: list[str] = []
    for round_ in range(5):
        for i in range(20):
            sent.append(server.send_message("superhero1", "superhero2", f"r{round_} m{i}")["id"])
            if i == 10:
                assert server.drop_all_sockets() == 1  # mid-stream, code 4000: reconnect
        await rec.wait(lambda r, n=round_ + 1: r.count("onDisconnected") >= n)
        await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await rec.wait(lambda r: r.count("onTextMessageReceived") >= len(sent))
    await bob.wait_for_catchup()
    bob.wait_listeners_idle()
    got = [m.id for m in rec.args("onTextMessageReceived")]
    assert sorted(got, key=int) == sent, "lost or duplicated messages"
    assert len(got) == len(set(got))
    # every drop was reported truthfully with its close code, then reconnected
    drops = [c for c in bob.state_log if c.current is ConnectionState.DISCONNECTED]
    assert len(drops) >= 5
    assert all(c.reason_code == "4000" and c.retry_in == 0 for c in drops)
    assert bob.status()["reconnects"] >= 5


async def test_stalled_pongs_are_detected_and_the_link_rebuilt(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    bob, rec = await make_client("superhero2", ping_interval=0.05, pong_timeout=0.1)
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    server.stall_pongs(True)
    await rec.wait(
        lambda r: any(e.args[0].current is ConnectionState.DISCONNECTED for e in r.named("onStateChange")),
        timeout=WAIT,
    )
    drop = next(c for c in bob.state_log if c.current is ConnectionState.DISCONNECTED)
    assert "pong" in (drop.reason or "")
    server.stall_pongs(False)
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await bob.wait_for_catchup()
    server.send_message("superhero1", "superhero2", "after the dead link")
    await rec.wait_for("onTextMessageReceived")


async def test_wrong_auth_key_fails_login_without_retrying(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    client, rec = await make_client(None)
    with pytest.raises(AuthError) as info:
        await client.login("superhero1", "not-the-key")
    assert info.value.code == ErrorCode.APIKEY_NOT_FOUND
    assert "not-the-key" not in str(info.value)
    await rec.wait_for("loginFailure")
    assert client.get_logged_in_user() is None
    assert client.connection_state is ConnectionState.INITIALIZED


async def test_unknown_uid_and_bad_token(server: EmbeddedServer, make_client: MakeClient) -> None:
    client, _ = await make_client(None)
    with pytest.raises(Exception) as info:
        await client.login("nobody-here", server.auth_key)
    assert getattr(info.value, "code", None) == ErrorCode.UID_NOT_FOUND
    with pytest.raises(AuthError) as info2:
        await client.login("definitely-not-a-token")
    assert info2.value.code == ErrorCode.AUTH_TOKEN_NOT_FOUND


async def test_revoked_token_while_connected_is_terminal_no_retry_storm(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    bob, rec = await make_client("superhero2")
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    server.revoke_tokens("superhero2")
    state = await bob.wait_for_state(ConnectionState.FAILED, timeout=WAIT)
    assert state is ConnectionState.FAILED
    failed = bob.state_log[-1]
    assert failed.current is ConnectionState.FAILED and failed.reason_code == ErrorCode.AUTH_TOKEN_NOT_FOUND
    attempts = sum(1 for c in bob.state_log if c.current is ConnectionState.CONNECTING)
    assert attempts <= 2, "auth failures must not be retried"
    # the server forgot our token: the session is dropped, as the JS SDK does
    await rec.wait_for("logoutSuccess")
    assert bob.get_logged_in_user() is None
    await rec.wait_for("onConnectionError")


async def test_refused_auths_are_retried_then_connect(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    bob, _ = await make_client("superhero2", manual=True)
    server.refuse_next_auths(3)
    await bob.connect()
    attempts = [c.attempt for c in bob.state_log if c.current is ConnectionState.CONNECTING]
    assert attempts[-1] == 4
    disconnected = [c for c in bob.state_log if c.current is ConnectionState.DISCONNECTED]
    assert len(disconnected) == 3 and all(c.retry_in == 0 for c in disconnected)


async def test_give_up_after_max_attempts_signals_and_raises(
    make_client: MakeClient,
) -> None:
    with EmbeddedServer() as other:
        client = Client(
            other.app_id,
            settings_for(other, manual=True).replace(max_reconnect_attempts=3),
            store=MemorySessionStore(),
            backoff=lambda attempt: 0.0,
        )
        try:
            await client.login("superhero1", other.auth_key)
            other.stop()  # the server goes away for good
            with pytest.raises(Exception) as info:
                await client.connect(timeout=WAIT)
            assert getattr(info.value, "code", None) == ErrorCode.GAVE_UP
            assert client.connection_state is ConnectionState.FAILED
            assert [c.attempt for c in client.state_log if c.current is ConnectionState.CONNECTING][-1] == 3
        finally:
            await client.close()


async def test_status_snapshot_and_state_payload(server: EmbeddedServer, make_client: MakeClient) -> None:
    bob, rec = await make_client("superhero2", manual=True)
    status = bob.status()
    assert status["state"] == "initialized" and status["mode"] == "manual" and status["uid"] == "superhero2"
    await bob.connect()
    status = bob.status()
    assert status["state"] == "connected" and status["status"] == "connected"
    await rec.wait(lambda r: r.count("onStateChange") >= 2)
    changes = [e.args[0] for e in rec.named("onStateChange")]
    assert [c.current for c in changes][:2] == [ConnectionState.CONNECTING, ConnectionState.CONNECTED]
    assert changes[0].attempt == 1 and changes[0].reason


async def test_session_file_is_private(server: EmbeddedServer, tmp_path: object) -> None:
    import os
    import stat

    from cometchat_nb import FileSessionStore

    store = FileSessionStore(server.app_id, directory=str(tmp_path))
    client = Client(server.app_id, settings_for(server, manual=True), store=store)
    try:
        await client.login("superhero1", server.auth_key)
        mode = stat.S_IMODE(os.stat(store.path).st_mode)
        assert mode == 0o600
        assert stat.S_IMODE(os.stat(store.path.parent).st_mode) == 0o700
        assert "superhero1" in store.path.read_text()
        await client.logout()
        assert "authToken" not in store.path.read_text()
    finally:
        await client.close()


async def test_listeners_run_off_the_reader_isolated_and_async_awaited(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    import threading

    from cometchat_nb import MessageListener

    bob, rec = await make_client("superhero2")
    seen: list[tuple[str, str]] = []
    done = threading.Event()

    def broken(msg: object) -> None:
        raise RuntimeError("listener bug")

    def good(msg: TextMessage) -> None:
        seen.append(("sync", threading.current_thread().name))

    async def coro(msg: TextMessage) -> None:
        seen.append(("async", threading.current_thread().name))
        done.set()

    bob.add_message_listener("broken", MessageListener(onTextMessageReceived=broken))
    bob.add_message_listener("good", MessageListener(on_text_message_received=good))
    bob.add_message_listener("coro", MessageListener(onTextMessageReceived=coro))
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await bob.wait_for_catchup()
    server.send_message("superhero1", "superhero2", "x")
    await rec.wait_for("onTextMessageReceived")
    assert done.wait(WAIT)
    kinds = dict(seen)
    assert kinds["sync"].startswith("cometchat-dispatch")
    assert kinds["async"] == threading.current_thread().name  # the client's loop thread
    assert bob._dispatcher.listener_errors == 1
