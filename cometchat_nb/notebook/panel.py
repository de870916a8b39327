"""``ControlPanel``: an ipywidgets control panel for the notebook session.

It holds app id / region / uid / auth key (masked) fields; Login, Logout,
Connect and Disconnect buttons enabled according to the connection state; a
status badge (state, attempt, retry countdown, rtt); a catch-up progress bar;
a send box; counters per event type; the last rows of the :class:`LiveFrame`;
a small plot of events per second by type; the user's conversations with their
unread counts ("Recent chats", fetched again when events arrive, at most once a
second, and every few seconds, so reads elsewhere show too); and a log.

One source of truth: the panel keeps no state of its own. Each
:meth:`ControlPanel.refresh` reads the ``CometChat`` facade, the session
(:mod:`cometchat_nb.notebook.session`) and the LiveFrame, so what magics or
code do shows up in the panel, and the other way round.

One panel per kernel: :meth:`ControlPanel.shared` (what ``%cometchat_panel``
shows) creates it on first use and replaces a closed one; it registers its
closing with :func:`session.add_closer <cometchat_nb.notebook.session.add_closer>`,
so ``%unload_ext`` closes it while the session never imports the panel. The
refresh rate (``ui_hz``) is the panel's own setting:
:meth:`ControlPanel.set_default_ui_hz` (``%config CometChatMagics.ui_hz``).

Threads (design.md §4):

* Button callbacks never block the kernel: they submit the matching session
  function to the SDK runtime (``get_runtime().submit(asyncio.to_thread(...))``)
  and return at once. The outcome is queued as a line of text; nothing is
  touched from the SDK's threads.
* Widgets are updated on the kernel side only, by :meth:`refresh`, at most
  ``ui_hz`` times per second: the panel captures the kernel's running asyncio
  loop when it is created (on the kernel thread) and re-arms
  ``loop.call_later``. The log is an ``Output`` fed only through
  ``append_stdout``/``outputs`` from :meth:`refresh`, never ``with output:``.
* With no running loop (a plain ``InteractiveShell``, scripts, tests) nothing
  is scheduled: call :meth:`refresh` yourself (and :meth:`wait_idle` to wait
  for clicked actions).

:meth:`close` stops the timer and closes the widgets.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar, Final

import ipywidgets as widgets

from ..errors import CometChatException
from ..runtime import get_runtime
from ..sdk import CometChat
from . import session
from .config import DEFAULT_UI_HZ, REGIONS, SessionConfig, check_ui_hz, read_config
from .live_frame import LiveFrame
from .plot import RatePlot
from .render import badge_html, conversations_html, counters_html, tail_html
from .secrets import one_line, scrub

__all__ = ["ControlPanel"]

log = logging.getLogger(__name__)

_CAN_CONNECT: Final = frozenset({"initialized", "disconnected", "suspended", "closed", "failed"})
_CAN_DISCONNECT: Final = frozenset({"connecting", "connected", "disconnected", "suspended"})
_PLOT_PERIOD = 1.0  # seconds between plot redraws (at most)
_CONVERSATIONS_MIN_PERIOD = 1.0  # seconds between conversation fetches after events (at most)
_LOGGED_OUT: Final = "<i>log in to see your conversations</i>"
_CONVERSATIONS_MAX_AGE = 5.0  # seconds: fetched again even with no event (reads on other devices)
_PLOT_BUDGET = 0.05  # share of the kernel thread a plot may take: slow renders space redraws out
_PLOT_WINDOW = 60  # seconds shown


# the buttons that run one session command with no input: (button, command, what it says when done)
def _logout() -> str:
    session.logout()
    return "logged out"


def _connect() -> str:
    report = session.connect(progress="off")
    rtt = f" (rtt {report['rtt_ms']} ms)" if report.get("rtt_ms") is not None else ""
    return f"connected{rtt}"


def _disconnect() -> str:
    session.disconnect()
    return "disconnected"


_COMMAND_BUTTONS: Final = (
    ("logout_button", "logout", _logout),
    ("connect_button", "connect", _connect),
    ("disconnect_button", "disconnect", _disconnect),
)


class ControlPanel(widgets.VBox):  # type: ignore[misc]
    """The control panel (see the module docstring).

    ``live``: the LiveFrame to show (default: the session's); ``ui_hz``:
    refreshes per second at most (default: :meth:`set_default_ui_hz`'s);
    ``tail_rows``: rows in the live table; ``plot``: draw the events-per-second
    plot (matplotlib, ≤ 1 redraw/s).
    """

    _default_ui_hz: ClassVar[float] = DEFAULT_UI_HZ
    _shared: ClassVar[ControlPanel | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        live: LiveFrame | None = None,
        *,
        ui_hz: float | None = None,
        tail_rows: int = 10,
        plot: bool = True,
        log_lines: int = 50,
        conversation_rows: int = 10,
    ) -> None:
        self._closed = True  # until built: ipywidgets' __del__ calls close() on a half-built panel
        self._ui_hz = check_ui_hz(self._default_ui_hz if ui_hz is None else ui_hz)
        self._live = live if live is not None else session.live_frame()
        self._tail_rows = tail_rows
        self._plot_enabled = plot
        self._log_lines = log_lines
        self._jobs: dict[concurrent.futures.Future[Any], str] = {}
        self._jobs_cond = threading.Condition()
        self._messages: collections.deque[str] = collections.deque()
        self._seen_version = -1
        self._seen_generation = -1
        self._seen_uid: str | None = None
        self._plot_key: Any = None
        self._last_plot = 0.0
        self._plot_period = _PLOT_PERIOD
        self._plotter: RatePlot | None = None
        self._catchup_base: int | None = None
        self._catchup_shown: Any = None
        self._conversation_rows = conversation_rows
        self._conversations: list[Any] = []
        self._conversations_version = 0  # bumped by each fetch that ended (SDK loop thread)
        self._conversations_shown = -1
        self._conversations_key: Any = None  # (uid, LiveFrame version) of the last fetch
        self._conversations_fetched_at = 0.0
        self._conversations_fetch: concurrent.futures.Future[Any] | None = None
        self._conversations_error: str | None = None
        self._clock: Callable[[], float] = time.monotonic  # of the conversation fetches (tests replace it)
        self.refreshes = 0
        """How many times :meth:`refresh` ran (tests and the curious)."""

        try:
            defaults = read_config()
        except CometChatException as exc:  # a broken config file must not break the panel
            defaults = {}
            self._messages.append(f"✗ config: {one_line(exc)}")
        config = session.current()
        self.app_id_field = widgets.Text(
            value=config.app_id if config else defaults.get("app_id", ""),
            description="App ID",
            placeholder="app id (or %cometchat_init --local)",
        )
        region = config.region if config and config.region in REGIONS else defaults.get("region", "eu")
        self.region_field = widgets.Dropdown(
            options=list(REGIONS),
            value=region if region in REGIONS else "eu",
            description="Region",
        )
        self.uid_field = widgets.Text(description="UID", placeholder="superhero1")
        self.auth_key_field = widgets.Password(
            description="Auth key", placeholder="blank: env / config / local"
        )
        self.login_button = widgets.Button(description="Login", icon="sign-in", button_style="primary")
        self.logout_button = widgets.Button(description="Logout", icon="sign-out")
        self.connect_button = widgets.Button(description="Connect", icon="plug", button_style="success")
        self.disconnect_button = widgets.Button(
            description="Disconnect", icon="power-off", button_style="warning"
        )
        self.status_badge = widgets.HTML()
        self.catchup_bar = widgets.IntProgress(
            value=0, min=0, max=1, description="Catch-up", bar_style="info"
        )
        self.catchup_label = widgets.HTML()
        self.catchup_box = widgets.HBox(
            [self.catchup_bar, self.catchup_label], layout=widgets.Layout(display="none")
        )
        self.send_to_field = widgets.Text(description="To", placeholder="uid or guid")
        self.send_text_field = widgets.Text(description="Text", placeholder="message")
        self.send_group_box = widgets.Checkbox(value=False, description="group", indent=False)
        self.send_button = widgets.Button(description="Send", icon="paper-plane")
        self.counters_html = widgets.HTML()
        self.tail_html = widgets.HTML()
        self.conversations_html = widgets.HTML()
        # align_self: an HBox stretches its children to the tallest one, which distorted the plot
        self.plot_image = widgets.Image(
            format="png", layout=widgets.Layout(width="420px", height="auto", align_self="flex-start")
        )
        self.log_output = widgets.Output(
            layout=widgets.Layout(max_height="140px", overflow="auto", border="1px solid #ddd")
        )

        self.login_button.on_click(self._on_login)
        self.send_button.on_click(self._on_send)
        for button, kind, command in _COMMAND_BUTTONS:
            getattr(self, button).on_click(functools.partial(self._on_command, kind, command))

        children = [
            widgets.HBox([widgets.HTML("<b>CometChat</b>&nbsp;"), self.status_badge]),
            widgets.HBox([self.app_id_field, self.region_field]),
            widgets.HBox([self.uid_field, self.auth_key_field]),
            widgets.HBox(
                [self.login_button, self.logout_button, self.connect_button, self.disconnect_button]
            ),
            self.catchup_box,
            widgets.HBox([self.send_to_field, self.send_text_field, self.send_group_box, self.send_button]),
            widgets.HBox([self.counters_html, self.plot_image] if plot else [self.counters_html]),
            self.tail_html,
            widgets.HTML("<b>Recent chats</b>"),
            self.conversations_html,
            self.log_output,
        ]
        super().__init__(children=children)

        # the kernel's loop, captured here on the kernel thread (None in plain shells/scripts)
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        self._handle: asyncio.TimerHandle | None = None
        self._closed = False
        self.refresh()
        self._schedule()

    # -- the kernel's panel ---------------------------------------------------------------
    @classmethod
    def shared(cls, ui_hz: float | None = None) -> ControlPanel:
        """The kernel's control panel (``%cometchat_panel``): created on first use over the
        session's LiveFrame, replaced once closed; ``session.shutdown()`` closes it.
        ``ui_hz``, if given, becomes its refresh rate."""
        with cls._shared_lock:
            panel = cls._shared
            if panel is not None and not panel.closed:
                if ui_hz is not None:
                    panel.ui_hz = ui_hz
                return panel
            panel = cls._shared = cls(session.live_frame(), ui_hz=ui_hz)
        session.add_closer(cls._close_shared)
        return panel

    @classmethod
    def _close_shared(cls) -> None:
        with cls._shared_lock:
            panel, cls._shared = cls._shared, None
        if panel is not None:
            panel.close()

    @classmethod
    def set_default_ui_hz(cls, ui_hz: float) -> None:
        """Refreshes per second of panels created from now on, and of the kernel's panel
        (:meth:`shared`) now (``%config CometChatMagics.ui_hz`` calls this)."""
        cls._default_ui_hz = check_ui_hz(ui_hz)
        panel = cls._shared
        if panel is not None and not panel.closed:
            panel.ui_hz = cls._default_ui_hz

    # -- timer ----------------------------------------------------------------------------
    @property
    def ui_hz(self) -> float:
        """Refreshes per second (at most). Setting it re-arms the timer."""
        return self._ui_hz

    @ui_hz.setter
    def ui_hz(self, value: float) -> None:
        self._ui_hz = check_ui_hz(value)
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
            self._schedule()

    @property
    def scheduled(self) -> bool:
        """True while a periodic refresh is armed on the kernel's loop."""
        return self._handle is not None

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._closed

    def _schedule(self) -> None:
        loop = self._loop
        if self._closed or loop is None or loop.is_closed():
            self._handle = None
            return
        self._handle = loop.call_later(1.0 / self._ui_hz, self._tick)

    def _tick(self) -> None:
        try:
            self.refresh()
        except Exception as exc:  # a refresh bug must not stop the timer silently
            log.exception("control panel refresh failed")
            self._messages.append(f"✗ refresh failed: {one_line(exc)}")
        self._schedule()

    def close(self) -> None:
        """Stop the timer and close every widget of the panel. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        for child in self._all_widgets():
            child.close()
        super().close()

    def _all_widgets(self) -> list[widgets.Widget]:
        out: list[widgets.Widget] = []
        stack = list(self.children)
        while stack:
            wid = stack.pop()
            out.append(wid)
            stack.extend(getattr(wid, "children", ()))
        return out

    # -- actions (kernel thread: submit and return) --------------------------------------
    def _submit(self, kind: str, job: Callable[[], str]) -> concurrent.futures.Future[str]:
        future: concurrent.futures.Future[str] = get_runtime().submit(asyncio.to_thread(job))
        with self._jobs_cond:
            self._jobs[future] = kind
        future.add_done_callback(self._job_done)
        self.refresh()  # on the kernel thread: disable the busy button at once
        return future

    def _job_done(self, future: concurrent.futures.Future[str]) -> None:
        # runs on the SDK loop thread: only queue text, never touch a widget
        with self._jobs_cond:
            kind = self._jobs.pop(future, "action")
            if future.cancelled():
                self._messages.append(f"✗ {kind}: cancelled")
            elif (exc := future.exception()) is not None:
                self._messages.append(f"✗ {kind}: {one_line(exc)}")
            else:
                self._messages.append(f"✓ {future.result()}")
            self._jobs_cond.notify_all()

    def _busy(self) -> set[str]:
        with self._jobs_cond:
            return set(self._jobs.values())

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every clicked action finished (its outcome is queued for the log).

        For tests and scripts; returns False on timeout. Call :meth:`refresh`
        afterwards to show the outcome.
        """
        with self._jobs_cond:
            return self._jobs_cond.wait_for(lambda: not self._jobs, timeout)

    def _note(self, text: str) -> None:
        self._messages.append(text)
        self.refresh()

    def _on_login(self, _button: Any = None) -> None:
        uid = self.uid_field.value.strip()
        if not uid:
            self._note("✗ login: enter a UID first")
            return
        app_id = self.app_id_field.value.strip() or None
        region = self.region_field.value
        key = self.auth_key_field.value or None
        self.auth_key_field.value = ""  # do not keep the secret in the widget model
        config = session.current()
        server = session.local_server()
        local = server is not None and app_id in (None, server.app_id)
        if config is None or not CometChat.isInitialized():
            need_init = True
        elif config.local:
            need_init = not local
        else:
            need_init = (app_id is not None and app_id != config.app_id) or region != config.region
        if need_init and app_id is None and not local:
            self._note("✗ login: enter an app id (or run %cometchat_init --local)")
            return
        manual = config.manual if config is not None else False
        presence = config.presence if config is not None else "all"

        def job() -> str:
            if need_init:
                session.init(app_id=app_id, region=region, presence=presence, manual=manual, local=local)
            user = session.login(uid, auth_key=key)
            return f"logged in as {user.uid}"

        self._submit("login", job)

    def _on_command(self, kind: str, command: Callable[[], str], _button: Any = None) -> None:
        self._submit(kind, command)

    def _on_send(self, _button: Any = None) -> None:
        to = self.send_to_field.value.strip()
        text = self.send_text_field.value
        group = bool(self.send_group_box.value)
        if not to or not text:
            self._note("✗ send: enter a receiver and a text")
            return
        self.send_text_field.value = ""

        def job() -> str:
            sent = session.send(to, text, group=group)
            return f"sent message {sent.id} to {to}"

        self._submit("send", job)

    # -- refresh (kernel thread only) -----------------------------------------------------
    def refresh(self) -> None:
        """Bring every widget up to date from the facade, the session and the LiveFrame.

        Cheap when nothing changed (widgets are only assigned new values).
        Runs on the kernel thread: the timer calls it, tests call it directly.
        """
        if self._closed:
            return
        now = time.time()
        # render the plot before touching any widget, so one refresh sends its updates together
        plot_due = self._plot_enabled and now - self._last_plot >= self._plot_period
        png = self._render_plot(now) if plot_due else None
        initialized = CometChat.isInitialized()
        status: dict[str, Any] = CometChat.status() if initialized else {"state": "uninitialized"}
        user = CometChat.getLoggedInUser()
        self._sync_fields(session.current(), user.uid if user is not None else None)
        self.status_badge.value = badge_html(status, now)
        self._update_buttons(status, user is not None)
        self._update_catchup(status)
        version = self._live.version
        if version != self._seen_version:
            self._seen_version = version
            self.counters_html.value = counters_html(self._live.counts, self._live.total)
            self.tail_html.value = tail_html(self._live.tail_records(self._tail_rows))
        self._update_conversations(user.uid if user is not None else None, version)
        if png is not None:
            self.plot_image.value = png
        self._drain_log()
        self.refreshes += 1

    # -- recent chats -------------------------------------------------------------------
    def refresh_conversations(self) -> concurrent.futures.Future[Any] | None:
        """Fetch the logged-in user's conversations now (None when nobody is logged in or
        a fetch is under way); the next :meth:`refresh` shows them. The future ends when
        they are stored (tests and scripts wait on it)."""
        user = CometChat.getLoggedInUser() if CometChat.isInitialized() else None
        if user is None:
            return None
        with self._jobs_cond:
            if self._conversations_fetch is not None:
                return None
            request = CometChat.client().conversations_request().set_limit(self._conversation_rows).build()
            future = get_runtime().submit(request.fetch_next())
            self._conversations_fetch = future
        self._conversations_fetched_at = self._clock()
        future.add_done_callback(self._conversations_done)
        return future

    def wait_conversations(self, timeout: float = 10.0) -> bool:
        """Block until no conversation fetch is under way (False on timeout); then
        :meth:`refresh` shows the last one."""
        with self._jobs_cond:
            return self._jobs_cond.wait_for(lambda: self._conversations_fetch is None, timeout)

    def _conversations_done(self, future: concurrent.futures.Future[Any]) -> None:
        # runs on the SDK loop thread: store the list, never touch a widget
        with self._jobs_cond:
            self._conversations_fetch = None
            self._jobs_cond.notify_all()
            if future.cancelled():
                return
            exc = future.exception()
            if exc is not None:
                line = f"✗ conversations: {one_line(exc)}"
                if line != self._conversations_error:  # once per kind of failure, not every fetch
                    self._conversations_error = line
                    self._messages.append(line)
                return
            self._conversations_error = None
            self._conversations = list(future.result())
            self._conversations_version += 1

    def _update_conversations(self, uid: str | None, version: int) -> None:
        if uid is None:
            if self.conversations_html.value != _LOGGED_OUT:
                self._conversations_key = None
                self._conversations = []
                self._conversations_shown = self._conversations_version
                self.conversations_html.value = _LOGGED_OUT
            return
        key = (uid, version)
        age = self._clock() - self._conversations_fetched_at
        changed = key != self._conversations_key and age >= _CONVERSATIONS_MIN_PERIOD
        due = changed or age >= _CONVERSATIONS_MAX_AGE
        if due and self.refresh_conversations() is not None:
            self._conversations_key = key
        if self._conversations_version != self._conversations_shown:
            self._conversations_shown = self._conversations_version
            self.conversations_html.value = conversations_html(self._conversations)

    def _sync_fields(self, config: SessionConfig | None, uid: str | None) -> None:
        if config is not None and config.generation != self._seen_generation:
            self._seen_generation = config.generation
            self.app_id_field.value = config.app_id
            if config.region in REGIONS:
                self.region_field.value = config.region
        if uid != self._seen_uid:
            self._seen_uid = uid
            if uid is not None:
                self.uid_field.value = uid

    def _update_buttons(self, status: dict[str, Any], logged_in: bool) -> None:
        state = str(status.get("state", "uninitialized"))
        busy = self._busy()
        self.login_button.disabled = logged_in or "login" in busy
        self.logout_button.disabled = not logged_in or "logout" in busy
        self.connect_button.disabled = not logged_in or state not in _CAN_CONNECT or "connect" in busy
        self.disconnect_button.disabled = (
            not logged_in or state not in _CAN_DISCONNECT or "disconnect" in busy
        )
        self.send_button.disabled = not logged_in

    def _update_catchup(self, status: dict[str, Any]) -> None:
        pending = bool(status.get("catchup_pending"))
        got = self._live.source_counts.get("catchup", 0)
        if pending:
            if self._catchup_base is None:
                self._catchup_base = got
                self.catchup_bar.bar_style = "info"
                self.catchup_box.layout.display = ""
            n = got - self._catchup_base
            if n >= self.catchup_bar.max:
                self.catchup_bar.max = max(1, n * 2)
            self.catchup_bar.value = n
            self.catchup_label.value = f"catching up… {n} missed messages"
            return
        last = CometChat.client().last_catchup if CometChat.isInitialized() else None
        if self._catchup_base is None:
            # a catch-up quicker than one refresh was never seen pending: show its result anyway
            if last is None or last is self._catchup_shown or not (last.delivered or last.gap_possible):
                return
            self.catchup_box.layout.display = ""
            self.catchup_bar.max = max(1, last.delivered)
            self.catchup_bar.value = last.delivered
        self._catchup_base = None
        self._catchup_shown = last
        self.catchup_bar.bar_style = "warning" if last is not None and last.gap_possible else "success"
        self.catchup_bar.max = max(1, self.catchup_bar.value)
        self.catchup_bar.value = self.catchup_bar.max
        if last is not None:
            gap = " — older messages may be missing" if last.gap_possible else ""
            self.catchup_label.value = f"caught up: {last.delivered} messages in {last.pages} pages{gap}"

    def _render_plot(self, now: float) -> bytes | None:
        """The plot's new PNG, or None when the data did not change."""
        seconds, series = self._live.rates(_PLOT_WINDOW, now=now)
        key = (seconds[-1] if any(any(c) for c in series.values()) else None, tuple(sorted(series.items())))
        if key == self._plot_key:
            return None
        self._plot_key = key
        self._last_plot = now
        if self._plotter is None:
            self._plotter = RatePlot()
        started = time.perf_counter()
        png = self._plotter.render(seconds, series)
        # a render that costs more than the budget pushes the next one further out
        self._plot_period = max(_PLOT_PERIOD, (time.perf_counter() - started) / _PLOT_BUDGET)
        return png

    def _drain_log(self) -> None:
        lines: list[str] = []
        while self._messages:
            lines.append(self._messages.popleft())
        if not lines:
            return
        self.log_output.append_stdout(
            "".join(f"{time.strftime('%H:%M:%S')} {scrub(line)}\n" for line in lines)
        )
        outputs = self.log_output.outputs
        if len(outputs) > self._log_lines:
            self.log_output.outputs = tuple(outputs[-self._log_lines :])

    @property
    def log_text(self) -> str:
        """Everything currently in the log, as text."""
        return "".join(o.get("text", "") for o in self.log_output.outputs)
