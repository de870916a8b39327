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

This module is the façade: the session (login, logout, restore), the
connection, the listener API and the wiring of the engines beside it —
:mod:`.delivery` (exactly once), :mod:`.routing` (frames → callbacks),
:mod:`.catchup`, :mod:`.outbound` (typing/receipts), :mod:`.persist`
(saving the session). The REST wrappers of each domain are mixins in
:mod:`.api` (see the package docstring: where a feature goes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import platform
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, Literal

import httpx

from .._version import __version__
from ..errors import (
    AuthError,
    CometChatException,
    ErrorCode,
    InvalidArgumentError,
    ProtocolError,
    StateError,
    TransportError,
)
from ..errors import TimeoutError as SdkTimeoutError
from ..models import User
from ..protocol import rest
from ..protocol.frames import AuthRequest
from ..protocol.retry import BackoffPolicy
from ..protocol.states import ConnectionState, ConnectionStateChange
from ..settings import AppSettings
from .api import (
    BlockingApi,
    ConnectionApi,
    ConversationsApi,
    GroupsApi,
    ListenersApi,
    MediaApi,
    MessagesApi,
    ReactionsApi,
    TransientApi,
    UsersApi,
)
from .catchup import CatchupRunner
from .connection import Connection
from .delivery import DeliveryLedger, message_number
from .dialing import proxy_for
from .dispatch import Dispatcher
from .http import RestApi, make_ssl_context
from .outbound import OutboundQueue
from .persist import Session, SessionSaver, restore_session, saved_session
from .routing import CONNECTION_CALLBACKS, Router
from .store import FileSessionStore, SessionStore
from .supervisor import Supervisor, default_is_retryable

__all__ = ["Client", "auth_params"]

log = logging.getLogger(__name__)

_SDK_VERSION_US = __version__.replace(".", "_")


def auth_params(device_id: str | None) -> dict[str, Any]:
    """The ``params`` of this SDK's socket auth frame (what the JS SDK sends as its app info)."""
    return {
        "appInfo": {"version": __version__, "apiVersion": rest.API_VERSION},
        "userAgent": f"cometchat_nb/{__version__}",
        "deviceId": device_id,
        "platform": "python",
    }


class Client(
    ConnectionApi,
    ListenersApi,
    MessagesApi,
    TransientApi,
    UsersApi,
    GroupsApi,
    BlockingApi,
    ReactionsApi,
    MediaApi,
    ConversationsApi,
):
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
        self._session: Session | None = None
        self._device_id: str | None = None
        self._dispatcher = Dispatcher(self.name)
        self._supervisor = Supervisor(
            open_connection=self._open_connection,
            on_state=self._on_state,
            on_connected=self._on_connected,
            on_failure=self._on_failure,
            policy=BackoffPolicy.from_settings(self.settings),
            backoff=backoff,
            is_retryable=is_retryable,
            refresh_credentials=self._refresh_jwt,
        )
        # the engines: exactly-once rules, frame routing, catch-up, outbound frames, saving
        self._ledger = DeliveryLedger()
        self._router = Router(self._dispatcher.emit, self._ledger, self.resource, self._dispatcher.emit_text)
        self._catchup = CatchupRunner(
            ledger=self._ledger,
            router=self._router,
            call=self.rest_call,
            settings=self.settings,
            since=lambda: self._session.logged_in_at if self._session is not None else None,
            backoff=self._supervisor.backoff_delay,
            emit=self._dispatcher.emit,
        )
        self._outbound = OutboundQueue(
            self._supervisor,
            limit=self.settings.outbound_queue_size,
            holding=lambda: self._ledger.catching_up,
        )
        self._saver = SessionSaver(
            store if store is not None else FileSessionStore(app_id), self._saved_form, self._ledger
        )
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._login_lock = asyncio.Lock()
        self._closed = False
        self._closing: asyncio.Task[None] | None = None

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
        saved = self._saver.store.load() or {}
        self._device_id = saved.get("deviceId") or self._device_id
        if self._session is None:
            try:
                restored = restore_session(saved)
            except (ProtocolError, KeyError, TypeError) as exc:
                log.warning("ignoring an unreadable saved session: %s", exc)
                restored = None
            if restored is not None:
                self._session, settings = restored
                self._router.reader = self._session.uid
                self._adopt_settings(settings)
                self._ledger.restore(saved)
                log.info("restored the session of %s", self._session.uid)
                self._start_persist()
                if self.settings.auto_establish_socket_connection:
                    await self._supervisor.start()
        if self._device_id is None:
            self._device_id = f"{self.app_id}_{uuid.uuid4()}_{int(time.time() * 1000)}"
            self._saver.save_now()
        return True

    async def close(self, *, wait_listeners: bool = True) -> None:
        """Close the socket (1000), save the session, stop background work. Idempotent;
        concurrent calls all wait for the same close. ``wait_listeners=False``: do not
        wait for the listeners' thread (a listener asked for the close: the sync facade
        passes it when ``CometChat.shutdown()``/``init()`` runs inside a listener).

        Returns once the sockets are closed and queued events were delivered
        to the listeners (at most 5 s for a listener that blocks). The session
        stays saved (use :meth:`logout` to forget it).
        """
        if self._closing is None:
            if self._closed:
                return
            if self._loop is not None and self._loop is not asyncio.get_running_loop():
                raise StateError("close() must run on the client's event loop", code=ErrorCode.WRONG_THREAD)
            self._closing = asyncio.get_running_loop().create_task(
                self._close(wait_listeners), name="cometchat-close"
            )
        # Every caller waits for the one close (a second call returning early would
        # let its caller exit with events undelivered); a cancelled caller leaves it running.
        await asyncio.shield(self._closing)

    async def _close(self, wait_listeners: bool) -> None:
        # Nothing here may need an executor or start a thread: at interpreter exit
        # (the SDK runtime closes clients from atexit) Python refuses both.
        await self._supervisor.stop("client closed")
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._saver.save_now()  # after the tasks: the last word on disk is the final state
        await self._rest.aclose()
        await self._dispatcher.aclose(wait=wait_listeners)

    async def __aenter__(self) -> Client:
        await self.init()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def _saved_form(self) -> dict[str, Any]:
        return saved_session(
            app_id=self.app_id,
            device_id=self._device_id,
            session=self._session,
            ledger=self._ledger,
            server_settings=self._server_settings,
        )

    def _start_persist(self) -> None:
        if not any(t.get_name() == "cometchat-persist" for t in self._tasks):
            self._spawn(self._saver.run(), "persist")

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
                self._router.reader = session.uid
                await self._init_cursor()
                self._saver.save_now()
                self._start_persist()
            except CometChatException as exc:
                self._session = None
                self._dispatcher.emit("login", "loginFailure", exc)
                raise
        self._dispatcher.emit("login", "loginSuccess", session.user)
        if self.settings.auto_establish_socket_connection:
            await self._supervisor.start()
        return session.user

    def _adopt_me(self, me: Any, token: str) -> Session:
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
        return Session(
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
        self._ledger.forget()
        try:
            data, _ = await self.rest_call("getMessages", query={"per_page": 1, "affix": "prepend"})
        except CometChatException as exc:
            log.warning("could not read the latest message id (%s); catch-up will use the login time", exc)
            return
        if isinstance(data, list) and data and isinstance(data[-1], dict):
            self._ledger.reset_cursor(message_number(str(data[-1].get("id", ""))))

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
        dropped = self._outbound.clear()
        if dropped:
            log.warning("logout dropped %d queued typing/receipt frame(s)", dropped)
        self._adopt_settings(None)
        self._ledger.reset_cursor()
        self._saver.forget()  # a background save of the old session must not land after this
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

    def _need_session(self, what: str) -> Session:
        if self._closed:
            raise StateError(f"Client {self.name!r} has been closed.", code=ErrorCode.CLIENT_CLOSED)
        if self._session is None:
            raise StateError(
                f"{what} needs a logged-in user: call login() first (or init() to restore a saved session).",
                code=ErrorCode.USER_NOT_LOGGED_IN,
            )
        return self._session

    async def rest_call(
        self,
        endpoint: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
    ) -> tuple[Any, dict[str, Any]]:
        """A user-endpoint REST call with the logged-in user's token: ``(data, meta)``.

        ``endpoint`` is a name of :data:`cometchat_nb.protocol.rest.ENDPOINTS`.
        A token the server no longer knows logs the user out (and raises).
        """
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
        me, _ = await self.rest_call("getMyDetails")
        if not isinstance(me, dict) or not isinstance(me.get("jwt"), str):
            return False
        if me["jwt"] == session.jwt:
            return False
        session.jwt = me["jwt"]
        if isinstance(me.get("settings"), dict):
            self._adopt_settings(rest.ServerSettings.from_wire(me["settings"]))
        self._saver.save_now()
        return True

    def _transient_allowed(self) -> bool:
        return self._server_settings is None or self._server_settings.transient_allowed

    # ------------------------------------------------------------------------------
    # the socket (the supervisor calls these)

    async def _open_connection(self) -> Connection:
        session = self._need_session("the web-socket")
        url = self._hosts.websocket
        if url is None:
            data, _ = await self.rest_call("appSettings")
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
            params=auth_params(self._device_id),
        )
        if self._ws_proxy is None or self._ws_proxy[0] != url:
            self._ws_proxy = (url, proxy_for(url))
        return await Connection.open(
            url,
            auth,
            proxy=self._ws_proxy[1],
            ssl_context=self._ssl,
            open_timeout=self.settings.connect_timeout,
            on_frame=self._router.on_frame,
            ping_interval=self.settings.ping_interval,
            pong_timeout=self.settings.pong_timeout,
        )

    def _on_state(self, change: ConnectionStateChange) -> None:
        before, after = change.previous.cometchat_status, change.current.cometchat_status
        if before != after:
            self._dispatcher.emit("connection", CONNECTION_CALLBACKS[after])
        self._dispatcher.emit("connection", "onStateChange", change)

    def _on_failure(self, change: ConnectionStateChange, error: BaseException, gave_up: bool) -> None:
        self._dispatcher.emit("connection", "onConnectionError", error)
        if gave_up:
            self._dispatcher.emit("connection", "onGaveUp", error)
        if isinstance(error, AuthError) and error.code == ErrorCode.AUTH_TOKEN_NOT_FOUND:
            self._spawn(self._internal_logout(error), "logout")

    def _on_connected(self, conn: Connection) -> None:
        generation = self._catchup.on_connected()
        after = self._catchup.after_connect(
            generation,
            connected=lambda: self._supervisor.state is ConnectionState.CONNECTED,
            flush=self._outbound.flush,
        )
        self._spawn(after, "after-connect")

    def __repr__(self) -> str:
        return (
            f"<Client {self.name!r} app_id={self.app_id!r} uid={self.uid!r} "
            f"state={self._supervisor.state.value}>"
        )

    # camelCase aliases -------------------------------------------------------------
    getLoggedInUser = get_logged_in_user
