"""``ControlPanel``: an ipywidgets control panel for the notebook session.

It holds app id / region / uid / auth key (masked) fields; Login, Logout,
Connect and Disconnect buttons enabled according to the connection state; a
status badge (state, attempt, retry countdown, rtt); a catch-up progress bar;
a send box; counters per event type; the last rows of the :class:`LiveFrame`;
a small plot of events per second by type; and a log.

One source of truth: the panel keeps no state of its own. Each
:meth:`ControlPanel.refresh` reads the ``CometChat`` facade, the session
(:mod:`cometchat_nb.notebook.session`) and the LiveFrame, so what magics or
code do shows up in the panel, and the other way round.

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
import html
import io
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Final

import ipywidgets as widgets

from ..errors import CometChatException
from ..runtime import get_runtime
from ..sdk import CometChat
from . import session
from .live_frame import LiveFrame

__all__ = ["ControlPanel"]

log = logging.getLogger(__name__)

_BADGE_COLORS: Final = {
    "connected": "#1e8e3e",
    "connecting": "#f29900",
    "disconnected": "#e37400",
    "suspended": "#d56e0c",
    "failed": "#d93025",
    "closing": "#80868b",
    "closed": "#80868b",
    "initialized": "#80868b",
    "uninitialized": "#9aa0a6",
}
_CAN_CONNECT: Final = frozenset({"initialized", "disconnected", "suspended", "closed", "failed"})
_CAN_DISCONNECT: Final = frozenset({"connecting", "connected", "disconnected", "suspended"})
_PLOT_PERIOD = 1.0  # seconds between plot redraws (at most)
_PLOT_BUDGET = 0.05  # share of the kernel thread a plot may take: slow renders space redraws out
_PLOT_WINDOW = 60  # seconds shown


def _one_line(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, CometChatException) else f"{type(exc).__name__}: {exc}"
    return session.scrub(" ".join(text.split()))


def _clock(ts: Any) -> str:
    if not isinstance(ts, (int, float)):
        return ""
    return time.strftime("%H:%M:%S", time.localtime(ts)) + f".{int(ts * 1000) % 1000:03d}"


def _short(text: Any, width: int = 60) -> str:
    if text is None:
        return ""
    s = str(text)
    return s if len(s) <= width else s[: width - 1] + "…"


class ControlPanel(widgets.VBox):  # type: ignore[misc]
    """The control panel (see the module docstring).

    ``live``: the LiveFrame to show (default: the session's); ``ui_hz``:
    refreshes per second at most; ``tail_rows``: rows in the live table;
    ``plot``: draw the events-per-second plot (matplotlib, ≤ 1 redraw/s).
    """

    def __init__(
        self,
        live: LiveFrame | None = None,
        *,
        ui_hz: float = 4.0,
        tail_rows: int = 10,
        plot: bool = True,
        log_lines: int = 50,
    ) -> None:
        if not ui_hz > 0:
            raise ValueError(f"ui_hz must be > 0, got {ui_hz!r}")
        self._live = live if live is not None else session.live_frame()
        self._tail_rows = tail_rows
        self._plot_enabled = plot
        self._log_lines = log_lines
        self._ui_hz = float(ui_hz)
        self._closed = False
        self._jobs: dict[concurrent.futures.Future[Any], str] = {}
        self._jobs_cond = threading.Condition()
        self._messages: collections.deque[str] = collections.deque()
        self._seen_version = -1
        self._seen_generation = -1
        self._seen_uid: str | None = None
        self._plot_key: Any = None
        self._last_plot = 0.0
        self._plot_period = _PLOT_PERIOD
        self._plotter: _RatePlot | None = None
        self._catchup_base: int | None = None
        self._catchup_shown: Any = None
        self.refreshes = 0
        """How many times :meth:`refresh` ran (tests and the curious)."""

        try:
            defaults = session.read_config()
        except CometChatException as exc:  # a broken config file must not break the panel
            defaults = {}
            self._messages.append(f"✗ config: {_one_line(exc)}")
        cfg = session.current()
        w = widgets
        self.app_id_field = w.Text(
            value=cfg.app_id if cfg else defaults.get("app_id", ""),
            description="App ID",
            placeholder="app id (or %cometchat_init --local)",
        )
        region = cfg.region if cfg and cfg.region in session.REGIONS else defaults.get("region", "eu")
        self.region_field = w.Dropdown(
            options=list(session.REGIONS),
            value=region if region in session.REGIONS else "eu",
            description="Region",
        )
        self.uid_field = w.Text(description="UID", placeholder="superhero1")
        self.auth_key_field = w.Password(description="Auth key", placeholder="blank: env / config / local")
        self.login_button = w.Button(description="Login", icon="sign-in", button_style="primary")
        self.logout_button = w.Button(description="Logout", icon="sign-out")
        self.connect_button = w.Button(description="Connect", icon="plug", button_style="success")
        self.disconnect_button = w.Button(description="Disconnect", icon="power-off", button_style="warning")
        self.status_badge = w.HTML()
        self.catchup_bar = w.IntProgress(value=0, min=0, max=1, description="Catch-up", bar_style="info")
        self.catchup_label = w.HTML()
        self.catchup_box = w.HBox([self.catchup_bar, self.catchup_label], layout=w.Layout(display="none"))
        self.send_to_field = w.Text(description="To", placeholder="uid or guid")
        self.send_text_field = w.Text(description="Text", placeholder="message")
        self.send_group_box = w.Checkbox(value=False, description="group", indent=False)
        self.send_button = w.Button(description="Send", icon="paper-plane")
        self.counters_html = w.HTML()
        self.tail_html = w.HTML()
        # align_self: an HBox stretches its children to the tallest one, which distorted the plot
        self.plot_image = w.Image(
            format="png", layout=w.Layout(width="420px", height="auto", align_self="flex-start")
        )
        self.log_output = w.Output(
            layout=w.Layout(max_height="140px", overflow="auto", border="1px solid #ddd")
        )

        self.login_button.on_click(self._on_login)
        self.logout_button.on_click(self._on_logout)
        self.connect_button.on_click(self._on_connect)
        self.disconnect_button.on_click(self._on_disconnect)
        self.send_button.on_click(self._on_send)

        children = [
            w.HBox([w.HTML("<b>CometChat</b>&nbsp;"), self.status_badge]),
            w.HBox([self.app_id_field, self.region_field]),
            w.HBox([self.uid_field, self.auth_key_field]),
            w.HBox([self.login_button, self.logout_button, self.connect_button, self.disconnect_button]),
            self.catchup_box,
            w.HBox([self.send_to_field, self.send_text_field, self.send_group_box, self.send_button]),
            w.HBox([self.counters_html, self.plot_image] if plot else [self.counters_html]),
            self.tail_html,
            self.log_output,
        ]
        super().__init__(children=children)

        # the kernel's loop, captured here on the kernel thread (None in plain shells/scripts)
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        self._handle: asyncio.TimerHandle | None = None
        self.refresh()
        self._schedule()

    # -- timer ----------------------------------------------------------------------------
    @property
    def ui_hz(self) -> float:
        """Refreshes per second (at most). Setting it re-arms the timer."""
        return self._ui_hz

    @ui_hz.setter
    def ui_hz(self, value: float) -> None:
        if not value > 0:
            raise ValueError(f"ui_hz must be > 0, got {value!r}")
        self._ui_hz = float(value)
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
            self._messages.append(f"✗ refresh failed: {_one_line(exc)}")
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
                self._messages.append(f"✗ {kind}: {_one_line(exc)}")
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
        cfg = session.current()
        server = session.local_server()
        local = server is not None and app_id in (None, server.app_id)
        if cfg is None or not CometChat.isInitialized():
            need_init = True
        elif cfg.local:
            need_init = not local
        else:
            need_init = (app_id is not None and app_id != cfg.app_id) or region != cfg.region
        if need_init and app_id is None and not local:
            self._note("✗ login: enter an app id (or run %cometchat_init --local)")
            return
        manual = cfg.manual if cfg is not None else False
        presence = cfg.presence if cfg is not None else "all"

        def job() -> str:
            if need_init:
                session.init(app_id=app_id, region=region, presence=presence, manual=manual, local=local)
            user = session.login(uid, auth_key=key)
            return f"logged in as {user.uid}"

        self._submit("login", job)

    def _on_logout(self, _button: Any = None) -> None:
        def job() -> str:
            session.logout()
            return "logged out"

        self._submit("logout", job)

    def _on_connect(self, _button: Any = None) -> None:
        def job() -> str:
            report = session.connect(progress="off")
            rtt = f" (rtt {report['rtt_ms']} ms)" if report.get("rtt_ms") is not None else ""
            return f"connected{rtt}"

        self._submit("connect", job)

    def _on_disconnect(self, _button: Any = None) -> None:
        def job() -> str:
            session.disconnect()
            return "disconnected"

        self._submit("disconnect", job)

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
        cfg = session.current()
        self._sync_fields(cfg, user.uid if user is not None else None)
        self._update_badge(status, now)
        self._update_buttons(status, user is not None)
        self._update_catchup(status)
        version = self._live.version
        if version != self._seen_version:
            self._seen_version = version
            self.counters_html.value = self._counters_html()
            self.tail_html.value = self._tail_html()
        if png is not None:
            self.plot_image.value = png
        self._drain_log()
        self.refreshes += 1

    def _sync_fields(self, cfg: session.SessionConfig | None, uid: str | None) -> None:
        if cfg is not None and cfg.generation != self._seen_generation:
            self._seen_generation = cfg.generation
            self.app_id_field.value = cfg.app_id
            if cfg.region in session.REGIONS:
                self.region_field.value = cfg.region
        if uid != self._seen_uid:
            self._seen_uid = uid
            if uid is not None:
                self.uid_field.value = uid

    def _update_badge(self, st: dict[str, Any], now: float) -> None:
        state = str(st.get("state", "uninitialized"))
        color = _BADGE_COLORS.get(state, "#80868b")
        parts: list[str] = []
        if st.get("uid"):
            parts.append(str(st["uid"]))
        if st.get("mode"):
            parts.append(f"{st['mode']} mode")
        if state != "connected" and st.get("attempt"):
            parts.append(f"attempt {st['attempt']}")
        retry_in, since = st.get("retry_in"), st.get("since")
        if state in ("disconnected", "suspended") and isinstance(retry_in, (int, float)) and since:
            left = max(0.0, float(since) + float(retry_in) - now)
            parts.append(f"retry in {left:.1f} s")
        if state == "connected" and st.get("rtt_ms") is not None:
            parts.append(f"rtt {st['rtt_ms']} ms")
        if state not in ("connected", "uninitialized", "initialized") and st.get("last_error"):
            parts.append(_short(session.scrub(str(st["last_error"])), 80))
        detail = html.escape(" · ".join(parts))
        self.status_badge.value = (
            f"<span class='cometchat-badge' data-state='{state}' style='background:{color};color:white;"
            f"padding:2px 8px;border-radius:10px;font-weight:bold'>{state}</span>"
            f"<span style='margin-left:8px;color:#555'>{detail}</span>"
        )

    def _update_buttons(self, st: dict[str, Any], logged_in: bool) -> None:
        state = str(st.get("state", "uninitialized"))
        busy = self._busy()
        self.login_button.disabled = logged_in or "login" in busy
        self.logout_button.disabled = not logged_in or "logout" in busy
        self.connect_button.disabled = not logged_in or state not in _CAN_CONNECT or "connect" in busy
        self.disconnect_button.disabled = (
            not logged_in or state not in _CAN_DISCONNECT or "disconnect" in busy
        )
        self.send_button.disabled = not logged_in

    def _update_catchup(self, st: dict[str, Any]) -> None:
        pending = bool(st.get("catchup_pending"))
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

    def _counters_html(self) -> str:
        counts = sorted(self._live.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        left, right = "<td style='text-align:left'>", "<td style='text-align:right'>"
        rows = "".join(f"<tr>{left}{html.escape(name)}</td>{right}{n}</td></tr>" for name, n in counts[:15])
        return (
            "<table class='cometchat-counters'><tr><th style='text-align:left'>event</th>"
            f"<th style='text-align:right'>count</th></tr>{rows}"
            f"<tr>{left}<i>total</i></td>{right}{self._live.total}</td></tr></table>"
        )

    def _tail_html(self) -> str:
        records = self._live.tail_records(self._tail_rows)
        head = "".join(
            f"<th style='text-align:left'>{h}</th>"
            for h in ("time", "event", "sender", "receiver", "text / details", "source", "state")
        )
        body = []
        for r in reversed(records):  # newest first
            details = r.get("text") if r.get("text") is not None else r.get("extra")
            cells = (
                _clock(r.get("received_at")),
                r.get("event") or "",
                r.get("sender") or "",
                r.get("receiver") or "",
                _short(details),
                r.get("source") or "",
                r.get("state") or "",
            )
            body.append(
                "<tr>"
                + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>" for c in cells)
                + "</tr>"
            )
        return f"<table class='cometchat-tail'><tr>{head}</tr>{''.join(body)}</table>"

    def _render_plot(self, now: float) -> bytes | None:
        """The plot's new PNG, or None when the data did not change."""
        seconds, series = self._live.rates(_PLOT_WINDOW, now=now)
        key = (seconds[-1] if any(any(c) for c in series.values()) else None, tuple(sorted(series.items())))
        if key == self._plot_key:
            return None
        self._plot_key = key
        self._last_plot = now
        if self._plotter is None:
            self._plotter = _RatePlot()
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
            "".join(f"{time.strftime('%H:%M:%S')} {session.scrub(line)}\n" for line in lines)
        )
        outputs = self.log_output.outputs
        if len(outputs) > self._log_lines:
            self.log_output.outputs = tuple(outputs[-self._log_lines :])

    @property
    def log_text(self) -> str:
        """Everything currently in the log, as text."""
        return "".join(o.get("text", "") for o in self.log_output.outputs)


