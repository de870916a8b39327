"""The notebook session: plain functions behind the magics and the control panel.

Each ``%cometchat_*`` magic is a thin wrapper around one function here, so
scripts and tests make the same calls::

    from cometchat_nb.notebook import session

    session.init(local=True)                 # one EmbeddedServer for this kernel
    session.login("superhero1")              # key from the local server
    session.connect()
    session.send("superhero2", "hello")
    session.events(type="text_message_received")

The module holds the per-kernel state: the :class:`~.live_frame.LiveFrame`
attached to the :class:`~cometchat_nb.CometChat` facade (``CometChat.addEventSink``;
it survives re-init), the local server started by ``init(local=True)``, the
configuration of the last :func:`init`, the thread switch interval
(:mod:`.kernel`), and the closers :func:`shutdown` runs (the control panel
registers its own: :func:`add_closer`). Secrets are never echoed (:mod:`.secrets`).

Where the auth key comes from (first found): the ``auth_key`` argument; the
local server's key when the session is local; the ``COMETCHAT_AUTH_KEY``
environment variable; the ``auth_key`` of the ``[cometchat]`` section of the
config file (:mod:`.config`).

Errors are :class:`~cometchat_nb.errors.CometChatException` subclasses whose
``str()`` is one line (``[CODE] message``); the magics turn them into
``UsageError``.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections.abc import Callable
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from ..client.store import MemorySessionStore, SessionStore
from ..errors import CometChatException, ErrorCode, InvalidArgumentError
from ..errors import TimeoutError as SdkTimeoutError
from ..models import BaseMessage, MediaMessage, TextMessage, User, media_file
from ..protocol.states import ConnectionState
from ..sdk import CometChat
from ..settings import AppSettingsBuilder
from .config import (
    AUTH_KEY_ENV,
    DEFAULT_MAX_ROWS,
    PRESENCE_CHOICES,
    SessionConfig,
    check_max_rows,
    check_region,
    default_config_path,
    read_config,
)
from .history import fetch_history
from .kernel import SwitchInterval
from .live_frame import LiveFrame
from .progress import Mode, ProgressBar
from .rows import event_name
from .secrets import remember_secret
from .status import StatusReport, require_init, status_report

if TYPE_CHECKING:
    from ..server import EmbeddedServer

__all__ = [
    "WAIT",
    "add_closer",
    "configure",
    "connect",
    "current",
    "disconnect",
    "events",
    "fetch_history",  # re-exported from .history
    "init",
    "live_frame",
    "local_server",
    "login",
    "logout",
    "react",
    "remove_closer",
    "resolve_auth_key",
    "send",
    "shutdown",
    "start_local_server",
    "status",
    "wait",
    "wait_connected",
]

log = logging.getLogger(__name__)

WAIT: Final = 10.0
"""Default timeout (seconds) of the blocking helpers."""
#: a catch-up progress bar appears after this many seconds (or the first missed message)
PROGRESS_AFTER: Final = 0.5


class _State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.live: LiveFrame | None = None
        self.max_rows: int | None = DEFAULT_MAX_ROWS
        self.keep_raw = False
        self.server: EmbeddedServer | None = None
        self.server_store: MemorySessionStore | None = None
        self.config: SessionConfig | None = None
        self.generation = 0
        self.switch_interval = SwitchInterval()
        self.closers: list[Callable[[], object]] = []


_state = _State()


def current() -> SessionConfig | None:
    """The configuration of the last :func:`init`, or None."""
    return _state.config


def add_closer(closer: Callable[[], object]) -> None:
    """Run ``closer()`` at the start of :func:`shutdown` (once; the latest added runs first).

    Adding the same callable again does nothing. The control panel registers
    its own closing here, so the session never needs to know the panel.
    """
    with _state.lock:
        if closer not in _state.closers:
            _state.closers.append(closer)


def remove_closer(closer: Callable[[], object]) -> None:
    """Forget a closer added with :func:`add_closer` (no-op if unknown)."""
    with _state.lock:
        if closer in _state.closers:
            _state.closers.remove(closer)


# ----------------------------------------------------------------------------------------
# the LiveFrame and the notebook settings


def live_frame() -> LiveFrame:
    """The kernel's LiveFrame (created on first use and attached to the facade)."""
    with _state.lock:
        live = _state.live
        if live is None:
            live = _state.live = LiveFrame(max_rows=_state.max_rows, keep_raw=_state.keep_raw)
            _state.switch_interval.apply()
        live.attach(CometChat)
        return live


