"""The %cometchat_* magics through a real InteractiveShell against the embedded server
(``--local``): auto and manual flows, events into ``-o`` variables, one-line
UsageErrors for mistakes, %config traits, secrets never shown, %reload_ext leaks nothing."""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from cometchat_nb import AppSettings, CometChat, ConnectionListener, StateError
from cometchat_nb.notebook import SimulatedUser, session
from cometchat_nb.notebook.config import DEFAULT_MAX_ROWS, DEFAULT_UI_HZ
from cometchat_nb.notebook.kernel import KERNEL_SWITCH_INTERVAL
from cometchat_nb.notebook.magics import CometChatMagics
from cometchat_nb.notebook.magics.base import without_comment
from cometchat_nb.protocol.states import ConnectionState

from ..support import WAIT

MAGICS = (
    "cometchat_init",
    "cometchat_login",
    "cometchat_logout",
    "cometchat_connect",
    "cometchat_disconnect",
    "cometchat_status",
    "cometchat_send",
    "cometchat_react",
    "cometchat_events",
    "cometchat_wait",
    "cometchat_history",
    "cometchat_panel",
    "cometchat_users",
    "cometchat_groups",
    "cometchat_members",
    "cometchat_conversations",
)


def usage_error(ip: InteractiveShell, magic: str, line: str = "") -> str:
    """Run a magic that must fail; returns the one-line UsageError message."""
    with pytest.raises(UsageError) as info:
        ip.run_line_magic(magic, line)
    message = str(info.value)
    assert "\n" not in message and message
    return message


