"""``Client``: the async CometChat API for one user session.

Many clients can live in one process (each with its own user, socket and
session store), which is what demos and tests need::

    async with Client("my-app", settings, store=MemorySessionStore()) as alice:
        await alice.login("superhero1", auth_key)   # auto mode: opens the socket
        alice.add_message_listener("l", MessageListener(onTextMessageReceived=print))
        await alice.send_message(TextMessage("superhero2", "hi", "user"))

Connection management follows the CometChat JS SDK (``login``/``init``
open the socket unless ``autoEstablishSocketConnection(False)``; then only
``connect()`` does) and fixes its gaps: :meth:`connect` and
:meth:`disconnect` are awaitable and idempotent, ``connect()`` without a user
raises, states are reported truthfully with a reason/attempt/retry delay, the
socket reconnects with jittered backoff, and messages that arrived while it
was down are fetched and delivered exactly once (``source == "catchup"``).
Sync code uses the :class:`~cometchat_nb.sdk.CometChat` facade instead.
"""

from __future__ import annotations

import asyncio
import builtins
import collections
import contextlib
import logging
import platform
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import httpx
import orjson

from .._version import __version__
from ..errors import (
    AuthError,
    CometChatException,
    ErrorCode,
    InvalidArgumentError,
    NotConnectedError,
    ProtocolError,
    StateError,
    TransportError,
)
from ..errors import (
    TimeoutError as SdkTimeoutError,
)
from ..listeners import (
    ConnectionListener,
    GroupListener,
    Listener,
    LoginListener,
    MessageListener,
    UserListener,
)
from ..models import (
    Action,
    BaseMessage,
    Call,
    CustomMessage,
    Group,
    MediaMessage,
    TextMessage,
    TypingIndicator,
    User,
    message_from_wire,
)
from ..protocol import rest
from ..protocol.frames import (
    AuthRequest,
    ErrorFrame,
    Frame,
    MessageFrame,
    PresenceFrame,
    ReactionFrame,
    ReceiptFrame,
    TransientFrame,
    TypingFrame,
)
from ..protocol.retry import BackoffPolicy
from ..protocol.states import ConnectionState, ConnectionStateChange
from ..settings import AppSettings
from .connection import Connection, proxy_for
from .dispatch import Dispatcher, Sink
from .http import RestApi, make_ssl_context
from .requests import (
    GroupMembersRequestBuilder,
    GroupsRequestBuilder,
    MessagesRequestBuilder,
    UsersRequestBuilder,
)
from .store import FileSessionStore, SessionStore
from .supervisor import Supervisor, default_is_retryable

__all__ = ["CatchupResult", "Client"]

log = logging.getLogger(__name__)

S = ConnectionState
_BuiltinTimeoutError = builtins.TimeoutError  # what asyncio.timeout() raises
_SDK_VERSION_US = __version__.replace(".", "_")
_STATUS_CALLBACK = {
    "connecting": "inConnecting",
    "connected": "onConnected",
    "disconnected": "onDisconnected",
}
_RECEIPT_CALLBACK = {
    "delivery": "onMessagesDelivered",
    "read": "onMessagesRead",
    "deliveredToAll": "onMessagesDeliveredToAll",
    "readByAll": "onMessagesReadByAll",
}
_GROUP_ACTIONS = {
    "joined": "onGroupMemberJoined",
    "left": "onGroupMemberLeft",
    "kicked": "onGroupMemberKicked",
    "banned": "onGroupMemberBanned",
    "unbanned": "onGroupMemberUnbanned",
    "scopeChanged": "onGroupMemberScopeChanged",
    "added": "onMemberAddedToGroup",
    "invited": "onGroupMemberJoined",
}
_LISTENER_TYPES: dict[str, type[Listener]] = {
    "connection": ConnectionListener,
    "message": MessageListener,
    "user": UserListener,
    "group": GroupListener,
    "login": LoginListener,
}
RECENT_IDS = 20_000
#: Ids delivered live above a catch-up gap that are kept (and saved) so a
#: later catch-up does not deliver them twice, even after a restart.
ABOVE_GAP_IDS = 5_000
#: Extra catch-up runs while one connection stays up after a run stopped early.
CATCHUP_FOLLOWUPS = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class CatchupResult:
    """What one catch-up run did.

    ``delivered`` messages were handed to listeners (as ``source="catchup"``)
    from ``pages`` REST pages after message id ``from_id``; ``gap_possible``
    is True when the run stopped early (error, or ``catch_up_max_messages``
    reached), so newer messages may still be missing; ``error`` says why.
    Nothing is lost for good: the catch-up cursor stays at the gap (live
    messages still arrive meanwhile) and the next run resumes there — a
    follow-up run on the same connection after an error, else the next
    reconnect or ``connect()``.
    """

    delivered: int
    pages: int
    gap_possible: bool
    from_id: str | None
    to_id: str | None
    error: CometChatException | None = None
    started_at: float = 0.0
    finished_at: float = 0.0


@dataclass(slots=True)
class _Session:
    uid: str
    user: User
    auth_token: str = field(repr=False)  # credentials: never in a repr
    jwt: str = field(repr=False)
    logged_in_at: float = 0.0


def _action_on(data: Any) -> BaseMessage:
    """The message an edit/delete answer is about.

    ``PUT``/``DELETE messages/{id}`` answer the ``edited``/``deleted`` action
    message; like the JS SDK (``getActionOn()``) return the message it acts
    on. A bare message (an older server) is returned as is.
    """
    msg = message_from_wire(data, source="sent")
    if isinstance(msg, Action) and isinstance(msg.action_on, BaseMessage):
        return msg.action_on
    return msg


def _is_action(data: Any) -> bool:
    return isinstance(data, dict) and data.get("category") == "action"


def _as_int(message_id: str | None) -> int:
    return int(message_id) if message_id is not None and message_id.isascii() and message_id.isdigit() else 0


