"""The notebook session: plain functions behind the magics and the control panel.

Each ``%cometchat_*`` magic is a thin wrapper around one function here, so
scripts and tests make the same calls::

    from cometchat_nb.notebook import session

    session.init(local=True)                 # one EmbeddedServer for this kernel
    session.login("superhero1")              # key from the local server
    session.connect()
    session.send("superhero2", "hello")
    session.events(type="text_message_received")

The module holds the per-kernel state: the :class:`LiveFrame` attached to the
:class:`~cometchat_nb.CometChat` facade (``CometChat.addEventSink``; it survives
re-init), the local server started by ``init(local=True)``, the control panel,
and the secrets seen so far (auth keys and tokens are never echoed: :func:`scrub`
removes them from any message shown to the user).

Where the auth key comes from (first found): the ``auth_key`` argument; the
local server's key when the session is local; the ``COMETCHAT_AUTH_KEY``
environment variable; the ``auth_key`` of the ``[cometchat]`` section of the
config file (``$COMETCHAT_NB_CONFIG`` or ``~/.config/cometchat_nb/config.ini``,
which may also give ``app_id`` and ``region``)::

    [cometchat]
    app_id = 123456abcdef
    region = eu
    auth_key = ...

Errors are :class:`~cometchat_nb.errors.CometChatException` subclasses whose
``str()`` is one line (``[CODE] message``); the magics turn them into
``UsageError``.
"""

from __future__ import annotations

import configparser
import dataclasses
import html
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from ..client.dispatch import Event
from ..client.store import MemorySessionStore, SessionStore
from ..errors import CometChatException, ErrorCode, InvalidArgumentError, StateError
from ..errors import TimeoutError as SdkTimeoutError
from ..models import BaseMessage, TextMessage, User
from ..protocol.states import ConnectionState
from ..sdk import CometChat
from ..settings import AppSettingsBuilder
from .live_frame import LiveFrame, event_name
from .progress import Mode, ProgressBar, in_kernel

if TYPE_CHECKING:
    from ..server import EmbeddedServer
    from .panel import ControlPanel

__all__ = [
    "AUTH_KEY_ENV",
    "CONFIG_ENV",
    "KERNEL_SWITCH_INTERVAL",
    "PRESENCE_CHOICES",
    "REGIONS",
    "SessionConfig",
    "StatusReport",
    "configure",
    "connect",
    "current",
    "default_config_path",
    "disconnect",
    "events",
    "fetch_history",
    "init",
    "live_frame",
    "local_server",
    "login",
    "logout",
    "panel",
    "read_config",
    "resolve_auth_key",
    "scrub",
    "send",
    "shutdown",
    "status",
    "wait",
    "wait_connected",
]

REGIONS: Final = ("eu", "us", "in")
"""Regions accepted by :func:`init` (CometChat's cloud regions)."""

PRESENCE_CHOICES: Final = ("all", "roles", "friends", "none")
"""Presence subscriptions accepted by :func:`init`."""

AUTH_KEY_ENV: Final = "COMETCHAT_AUTH_KEY"
CONFIG_ENV: Final = "COMETCHAT_NB_CONFIG"

#: Python's thread switch interval in a Jupyter kernel while the notebook layer is in use
KERNEL_SWITCH_INTERVAL: Final = 0.0005

#: default timeouts (seconds) of the blocking helpers
WAIT: Final = 10.0
#: a catch-up progress bar appears after this many seconds (or the first missed message)
PROGRESS_AFTER: Final = 0.5


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SessionConfig:
    """What the last :func:`init` was called with (no secrets)."""

    app_id: str
    region: str
    presence: str
    roles: tuple[str, ...]
    manual: bool
    local: bool
    server_url: str | None
    generation: int


class _State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.live: LiveFrame | None = None
        self.max_rows: int | None = 100_000
        self.keep_raw = False
        self.ui_hz = 4.0
        self.server: EmbeddedServer | None = None
        self.server_store: MemorySessionStore | None = None
        self.config: SessionConfig | None = None
        self.generation = 0
        self.panel: ControlPanel | None = None
        self.secrets: set[str] = set()
        self.switch_interval: float | None = KERNEL_SWITCH_INTERVAL
        # Python's switch interval before we lowered it, and the value we set
        self.switch_saved: float | None = None
        self.switch_set: float | None = None


