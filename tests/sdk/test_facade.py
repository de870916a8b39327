"""The sync ``CometChat`` facade: docs snippets port line by line, calls block
with timeouts, the deadlock guard, and no leaked threads after shutdown."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from cometchat_nb import CometChat, MemorySessionStore, MessageListener, StateError, TextMessage
from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, Recorder


@pytest.fixture
def facade(server: EmbeddedServer) -> Iterator[Recorder]:
    rec = Recorder()
    CometChat.addEventSink(rec)
    try:
        yield rec
    finally:
        CometChat.removeEventSink(rec)
        CometChat.shutdown()


def docs_settings(server: EmbeddedServer, auto: bool) -> object:
    # the CometChat docs' snippet, plus the host overrides that keep us on 127.0.0.1
    return (
        CometChat.AppSettingsBuilder()
        .subscribePresenceForAllUsers()
        .setRegion(server.region)
        .autoEstablishSocketConnection(auto)
        .overrideClientHost(server.url)
        .overrideAdminHost(server.url)
        .build()
    )


def test_manual_snippet_ported_line_by_line(server: EmbeddedServer, facade: Recorder) -> None:
    calls: list[str] = []
    CometChat.addConnectionListener(
        "conn",
        CometChat.ConnectionListener(
            onConnected=lambda: calls.append("onConnected"),
            inConnecting=lambda: calls.append("inConnecting"),
            onDisconnected=lambda: calls.append("onDisconnected"),
        ),
    )
    received: list[str] = []
    CometChat.addMessageListener(
        "msgs", CometChat.MessageListener(onTextMessageReceived=lambda m: received.append(m.getText()))
    )
    assert (
        CometChat.init(server.app_id, docs_settings(server, auto=False), store=MemorySessionStore()) is True
    )
    with pytest.raises(StateError) as info:
        CometChat.connect()
    assert info.value.code == ErrorCode.USER_NOT_LOGGED_IN

    user = CometChat.login("superhero2", server.auth_key)
    assert user.getUid() == "superhero2"
    assert CometChat.getLoggedInUser().getName() == "Captain America"  # type: ignore[union-attr]
    assert CometChat.getConnectionStatus() == "disconnected"

    CometChat.connect()
    assert CometChat.getConnectionStatus() == "connected"
    CometChat.waitForCatchup()
    server.send_message("superhero1", "superhero2", "hello from the docs")
    facade.wait_sync(lambda r: r.count("onTextMessageReceived") == 1)
    CometChat.waitListenersIdle()
    assert received == ["hello from the docs"]

    CometChat.disconnect()
    assert CometChat.getConnectionStatus() == "disconnected"
    facade.wait_sync(lambda r: r.count("onDisconnected") == 1)
    CometChat.waitListenersIdle()
    assert calls == ["inConnecting", "onConnected", "onDisconnected"]

    text = CometChat.TextMessage("superhero1", "sent from python", CometChat.RECEIVER_TYPE.USER)
    sent = CometChat.sendMessage(text)
    assert sent.getId() and sent.getText() == "sent from python"
    history = CometChat.MessagesRequestBuilder().setUID("superhero1").setLimit(30).build().fetchPrevious()
    assert [m.getText() for m in history][-2:] == ["hello from the docs", "sent from python"]
    CometChat.logout()
    assert CometChat.getLoggedInUser() is None


def test_auto_mode_and_restart_restore(server: EmbeddedServer, facade: Recorder) -> None:
    store = MemorySessionStore()
    CometChat.init(server.app_id, docs_settings(server, auto=True), store=store)
    CometChat.login("superhero3", server.auth_key)
    CometChat.waitForState(CometChat.ConnectionState.CONNECTED, timeout=WAIT)
    # a "restart": init again on the same saved session reconnects by itself
    CometChat.init(server.app_id, docs_settings(server, auto=True), store=store)
    assert CometChat.getLoggedInUser().uid == "superhero3"  # type: ignore[union-attr]
    CometChat.waitForState(CometChat.ConnectionState.CONNECTED, timeout=WAIT)
    assert server.connection_count("superhero3") == 1


def test_blocking_call_from_the_sdk_loop_raises_instead_of_deadlocking(
    server: EmbeddedServer, facade: Recorder
) -> None:
    CometChat.init(server.app_id, docs_settings(server, auto=True), store=MemorySessionStore())
    CometChat.login("superhero2", server.auth_key)
    errors: list[BaseException] = []
    done = threading.Event()

    async def on_text(message: object) -> None:  # coroutine listener: runs on the SDK loop
        try:
            CometChat.getUser("superhero1")
        except StateError as exc:
            errors.append(exc)
        finally:
            done.set()

    CometChat.addMessageListener("coro", CometChat.MessageListener(onTextMessageReceived=on_text))
    CometChat.waitForState(CometChat.ConnectionState.CONNECTED, timeout=WAIT)
    CometChat.waitForCatchup()
    server.send_message("superhero1", "superhero2", "trigger")
    assert done.wait(WAIT)
    assert errors and errors[0].code == ErrorCode.WRONG_THREAD  # type: ignore[attr-defined]
    CometChat.removeMessageListener("coro")


def test_calls_before_init_say_so() -> None:
    CometChat.shutdown()
    with pytest.raises(StateError) as info:
        CometChat.login("superhero1", "key")
    assert info.value.code == ErrorCode.NOT_INITIALIZED
    assert "CometChat.init" in info.value.message


def test_shutdown_leaves_no_threads(server: EmbeddedServer) -> None:
    before = {t.name for t in threading.enumerate()}
    CometChat.init(server.app_id, docs_settings(server, auto=True), store=MemorySessionStore())
    CometChat.login("superhero4", server.auth_key)
    CometChat.waitForState(CometChat.ConnectionState.CONNECTED, timeout=WAIT)
    server.send_message("superhero1", "superhero4", "make the dispatcher start")
    CometChat.shutdown()
    leaked = {t.name for t in threading.enumerate()} - before
    assert not leaked, f"threads left after shutdown: {leaked}"
    assert server.connection_count("superhero4") == 0  # closed with a close handshake


def test_shutdown_from_a_listener_does_not_wait_for_its_own_thread(
    server: EmbeddedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A sync listener that calls CometChat.shutdown() runs on the dispatch thread,
    which the close used to wait for (5 s, then "still busy"): it no longer waits for it."""
    done = threading.Event()
    outcome: list[str] = []

    def on_text(message: TextMessage) -> None:
        try:
            CometChat.shutdown()
            outcome.append(f"shut down after {message.text}")
        except Exception as exc:  # the assertion below shows it
            outcome.append(repr(exc))
        finally:
            done.set()

    CometChat.init(server.app_id, docs_settings(server, auto=True), store=MemorySessionStore())
    CometChat.addMessageListener("closer", MessageListener(onTextMessageReceived=on_text))
    CometChat.login("superhero4", server.auth_key)
    CometChat.waitForState(CometChat.ConnectionState.CONNECTED, timeout=WAIT)
    caplog.set_level(logging.WARNING, logger="cometchat_nb.client.dispatch")
    server.send_message("superhero1", "superhero4", "bye")
    assert done.wait(WAIT)
    assert outcome == ["shut down after bye"]
    assert not CometChat.isInitialized()
    assert not [r for r in caplog.records if "still busy" in r.getMessage()]
    CometChat.removeMessageListener("closer")