def test_every_magic_has_help(ip: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    for name in MAGICS:
        ip.run_cell(f"%{name}?")
        out = capsys.readouterr().out
        assert f"%{name}" in out, f"no usage line in the help of %{name}"
        doc = ip.find_line_magic(name).__doc__
        assert doc and "::" in doc  # magic_arguments' usage block


def test_local_auto_flow(ip: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    ip.run_line_magic("cometchat_init", "--local")
    server = session.local_server()
    assert server is not None and CometChat.isInitialized()
    ip.run_line_magic("cometchat_login", "superhero1")
    out = capsys.readouterr().out
    assert "Logged in as superhero1 (Iron Man)." in out and "Connected." in out
    assert CometChat.getConnectionStatus() == "connected"

    with SimulatedUser("superhero2") as bob:
        bob.say("superhero1", "hello from Bob")
        session.live_frame().wait_for(count=1, event="text_message_received", timeout=WAIT)
    ip.run_line_magic("cometchat_send", "superhero2 hi Bob, how are you?")
    assert "Sent message" in capsys.readouterr().out

    assert ip.run_line_magic("cometchat_events", "-o ev") is None  # stored, nothing displayed
    ev = ip.user_ns["ev"]
    assert isinstance(ev, pd.DataFrame)
    texts = ev.loc[ev["event"] == "text_message_received", ["sender", "text", "source"]]
    assert texts.values.tolist() == [["superhero2", "hello from Bob", "live"]]
    assert {"login_success", "connected", "state_change"} <= set(ev["event"])

    only = ip.run_line_magic("cometchat_events", "--type onTextMessageReceived --tail 5")
    assert list(only["text"]) == ["hello from Bob"]
    last = ip.run_line_magic("cometchat_events", "-n 1")
    assert len(last) == 1

    report = ip.run_line_magic("cometchat_status", "")
    assert report["state"] == "connected" and report["uid"] == "superhero1"
    assert report["local_server"] == server.url
    assert "<table" in report._repr_html_() and "connected" in repr(report)

    ip.run_line_magic("cometchat_disconnect", "")
    assert CometChat.getConnectionStatus() == "disconnected"
    ip.run_line_magic("cometchat_logout", "")
    assert CometChat.getLoggedInUser() is None


def test_local_manual_flow_with_catch_up(ip: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    ip.run_line_magic("cometchat_init", "--local --manual")
    ip.run_line_magic("cometchat_login", "superhero1")
    assert "Connected." not in capsys.readouterr().out
    assert CometChat.client().connection_state is ConnectionState.INITIALIZED

    ip.run_line_magic("cometchat_connect", "--timeout 10")
    assert "Connected as superhero1" in capsys.readouterr().out
    ip.run_line_magic("cometchat_disconnect", "")
    with SimulatedUser("superhero3", connect=False) as peter:
        for i in range(3):
            peter.say("superhero1", f"while you were away {i}")
    ip.run_line_magic("cometchat_connect", "")  # waits for the catch-up too
    ip.run_line_magic("cometchat_wait", "--count 3 --type text_message_received --timeout 10")
    ip.run_line_magic("cometchat_events", "-o ev --type text_message_received")
    ev = ip.user_ns["ev"]
    assert list(ev["text"]) == [f"while you were away {i}" for i in range(3)]
    assert set(ev["source"]) == {"catchup"}
    report = ip.run_line_magic("cometchat_status", "")
    assert report["catchup"].startswith("3 messages")


def test_group_send_and_history(ip: InteractiveShell) -> None:
    ip.run_line_magic("cometchat_init", "--local")
    ip.run_line_magic("cometchat_login", "superhero1")
    ip.run_line_magic("cometchat_send", "supergroup don't panic --group")  # unbalanced quote
    ip.run_line_magic("cometchat_send", '-g supergroup "two  spaces"')
    assert ip.run_line_magic("cometchat_history", "--guid supergroup -o hist") is None
    hist = ip.user_ns["hist"]
    assert list(hist["text"]) == ["don't panic", "two  spaces"]
    assert set(hist["receiver_type"]) == {"group"} and set(hist["source"]) == {"history"}
    df = ip.run_line_magic("cometchat_history", "--guid supergroup --limit 1 --pages 2")
    assert list(df["text"]) == ["don't panic", "two  spaces"]


def test_a_trailing_comment_is_not_an_argument(ip: InteractiveShell) -> None:
    ip.run_line_magic("cometchat_init", "--local")
    ip.run_line_magic("cometchat_login", "superhero1")
    cell = "\n".join(
        [
            "%cometchat_send -g supergroup hi #general team  # a hashtag stays, the comment goes",
            '%cometchat_send -g supergroup "quoted # stays"  # comment',
            "%cometchat_send --group supergroup don't # unbalanced quote, still a comment",
            "%cometchat_send -g supergroup issue#3 #  ",
            "%cometchat_history --guid supergroup -o hist  # stored in hist",
        ]
    )
    result = ip.run_cell(cell)
    assert result.success, result.error_in_exec
    texts = list(ip.user_ns["hist"]["text"])
    assert texts == ["hi #general team", "quoted # stays", "don't", "issue#3"]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("a b # c", "a b"),
        ("# all comment", ""),
        ("#tag a", "#tag a"),
        ("a 'x # y' b", "a 'x # y' b"),
        ('a "x # y" # z', 'a "x # y"'),
        ("a \\# b", "a \\# b"),
        ("a#", "a#"),
        ("a #", "a"),
    ],
)
def test_without_comment(line: str, kept: str) -> None:
    assert without_comment(line) == kept


def test_umbrella_magic(ip: InteractiveShell) -> None:
    ip.run_line_magic("cometchat", "init --local")
    ip.run_line_magic("cometchat", "login superhero4")
    assert ip.run_line_magic("cometchat", "status")["uid"] == "superhero4"
    assert "unknown subcommand" in usage_error(ip, "cometchat", "explode")


def test_user_mistakes_are_one_line_usage_errors(ip: InteractiveShell) -> None:
    assert "unrecognized arguments: --timout" in usage_error(ip, "cometchat_connect", "--timout 3")
    assert usage_error(ip, "cometchat_connect").startswith("[COMETCHAT_INITIALIZATION_NOT_DONE]")
    assert "unknown region 'mars'" in usage_error(ip, "cometchat_init", "my-app --region mars")
    assert "no app id" in usage_error(ip, "cometchat_init", "")
    ip.run_line_magic("cometchat_init", "--local --manual")
    message = usage_error(ip, "cometchat_connect")
    assert message.startswith("[USER_NOT_LOGGED_IN] connect() needs a logged-in user:")
    assert usage_error(ip, "cometchat_login", "superhero1 --auth-key wrong-key-1234").startswith("[")
    assert "wrong-key-1234" not in usage_error(ip, "cometchat_login", "superhero1 --auth-key wrong-key-1234")
    assert "a UID is needed" in usage_error(ip, "cometchat_login", "")
    assert "valid Python variable name" in usage_error(ip, "cometchat_events", "-o 1bad")
    assert "--manual and --auto" in usage_error(ip, "cometchat_init", "--local --manual --auto")
    assert "give --state, --count or --catchup" in usage_error(ip, "cometchat_wait")
    assert "unknown state" in usage_error(ip, "cometchat_wait", "--state sleepy")
    assert "No closing quotation" in usage_error(ip, "cometchat_history", "--uid 'superhero2")


def test_run_cell_shows_one_line_without_traceback(
    ip: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    result = ip.run_cell("%cometchat_connect --timout 3")
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "UsageError: %cometchat_connect: unrecognized arguments: --timout" in text
    assert "Traceback" not in text
    assert isinstance(result.error_in_exec, UsageError)


def test_short_errors_off_reraises_the_original(ip: InteractiveShell) -> None:
    ip.run_line_magic("config", "CometChatMagics.short_errors = False")
    ip.run_line_magic("cometchat_init", "--local --manual")
    with pytest.raises(StateError) as info:
        ip.run_line_magic("cometchat_connect", "")
    assert info.value.code == "USER_NOT_LOGGED_IN"


def magics_of(ip: InteractiveShell) -> CometChatMagics:
    found = [c for c in ip.configurables if isinstance(c, CometChatMagics)]
    assert len(found) == 1
    return found[0]


def test_config_traits(ip: InteractiveShell, caplog: pytest.LogCaptureFixture) -> None:
    ip.run_line_magic("config", "CometChatMagics.max_rows = 10")
    assert magics_of(ip).max_rows == 10
    live = session.live_frame()
    assert live.max_rows == 10
    ip.run_line_magic("cometchat_init", "--local")
    ip.run_line_magic("cometchat_login", "superhero1")
    with SimulatedUser("superhero2") as bob:
        bob.chatter(15, "superhero1").result(WAIT)
        live.wait_for(count=15, event="text_message_received", timeout=WAIT)
    assert len(ip.run_line_magic("cometchat_events", "")) == 10

    ip.run_line_magic("config", "CometChatMagics.region = 'mars'")
    assert "unknown region 'mars': choose one of eu, us, in" in caplog.text  # %config logs the error
    assert magics_of(ip).region == ""  # unchanged: the config file's region, else eu
    ip.run_line_magic("config", "CometChatMagics.region = 'US'")
    assert magics_of(ip).region == "us"
    ip.run_line_magic("config", "CometChatMagics.keep_raw = True")
    assert live.keep_raw
    pnl = ip.run_line_magic("cometchat_panel", "")
    ip.run_line_magic("config", "CometChatMagics.ui_hz = 2")
    assert pnl.ui_hz == 2.0
    assert ip.run_line_magic("config", "CometChatMagics.max_rows") == 10
    # one validator per setting: the same message as session.configure / ControlPanel / LiveFrame
    ip.run_line_magic("config", "CometChatMagics.ui_hz = 61")
    assert "ui_hz must be a number within (0, 60], got 61" in caplog.text and pnl.ui_hz == 2.0
    ip.run_line_magic("config", "CometChatMagics.max_rows = 0")
    assert "max_rows must be a positive integer or None, got 0" in caplog.text and live.max_rows == 10


def test_traits_default_to_the_one_home(ip: InteractiveShell) -> None:
    magics = magics_of(ip)
    defaults = AppSettings()
    assert (magics.connect_timeout, magics.reconnect_min_delay, magics.reconnect_max_delay) == (
        defaults.connect_timeout,
        defaults.reconnect_min_delay,
        defaults.reconnect_max_delay,
    )
    assert magics.auto_connect is defaults.auto_establish_socket_connection
    assert (magics.max_rows, magics.ui_hz) == (DEFAULT_MAX_ROWS, DEFAULT_UI_HZ)
    assert magics.switch_interval == KERNEL_SWITCH_INTERVAL
    assert session.live_frame().max_rows == DEFAULT_MAX_ROWS
    ip.run_line_magic("cometchat_init", "--local")
    settings = CometChat.client().settings
    assert (settings.reconnect_min_delay, settings.reconnect_max_delay) == (
        defaults.reconnect_min_delay,
        defaults.reconnect_max_delay,
    )
    ip.run_line_magic("config", "CometChatMagics.reconnect_max_delay = 3.5")
    ip.run_line_magic("cometchat_init", "--local")
    assert CometChat.client().settings.reconnect_max_delay == 3.5


def test_every_magic_is_a_subcommand(ip: InteractiveShell) -> None:
    assert magics_of(ip).subcommands() == sorted(name.removeprefix("cometchat_") for name in MAGICS)


def test_init_uses_traits_and_config_file(ip: InteractiveShell, isolated: Any) -> None:
    (isolated / "config.ini").write_text("[cometchat]\napp_id = from-the-file\nregion = in\n")
    summary = session.init(local=False, store=None, manual=True)
    assert (summary["app_id"], summary["region"], summary["mode"]) == ("from-the-file", "in", "manual")
    ip.run_line_magic("cometchat_init", "--manual")  # the magic falls back to the file too
    assert (session.current().app_id, session.current().region) == ("from-the-file", "in")  # type: ignore[union-attr]
    ip.run_line_magic("config", "CometChatMagics.auto_connect = False")
    ip.run_line_magic("config", "CometChatMagics.presence = 'none'")
    ip.run_line_magic("cometchat_init", "trait-app --region us")
    cfg = session.current()
    assert cfg is not None
    assert (cfg.app_id, cfg.region, cfg.manual, cfg.presence) == ("trait-app", "us", True, "none")
    assert "needs --roles" in usage_error(ip, "cometchat_init", "x --presence roles")
    ip.run_line_magic("cometchat_init", "x --presence roles --roles admin,mod --auto")
    cfg = session.current()
    assert cfg is not None and cfg.roles == ("admin", "mod") and not cfg.manual


def test_secrets_never_appear_in_output(
    ip: InteractiveShell, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ip.run_line_magic("cometchat_init", "--local")
    server = session.local_server()
    assert server is not None
    key = server.auth_key
    with capture_output() as cap:
        ip.run_cell(f"%cometchat_login superhero1 --auth-key {key}")
        ip.run_cell("%cometchat_status")
        ip.run_cell("%cometchat_events --tail 20")
        ip.run_cell("%cometchat_login superhero2 --auth-key wrong-secret-9876")
        ip.run_cell("%cometchat_logout")
        ip.run_cell("%cometchat_login --auth-token secret-token-5555")
        ip.run_cell("%cometchat_panel")
    captured = capsys.readouterr()
    shown = cap.stdout + cap.stderr + captured.out + captured.err
    shown += "".join(str(o.data) for o in cap.outputs)
    assert "Logged in as superhero1" in shown
    for secret in (key, "wrong-secret-9876", "secret-token-5555"):
        assert secret not in shown
    assert "***" in shown or "AUTH" in shown  # the failed logins were reported without the secret
    status = session.status()
    assert key not in repr(status) and key not in status._repr_html_()


def test_wait_magic_for_state(ip: InteractiveShell) -> None:
    ip.run_line_magic("cometchat_init", "--local")
    ip.run_line_magic("cometchat_login", "superhero1 --no-wait")
    ip.run_line_magic("cometchat_wait", "--state connected --timeout 10")
    ip.run_line_magic("cometchat_wait", "--catchup")
    assert CometChat.getConnectionStatus() == "connected"
    message = usage_error(ip, "cometchat_wait", "--count 5 --type typing_started --timeout 0.05")
    assert message.startswith("[ERR_TIMEOUT] LiveFrame.wait_for")


def test_wait_magic_returns_once_the_listeners_saw_the_event(ip: InteractiveShell) -> None:
    """The state and the LiveFrame see an event before the listeners (another thread)
    do: %cometchat_wait also waits for those, so a cell after it sees what they did."""
    ip.run_line_magic("cometchat_init", "--local")
    ip.run_line_magic("cometchat_login", "superhero1")
    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def on_disconnected() -> None:
        entered.set()
        release.wait(WAIT)
        calls.append("onDisconnected")

    CometChat.addConnectionListener("slow", ConnectionListener(onDisconnected=on_disconnected))
    ip.run_line_magic("cometchat_disconnect", "")
    assert entered.wait(WAIT)
    message = usage_error(ip, "cometchat_wait", "--state closed --timeout 0.2")
    assert message == "[ERR_TIMEOUT] the listeners were still busy after 0.2 s"
    release.set()
    ip.run_line_magic("cometchat_wait", "--state closed")
    assert calls == ["onDisconnected"]


def test_reload_ext_leaks_no_threads(ipython: InteractiveShell) -> None:
    before = set(threading.enumerate())
    ipython.run_line_magic("load_ext", "cometchat_nb")
    ipython.run_line_magic("cometchat_init", "--local")
    ipython.run_line_magic("cometchat_login", "superhero1")
    bob = SimulatedUser("superhero2")
    bob.say("superhero1", "hi")
    session.live_frame().wait_for(count=1, event="text_message_received", timeout=WAIT)
    ipython.run_line_magic("cometchat_panel", "")
    started = {t.name for t in set(threading.enumerate()) - before}
    assert {"cometchat-loop", "cometchat-nb-server"} <= started  # the SDK's loop, the local server
    ipython.run_line_magic("reload_ext", "cometchat_nb")
    assert session.local_server() is None and not CometChat.isInitialized()
    assert ipython.find_line_magic("cometchat_init") is not None  # loaded again
    ipython.run_line_magic("unload_ext", "cometchat_nb")
    assert ipython.find_line_magic("cometchat_init") is None
    leaked = [t.name for t in set(threading.enumerate()) - before if t.is_alive()]
    assert leaked == []
    assert not [c for c in ipython.configurables if isinstance(c, CometChatMagics)]
