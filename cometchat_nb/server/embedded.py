"""EmbeddedServer: the CometChat-compatible server, started from Python.

::

    with EmbeddedServer() as server:          # port 0: free ports are picked
        token = server.issue_auth_token("superhero1")
        ...                                   # point a client at server.url

Two ways to run it:

* :meth:`EmbeddedServer.start` / :meth:`~EmbeddedServer.stop` (or ``with``)
  run the server on its own event loop in a daemon thread, for notebooks,
  tests and scripts. ``start`` returns once both ports listen and raises
  (:class:`OSError` "cannot listen on 127.0.0.1:8080: address already in
  use" …) if they cannot.
* ``await start_async()`` / ``await stop_async()`` run it on the caller's
  running loop, for code that already is asynchronous.

The admin helpers (:meth:`create_user`, :meth:`send_message`, the fault hooks
…) are synchronous and thread-safe: from any thread they are marshalled onto
the server's loop and their result (or :class:`~cometchat_nb.errors.ApiError`)
is returned; on the loop thread itself they run inline.

Ports: ``port`` serves REST, ``ws_port`` the WebSocket (two listeners on one
loop; 0 picks free ports, read the real ones from :attr:`port`/:attr:`ws_port`
after start). With ``tls=True`` both are served over TLS with a self-signed
certificate for 127.0.0.1/localhost generated into a temporary directory
(removed on stop) unless ``cert``/``key`` are given; :attr:`ca_file` is the
certificate clients should trust.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from ..protocol.frames import CloseCode
from . import tls as tls_mod
from .app import ChatServer
from .config import MAX_UPLOAD_BYTES, SERVER_DEVICE_ID, ServerConfig
from .service import auth, groups, messages, users

__all__ = ["EmbeddedServer"]

log = logging.getLogger(__name__)

T = TypeVar("T")

_START_TIMEOUT = 30.0
_CALL_TIMEOUT = 30.0


class EmbeddedServer:
    """A CometChat-compatible REST + WebSocket server (see the module docstring).

    Parameters: ``host`` to bind (loopback by default); ``port``/``ws_port``
    (0 = any free port); ``app_id``/``auth_key``/``region`` the credentials
    clients must present; ``db`` a SQLite file path (``":memory:"`` by
    default; a file keeps users, tokens and messages across restarts);
    ``tls``/``cert``/``key`` TLS; ``public_host`` the host advertised to
    clients in the settings (default: the bind host); ``seed`` creates
    superhero1..5 and the public group ``supergroup`` (idempotent);
    ``max_frame_bytes`` (larger socket frames are refused with close 1009),
    ``max_body_bytes`` (larger REST bodies get ``ERR_PAYLOAD_TOO_LARGE``),
    ``max_text_chars`` (longest text message), ``max_upload_bytes`` (largest
    file of a media message: ``ERR_FILE_SIZE_EXCEEDED`` above) and ``auth_timeout`` (seconds a
    socket may stay unauthenticated before close 4002). ``chat_host_port``
    serves REST on that port too (443 with TLS, 80 without): the official JS
    SDK posts ``getOnlineUserCount``/``getOnlineGroupMemberCount`` to
    ``https://{CHAT_HOST}/api/{WS_API_VERSION}/online-members`` with no port,
    and ``CHAT_HOST`` cannot carry one (the socket URL is
    ``wss://{CHAT_HOST}:{CHAT_WSS_PORT}``); binding a port below 1024 needs
    the privilege to, and a loopback address of its own (127.x.y.z) avoids
    clashing with other servers.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ws_port: int = 0,
        app_id: str = "cometchat-nb-local",
        auth_key: str = "local-auth-key",
        region: str = "eu",
        db: str | os.PathLike[str] = ":memory:",
        tls: bool = False,
        cert: str | None = None,
        key: str | None = None,
        public_host: str | None = None,
        seed: bool = True,
        max_frame_bytes: int = 65536,
        max_body_bytes: int = 1_048_576,
        max_text_chars: int = 20_000,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        auth_timeout: float = 10.0,
        chat_host_port: int | None = None,
    ) -> None:
        if (cert is None) != (key is None):
            raise ValueError("give both cert and key, or neither")
        for name, value in (("port", port), ("ws_port", ws_port), ("chat_host_port", chat_host_port or 0)):
            if not 0 <= value <= 65535:
                raise ValueError(f"{name} must be between 0 and 65535, got {value}")
        for name, limit in (
            ("max_frame_bytes", max_frame_bytes),
            ("max_body_bytes", max_body_bytes),
            ("max_text_chars", max_text_chars),
            ("max_upload_bytes", max_upload_bytes),
        ):
            if limit < 1:
                raise ValueError(f"{name} must be positive, got {limit}")
        if auth_timeout <= 0:
            raise ValueError(f"auth_timeout must be positive, got {auth_timeout}")
        if not app_id or not auth_key:
            raise ValueError("app_id and auth_key must not be empty")
        self.host = host
        self.app_id = app_id
        self.auth_key = auth_key
        self.region = region.lower()
        self.tls = tls or cert is not None
        self._cert = cert
        self._key = key
        self._config = ServerConfig(
            host=host,
            port=port,
            ws_port=ws_port,
            app_id=app_id,
            auth_key=auth_key,
            region=self.region,
            db=db,
            public_host=public_host,
            seed=seed,
            max_frame_bytes=max_frame_bytes,
            max_body_bytes=max_body_bytes,
            max_text_chars=max_text_chars,
            max_upload_bytes=max_upload_bytes,
            auth_timeout=auth_timeout,
            chat_host_port=chat_host_port,
        )
        self._core: ChatServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._loop_thread_id: int | None = None
        self._tmpdir: str | None = None
        self._lock = threading.Lock()
        self.ca_file: str | None = cert
        self.port = port
        self.ws_port = ws_port
        #: the bound ``chat_host_port`` once started (``None``: not asked for)
        self.chat_host_port = chat_host_port

    # -- addresses -------------------------------------------------------------
    @property
    def _advertised(self) -> str:
        host = self._config.advertised_host
        return f"[{host}]" if ":" in host else host

    @property
    def client_host(self) -> str:
        """``host:port`` of REST, as ``overrideClientHost``/``overrideAdminHost`` take it."""
        return f"{self._advertised}:{self.port}"

    @property
    def url(self) -> str:
        """REST base URL without the ``/v3.0`` prefix, e.g. ``http://127.0.0.1:PORT``."""
        return f"{'https' if self.tls else 'http'}://{self.client_host}"

    @property
    def ws_url(self) -> str:
        """WebSocket URL, e.g. ``ws://127.0.0.1:WSPORT``."""
        return f"{'wss' if self.tls else 'ws'}://{self._advertised}:{self.ws_port}"

    @property
    def running(self) -> bool:
        return self._core is not None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"EmbeddedServer(url={self.url!r}, ws_url={self.ws_url!r}, app_id={self.app_id!r}, {state})"

    # -- lifecycle -------------------------------------------------------------
    def _prepare(self) -> ChatServer:
        if self._core is not None:
            raise RuntimeError("this EmbeddedServer is already running")
        ssl_ctx = None
        if self.tls:
            if self._cert is None or self._key is None:
                self._tmpdir = tempfile.mkdtemp(prefix="cometchat-nb-tls-")
                extra = [h for h in (self.host, self._config.public_host) if h]
                cert, key = tls_mod.generate_self_signed(self._tmpdir, extra)
            else:
                cert, key = self._cert, self._key
            self.ca_file = cert
            ssl_ctx = tls_mod.server_context(cert, key)
        return ChatServer(dataclasses.replace(self._config, ssl=ssl_ctx))

    def _started(self, core: ChatServer) -> None:
        self._core = core
        self.port = core.port
        self.ws_port = core.ws_port
        self.chat_host_port = core.chat_host_port
        log.info("embedded server ready at %s (ws %s)", self.url, self.ws_url)

    def _cleanup_tls(self) -> None:
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
            if self._cert is None:
                self.ca_file = None

    def start(self) -> EmbeddedServer:
        """Start serving on a daemon thread; returns once both ports listen."""
        with self._lock:
            core = self._prepare()
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            thread = threading.Thread(
                target=self._run_loop, args=(loop, ready), name="cometchat-nb-server", daemon=True
            )
            thread.start()
            ready.wait()
            future = asyncio.run_coroutine_threadsafe(core.start(), loop)
            try:
                future.result(_START_TIMEOUT)
            except BaseException:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(_START_TIMEOUT)
                self._cleanup_tls()
                raise
            self._loop, self._thread = loop, thread
            self._started(core)
            return self

    def _run_loop(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        self._loop_thread_id = threading.get_ident()
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    def stop(self) -> None:
        """Close every socket (1001), stop serving, join the thread. Idempotent."""
        with self._lock:
            core, loop, thread = self._core, self._loop, self._thread
            if core is None or loop is None:
                return
            if self._on_loop_thread():
                raise RuntimeError(
                    "stop() cannot run on the server's own event loop thread: "
                    "call it from another thread, or use `await stop_async()`"
                )
            if thread is None:
                asyncio.run_coroutine_threadsafe(core.stop(), loop).result(_START_TIMEOUT)
            else:
                try:
                    asyncio.run_coroutine_threadsafe(core.stop(), loop).result(_START_TIMEOUT)
                finally:
                    loop.call_soon_threadsafe(loop.stop)
                    thread.join(_START_TIMEOUT)
            self._core = self._loop = self._thread = None
            self._loop_thread_id = None
            self._cleanup_tls()

    async def start_async(self) -> EmbeddedServer:
        """Start serving on the running event loop (the caller's)."""
        core = self._prepare()
        try:
            await core.start()
        except BaseException:
            self._cleanup_tls()
            raise
        self._loop = asyncio.get_running_loop()
        self._loop_thread_id = threading.get_ident()
        self._started(core)
        return self

    async def stop_async(self) -> None:
        """Stop a server started with :meth:`start_async` (idempotent)."""
        core = self._core
        if core is None:
            return
        if self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.stop)
            return
        self._core = None
        try:
            await core.stop()
        finally:
            self._loop = None
            self._loop_thread_id = None
            self._cleanup_tls()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> EmbeddedServer:
        return await self.start_async()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop_async()

    # -- marshalling -------------------------------------------------------------
    def _on_loop_thread(self) -> bool:
        return self._loop_thread_id == threading.get_ident()

    def _call(self, fn: Callable[[ChatServer], T]) -> T:
        core, loop = self._core, self._loop
        if core is None or loop is None:
            raise RuntimeError("the server is not running: call start() first")
        if self._on_loop_thread():
            return fn(core)
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(core))
            except BaseException as exc:
                future.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return future.result(_CALL_TIMEOUT)

    # -- admin helpers -------------------------------------------------------------
    def create_user(
        self,
        uid: str,
        name: str | None = None,
        *,
        role: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create a user; returns its JSON. ``ERR_UID_ALREADY_EXISTS`` / ``ERR_BAD_REQUEST`` as ApiError."""
        fields = users.UserFields(role=role, metadata=metadata)
        return self._call(lambda c: users.create_user(c.service, uid, name, fields))

    def create_group(
        self,
        guid: str,
        name: str | None = None,
        *,
        members: Sequence[str] = (),
        type: str = "public",  # noqa: A002 - CometChat's name for it
        owner: str | None = None,
        password: str | None = None,
    ) -> dict[str, Any]:
        """Create a group; ``owner`` (default: the first member) is its admin."""
        owner = owner or (members[0] if members else None)
        return self._call(
            lambda c: groups.create_group(
                c.service, guid, name, group_type=type, owner=owner, members=list(members), password=password
            )
        )

    def add_friends(self, uid: str, friends: Iterable[str]) -> None:
        """Make ``uid`` friends with each of ``friends`` (both directions; unknown uids are skipped)."""
        wanted = list(friends)
        self._call(lambda c: users.add_friends(c.service, uid, wanted))

    def issue_auth_token(self, uid: str) -> str:
        """A new auth token for ``uid`` (what ``POST users/{uid}/auth_tokens`` returns)."""
        return self._call(lambda c: auth.issue_auth_token(c.service, uid))

    def send_message(
        self,
        sender: str,
        receiver: str,
        text: str,
        *,
        receiver_type: str = "user",
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send a text message as if ``sender`` POSTed it: stored, pushed to every
        recipient socket (the sender's included); returns the message JSON."""
        data: dict[str, Any] = {"text": text}
        if metadata is not None:
            data["metadata"] = metadata
        body = {
            "receiver": receiver,
            "receiverType": receiver_type,
            "category": "message",
            "type": "text",
            "data": data,
        }
        return self._call(lambda c: messages.post_message(c.service, sender, body, SERVER_DEVICE_ID))

    def send_custom_message(
        self,
        sender: str,
        receiver: str,
        custom_type: str,
        custom_data: dict[str, Any],
        *,
        receiver_type: str = "user",
    ) -> dict[str, Any]:
        """Like :meth:`send_message` for a custom message (category ``custom``)."""
        body = {
            "receiver": receiver,
            "receiverType": receiver_type,
            "category": "custom",
            "type": custom_type,
            "data": {"customData": custom_data},
        }
        return self._call(lambda c: messages.post_message(c.service, sender, body, SERVER_DEVICE_ID))

    def push_frames(self, uid: str, frames: Sequence[str]) -> int:
        """Send pre-encoded text frames, in order, to every socket of ``uid``
        (benchmarks); returns how many sockets were reached."""
        batch = list(frames)
        return self._call(lambda c: c.push_frames(uid, batch))

    def connection_count(self, uid: str | None = None) -> int:
        """Authenticated sockets, of ``uid`` or of everyone."""
        return self._call(lambda c: c.connection_count(uid))

    def stats(self) -> dict[str, Any]:
        """``connections``, ``users_online``, ``messages``, ``frames_in``,
        ``frames_out`` and (on Linux) ``rss_bytes``."""
        return self._call(lambda c: c.stats())

    # -- fault hooks ----------------------------------------------------------------
    def drop_all_sockets(
        self, code: int = CloseCode.RECONNECT, reason: str = "server asked to reconnect"
    ) -> int:
        """Start closing every socket with ``code``; returns how many. The users
        are offline (and counted out) at once; the close handshakes finish
        asynchronously."""
        return self._call(lambda c: c.drop_all_sockets(code, reason))

    def stall_pongs(self, stalled: bool = True) -> None:
        """Stop (or resume) answering app-level pings: a half-open link as the
        client sees it. Every other frame still flows."""
        self._call(lambda c: c.stall_pongs(stalled))

    def refuse_next_auths(self, n: int) -> None:
        """Refuse the next ``n`` socket auth frames as a busy server would: an auth
        answer with code ``"503"`` / ``ERR_SERVICE_UNAVAILABLE``, then close 1013
        (try again later), so clients treat it as retryable."""
        self._call(lambda c: c.refuse_next_auths(n))

    def rest_outage(self, route: str | None, *, hold: bool = False) -> None:
        """A REST outage that leaves the sockets up: every request to ``route`` (method
        and pattern, e.g. ``"GET messages"`` — the catch-up pages) is answered 503
        ``ERR_SERVICE_UNAVAILABLE``. With ``hold=True`` each one first waits until
        :meth:`release_rest` lets it fail, so a test can act while a request is in
        flight (:meth:`wait_rest_held`). ``None`` ends the outage; requests still
        waiting are then answered normally."""
        self._call(lambda c: c.rest_outage(route, hold=hold))

    def release_rest(self, n: int = 1) -> None:
        """Let ``n`` requests held by :meth:`rest_outage` (waiting now or arriving later) fail."""
        self._call(lambda c: c.release_rest(n))

    def wait_rest_held(self, n: int = 1, timeout: float = 10.0) -> bool:
        """Block until at least ``n`` requests wait at a held :meth:`rest_outage`
        (False after ``timeout`` seconds). Call it from a thread other than the server's."""
        core = self._core
        if core is None:
            raise RuntimeError("the server is not running: call start() first")
        if self._on_loop_thread():
            raise RuntimeError("wait_rest_held() would block the server's own loop")
        return core.wait_rest_held(n, timeout)

    def revoke_tokens(self, uid: str) -> int:
        """Revoke every auth token of ``uid`` and close their sockets with 4003;
        returns how many tokens were revoked."""
        return self._call(lambda c: auth.revoke_tokens(c.service, uid))