_state = _State()


# ----------------------------------------------------------------------------------------
# secrets and configuration


def scrub(text: str) -> str:
    """``text`` with every auth key / token seen in this session replaced by ``***``."""
    for secret in sorted(_state.secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return text


def _remember_secret(value: str | None) -> None:
    if value and len(value) >= 4:  # a 1–3 character "secret" would blank out ordinary words
        _state.secrets.add(value)


def default_config_path() -> Path:
    """``$COMETCHAT_NB_CONFIG`` or ``~/.config/cometchat_nb/config.ini``."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or "~/.config"
    return Path(base).expanduser() / "cometchat_nb" / "config.ini"


def read_config(path: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The ``[cometchat]`` section of the config file (``{}`` if there is none).

    Keys: ``app_id``, ``region``, ``auth_key``. A file that cannot be parsed
    raises :class:`~cometchat_nb.errors.InvalidArgumentError` naming it.
    """
    file = Path(path) if path is not None else default_config_path()
    if not file.is_file():
        return {}
    parser = configparser.ConfigParser()
    try:
        parser.read(file, encoding="utf-8")
    except configparser.Error as exc:
        raise InvalidArgumentError(
            f"cannot read {file}: {exc}".replace("\n", " "), code=ErrorCode.INVALID_PARAMETER
        ) from None
    if not parser.has_section("cometchat"):
        return {}
    values = {k: v.strip() for k, v in parser.items("cometchat") if v.strip()}
    _remember_secret(values.get("auth_key"))
    return values


def current() -> SessionConfig | None:
    """The configuration of the last :func:`init`, or None."""
    return _state.config


# ----------------------------------------------------------------------------------------
# the LiveFrame


def live_frame() -> LiveFrame:
    """The kernel's LiveFrame (created on first use and attached to the facade)."""
    with _state.lock:
        live = _state.live
        if live is None:
            live = _state.live = LiveFrame(max_rows=_state.max_rows, keep_raw=_state.keep_raw)
            _apply_switch_interval()
        live.attach(CometChat)
        return live


def _apply_switch_interval(*, force: bool = False) -> None:
    """In a kernel, lower Python's thread switch interval to ``switch_interval``.

    The SDK reads its socket and fills the LiveFrame on its own thread. While
    events stream in, that thread holds the GIL most of the time, and every
    time a kernel thread (shell, IOPub, the cell itself) needs the GIL it waits
    for Python's switch interval, 5 ms by default. A trivial cell needs the GIL
    some twenty times, so at 10 000 events/s it took 80-100 ms longer on a slow
    machine; at 0.5 ms it takes under 20 ms longer (``bench/bench_kernel.py``).

    Only ever lowers the interval; a value changed by someone else since we set
    ours is left alone unless ``force`` (an explicit :func:`configure`). With
    ``switch_interval`` None, or on :func:`shutdown`, Python's value comes back.
    """
    with _state.lock:
        target = _state.switch_interval
        if target is None:
            _restore_switch_interval()
            return
        if not in_kernel():
            return
        current = sys.getswitchinterval()
        if _state.switch_saved is None:
            _state.switch_saved = current
        elif current != _state.switch_set and not force:
            return
        sys.setswitchinterval(min(_state.switch_saved, target))
        _state.switch_set = sys.getswitchinterval()


def _restore_switch_interval() -> None:
    with _state.lock:
        saved, _state.switch_saved = _state.switch_saved, None
        if saved is not None and sys.getswitchinterval() == _state.switch_set:
            sys.setswitchinterval(saved)
        _state.switch_set = None


def configure(
    *,
    max_rows: int | EllipsisType | None = ...,
    keep_raw: bool | None = None,
    ui_hz: float | None = None,
    switch_interval: float | EllipsisType | None = ...,
) -> None:
    """Apply notebook settings now (``%config CometChatMagics.*`` calls this).

    ``max_rows`` (None = unbounded) and ``keep_raw`` change the LiveFrame in
    place; ``ui_hz`` the refresh rate of the control panel; ``switch_interval``
    (seconds; None = leave Python's) the thread switch interval used in a
    Jupyter kernel (default 0.5 ms, so cells stay responsive while events
    stream in; see :data:`KERNEL_SWITCH_INTERVAL`).
    """
    with _state.lock:
        if max_rows is not ...:
            if max_rows is not None and (
                isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1
            ):
                raise InvalidArgumentError(f"max_rows must be a positive integer or None, got {max_rows!r}")
            _state.max_rows = max_rows
            if _state.live is not None:
                _state.live.max_rows = max_rows
        if keep_raw is not None:
            _state.keep_raw = bool(keep_raw)
            if _state.live is not None:
                _state.live.keep_raw = bool(keep_raw)
        if ui_hz is not None:
            if not ui_hz > 0:
                raise InvalidArgumentError(f"ui_hz must be > 0, got {ui_hz!r}")
            _state.ui_hz = float(ui_hz)
            if _state.panel is not None:
                _state.panel.ui_hz = float(ui_hz)
        if switch_interval is not ...:
            if switch_interval is not None and (
                isinstance(switch_interval, bool)
                or not isinstance(switch_interval, int | float)
                or not 0 < switch_interval <= 1
            ):
                raise InvalidArgumentError(
                    f"switch_interval must be a number of seconds in (0, 1] or None, got {switch_interval!r}"
                )
            _state.switch_interval = None if switch_interval is None else float(switch_interval)
            _apply_switch_interval(force=True)


# ----------------------------------------------------------------------------------------
# lifecycle


def local_server() -> EmbeddedServer | None:
    """The EmbeddedServer started by ``init(local=True)`` in this kernel, if running."""
    server = _state.server
    return server if server is not None and server.running else None


def _ensure_local_server(app_id: str | None) -> EmbeddedServer:
    from ..server import EmbeddedServer

    with _state.lock:
        server = local_server()
        if server is not None:
            if app_id and app_id != server.app_id:
                raise InvalidArgumentError(
                    f"the local server of this kernel serves app {server.app_id!r}, not {app_id!r} "
                    "(omit APP_ID with --local)",
                    code=ErrorCode.INVALID_APPID,
                )
            return server
        kwargs: dict[str, Any] = {"app_id": app_id} if app_id else {}
        server = EmbeddedServer(**kwargs).start()
        _state.server = server
        _state.server_store = MemorySessionStore()
        _remember_secret(server.auth_key)
        return server


def init(
    app_id: str | None = None,
    region: str | None = None,
    presence: str = "all",
    manual: bool = False,
    local: bool = False,
    *,
    roles: list[str] | tuple[str, ...] | None = None,
    connect_timeout: float | None = None,
    reconnect_min_delay: float | None = None,
    reconnect_max_delay: float | None = None,
    store: SessionStore | None = None,
    backoff: Callable[[int], float] | None = None,
) -> dict[str, Any]:
    """Initialise the SDK (``CometChat.init``) for this kernel; returns a summary (no secrets).

    ``region``: ``eu``/``us``/``in`` (default: the config file's, else ``eu``).
    ``presence``: ``all``/``roles`` (with ``roles``)/``friends``/``none``.
    ``manual``: no socket until :func:`connect` (``autoEstablishSocketConnection(False)``).
    ``local``: start ONE :class:`~cometchat_nb.server.EmbeddedServer` for this
    kernel (port 0, in memory, seeded with superhero1..5 and ``supergroup``;
    reused by later calls) and point the SDK at it; ``app_id`` is then optional.
    ``store``: where the session is kept (default: in memory for the local
    server, the user's data directory otherwise); ``backoff``: reconnect delay
    per attempt (tests pass ``lambda n: 0``). Re-initialising keeps the
    LiveFrame and its rows.
    """
    file_config = read_config()
    region = (region or file_config.get("region") or "eu").strip().lower()
    if region not in REGIONS:
        raise InvalidArgumentError(
            f"unknown region {region!r}: choose one of {', '.join(REGIONS)}", code="ERR_INVALID_REGION"
        )
    presence = (presence or "all").strip().lower()
    if presence not in PRESENCE_CHOICES:
        raise InvalidArgumentError(
            f"unknown presence {presence!r}: choose one of {', '.join(PRESENCE_CHOICES)}",
            code=ErrorCode.INVALID_PARAMETER,
        )
    role_list = tuple(r.strip() for r in roles or () if r.strip())
    if presence == "roles" and not role_list:
        raise InvalidArgumentError("presence 'roles' needs --roles r1,r2", code=ErrorCode.MISSING_PARAMETERS)
    server: EmbeddedServer | None = None
    if local:
        server = _ensure_local_server(app_id)
        app_id = server.app_id
    else:
        app_id = (app_id or file_config.get("app_id") or "").strip()
        if not app_id:
            raise InvalidArgumentError(
                "no app id: give APP_ID, set app_id in the config file "
                f"({default_config_path()}), or use --local for the embedded server",
                code=ErrorCode.MISSING_PARAMETERS,
            )
    builder = AppSettingsBuilder().setRegion(server.region if server is not None else region)
    if presence == "all":
        builder.subscribePresenceForAllUsers()
    elif presence == "roles":
        builder.subscribePresenceForRoles(list(role_list))
    elif presence == "friends":
        builder.subscribePresenceForFriends()
    builder.autoEstablishSocketConnection(not manual)
    if server is not None:
        builder.overrideClientHost(server.url).overrideAdminHost(server.url)
    if reconnect_min_delay is not None or reconnect_max_delay is not None:
        builder.setReconnectBackoff(
            0.5 if reconnect_min_delay is None else reconnect_min_delay,
            20.0 if reconnect_max_delay is None else reconnect_max_delay,
        )
    if connect_timeout is not None:
        builder.setTimeouts(connect=connect_timeout)
    settings = builder.build()
    if store is None and server is not None:
        store = _state.server_store
    live = live_frame()  # attached before init so the restore's events are recorded too
    CometChat.init(app_id, settings, store=store, backoff=backoff)
    with _state.lock:
        _state.generation += 1
        _state.config = SessionConfig(
            app_id=app_id,
            region=settings.region,
            presence=presence,
            roles=role_list,
            manual=manual,
            local=server is not None,
            server_url=server.url if server is not None else None,
            generation=_state.generation,
        )
    user = CometChat.getLoggedInUser()
    return {
        "app_id": app_id,
        "region": settings.region,
        "mode": "manual" if manual else "auto",
        "presence": presence,
        "local_server": server.url if server is not None else None,
        "restored_user": user.uid if user is not None else None,
        "events": live.total,
    }


def _need_init(what: str) -> None:
    if not CometChat.isInitialized():
        raise StateError(
            f"{what} needs an initialised SDK: run %cometchat_init APP_ID (or %cometchat_init --local) first",
            code=ErrorCode.NOT_INITIALIZED,
        )


def resolve_auth_key(explicit: str | None = None) -> str | None:
    """The auth key :func:`login` would use (see the module docstring for the order)."""
    if explicit:
        return explicit
    config = _state.config
    server = local_server()
    if config is not None and config.local and server is not None:
        return server.auth_key
    env = os.environ.get(AUTH_KEY_ENV, "").strip()
    if env:
        _remember_secret(env)
        return env
    return read_config().get("auth_key") or None


def login(
    uid: str | None = None,
    auth_key: str | None = None,
    auth_token: str | None = None,
    *,
    wait: bool = False,
    timeout: float | None = None,
) -> User:
    """Log in (``CometChat.login``) with a uid and auth key, or with an auth token.

    The key is looked up when not given (module docstring). With ``wait`` and
    auto mode, also wait until the socket is connected and caught up (raises
    the SDK's ``TimeoutError`` after ``timeout`` seconds; the login stands).
    """
    _need_init("login")
    _remember_secret(auth_key)
    _remember_secret(auth_token)
    if auth_token:
        user = CometChat.login(authToken=auth_token)
    else:
        if not uid or not uid.strip():
            raise InvalidArgumentError(
                "login needs a UID (or --auth-token)", code=ErrorCode.MISSING_PARAMETERS
            )
        key = resolve_auth_key(auth_key)
        if not key:
            raise InvalidArgumentError(
                f"no auth key for login: pass --auth-key, set {AUTH_KEY_ENV}, or put auth_key in "
                f"[cometchat] of {default_config_path()}",
                code=ErrorCode.MISSING_PARAMETERS,
            )
        user = CometChat.login(uid.strip(), key)
    if wait and CometChat.client().settings.auto_establish_socket_connection:
        wait_connected(timeout)
    return user


def wait_connected(timeout: float | None = None, *, progress: Mode = "auto") -> None:
    """Wait until the socket is connected and a pending catch-up finished.

    Raises the SDK's ``TimeoutError`` (the SDK keeps retrying) or, when the
    connection ended in FAILED/CLOSED, a ``CometChatException`` with the reason.
    """
    _need_init("waiting for the connection")
    client = CometChat.client()
    limit = client.settings.connect_timeout if timeout is None else timeout
    state = CometChat.waitForState(
        ConnectionState.CONNECTED, ConnectionState.FAILED, ConnectionState.CLOSED, timeout=limit
    )
    if state is not ConnectionState.CONNECTED:
        err = client.status().get("last_error")
        raise CometChatException(
            f"the connection ended in state {state.value!r}" + (f": {err}" if err else ""),
            code=ErrorCode.WS_CONNECTION_FAIL,
        )
    _wait_catchup(limit, progress=progress)


def _wait_catchup(timeout: float, *, progress: Mode = "auto") -> Any:
    """Wait for a pending catch-up, and for its events to reach the listeners and the
    LiveFrame; returns its ``CatchupResult`` (or None).

    A progress bar (missed messages delivered so far) appears only once the
    catch-up has delivered something or taken longer than
    :data:`PROGRESS_AFTER` seconds, so a quick empty catch-up shows nothing.
    """
    client = CometChat.client()
    if not client.status().get("catchup_pending"):
        # a catch-up that just ended may still be on its way to the listeners and the LiveFrame
        CometChat.waitListenersIdle(timeout)
        return client.last_catchup
    live = live_frame()
    start = live.source_counts.get("catchup", 0)
    began = time.monotonic()
    deadline = began + timeout
    bar: ProgressBar | None = None
    try:
        while client.status().get("catchup_pending"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise SdkTimeoutError(f"catch-up did not finish within {timeout:g} s")
            try:  # wake on the next event (or every 0.25 s) to move the bar
                live.wait_for(predicate=_changed_since(live.version), timeout=min(left, 0.25))
            except SdkTimeoutError:
                pass
            got = live.source_counts.get("catchup", 0) - start
            if bar is None and (got or time.monotonic() - began > PROGRESS_AFTER):
                bar = ProgressBar(None, "catching up", unit="messages", mode=progress)
            if bar is not None:
                bar.update(got, f"{got} missed messages delivered")
        result = CometChat.waitForCatchup(timeout=max(0.1, deadline - time.monotonic()))
        # "caught up" means the missed messages are in the LiveFrame (and were given to every
        # listener), not only fetched: %cometchat_events right after must show them
        CometChat.waitListenersIdle(max(0.1, deadline - time.monotonic()))
    except BaseException:
        if bar is not None:
            bar.close(ok=False)
        raise
    if bar is not None and result is not None:
        gap = " (older messages may be missing)" if result.gap_possible else ""
        bar.update(result.delivered)
        bar.close(f"{result.delivered} missed messages in {result.pages} pages{gap}")
    elif bar is not None:
        bar.close("nothing to catch up")
    return result


def _changed_since(version: int) -> Callable[[LiveFrame], bool]:
    return lambda lf: lf.version != version


def logout() -> None:
    """Log out (``CometChat.logout``): closes the socket and forgets the saved session."""
    _need_init("logout")
    CometChat.logout()


def connect(
    timeout: float | None = None, *, wait_catchup: bool = True, progress: Mode = "auto"
) -> dict[str, Any]:
    """Open the socket and block until connected (``CometChat.connect``), then until the
    catch-up of missed messages finished (with a progress bar); returns :func:`status`."""
    _need_init("connect()")
    CometChat.connect(timeout)
    if wait_catchup:
        client = CometChat.client()
        _wait_catchup(client.settings.connect_timeout if timeout is None else timeout, progress=progress)
    return status()


def disconnect() -> None:
    """Close the socket and stop reconnecting (``CometChat.disconnect``); idempotent."""
    _need_init("disconnect()")
    CometChat.disconnect()


def send(to: str, text: str, group: bool = False) -> BaseMessage:
    """Send a text message to a user (or a group with ``group=True``); returns it as stored."""
    _need_init("send")
    if not to or not to.strip():
        raise InvalidArgumentError("send needs a receiver (uid or guid)", code=ErrorCode.MISSING_PARAMETERS)
    if not text:
        raise InvalidArgumentError("send needs a text", code=ErrorCode.MISSING_PARAMETERS)
    message = TextMessage(to.strip(), text, "group" if group else "user")
    return CometChat.sendMessage(message)


# ----------------------------------------------------------------------------------------
# reading


class StatusReport(dict[str, Any]):
    """The connection status as a dict, rendered as an HTML table in notebooks."""

    _ORDER: Final = (
        "state",
        "status",
        "uid",
        "app_id",
        "mode",
        "attempt",
        "retry_in",
        "since",
        "last_error",
        "last_error_code",
        "rtt_ms",
        "reconnects",
        "queued_out",
        "dispatch_backlog",
        "frames_in",
        "last_message_id",
        "catchup_pending",
        "catchup",
        "events",
        "local_server",
    )

    def _items(self) -> list[tuple[str, str]]:
        keys = [k for k in self._ORDER if k in self] + sorted(k for k in self if k not in self._ORDER)
        out = []
        for key in keys:
            value = self[key]
            if key == "since" and isinstance(value, (int, float)):
                text = f"{time.strftime('%H:%M:%S', time.localtime(value))} ({time.time() - value:.1f} s ago)"
            elif key == "retry_in" and isinstance(value, (int, float)):
                text = f"{value:.2f} s"
            else:
                text = "—" if value is None else str(value)
            out.append((key, scrub(text)))
        return out

    def __repr__(self) -> str:
        width = max((len(k) for k in self), default=0)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in self._items())

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in self._items()
        )
        return f"<table class='cometchat-status'>{rows}</table>"