class _RatePlot:
    """Events per second by type (the ``top`` busiest, the rest as "other"), as PNG bytes.

    One figure is built once and its lines updated in place, with fixed
    margins: building a figure and ``tight_layout`` on every redraw took most
    of the kernel thread while events streamed in.
    """

    def __init__(self, top: int = 5) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.top = top
        self.fig = Figure(figsize=(5.2, 1.9), dpi=80)
        self.canvas = FigureCanvasAgg(self.fig)
        self.fig.subplots_adjust(left=0.1, right=0.98, top=0.96, bottom=0.24)
        ax = self.ax = self.fig.add_subplot()
        ax.set_xlabel("seconds ago", fontsize=7)
        ax.set_ylabel("events/s", fontsize=7)
        ax.tick_params(labelsize=6)
        self.lines = [ax.plot([], [], linewidth=1.2)[0] for _ in range(top)]
        self.other = ax.plot([], [], linewidth=1.0, linestyle="--")[0]
        self._labels: tuple[str, ...] = ()

    def render(self, seconds: list[int], series: dict[str, list[int]]) -> bytes:
        x = [s - seconds[-1] for s in seconds]
        ranked = sorted(series.items(), key=lambda kv: -sum(kv[1]))
        shown = ranked[: self.top]
        rest = ranked[self.top :]
        peak = 1
        for line, item in zip(self.lines, shown + [None] * (self.top - len(shown)), strict=True):
            line.set_visible(item is not None)
            if item is not None:
                name, counts = item
                line.set_data(x, counts)
                line.set_label(name)
                peak = max(peak, *counts)
        self.other.set_visible(bool(rest))
        if rest:
            other = [sum(v) for v in zip(*(c for _, c in rest), strict=True)]
            self.other.set_data(x, other)
            self.other.set_label("other")
            peak = max(peak, *other)
        self.ax.set_xlim(x[0], 0)
        self.ax.set_ylim(0, peak * 1.1)
        labels = tuple(name for name, _ in shown) + (("other",) if rest else ())
        if labels != self._labels:
            self._labels = labels
            legend = self.ax.get_legend()
            if legend is not None:
                legend.remove()
            if labels:
                self.ax.legend(fontsize=6, loc="upper left", frameon=False)
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()