class Client:
    """The async CometChat API for one user. See the module docstring.

    ``store``: where the session is kept between runs (default: a file per
    app id in the user's data directory). ``backoff``/``is_retryable``: the
    reconnect policy (tests inject ``backoff=lambda attempt: 0``).
    """

    _instances: ClassVar[int] = 0

    def __init__(
        self,
        app_id: str,
        settings: AppSettings | None = None,
        *,
        store: SessionStore | None = None,
        backoff: Callable[[int], float] | None = None,
        is_retryable: Callable[[BaseException], bool] = default_is_retryable,
        name: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not isinstance(app_id, str) or not app_id.strip():
            raise InvalidArgumentError(
                "AppID cannot be empty. Please specify a valid appID.", code=ErrorCode.MISSING_PARAMETERS
            )
        if settings is not None and not isinstance(settings, AppSettings):
            raise InvalidArgumentError("settings must be built with AppSettingsBuilder().build()")
        Client._instances += 1
        self.app_id = app_id
        self.settings = settings or AppSettings()
        self.name = name or f"{app_id}-{Client._instances}"
        self._store: SessionStore = store if store is not None else FileSessionStore(app_id)
        self.resource = f"PY-{_SDK_VERSION_US}-{uuid.uuid4()}-{int(time.time() * 1000)}"
        self._ssl = make_ssl_context(self.settings.verify)
        self._rest = RestApi(
            app_id=app_id,
            resource=self.resource,
            timeout=self.settings.request_timeout,
            ssl_context=self._ssl,
            transport=transport,
        )
        self._initial_hosts = rest.initial_hosts(
            app_id, self.settings.region, self.settings.client_host, self.settings.admin_host
        )
        self._hosts = self._initial_hosts
        self._ws_proxy: tuple[str, str | Literal[True] | None] | None = None  # (socket URL, its proxy)
        self._server_settings: rest.ServerSettings | None = None
        self._session: _Session | None = None
        self._device_id: str | None = None
        self._dispatcher = Dispatcher(self.name)
        s = self.settings
        self._supervisor = Supervisor(
            open_connection=self._open_connection,
            on_state=self._on_state,
            on_connected=self._on_connected,
            on_failure=self._on_failure,
            policy=BackoffPolicy(
                min_delay=s.reconnect_min_delay,
                max_delay=s.reconnect_max_delay,
                factor=s.reconnect_factor,
                suspend_after=s.suspend_after,
                suspended_retry=s.suspended_retry,
                max_attempts=s.max_reconnect_attempts,
            ),
            backoff=backoff,
            is_retryable=is_retryable,
            refresh_credentials=self._refresh_jwt,
        )
        self._outbound: collections.deque[str] = collections.deque()
        # catch-up bookkeeping. ``_last_id`` is the catch-up cursor: every message
        # with an id <= it has been delivered. While ``_gap`` is set (a catch-up
        # stopped early) live messages are still delivered but do not move the
        # cursor past the gap; their ids are kept in ``_above_gap`` for dedup.
        self._last_id = 0
        self._gap = False
        self._above_gap: dict[str, None] = {}
        self._recent: set[str] = set()
        self._recent_order: collections.deque[str] = collections.deque()
        self._catchup_active = False
        self._held: list[BaseMessage] = []
        self._generation = 0
        self._catchup_lock = asyncio.Lock()
        self._catchup_done = asyncio.Event()
        self._catchup_done.set()
        self.last_catchup: CatchupResult | None = None
        self._dirty = False
        # session saves: snapshots are numbered; the store keeps only the newest
        self._save_lock = threading.Lock()
        self._save_seq = 0
        self._saved_seq = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._login_lock = asyncio.Lock()
        self._closed = False
        self.duplicates_dropped = 0
        self.echoes_dropped = 0

    # ------------------------------------------------------------------------------
    # lifecycle

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            self._dispatcher.bind_loop(loop)
        elif self._loop is not loop:
            raise StateError(
                f"Client {self.name!r} belongs to another event loop; use it from the loop it started on "
                "(or the sync CometChat facade from other threads).",
                code=ErrorCode.WRONG_THREAD,
            )
        if self._closed:
            raise StateError(f"Client {self.name!r} has been closed.", code=ErrorCode.CLIENT_CLOSED)
        return loop

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=f"cometchat-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def init(self) -> bool:
        """Restore a saved session (``CometChat.init``). Makes no network call.

        With a saved user, auto mode opens the socket (and catches up on
        messages missed since the last run); manual mode waits for
        :meth:`connect`. Returns True, like the JS SDK.
        """
        self._bind()
        saved = self._store.load() or {}
        self._device_id = saved.get("deviceId") or self._device_id
        if self._session is None and saved.get("authToken") and saved.get("user"):
            try:
                user = User.from_wire(saved["user"])
                settings = rest.ServerSettings.from_wire(saved["settings"]) if saved.get("settings") else None
            except (ProtocolError, KeyError, TypeError) as exc:
                log.warning("ignoring an unreadable saved session: %s", exc)
            else:
                self._session = _Session(
                    uid=user.uid,
                    user=user,
                    auth_token=str(saved["authToken"]),
                    jwt=str(saved.get("jwt") or ""),
                    logged_in_at=float(saved.get("loggedInAt") or time.time()),
                )
                self._adopt_settings(settings)
                self._last_id = int(saved.get("lastMessageId") or 0)
                above = saved.get("deliveredAboveCursor")
                if isinstance(above, list) and above:
                    self._gap = True
                    for mid in above[-ABOVE_GAP_IDS:]:
                        self._above_gap[str(mid)] = None
                        self._remember(str(mid))
                log.info("restored the session of %s", user.uid)
                self._start_persist()
                if self.settings.auto_establish_socket_connection:
                    await self._supervisor.start()
        if self._device_id is None:
            self._device_id = f"{self.app_id}_{uuid.uuid4()}_{int(time.time() * 1000)}"
            self._persist_now()
        return True

    async def close(self) -> None:
        """Close the socket (1000), save the session, stop background work. Idempotent.

        Returns once the sockets are closed and queued events were delivered
        to the listeners (at most 5 s for a listener that blocks). The session
        stays saved (use :meth:`logout` to forget it).
        """
        if self._closed:
            return
        if self._loop is not None and self._loop is not asyncio.get_running_loop():
            raise StateError("close() must run on the client's event loop", code=ErrorCode.WRONG_THREAD)
        # Nothing here may need an executor or start a thread: at interpreter exit
        # (the SDK runtime closes clients from atexit) Python refuses both.
        await self._supervisor.stop("client closed")
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._persist_now()  # after the tasks: the last word on disk is the final state
        await self._rest.aclose()
        await self._dispatcher.aclose()

    async def __aenter__(self) -> Client:
        await self.init()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    # ------------------------------------------------------------------------------
    # login / logout

    def _device_body(self) -> dict[str, Any]:
        if self._device_id is None:
            self._device_id = f"{self.app_id}_{uuid.uuid4()}_{int(time.time() * 1000)}"
        return {
            "platform": "python",
            "deviceId": self._device_id,
            "appInfo": {
                "version": __version__,
                "apiVersion": rest.API_VERSION,
                "userAgent": f"cometchat_nb/{__version__} Python/{platform.python_version()}",
            },
        }

    async def login(
        self, uid_or_token: str | None = None, auth_key: str | None = None, *, auth_token: str | None = None
    ) -> User:
        """Log in: ``login(uid, authKey)`` or ``login(authToken)`` (as the JS SDK).

        Saves the session, fires ``loginSuccess`` and, in auto mode, opens the
        socket (without waiting for it; see :meth:`connect`). Logging in again
        as the same user returns at once; as another user replaces the session.
        """
        self._bind()
        if auth_token is None and auth_key is None and uid_or_token:
            auth_token, uid = uid_or_token, None
        else:
            uid = uid_or_token
        if not (uid and auth_key) and not auth_token:
            raise InvalidArgumentError(
                "login needs (uid, authKey) or an authToken.", code=ErrorCode.MISSING_PARAMETERS
            )
        for value, what in ((uid, "uid"), (auth_key, "authKey"), (auth_token, "authToken")):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InvalidArgumentError(
                    f"{what} must be a non-empty string", code=ErrorCode.MISSING_PARAMETERS
                )
        async with self._login_lock:
            current = self._session
            if current is not None:
                if (uid is not None and uid == current.uid) or (
                    auth_token is not None and auth_token == current.auth_token
                ):
                    return current.user
                log.info("logging %s out locally to log in as another user", current.uid)
                await self._drop_session(notify=False)
            try:
                token = auth_token
                if token is None:
                    assert uid is not None and auth_key is not None
                    data, _ = await self._rest.call(
                        self._hosts,
                        "authToken",
                        path={"uid": uid},
                        body=self._device_body(),
                        api_key=auth_key,
                    )
                    token = data.get("authToken") if isinstance(data, dict) else None
                    if not isinstance(token, str) or not token:
                        raise ProtocolError("auth_tokens answer has no authToken")
                me, _ = await self._rest.call(
                    self._hosts, "updateMyDetails", body=self._device_body(), auth_token=token
                )
                session = self._adopt_me(me, token)
                self._session = session
                await self._init_cursor()
                self._persist_now()
                self._start_persist()
            except CometChatException as exc:
                self._session = None
                self._dispatcher.emit("login", "loginFailure", exc)
                raise
        self._dispatcher.emit("login", "loginSuccess", session.user)
        if self.settings.auto_establish_socket_connection:
            await self._supervisor.start()
        return session.user

    def _adopt_me(self, me: Any, token: str) -> _Session:
        if not isinstance(me, dict):
            raise ProtocolError("PUT me answered no user object")
        user = User.from_wire(me)
        # As the JS SDK (which stores the logged-in user with status "online"):
        # PUT me runs before any socket, so the server still reports "offline".
        user.status = User.STATUS_ONLINE
        jwt = me.get("jwt")
        if not isinstance(jwt, str) or not jwt:
            raise ProtocolError("PUT me answered no jwt: the server cannot be used for the web-socket")
        settings_obj = me.get("settings")
        self._adopt_settings(
            rest.ServerSettings.from_wire(settings_obj) if settings_obj is not None else None
        )
        new_token = me.get("authToken")
        return _Session(
            uid=user.uid,
            user=user,
            auth_token=new_token if isinstance(new_token, str) and new_token else token,
            jwt=jwt,
            logged_in_at=time.time(),
        )

    def _adopt_settings(self, settings: rest.ServerSettings | None) -> None:
        self._server_settings = settings
        self._hosts = settings.hosts() if settings is not None else self._initial_hosts

    async def _init_cursor(self) -> None:
        """Start catch-up from the newest message the user can already see."""
        self._last_id = 0
        self._gap = False
        self._above_gap.clear()
        self._recent.clear()
        self._recent_order.clear()
        try:
            data, _ = await self._call("getMessages", query={"per_page": 1, "affix": "prepend"})
        except CometChatException as exc:
            log.warning("could not read the latest message id (%s); catch-up will use the login time", exc)
            return
        if isinstance(data, list) and data and isinstance(data[-1], dict):
            self._last_id = _as_int(str(data[-1].get("id", "")))

    async def logout(self) -> None:
        """Log out (``DELETE me``), close the socket, forget the saved session.

        Idempotent. If the server cannot be reached the local session is still
        dropped (and a warning logged), so the user is never stuck logged in.
        """
        self._bind()
        async with self._login_lock:
            session = self._session
            if session is None:
                return
            await self._supervisor.stop("logged out")
            try:
                await self._rest.call(self._hosts, "userLogout", auth_token=session.auth_token)
            except AuthError:
                pass  # the token was already gone
            except (TransportError, SdkTimeoutError) as exc:
                log.warning("logout: the server was not reached (%s); the session is dropped locally", exc)
            except CometChatException as exc:
                self._dispatcher.emit("login", "logoutFailure", exc)
                raise
            await self._drop_session(notify=True)

    async def _drop_session(self, *, notify: bool, error: BaseException | None = None) -> None:
        await self._supervisor.stop("logged out", error=error)
        self._session = None
        dropped = len(self._outbound)
        self._outbound.clear()
        if dropped:
            log.warning("logout dropped %d queued typing/receipt frame(s)", dropped)
        self._adopt_settings(None)
        self._last_id = 0
        self._gap = False
        self._above_gap.clear()
        with self._save_lock:  # a background save of the old session must not land after this
            self._save_seq += 1
            self._saved_seq = self._save_seq
            self._store.clear()
        if notify:
            self._dispatcher.emit("login", "logoutSuccess")

    async def _internal_logout(self, error: AuthError) -> None:
        """The server no longer knows our token: drop the session, as the JS SDK does (state FAILED)."""
        if self._session is None:
            return
        log.warning("session ended by the server (%s): logged out", error.message)
        await self._drop_session(notify=True, error=error)

    def get_logged_in_user(self) -> User | None:
        """The logged-in user, or None (no network call)."""
        return self._session.user if self._session is not None else None

    @property
    def uid(self) -> str | None:
        return self._session.uid if self._session is not None else None

    def _need_session(self, what: str) -> _Session:
        if self._closed:
            raise StateError(f"Client {self.name!r} has been closed.", code=ErrorCode.CLIENT_CLOSED)
        if self._session is None:
            raise StateError(
                f"{what} needs a logged-in user: call login() first (or init() to restore a saved session).",
                code=ErrorCode.USER_NOT_LOGGED_IN,
            )
        return self._session

    async def _call(
        self,
        endpoint: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
    ) -> tuple[Any, dict[str, Any]]:
        """A user-endpoint call with our token; a token the server forgot logs us out."""
        session = self._need_session(endpoint)
        try:
            return await self._rest.call(
                self._hosts, endpoint, path=path, query=query, body=body, auth_token=session.auth_token
            )
        except AuthError as exc:
            if exc.code == ErrorCode.AUTH_TOKEN_NOT_FOUND:
                self._spawn(self._internal_logout(exc), "logout")
            raise

    async def _refresh_jwt(self) -> bool:
        """``GET me`` for a fresh JWT after the socket refused ours."""
        session = self._session
        if session is None:
            return False
        me, _ = await self._call("getMyDetails")
        if not isinstance(me, dict) or not isinstance(me.get("jwt"), str):
            return False
        if me["jwt"] == session.jwt:
            return False
        session.jwt = me["jwt"]
        if isinstance(me.get("settings"), dict):
            self._adopt_settings(rest.ServerSettings.from_wire(me["settings"]))
        self._persist_now()
        return True

    # ------------------------------------------------------------------------------
    # connection

    async def connect(self, timeout: float | None = None) -> None:
        """Open the socket and wait until it is connected (``CometChat.connect``).

        Idempotent. Raises ``StateError`` (USER_NOT_LOGGED_IN) with nobody
        logged in, the terminal error if the connection failed (e.g. refused
        credentials), or ``TimeoutError`` if not connected within ``timeout``
        (default: the settings' connect timeout) — in which case the client
        keeps retrying in the background; :meth:`disconnect` stops it.
        """
        self._bind()
        self._need_session("connect()")
        await self._supervisor.start()
        await self._wait_connected(timeout)

    async def _wait_connected(self, timeout: float | None) -> None:
        limit = self.settings.connect_timeout if timeout is None else timeout
        try:
            state = await self._supervisor.wait_for({S.CONNECTED, S.FAILED, S.CLOSED}, limit)
        except _BuiltinTimeoutError as exc:
            sup = self._supervisor
            raise SdkTimeoutError(
                f"not connected after {limit:g} s (state {sup.state.value}, attempt {sup.attempt}"
                f"{', last error: ' + str(sup.last_error) if sup.last_error else ''}); still retrying",
                code=ErrorCode.WS_CONNECTION_FAIL,
            ) from exc
        if state is S.FAILED:
            err = self._supervisor.last_error
            if isinstance(err, CometChatException):
                raise err
            raise CometChatException(f"connection failed: {err}", code=ErrorCode.WS_CONNECTION_FAIL)
        if state is S.CLOSED:
            raise StateError(
                "disconnect() was called while connecting", code=ErrorCode.NO_WEBSOCKET_CONNECTION
            )

    async def disconnect(self) -> None:
        """Close the socket and stop reconnecting (``CometChat.disconnect``); idempotent.

        Ends in state CLOSED, reported as "disconnected" with ``onDisconnected``.
        Messages that arrive meanwhile are delivered by the next ``connect()``.
        """
        self._bind()
        await self._supervisor.stop("disconnect() called")
        self._persist_now()

    async def wait_for_state(self, *states: ConnectionState, timeout: float | None = None) -> ConnectionState:
        """Wait until the connection is in one of ``states``; raises ``TimeoutError``."""
        self._bind()
        try:
            return await self._supervisor.wait_for(set(states), timeout)
        except _BuiltinTimeoutError as exc:
            raise SdkTimeoutError(
                f"state {self._supervisor.state.value!r} did not become one of "
                f"{sorted(s.value for s in states)} within {timeout} s"
            ) from exc

    async def wait_for_catchup(self, timeout: float | None = 10.0) -> CatchupResult | None:
        """Wait until no catch-up is pending; returns the last result (None if none ran)."""
        self._bind()
        try:
            async with asyncio.timeout(timeout):
                await self._catchup_done.wait()
        except _BuiltinTimeoutError as exc:
            raise SdkTimeoutError(f"catch-up did not finish within {timeout} s") from exc
        return self.last_catchup

    @property
    def connection_state(self) -> ConnectionState:
        return self._supervisor.state

    def get_connection_status(self) -> str:
        """``"connecting"``, ``"connected"`` or ``"disconnected"`` (CometChat's vocabulary)."""
        return self._supervisor.state.cometchat_status

    @property
    def state_log(self) -> list[ConnectionStateChange]:
        """Every state change so far (most recent last; the oldest are trimmed past 1000)."""
        return list(self._supervisor.history)

    def status(self) -> dict[str, Any]:
        """A snapshot for humans and dashboards (``%cometchat_status`` renders it)."""
        sup = self._supervisor
        conn = sup.connection
        return {
            "app_id": self.app_id,
            "uid": self.uid,
            "state": sup.state.value,
            "status": sup.state.cometchat_status,
            "since": sup.since,
            "attempt": sup.attempt,
            "retry_in": sup.retry_in,
            "last_error": str(sup.last_error) if sup.last_error else None,
            "last_error_code": getattr(sup.last_error, "code", None),
            "reconnects": sup.reconnects,
            "rtt_ms": round(conn.rtt * 1000, 3) if conn is not None and conn.rtt is not None else None,
            "frames_in": conn.frames_in if conn is not None else 0,
            "queued_out": len(self._outbound),
            "dispatch_backlog": self._dispatcher.backlog,
            "last_message_id": str(self._last_id) if self._last_id else None,
            "catchup_pending": self._catchup_active,
            "catchup_gap": self._gap,
            "duplicates_dropped": self.duplicates_dropped,
            "mode": "auto" if self.settings.auto_establish_socket_connection else "manual",
        }

    async def _open_connection(self) -> Connection:
        session = self._need_session("the web-socket")
        url = self._hosts.websocket
        if url is None:
            data, _ = await self._call("appSettings")
            self._adopt_settings(rest.ServerSettings.from_wire(data))
            url = self._hosts.websocket
            assert url is not None
        auth = AuthRequest(
            app_id=self.app_id,
            device_id=self.resource,
            sender=session.uid,
            jwt=session.jwt,
            presence_subscription=self.settings.presence_subscription,
            roles=self.settings.roles,
            params={
                "appInfo": {"version": __version__, "apiVersion": rest.API_VERSION},
                "userAgent": f"cometchat_nb/{__version__}",
                "deviceId": self._device_id,
                "platform": "python",
            },
        )
        if self._ws_proxy is None or self._ws_proxy[0] != url:
            self._ws_proxy = (url, proxy_for(url))
        return await Connection.open(
            url,
            auth,
            proxy=self._ws_proxy[1],
            ssl_context=self._ssl,
            open_timeout=self.settings.connect_timeout,
            on_frame=self._on_frame,
            ping_interval=self.settings.ping_interval,
            pong_timeout=self.settings.pong_timeout,
        )

    def _on_state(self, change: ConnectionStateChange) -> None:
        before, after = change.previous.cometchat_status, change.current.cometchat_status
        if before != after:
            self._dispatcher.emit("connection", _STATUS_CALLBACK[after])
        self._dispatcher.emit("connection", "onStateChange", change)

    def _on_failure(self, change: ConnectionStateChange, error: BaseException, gave_up: bool) -> None:
        self._dispatcher.emit("connection", "onConnectionError", error)
        if gave_up:
            self._dispatcher.emit("connection", "onGaveUp", error)
        if isinstance(error, AuthError) and error.code == ErrorCode.AUTH_TOKEN_NOT_FOUND:
            self._spawn(self._internal_logout(error), "logout")

    def _on_connected(self, conn: Connection) -> None:
        self._generation += 1
        if self.settings.catch_up and self._session is not None:
            self._catchup_active = True
            self._catchup_done.clear()
        self._spawn(self._after_connect(self._generation), "after-connect")

    async def _after_connect(self, generation: int) -> None:
        followups = 0
        while self.settings.catch_up and self._session is not None:
            async with self._catchup_lock:
                result = await self._run_catchup()
            if generation != self._generation:
                return  # a newer connection runs its own catch-up (and finishes it)
            self._finish_catchup(result)
            # Every run, whatever its outcome, releases the frames held while it ran:
            # a follow-up run holds only what is sent while it is in flight.
            await self._flush_outbound()
            if result.error is None or followups >= CATCHUP_FOLLOWUPS:
                return
            # Stopped early (REST trouble) while the socket is up: the cursor is
            # held at the gap; try again after a backoff while this connection lives.
            followups += 1
            await asyncio.sleep(self._supervisor.backoff_delay(followups))
            if (
                generation != self._generation
                or self._supervisor.state is not S.CONNECTED
                or self._session is None
            ):
                return
            self._catchup_active = True
            self._catchup_done.clear()
        if generation == self._generation:
            await self._flush_outbound()  # no catch-up ran: release what waited for the socket

    # ------------------------------------------------------------------------------
    # incoming frames (run on the reader task: route only, never block)

    def _on_frame(self, frame: Frame) -> None:
        t = type(frame)
        emit = self._dispatcher.emit
        if t is MessageFrame:
            assert isinstance(frame, MessageFrame)
            if frame.device_id == self.resource:
                self.echoes_dropped += 1
                return
            if self._catchup_active:
                self._held.append(frame.message)
            else:
                self._deliver(frame.message)
        elif t is TypingFrame:
            assert isinstance(frame, TypingFrame)
            if frame.device_id != self.resource:
                emit(
                    "message",
                    "onTypingStarted" if frame.action == "started" else "onTypingEnded",
                    frame.indicator,
                )
        elif t is ReceiptFrame:
            assert isinstance(frame, ReceiptFrame)
            emit("message", _RECEIPT_CALLBACK.get(frame.receipt_type, "onMessagesDelivered"), frame.receipt)
        elif t is PresenceFrame:
            assert isinstance(frame, PresenceFrame)
            emit("user", "onUserOnline" if frame.online else "onUserOffline", frame.user)
        elif t is TransientFrame:
            assert isinstance(frame, TransientFrame)
            if frame.device_id != self.resource:
                emit("message", "onTransientMessageReceived", frame.transient)
        elif t is ReactionFrame:
            assert isinstance(frame, ReactionFrame)
            added = "removed" not in frame.event.action
            emit("message", "onMessageReactionAdded" if added else "onMessageReactionRemoved", frame.event)
        elif t is ErrorFrame:
            assert isinstance(frame, ErrorFrame)
            log.warning("the server refused a frame: [%s] %s", frame.code, frame.message)
            emit("connection", "onServerError", CometChatException(frame.message, code=frame.code))

    def _remember(self, message_id: str) -> None:
        self._recent.add(message_id)
        self._recent_order.append(message_id)
        if len(self._recent_order) > RECENT_IDS:
            self._recent.discard(self._recent_order.popleft())

    def _deliver(self, msg: BaseMessage, *, advance: bool = True) -> bool:
        """Hand one message to listeners unless already delivered. True if delivered.

        ``advance``: move the catch-up cursor to this id (live messages, unless a
        catch-up gap is open; catch-up moves the cursor itself, page by page).
        """
        mid = msg.id
        if mid is not None:
            if mid in self._recent:
                self.duplicates_dropped += 1
                return False
            self._remember(mid)
            n = _as_int(mid)
            if n > self._last_id and advance:
                if self._gap:
                    self._above_gap[mid] = None
                    if len(self._above_gap) > ABOVE_GAP_IDS:
                        del self._above_gap[next(iter(self._above_gap))]
                else:
                    self._last_id = n
                self._dirty = True
        emit = self._dispatcher.emit
        cls = type(msg)
        if cls is TextMessage:
            emit("message", "onTextMessageReceived", msg)
        elif cls is CustomMessage:
            emit("message", "onCustomMessageReceived", msg)
        elif cls is MediaMessage:
            emit("message", "onMediaMessageReceived", msg)
        elif cls is Action:
            assert isinstance(msg, Action)
            self._deliver_action(msg)
        elif cls is Call:
            emit("message", "onCallMessageReceived", msg)
        elif msg.category == "interactive":
            emit("message", "onInteractiveMessageReceived", msg)
        else:
            emit("message", "onMessageReceived", msg)
        return True

    def _deliver_action(self, action: Action) -> None:
        emit = self._dispatcher.emit
        target = action.action_on
        if action.action in ("edited", "deleted") and isinstance(target, BaseMessage):
            target.source = action.source
            emit("message", "onMessageEdited" if action.action == "edited" else "onMessageDeleted", target)
            return
        name = _GROUP_ACTIONS.get(action.action)
        if name is None:
            emit("group", "onActionMessage", action)
            return
        group = action.action_for if isinstance(action.action_for, Group) else action.action_on
        if name in ("onGroupMemberJoined", "onGroupMemberLeft"):
            emit("group", name, action, action.action_by, group)
        elif name == "onGroupMemberScopeChanged":
            emit("group", name, action, action.action_on, action.new_scope, action.old_scope, group)
        else:  # kicked / banned / unbanned / added: (action, user, by, group)
            emit("group", name, action, action.action_on, action.action_by, group)

    # ------------------------------------------------------------------------------
    # catch-up

    async def _run_catchup(self) -> CatchupResult:
        self._dispatcher.emit("connection", "onCatchupStarted")
        started = time.time()
        session = self._session
        page_size = self.settings.catch_up_page_size
        from_id = str(self._last_id) if self._last_id else None
        cursor = from_id
        since_ts = int(session.logged_in_at) - 1 if session is not None else 0
        delivered = pages = 0
        gap = False
        error: CometChatException | None = None
        retries = 0
        while True:
            query: dict[str, Any] = {"per_page": page_size, "affix": "append"}
            if cursor is not None:
                query["id"] = cursor
            else:
                query["sentAt"] = since_ts
            try:
                data, _ = await self._call("getMessages", query=query)
                if not isinstance(data, list):
                    raise ProtocolError("catch-up page is not a list")
                page = [message_from_wire(m, source="catchup") for m in data]
            except (TransportError, SdkTimeoutError) as exc:
                retries += 1
                if retries <= 3 and self._session is not None:
                    await asyncio.sleep(self._supervisor.backoff_delay(retries))
                    continue
                error, gap = exc, True
                break
            except CometChatException as exc:
                error, gap = exc, True
                break
            pages += 1
            retries = 0
            for msg in page:
                if msg.id is not None and msg.id in self._recent:
                    continue
                if cursor is None and msg.sent_at is not None and msg.sent_at < since_ts:
                    continue
                if self._deliver(msg, advance=False):
                    delivered += 1
            # Pages are contiguous from the cursor: everything up to this page's
            # newest id has now been delivered (now or before), so the cursor moves.
            ids = [m.id for m in page if m.id is not None]
            newest = max((_as_int(i) for i in ids), default=0)
            if newest > self._last_id:
                self._last_id = newest
                self._dirty = True
            if len(page) < page_size:
                break
            cursor = max(ids, key=_as_int) if ids else cursor
            if delivered >= self.settings.catch_up_max_messages:
                gap = True
                break
        result = CatchupResult(
            delivered=delivered,
            pages=pages,
            gap_possible=gap,
            from_id=from_id,
            to_id=str(self._last_id) if self._last_id else None,
            error=error,
            started_at=started,
            finished_at=time.time(),
        )
        if error is not None:
            log.warning("catch-up stopped early: %s", error)
        return result

    def _finish_catchup(self, result: CatchupResult) -> None:
        held, self._held = self._held, []
        self._catchup_active = False
        if result.gap_possible:
            self._gap = True  # hold the cursor at the gap until a catch-up completes
        else:
            self._gap = False
            self._above_gap.clear()
        for msg in held:
            self._deliver(msg)
        self.last_catchup = result
        self._dirty = True
        self._catchup_done.set()
        self._dispatcher.emit("connection", "onCatchupFinished", result)

    def get_last_delivered_message_id(self) -> str | None:
        """The highest message id delivered to listeners (``getLastDeliveredMessageId``)."""
        return str(self._last_id) if self._last_id else None

    # ------------------------------------------------------------------------------
    # persistence

    def _session_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"appId": self.app_id}
        if self._device_id:
            out["deviceId"] = self._device_id
        s = self._session
        if s is not None:
            out.update(
                user=s.user.to_wire(),
                authToken=s.auth_token,
                jwt=s.jwt,
                loggedInAt=s.logged_in_at,
                lastMessageId=self._last_id,
            )
            if self._gap and self._above_gap:
                out["deliveredAboveCursor"] = list(self._above_gap)
            if self._server_settings is not None:
                out["settings"] = self._server_settings.raw
        return out

    def _persist_now(self) -> None:
        if self._session is None and not self._device_id:
            return
        try:
            if self._session is None:
                saved = self._store.load() or {}
                if saved.get("authToken"):
                    return  # never overwrite another run's session with an empty one
            self._write_session(*self._snapshot())
            self._dirty = False
        except OSError as exc:
            log.warning("could not save the session: %s", exc)

    def _snapshot(self) -> tuple[int, dict[str, Any]]:
        """The session to save and its sequence number (on the loop)."""
        self._save_seq += 1
        return self._save_seq, self._session_dict()

    def _write_session(self, seq: int, data: dict[str, Any]) -> None:
        """Save snapshot ``seq`` unless a newer one (or a logout) already reached the store.

        Runs on the loop (:meth:`_persist_now`) or in an executor thread
        (:meth:`_persist_loop`): an older snapshot never overwrites a newer one.
        """
        with self._save_lock:
            if seq <= self._saved_seq:
                return
            self._store.save(data)
            self._saved_seq = seq

    def _start_persist(self) -> None:
        if not any(t.get_name() == "cometchat-persist" for t in self._tasks):
            self._spawn(self._persist_loop(), "persist")

    async def _persist_loop(self) -> None:
        """Save the session at most once a second while it changes, off the loop
        (the write ends with an fsync). :meth:`close` writes the final state itself."""
        loop = asyncio.get_running_loop()
        while not self._closed:
            await asyncio.sleep(1.0)
            if self._closed or not self._dirty or self._session is None:
                continue
            seq, data = self._snapshot()
            self._dirty = False
            try:
                save = loop.run_in_executor(None, self._write_session, seq, data)
            except RuntimeError:
                # The interpreter is exiting: its executors take no more work. close(),
                # called by the SDK runtime at exit, saves on the loop thread instead.
                self._dirty = True
                return
            try:
                await save
            except OSError as exc:
                log.warning("could not save the session: %s", exc)

    # ------------------------------------------------------------------------------
    # listeners

    @staticmethod
    def _check_listener(kind: str, listener_id: str, listener: Listener) -> None:
        expected = _LISTENER_TYPES[kind]
        if not isinstance(listener, expected):
            raise InvalidArgumentError(f"expected a {expected.__name__}, got {type(listener).__name__}")
        if not isinstance(listener_id, str) or not listener_id:
            raise InvalidArgumentError("listener id must be a non-empty string")

    def _add_listener(self, kind: str, listener_id: str, listener: Listener) -> None:
        self._check_listener(kind, listener_id, listener)
        with contextlib.suppress(RuntimeError):
            self._dispatcher.bind_loop(self._loop or asyncio.get_running_loop())
        self._dispatcher.add(kind, listener_id, listener)

    def add_connection_listener(self, listener_id: str, listener: ConnectionListener) -> None:
        self._add_listener("connection", listener_id, listener)

    def remove_connection_listener(self, listener_id: str) -> None:
        self._dispatcher.remove("connection", listener_id)

    def add_message_listener(self, listener_id: str, listener: MessageListener) -> None:
        self._add_listener("message", listener_id, listener)

    def remove_message_listener(self, listener_id: str) -> None:
        self._dispatcher.remove("message", listener_id)

    def add_user_listener(self, listener_id: str, listener: UserListener) -> None:
        self._add_listener("user", listener_id, listener)

    def remove_user_listener(self, listener_id: str) -> None:
        self._dispatcher.remove("user", listener_id)

    def add_group_listener(self, listener_id: str, listener: GroupListener) -> None:
        self._add_listener("group", listener_id, listener)

    def remove_group_listener(self, listener_id: str) -> None:
        self._dispatcher.remove("group", listener_id)

    def add_login_listener(self, listener_id: str, listener: LoginListener) -> None:
        self._add_listener("login", listener_id, listener)

    def remove_login_listener(self, listener_id: str) -> None:
        self._dispatcher.remove("login", listener_id)

    def add_event_sink(self, sink: Sink, *, inline: bool | None = None) -> None:
        """Receive every event as an :class:`~cometchat_nb.client.dispatch.Event` (LiveFrame uses this).

        ``inline``: call ``sink`` where the event is emitted instead of on the
        dispatch thread — only for thread-safe sinks that never block (default:
        the sink's ``inline_sink`` attribute; see :mod:`cometchat_nb.client.dispatch`).
        """
        self._dispatcher.add_sink(sink, inline=inline)

    def remove_event_sink(self, sink: Sink) -> None:
        self._dispatcher.remove_sink(sink)

    def wait_listeners_idle(self, timeout: float | None = 5.0) -> bool:
        """Block until every queued event reached the listeners (for tests and scripts)."""
        return self._dispatcher.wait_idle(timeout)

    # ------------------------------------------------------------------------------
    # messages

    async def send_message(self, message: BaseMessage) -> BaseMessage:
        """Send a message over REST (works whether or not the socket is up).

        Returns the message as the server stored it (with ``id``, ``sentAt``
        and ``sender``). It is not delivered back to this client's listeners.
        """
        self._bind()
        if not isinstance(message, BaseMessage):
            raise InvalidArgumentError(f"sendMessage expects a message object, got {type(message).__name__}")
        if not message.receiver_id:
            raise InvalidArgumentError("the message has no receiver id", code=ErrorCode.MISSING_PARAMETERS)
        data, _ = await self._call("sendMessage", body=message.to_wire())
        sent = message_from_wire(data, source="sent")
        if sent.id is not None:
            self._remember(sent.id)
        return sent

    async def send_custom_message(self, message: CustomMessage) -> BaseMessage:
        """Send a :class:`CustomMessage` (``CometChat.sendCustomMessage``)."""
        if not isinstance(message, CustomMessage):
            raise InvalidArgumentError("sendCustomMessage expects a CustomMessage")
        return await self.send_message(message)

    async def edit_message(self, message: BaseMessage) -> BaseMessage:
        """Edit a message you sent (text, custom data, metadata); returns the edited message."""
        self._bind()
        if not message.id:
            raise InvalidArgumentError(
                "editMessage needs a message with an id", code=ErrorCode.MISSING_PARAMETERS
            )
        data, _ = await self._call("updateMessage", path={"messageId": message.id}, body=message.to_wire())
        return _action_on(data)

    async def delete_message(self, message_id: str | int) -> BaseMessage:
        """Delete a message you sent; returns it with ``deletedAt`` set."""
        self._bind()
        data, _ = await self._call("deleteMessage", path={"messageId": str(message_id)})
        return _action_on(data)

    async def get_message(self, message_id: str | int) -> BaseMessage:
        """One message by id (if you can read it)."""
        self._bind()
        data, _ = await self._call("getMessage", path={"messageId": str(message_id)})
        return message_from_wire(data, source="history")

    # ------------------------------------------------------------------------------
    # typing and receipts (socket frames; queued while disconnected)

    def _frame(
        self, frame_type: str, receiver: str, receiver_type: str, body: dict[str, Any], **extra: str
    ) -> str:
        session = self._need_session(frame_type)
        obj: dict[str, Any] = {
            "appId": self.app_id,
            "receiver": receiver,
            "receiverType": receiver_type,
            "deviceId": self.resource,
            "type": frame_type,
            "sender": session.uid,
            **extra,
            "body": body,
        }
        return orjson.dumps(obj).decode()

    async def _send_frame(self, text: str) -> None:
        sup = self._supervisor
        conn = sup.connection
        if conn is not None and sup.state is S.CONNECTED and not self._outbound and not self._catchup_active:
            try:
                await conn.send(text)
                return
            except TransportError:
                pass
        if sup.state is S.FAILED:
            raise NotConnectedError(f"the web-socket failed and is not retrying: {sup.last_error}")
        if len(self._outbound) >= self.settings.outbound_queue_size:
            raise CometChatException(
                f"not connected and the outbound queue is full ({self.settings.outbound_queue_size} frames)",
                code=ErrorCode.QUEUE_FULL,
            )
        self._outbound.append(text)

    async def _flush_outbound(self) -> None:
        while self._outbound:
            conn = self._supervisor.connection
            if conn is None or self._supervisor.state is not S.CONNECTED:
                return
            try:
                await conn.send(self._outbound[0])
            except TransportError:
                return
            self._outbound.popleft()

    def _me_wire(self) -> dict[str, Any]:
        return self._need_session("this call").user.to_wire()

    def _transient_allowed(self) -> bool:
        return self._server_settings is None or self._server_settings.transient_allowed

    async def start_typing(self, indicator: TypingIndicator) -> None:
        """Tell the receiver you started typing (``CometChat.startTyping``)."""
        await self._typing("started", indicator)

    async def end_typing(self, indicator: TypingIndicator) -> None:
        """Tell the receiver you stopped typing (``CometChat.endTyping``)."""
        await self._typing("ended", indicator)

    async def _typing(self, action: str, indicator: TypingIndicator) -> None:
        self._bind()
        if not isinstance(indicator, TypingIndicator):
            raise InvalidArgumentError("expected a TypingIndicator(receiverId, receiverType)")
        if not self._transient_allowed():
            return
        body: dict[str, Any] = {"action": action, "user": self._me_wire()}
        if indicator.metadata is not None:
            body["metadata"] = indicator.metadata
        await self._send_frame(
            self._frame("typing_indicator", indicator.receiver_id, indicator.receiver_type, body)
        )

    async def mark_as_delivered(
        self,
        message: BaseMessage | str,
        receiver_id: str | None = None,
        receiver_type: str | None = None,
        sender_id: str | None = None,
    ) -> None:
        """Send a delivery receipt.

        ``markAsDelivered(message)`` or ``markAsDelivered(messageId, receiverId, receiverType, senderId)``.
        """
        await self._receipt("delivered", message, receiver_id, receiver_type, sender_id)

    async def mark_as_read(
        self,
        message: BaseMessage | str,
        receiver_id: str | None = None,
        receiver_type: str | None = None,
        sender_id: str | None = None,
    ) -> None:
        """Send a read receipt.

        ``markAsRead(message)`` or ``markAsRead(messageId, receiverId, receiverType, senderId)``.
        """
        await self._receipt("read", message, receiver_id, receiver_type, sender_id)

    async def _receipt(
        self,
        action: str,
        message: BaseMessage | str,
        receiver_id: str | None,
        receiver_type: str | None,
        sender_id: str | None,
    ) -> None:
        self._bind()
        if isinstance(message, BaseMessage):
            if message.id is None:
                raise InvalidArgumentError("the message has no id (was it sent?)")
            message_id = message.id
            sender_id = message.sender_uid or sender_id
            receiver_type = message.receiver_type
            receiver_id = message.receiver_id if receiver_type == "group" else sender_id
        else:
            message_id = str(message)
        if not (message_id and receiver_id and receiver_type and sender_id):
            raise InvalidArgumentError(
                "a receipt needs messageId, receiverId, receiverType and senderId",
                code=ErrorCode.MISSING_PARAMETERS,
            )
        if not self._transient_allowed():
            return
        body = {
            "action": action,
            "messageId": message_id,
            "user": self._me_wire(),
            "timestamp": int(time.time()),
        }
        await self._send_frame(
            self._frame("receipts", receiver_id, receiver_type, body, messageSender=sender_id)
        )

    # ------------------------------------------------------------------------------
    # users and groups

    async def get_user(self, uid: str) -> User:
        """One user by uid (``CometChat.getUser``)."""
        self._bind()
        data, _ = await self._call("user", path={"uid": uid})
        return User.from_wire(data)

    async def get_group(self, guid: str) -> Group:
        """One group by guid (``CometChat.getGroup``)."""
        self._bind()
        data, _ = await self._call("group", path={"guid": guid})
        return Group.from_wire(data)

    async def create_group(self, group: Group) -> Group:
        """Create a group you own (``CometChat.createGroup``)."""
        self._bind()
        data, _ = await self._call("createGroup", body=group.to_wire())
        return Group.from_wire(data)

    async def join_group(self, guid: str, group_type: str = "public", password: str | None = None) -> Group:
        """Join a group (``CometChat.joinGroup(guid, type, password)``)."""
        self._bind()
        body: dict[str, Any] = {"type": group_type}
        if password is not None:
            body["password"] = password
        data, _ = await self._call("joinGroup", path={"guid": guid}, body=body)
        # The answer is the ``joined`` action; like the JS SDK, take the group
        # from ``data.entities.for.entity`` (a bare group from an older server works too).
        action = message_from_wire(data, source="sent") if _is_action(data) else None
        if isinstance(action, Action) and isinstance(action.action_for, Group):
            group = action.action_for
        else:
            group = Group.from_wire(data)
        group.has_joined = True
        return group

    async def leave_group(self, guid: str) -> bool:
        """Leave a group (``CometChat.leaveGroup``)."""
        self._need_session("leaveGroup")
        self._bind()
        # As the JS SDK: DELETE groups/{guid}/members (``.../members/{uid}`` is the admin's kick).
        await self._call("leaveGroup", path={"guid": guid})
        return True

    def messages_request(self) -> MessagesRequestBuilder:
        """A ``MessagesRequestBuilder`` bound to this client."""
        return MessagesRequestBuilder(self._call)

    def users_request(self) -> UsersRequestBuilder:
        return UsersRequestBuilder(self._call)

    def groups_request(self) -> GroupsRequestBuilder:
        return GroupsRequestBuilder(self._call)

    def group_members_request(self, guid: str) -> GroupMembersRequestBuilder:
        return GroupMembersRequestBuilder(guid, self._call)

    def __repr__(self) -> str:
        return (
            f"<Client {self.name!r} app_id={self.app_id!r} uid={self.uid!r} "
            f"state={self._supervisor.state.value}>"
        )

    # camelCase twins ------------------------------------------------------------------
    getLoggedInUser = get_logged_in_user  # noqa: N815
    getConnectionStatus = get_connection_status  # noqa: N815
    addConnectionListener = add_connection_listener  # noqa: N815
    removeConnectionListener = remove_connection_listener  # noqa: N815
    addMessageListener = add_message_listener  # noqa: N815
    removeMessageListener = remove_message_listener  # noqa: N815
    addUserListener = add_user_listener  # noqa: N815
    removeUserListener = remove_user_listener  # noqa: N815
    addGroupListener = add_group_listener  # noqa: N815
    removeGroupListener = remove_group_listener  # noqa: N815
    addLoginListener = add_login_listener  # noqa: N815
    removeLoginListener = remove_login_listener  # noqa: N815
    sendMessage = send_message  # noqa: N815
    sendCustomMessage = send_custom_message  # noqa: N815
    editMessage = edit_message  # noqa: N815
    deleteMessage = delete_message  # noqa: N815
    getMessageDetails = get_message  # noqa: N815
    startTyping = start_typing  # noqa: N815
    endTyping = end_typing  # noqa: N815
    markAsDelivered = mark_as_delivered  # noqa: N815
    markAsRead = mark_as_read  # noqa: N815
    getUser = get_user  # noqa: N815
    getGroup = get_group  # noqa: N815
    createGroup = create_group  # noqa: N815
    joinGroup = join_group  # noqa: N815
    leaveGroup = leave_group  # noqa: N815
    getLastDeliveredMessageId = get_last_delivered_message_id  # noqa: N815