def status() -> StatusReport:
    """State, attempt, retry_in, last error, rtt, queued frames, catch-up info, event count.

    Works before :func:`init` too (``state`` is then ``"uninitialized"``).
    """
    live = _state.live
    server = local_server()
    if not CometChat.isInitialized():
        report = StatusReport(state="uninitialized", status="disconnected")
    else:
        client = CometChat.client()
        report = StatusReport(client.status())
        last = client.last_catchup
        if last is not None:
            gap = ", gap possible" if last.gap_possible else ""
            report["catchup"] = f"{last.delivered} messages in {last.pages} pages{gap}"
    report["events"] = live.total if live is not None else 0
    report["local_server"] = server.url if server is not None else None
    return report


def events(tail: int | None = None, type: str | None = None) -> pd.DataFrame:  # noqa: A002 - the magic's flag
    """The LiveFrame snapshot, optionally only events of ``type`` (snake_case or callback
    name, several separated by commas) and only the last ``tail`` rows."""
    live = live_frame()
    if tail is not None and tail < 0:
        raise InvalidArgumentError("--tail needs a number >= 0", code=ErrorCode.INVALID_PARAMETER)
    if type:
        names = {event_name(t.strip()) for t in type.split(",") if t.strip()}
        df = live.df
        df = df[df["event"].isin(names)].reset_index(drop=True)
        return df.tail(tail).reset_index(drop=True) if tail is not None else df
    if tail is not None:
        return live.tail(tail)
    return live.df