def configure(
    *,
    max_rows: int | EllipsisType | None = ...,
    keep_raw: bool | None = None,
    switch_interval: float | EllipsisType | None = ...,
) -> None:
    """Apply notebook settings now (``%config CometChatMagics.*`` calls this).

    ``max_rows`` (None = unbounded) and ``keep_raw`` change the LiveFrame in
    place; ``switch_interval`` (seconds; None = leave Python's) the thread
    switch interval used in a Jupyter kernel (default 0.5 ms, so cells stay
    responsive while events stream in; see :mod:`.kernel`). The control panel's
    ``ui_hz`` is the panel's own (``ControlPanel.set_default_ui_hz``).
    """
    with _state.lock:
        if max_rows is not ...:
            _state.max_rows = check_max_rows(max_rows)
            if _state.live is not None:
                _state.live.max_rows = max_rows
        if keep_raw is not None:
            _state.keep_raw = bool(keep_raw)
            if _state.live is not None:
                _state.live.keep_raw = bool(keep_raw)
        if switch_interval is not ...:
            _state.switch_interval.configure(switch_interval)


# ----------------------------------------------------------------------------------------
# lifecycle


def local_server() -> EmbeddedServer | None:
    """The EmbeddedServer started by ``init(local=True)`` in this kernel, if running."""
    server = _state.server
    return server if server is not None and server.running else None


