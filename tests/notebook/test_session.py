"""The session functions behind the magics: where secrets come from and that they are
scrubbed, history with a progress bar, the waiting helpers, errors, SimulatedUser."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cometchat_nb import CometChat, InvalidArgumentError, StateError
from cometchat_nb import TimeoutError as SdkTimeoutError
from cometchat_nb.notebook import ProgressBar, SimulatedUser, session
from cometchat_nb.protocol.states import ConnectionState
from cometchat_nb.server import EmbeddedServer

from .conftest import WAIT


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
        assert session.scrub(f"x {secret} y") == "x *** y"


def test_config_file_errors_and_defaults(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert session.read_config() == {}
    (isolated / "config.ini").write_text("not an ini file")
    with pytest.raises(InvalidArgumentError) as info:
        session.read_config()
    assert "config.ini" in str(info.value)
    (isolated / "config.ini").write_text("[other]\nx = 1\n")
    assert session.read_config() == {}
    monkeypatch.delenv("COMETCHAT_NB_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(isolated / "xdg"))
    assert session.default_config_path() == isolated / "xdg" / "cometchat_nb" / "config.ini"


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


def test_fetch_history_with_a_text_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    session.init(local=True, manual=True)
    session.login("superhero1")
    with SimulatedUser("superhero2", connect=False) as bob:
        for i in range(5):
            bob.say("superhero1", f"old message {i}")
    df = session.fetch_history(uid="superhero2", limit=2, pages=10, progress="text")
    assert list(df["text"]) == [f"old message {i}" for i in range(5)]
    assert set(df["event"]) == {"history"} and set(df["source"]) == {"history"}
    err = capsys.readouterr().err
    assert "history of superhero2: [" in err and "5 messages in 3 pages" in err
    with pytest.raises(InvalidArgumentError):
        session.fetch_history()
    assert session.live_frame().counts.get("history", 0) == 0  # not mixed into the live frame


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


def test_simulated_user_needs_a_server_and_validates() -> None:
    with pytest.raises(StateError) as info:
        SimulatedUser("superhero2")
    assert "%cometchat_init --local" in str(info.value)
    with EmbeddedServer() as server:
        with SimulatedUser("superhero2", server=server) as bob:
            assert bob.user.uid == "superhero2"
            assert server.connection_count("superhero2") == 1
            for bad in (-1, True):
                with pytest.raises(InvalidArgumentError):
                    bob.chatter(bad, "superhero1")
            with pytest.raises(InvalidArgumentError):
                bob.chatter(1, "superhero1", every=-1)
            assert bob.chatter(0, "superhero1").result(WAIT) == []
            sent = bob.chatter(2, "superhero1", lines=["a"]).result(WAIT)
            assert [m.text for m in sent] == ["a (1/2)", "a (2/2)"]  # type: ignore[attr-defined]
            assert "sent=2" in repr(bob)
        assert "closed" in repr(bob)
        with pytest.raises(StateError):
            bob.say("superhero1", "too late")
    CometChat.shutdown()


def test_progress_bar_text_and_off() -> None:
    out = io.StringIO()
    with ProgressBar(4, "pages", unit="pages", mode="text", stream=out) as bar:
        bar.update(2, "half")
    assert out.getvalue().endswith("\rpages: [##########..........] 2/4 pages — half\n")
    quiet = ProgressBar(None, "x", mode="auto", stream=io.StringIO())  # not a terminal, no kernel
    assert quiet.mode == "off"
    quiet.update(3)
    quiet.close()
