"""The session functions behind the magics: where auth keys come from and that they are
scrubbed, the local server, the waiting helpers, sending, events, errors, closers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cometchat_nb import CometChat, InvalidArgumentError, StateError
from cometchat_nb import TimeoutError as SdkTimeoutError
from cometchat_nb.notebook import SimulatedUser, session
from cometchat_nb.notebook.secrets import scrub
from cometchat_nb.protocol.states import ConnectionState

from ..support import WAIT


def test_auth_key_sources_in_order(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert session.resolve_auth_key() is None
    (isolated / "config.ini").write_text("[cometchat]\napp_id = abc\nauth_key = key-from-file\n")
    assert session.resolve_auth_key() == "key-from-file"
    monkeypatch.setenv("COMETCHAT_AUTH_KEY", "key-from-env")
    assert session.resolve_auth_key() == "key-from-env"
    assert session.resolve_auth_key("explicit-key") == "explicit-key"
    session.init(local=True, manual=True)
    server = session.local_server()
    assert server is not None
    assert session.resolve_auth_key() == server.auth_key  # the local server's key wins over env/file
    for secret in ("key-from-file", "key-from-env", server.auth_key):
        assert scrub(f"x {secret} y") == "x *** y"


def test_login_without_any_key_explains_where_keys_come_from() -> None:
    session.init("some-cloud-app", manual=True)
    with pytest.raises(InvalidArgumentError) as info:
        session.login("superhero1")
    assert "COMETCHAT_AUTH_KEY" in str(info.value) and "config.ini" in str(info.value)


def test_calls_before_init_name_the_magic_to_run() -> None:
    for call in (lambda: session.login("x"), session.connect, session.disconnect, session.logout):
        with pytest.raises(StateError) as info:
            call()
        assert info.value.code == "COMETCHAT_INITIALIZATION_NOT_DONE"
        assert "%cometchat_init" in str(info.value)
    assert session.status()["state"] == "uninitialized"


def test_local_server_is_one_per_kernel() -> None:
    session.init(local=True, manual=True)
    first = session.local_server()
    session.init(local=True)
    assert session.local_server() is first
    with pytest.raises(InvalidArgumentError):
        session.init("another-app", local=True)


def test_wait_helpers() -> None:
    session.init(local=True, backoff=lambda attempt: 0.0)
    session.login("superhero1", wait=True)
    assert CometChat.getConnectionStatus() == "connected"
    report = session.wait(state="connected", catchup=True, timeout=WAIT)
    assert report["state"] == "connected"
    with pytest.raises(SdkTimeoutError):
        session.wait(count=10**6, timeout=0.05)
    with pytest.raises(InvalidArgumentError):
        session.wait(state="sleepy")
    server = session.local_server()
    assert server is not None
    server.drop_all_sockets()
    CometChat.waitForState(ConnectionState.CONNECTING, ConnectionState.DISCONNECTED, timeout=WAIT)
    session.wait_connected(WAIT)  # reconnects (zero backoff) and catches up
    assert CometChat.getConnectionStatus() == "connected"


def test_connect_returns_once_the_missed_messages_reached_listeners_and_live_frame() -> None:
    """%cometchat_connect / %cometchat_wait --catchup mean "caught up": the missed messages are
    already in the live frame (and were given to listeners) when they return."""
    session.init(local=True, manual=True)
    session.login("superhero1")
    session.connect()
    session.disconnect()
    with SimulatedUser("superhero2", connect=False) as cap:
        for i in range(20):
            cap.say("superhero1", f"missed {i}")
    seen: list[str] = []

    def busy_listener(message: object) -> None:  # some work per message: dispatch lags behind
        sum(range(50_000))
        seen.append(message.getText())  # type: ignore[attr-defined]

    CometChat.addMessageListener("busy", CometChat.MessageListener(onTextMessageReceived=busy_listener))
    session.connect()
    received = session.events(type="text_message_received")
    assert received["source"].astype(str).tolist() == ["catchup"] * 20
    assert seen == [f"missed {i}" for i in range(20)]
    CometChat.removeMessageListener("busy")


def test_send_validates_arguments() -> None:
    session.init(local=True, manual=True)
    session.login("superhero1")
    with pytest.raises(InvalidArgumentError):
        session.send("", "text")
    with pytest.raises(InvalidArgumentError):
        session.send("superhero2", "")
    sent = session.send("supergroup", "to everyone", group=True)
    assert sent.receiver_type == "group" and sent.id


def test_events_filtering() -> None:
    session.init(local=True)
    session.login("superhero1", wait=True)
    with SimulatedUser("superhero2") as bob:
        bob.chatter(3, "superhero1", typing=True).result(WAIT)
        session.live_frame().wait_for(count=3, event="text_message_received", timeout=WAIT)
        session.live_frame().wait_for(count=3, event="typing_ended", timeout=WAIT)
    both = session.events(type="text_message_received, onTypingStarted")
    assert set(both["event"]) == {"text_message_received", "typing_started"}
    assert list(session.events(type="text_message_received", tail=2)["text"]) == [
        "how is the notebook going? (2/3)",
        "I just pushed the new dataset (3/3)",
    ]
    with pytest.raises(InvalidArgumentError):
        session.events(tail=-1)


def test_shutdown_runs_the_closers_once_latest_first(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def first() -> None:
        calls.append("first")

    def failing() -> None:
        calls.append("failing")
        raise RuntimeError("closer failed")

    def last() -> None:
        calls.append("last")

    def forgotten() -> None:
        calls.append("forgotten")

    session.init(local=True, manual=True)
    for closer in (first, failing, first, forgotten, last):  # `first` twice: kept once
        session.add_closer(closer)
    session.remove_closer(forgotten)
    session.remove_closer(forgotten)  # unknown: no-op
    session.shutdown()
    assert calls == ["last", "failing", "first"]  # a failing closer does not stop the others
    assert "closer failed" in caplog.text
    assert session.local_server() is None and not CometChat.isInitialized()  # shutdown went on
    session.shutdown()
    assert calls == ["last", "failing", "first"]  # run once: forgotten after shutdown