def start_local_server(app_id: str | None = None) -> EmbeddedServer:
    """The kernel's local EmbeddedServer, started now if it is not running (port 0, in
    memory, seeded with superhero1..5 and ``supergroup``); the SDK is not initialised.

    ``app_id``: the app it serves; a running server serving another app raises
    :class:`~cometchat_nb.errors.InvalidArgumentError`.
    """
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
        remember_secret(server.auth_key)
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
    kernel (:func:`start_local_server`; reused by later calls) and point the SDK
    at it; ``app_id`` is then optional. ``connect_timeout`` and the reconnect
    delays: None keeps the SDK's defaults (``AppSettings``). ``store``: where the
    session is kept (default: in memory for the local server, the user's data
    directory otherwise); ``backoff``: reconnect delay per attempt (tests pass
    ``lambda n: 0``). Re-initialising keeps the LiveFrame and its rows.
    """
    file_config = read_config()
    region = check_region(region or file_config.get("region") or "eu")
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
        server = start_local_server(app_id)
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
    settings = builder.build()
    given = {
        "connect_timeout": connect_timeout,
        "reconnect_min_delay": reconnect_min_delay,
        "reconnect_max_delay": reconnect_max_delay,
    }
    overrides: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
    if overrides:  # the others keep AppSettings' defaults; replace() validates again
        settings = dataclasses.replace(settings, **overrides)
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
        remember_secret(env)
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
    require_init("login")
    remember_secret(auth_key)
    remember_secret(auth_token)
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
    require_init("waiting for the connection")
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
    require_init("logout")
    CometChat.logout()


def connect(
    timeout: float | None = None, *, wait_catchup: bool = True, progress: Mode = "auto"
) -> dict[str, Any]:
    """Open the socket and block until connected (``CometChat.connect``), then until the
    catch-up of missed messages finished (with a progress bar); returns :func:`status`."""
    require_init("connect()")
    CometChat.connect(timeout)
    if wait_catchup:
        client = CometChat.client()
        _wait_catchup(client.settings.connect_timeout if timeout is None else timeout, progress=progress)
    return status()


def disconnect() -> None:
    """Close the socket and stop reconnecting (``CometChat.disconnect``); idempotent."""
    require_init("disconnect()")
    CometChat.disconnect()


def send(
    to: str,
    text: str,
    group: bool = False,
    *,
    reply_to: str | int | None = None,
    file: Any = None,
    media_type: str | None = None,
) -> BaseMessage:
    """Send a text message to a user (or a group with ``group=True``); returns it as stored.

    ``reply_to``: the id of the message this replies to (a thread reply). ``file``:
    send a media message instead (a local path, bytes or a binary file object),
    ``text`` its caption; ``media_type`` is ``image``/``video``/``audio``/``file``,
    by default from the file's MIME type.
    """
    require_init("send")
    if not to or not to.strip():
        raise InvalidArgumentError("send needs a receiver (uid or guid)", code=ErrorCode.MISSING_PARAMETERS)
    if not text and file is None:
        raise InvalidArgumentError("send needs a text", code=ErrorCode.MISSING_PARAMETERS)
    receiver_type = "group" if group else "user"
    message: BaseMessage
    if file is not None:
        upload = media_file(file)
        kind = media_type or _media_type_of(upload.mime_type)
        media = MediaMessage(to.strip(), upload, kind, receiver_type)
        if text:
            media.set_caption(text)
        message = media
    else:
        message = TextMessage(to.strip(), text, receiver_type)
    if reply_to is not None and str(reply_to).strip():
        message.set_parent_message_id(str(reply_to).strip())
    if isinstance(message, MediaMessage):
        return CometChat.sendMediaMessage(message)
    return CometChat.sendMessage(message)


def _media_type_of(mime: str) -> str:
    family = mime.split("/", 1)[0]
    return family if family in ("image", "video", "audio") else "file"


def react(message_id: str | int, reaction: str, *, remove: bool = False) -> BaseMessage:
    """Add (or with ``remove=True`` take back) a reaction to a message; the message with its
    reaction counts."""
    require_init("react")
    if remove:
        return CometChat.removeReaction(message_id, reaction)
    return CometChat.addReaction(message_id, reaction)


def status() -> StatusReport:
    """State, attempt, retry_in, last error, rtt, queued frames, catch-up info, event count
    and the local server (:mod:`.status`). Works before :func:`init` too (``state`` is
    then ``"uninitialized"``)."""
    live = _state.live
    server = local_server()
    return status_report(
        events=live.total if live is not None else 0,
        local_server=server.url if server is not None else None,
    )


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
    The listeners have then run for every event seen so far (one that blocks longer
    than ``timeout`` is a ``TimeoutError`` too).

    Raises the SDK's ``TimeoutError`` after ``timeout`` seconds; returns :func:`status`.
    """
    if state is not None:
        require_init("waiting for a state")
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
    # The LiveFrame and the state see an event on the SDK's thread, before the
    # listeners do on theirs: wait for those too, so a cell that prints what a
    # listener recorded after %cometchat_wait sees it.
    waited = state is not None or count is not None
    if waited and CometChat.isInitialized() and not CometChat.waitListenersIdle(timeout):
        raise SdkTimeoutError(f"the listeners were still busy after {timeout:g} s")
    if catchup:
        require_init("waiting for catch-up")
        _wait_catchup(timeout, progress=progress)
    return status()


def shutdown() -> None:
    """Run the closers (:func:`add_closer`: the control panel closes), detach the LiveFrame,
    shut the SDK down and stop the local server.

    Idempotent; ``%unload_ext`` / ``%reload_ext cometchat_nb`` call it, so no
    thread is left behind. The LiveFrame's rows are dropped too.
    """
    with _state.lock:
        closers, _state.closers = _state.closers, []
        live, _state.live = _state.live, None
        server, _state.server = _state.server, None
        _state.server_store = None
        _state.config = None
    for closer in reversed(closers):
        try:
            closer()
        except Exception:  # one failing closer must not keep the SDK or the server running
            log.exception("error while closing %r at shutdown", closer)
    if live is not None:
        live.detach()
    CometChat.shutdown()
    if server is not None:
        server.stop()
    _state.switch_interval.restore()