def wait(
    *,
    state: str | None = None,
    count: int | None = None,
    type: str | None = None,  # noqa: A002 - the magic's flag
    catchup: bool = False,
    timeout: float = WAIT,
    progress: Mode = "auto",
) -> StatusReport:
    """Block until the connection is in ``state`` and/or ``count`` events (of ``type``)
    were seen and/or a pending catch-up finished — so notebooks never need ``sleep``.

    Raises the SDK's ``TimeoutError`` after ``timeout`` seconds; returns :func:`status`.
    """
    if state is not None:
        _need_init("waiting for a state")
        try:
            wanted = ConnectionState(state.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in ConnectionState)
            raise InvalidArgumentError(
                f"unknown state {state!r}: choose one of {names}", code=ErrorCode.INVALID_PARAMETER
            ) from None
        CometChat.waitForState(wanted, timeout=timeout)
    if count is not None:
        kinds = [t.strip() for t in type.split(",") if t.strip()] if type else None
        live_frame().wait_for(count=count, event=kinds, timeout=timeout)
    if catchup:
        _need_init("waiting for catch-up")
        _wait_catchup(timeout, progress=progress)
    return status()


def fetch_history(
    uid: str | None = None,
    guid: str | None = None,
    limit: int = 30,
    pages: int = 1,
    *,
    progress: Mode = "auto",
) -> pd.DataFrame:
    """Fetch up to ``pages`` pages of ``limit`` earlier messages of a conversation, with a
    progress bar; returns them oldest first in the LiveFrame schema (``event`` and
    ``source`` are ``history``). They are not added to the live frame."""
    _need_init("fetch_history")
    if (uid is None) == (guid is None):
        raise InvalidArgumentError("fetch_history needs exactly one of uid= or guid=")
    if pages < 1:
        raise InvalidArgumentError("pages must be >= 1", code=ErrorCode.INVALID_PARAMETER)
    builder = CometChat.MessagesRequestBuilder().setLimit(limit)
    builder = builder.setUID(uid) if uid is not None else builder.setGUID(guid or "")
    request = builder.build()
    found: list[BaseMessage] = []
    bar = ProgressBar(pages, f"history of {uid or guid}", unit="pages", mode=progress)
    done = 0
    try:
        for page in range(pages):
            batch = request.fetchPrevious()
            found.extend(batch)
            done = page + 1
            bar.update(done, f"{len(found)} messages")
            if len(batch) < limit:
                break
    except BaseException:
        bar.close(f"{len(found)} messages, stopped after {done} pages", ok=False)
        raise
    bar.close(f"{len(found)} messages in {done} pages")
    frame = LiveFrame(max_rows=None)
    now = time.time()
    found.sort(key=lambda m: (m.sent_at or 0, int(m.id) if m.id and m.id.isdigit() else 0))
    frame.extend(Event("message", "history", (m,), now) for m in found)
    return frame.df


def panel(ui_hz: float | None = None) -> ControlPanel:
    """The kernel's control panel (created on first use; a closed one is replaced)."""
    from .panel import ControlPanel

    with _state.lock:
        existing = _state.panel
        if existing is not None and not existing.closed:
            if ui_hz is not None:
                existing.ui_hz = ui_hz
            return existing
        created = ControlPanel(live_frame(), ui_hz=ui_hz or _state.ui_hz)
        _state.panel = created
        return created


def shutdown() -> None:
    """Close the panel, detach the LiveFrame, shut the SDK down and stop the local server.

    Idempotent; ``%unload_ext`` / ``%reload_ext cometchat_nb`` call it, so no
    thread is left behind. The LiveFrame's rows are dropped too.
    """
    with _state.lock:
        pnl, _state.panel = _state.panel, None
        live, _state.live = _state.live, None
        server, _state.server = _state.server, None
        _state.server_store = None
        _state.config = None
    if pnl is not None:
        pnl.close()
    if live is not None:
        live.detach()
    CometChat.shutdown()
    if server is not None:
        server.stop()
    _restore_switch_interval()
