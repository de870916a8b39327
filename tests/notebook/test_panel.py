"""The ControlPanel, headless: real widgets, Button.click() against the embedded server,
state/counters/table checked after waiting for the SDK, the kernel-loop timer, and
no widget ever touched off the kernel (main) thread."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from cometchat_nb import CometChat, InvalidArgumentError
from cometchat_nb.client.dispatch import Event
from cometchat_nb.notebook import ControlPanel, SimulatedUser, session
from cometchat_nb.protocol.states import ConnectionState

from ..support import WAIT

MakePanel = Callable[..., ControlPanel]


def badge_state(panel: ControlPanel) -> str:
    value: str = panel.status_badge.value
    return value.split("data-state='", 1)[1].split("'", 1)[0]


def settle(panel: ControlPanel) -> None:
    """Wait for clicked actions and for every queued event, then refresh on this thread."""
    assert panel.wait_idle(WAIT)
    if CometChat.isInitialized():
        CometChat.waitListenersIdle(WAIT)
    panel.refresh()


@pytest.fixture
def local_manual() -> None:
    session.init(local=True, manual=True, backoff=lambda attempt: 0.0)


def test_buttons_drive_the_session(local_manual: None, make_panel: MakePanel) -> None:
    panel = make_panel(ui_hz=4)
    assert not panel.scheduled  # no running loop here: refresh() is called by hand
    server = session.local_server()
    assert server is not None
    assert panel.app_id_field.value == server.app_id  # mirrors the session
    assert badge_state(panel) == "initialized"
    assert not panel.login_button.disabled and panel.connect_button.disabled and panel.logout_button.disabled

    panel.uid_field.value = "superhero1"
    panel.login_button.click()
    settle(panel)
    assert CometChat.getLoggedInUser() is not None
    assert "logged in as superhero1" in panel.log_text
    assert panel.login_button.disabled and not panel.connect_button.disabled
    assert panel.disconnect_button.disabled  # manual mode: not connected yet

    panel.connect_button.click()
    settle(panel)
    CometChat.waitForState(ConnectionState.CONNECTED, timeout=WAIT)
    panel.refresh()
    assert badge_state(panel) == "connected"
    assert panel.connect_button.disabled and not panel.disconnect_button.disabled
    assert "connected" in panel.log_text

    live = session.live_frame()
    with SimulatedUser("superhero2") as bob:
        bob.say("superhero1", "hello <panel>")
        live.wait_for(count=1, event="text_message_received", timeout=WAIT)
        bob.typing("superhero1")
        live.wait_for(count=1, event="typing_started", timeout=WAIT)
    settle(panel)
    assert "hello &lt;panel&gt;" in panel.tail_html.value  # escaped
    assert "text_message_received" in panel.counters_html.value
    assert ">1</td>" in panel.counters_html.value
    assert "typing_started" in panel.tail_html.value

    panel.send_to_field.value = "superhero2"
    panel.send_text_field.value = "hi from the panel"
    panel.send_button.click()
    settle(panel)
    assert "sent message" in panel.log_text and panel.send_text_field.value == ""

    panel.disconnect_button.click()
    settle(panel)
    assert badge_state(panel) == "closed"
    assert not panel.connect_button.disabled and panel.disconnect_button.disabled

    panel.logout_button.click()
    settle(panel)
    assert CometChat.getLoggedInUser() is None
    assert not panel.login_button.disabled and panel.logout_button.disabled and panel.send_button.disabled


def test_login_button_initialises_the_local_server_session(panel: ControlPanel) -> None:
    server = session.start_local_server()  # a local server, but no init yet
    panel.refresh()
    assert badge_state(panel) == "uninitialized"
    assert panel.connect_button.disabled and panel.logout_button.disabled
    panel.app_id_field.value = server.app_id
    panel.uid_field.value = "superhero3"
    panel.login_button.click()
    settle(panel)
    assert "logged in as superhero3" in panel.log_text
    CometChat.waitForState(ConnectionState.CONNECTED, timeout=WAIT)  # auto mode by default
    panel.refresh()
    assert badge_state(panel) == "connected"


def test_errors_go_to_the_log_without_secrets(local_manual: None, panel: ControlPanel) -> None:
    panel.login_button.click()  # no uid
    assert "enter a UID first" in panel.log_text
    panel.uid_field.value = "superhero1"
    panel.auth_key_field.value = "very-wrong-key-4242"
    panel.login_button.click()
    assert panel.auth_key_field.value == ""  # not kept in the widget model
    settle(panel)
    assert "✗ login: [AUTH_ERR_APIKEY_NOT_FOUND]" in panel.log_text
    assert "very-wrong-key-4242" not in panel.log_text
    assert CometChat.getLoggedInUser() is None
    panel.send_button.click()
    assert "enter a receiver and a text" in panel.log_text


def test_panel_mirrors_magics_and_code(local_manual: None) -> None:
    panel = ControlPanel.shared()
    assert ControlPanel.shared() is panel  # one per kernel
    session.login("superhero4")
    session.connect()
    panel.refresh()
    assert panel.uid_field.value == "superhero4"
    assert badge_state(panel) == "connected" and "superhero4" in panel.status_badge.value
    session.disconnect()
    panel.refresh()
    assert badge_state(panel) == "closed"
    session.init(local=True, manual=False)  # re-init from code: fields follow
    panel.refresh()
    assert panel.app_id_field.value == session.current().app_id  # type: ignore[union-attr]
    panel.close()
    again = ControlPanel.shared()
    assert again is not panel and not again.closed  # a closed panel is replaced
    session.shutdown()  # the session closes the kernel's panel (a closer it registered)
    assert again.closed


def test_ui_hz_belongs_to_the_panel(local_manual: None, make_panel: MakePanel) -> None:
    shared = ControlPanel.shared()
    ControlPanel.set_default_ui_hz(2)
    assert shared.ui_hz == 2.0 and make_panel(plot=False).ui_hz == 2.0  # the kernel's panel and new ones
    assert make_panel(plot=False, ui_hz=10).ui_hz == 10.0
    assert ControlPanel.shared(ui_hz=8) is shared and shared.ui_hz == 8.0
    for bad in (0, -1, 61, True, float("nan")):
        with pytest.raises(InvalidArgumentError, match="ui_hz must be a number within"):
            ControlPanel.set_default_ui_hz(bad)
        with pytest.raises(InvalidArgumentError):
            shared.ui_hz = bad
        with pytest.raises(InvalidArgumentError):
            make_panel(ui_hz=bad)
    assert shared.ui_hz == 8.0


def test_catch_up_progress(local_manual: None, panel: ControlPanel) -> None:
    session.login("superhero1")
    session.connect()
    session.disconnect()
    with SimulatedUser("superhero5", connect=False) as scott:
        for i in range(4):
            scott.say("superhero1", f"missed {i}")
    session.connect()  # waits for the catch-up
    CometChat.waitListenersIdle(WAIT)
    panel._catchup_base = 0  # as if the refresh had seen it pending
    panel.refresh()
    assert "caught up: 4 messages" in panel.catchup_label.value
    assert panel.catchup_bar.bar_style == "success"


def test_catch_up_quicker_than_a_refresh_is_shown(local_manual: None, panel: ControlPanel) -> None:
    session.login("superhero1")
    session.connect()
    session.disconnect()
    with SimulatedUser("superhero5", connect=False) as scott:
        for i in range(2):
            scott.say("superhero1", f"missed {i}")
    session.connect()  # the panel never refreshed while the catch-up was pending
    panel.refresh()
    assert panel.catchup_box.layout.display == ""
    assert "caught up: 2 messages" in panel.catchup_label.value
    assert panel.catchup_bar.value == panel.catchup_bar.max == 2
    panel.catchup_label.value = ""
    panel.refresh()  # shown once, not again on every refresh
    assert panel.catchup_label.value == ""
    session.disconnect()
    session.connect()  # nothing missed: nothing new to show
    panel.refresh()
    assert panel.catchup_label.value == ""


def test_plot_is_a_png_redrawn_at_most_once_a_second(local_manual: None, make_panel: MakePanel) -> None:
    panel = make_panel()
    first = panel.plot_image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    live = session.live_frame()
    live(Event("connection", "onConnected", (), time.time()))
    panel.refresh()  # new data, but within a second of the first draw: not redrawn
    assert panel.plot_image.value == first
    assert panel._plot_period >= 1.0  # at most once a second (longer when renders are slow)
    panel._last_plot -= panel._plot_period  # as if the redraw period had passed
    panel.refresh()
    assert panel.plot_image.value != first and panel.plot_image.value[:4] == b"\x89PNG"


def test_no_widget_is_touched_off_the_kernel_thread(local_manual: None, panel: ControlPanel) -> None:
    threads: set[str] = set()

    def record(_change: Any) -> None:
        threads.add(threading.current_thread().name)

    for widget in [panel, *panel._all_widgets()]:
        widget.observe(record)
    session.login("superhero1")
    panel.connect_button.click()
    with SimulatedUser("superhero2") as bob:
        bob.chatter(5, "superhero1").result(WAIT)
        session.live_frame().wait_for(count=5, event="text_message_received", timeout=WAIT)
    settle(panel)
    assert threads == {threading.main_thread().name}


async def test_timer_refreshes_on_the_running_loop(local_manual: None, make_panel: MakePanel) -> None:
    loop = asyncio.get_running_loop()
    ticked = asyncio.Event()
    panel = make_panel(ui_hz=50, plot=False)  # created on this thread, inside a running loop
    assert panel.scheduled
    handle = panel._handle
    assert handle is not None and handle.when() - loop.time() <= 1 / 50 + 1e-3
    start = panel.refreshes
    refresh = panel.refresh

    def counting_refresh() -> None:
        refresh()
        if panel.refreshes >= start + 3:
            ticked.set()

    panel.refresh = counting_refresh  # type: ignore[method-assign]
    await asyncio.wait_for(ticked.wait(), WAIT)
    panel.ui_hz = 2
    assert panel._handle is not None and panel._handle.when() - loop.time() <= 0.5 + 1e-3
    panel.close()
    assert not panel.scheduled and panel.closed


def test_close_is_idempotent_and_closes_children(local_manual: None, panel: ControlPanel) -> None:
    children = panel._all_widgets()
    panel.close()
    panel.close()
    assert all(w.comm is None for w in children)
    panel.refresh()  # no-op once closed


def test_recent_chats_show_unread_counts_that_follow_messages_and_reads(
    local_manual: None, panel: ControlPanel
) -> None:
    assert "log in" in panel.conversations_html.value
    session.login("superhero1")
    session.connect()
    with SimulatedUser("superhero2") as bob:
        bob.say("superhero1", "one")
        bob.say("superhero1", "two <b>bold</b>")
        session.live_frame().wait_for(count=2, event="text_message_received", timeout=WAIT)
    fetch = panel.refresh_conversations()
    assert fetch is not None
    fetch.result(WAIT)
    panel.refresh()
    shown = panel.conversations_html.value
    assert "data-conversation='superhero1_user_superhero2'" in shown
    assert "<b>2</b>" in shown and "two &lt;b&gt;bold&lt;/b&gt;" in shown  # escaped
    CometChat.markConversationAsRead("superhero2", "user")
    fetch = panel.refresh_conversations()
    assert fetch is not None
    fetch.result(WAIT)
    panel.refresh()
    assert "<b>2</b>" not in panel.conversations_html.value
    session.logout()
    panel.refresh()
    assert "log in" in panel.conversations_html.value


def test_refresh_fetches_conversations_when_events_arrive_and_when_old(
    local_manual: None, panel: ControlPanel
) -> None:
    now = [1000.0]
    panel._clock = lambda: now[0]  # the fetch pacing, not wall time
    session.login("superhero1")
    session.connect()
    panel.refresh()  # logged in: the first fetch
    assert panel.wait_conversations(WAIT)
    panel.refresh()
    assert "no conversations yet" in panel.conversations_html.value
    with SimulatedUser("superhero3") as carol:
        carol.say("superhero1", "hello")
        session.live_frame().wait_for(count=1, event="text_message_received", timeout=WAIT)
    panel.refresh()  # an event, but under a second since the last fetch: not fetched
    assert panel.wait_conversations(WAIT)
    panel.refresh()
    assert "no conversations yet" in panel.conversations_html.value
    now[0] += 1.5
    panel.refresh()  # the event, a second later: fetched
    assert panel.wait_conversations(WAIT)
    panel.refresh()
    assert "superhero1_user_superhero3" in panel.conversations_html.value
