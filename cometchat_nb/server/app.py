"""The embedded CometChat-compatible server: lifecycle, wiring and fault hooks.

:class:`ChatServer` runs on one asyncio event loop: the REST API
(:mod:`.rest`, aiohttp) on one port and the WebSocket (:mod:`.ws`, websockets)
on a second, both over one :class:`~.store.Store` and the domain rules of
:mod:`.service`. This module starts and stops them, seeds the database, and
exposes the admin helpers and fault hooks :class:`~.embedded.EmbeddedServer`
forwards to.

Every public method must be called on the server's loop thread (except
:meth:`ChatServer.wait_rest_held`); :class:`~.embedded.EmbeddedServer` marshals
calls there. Failures are raised as :class:`~cometchat_nb.errors.ApiError`
carrying a CometChat error code. Secrets (auth key, tokens, JWTs) never appear
in logs or error messages.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Coroutine, Iterable
from typing import Any

from aiohttp import web
from websockets.asyncio.server import Server, serve

from ..protocol.frames import CloseCode
from .config import SEED_GROUP, SEED_USERS, ServerConfig, hostport, listen_socket
from .faults import Faults
from .rest import ROUTES
from .rest.http import ClientFaultLogger, RestApi
from .service import Service
from .sockets import AcceptedSockets
from .store import Store, UserFields
from .ws import QuietLogger, SocketServer

__all__ = ["ChatServer"]

log = logging.getLogger(__name__)

JSON = dict[str, Any]


class ChatServer:
    """The server core (see the module docstring).

    Lifecycle: :meth:`start` (binds, opens the store, seeds, serves) then
    :meth:`stop` (closes sockets with 1001, stops serving, closes the store).
    After ``start``, :attr:`port` and :attr:`ws_port` are the bound ports and
    :attr:`service` the state the rules of :mod:`.service` take.
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.port = config.port
        self.ws_port = config.ws_port
        self.chat_host_port = config.chat_host_port
        self.faults = Faults()
        self._routes = ROUTES
        self._sockets = SocketServer(config, self.faults, spawn=self._spawn)
        self._store: Store | None = None
        self._service: Service | None = None
        self._runner: web.AppRunner | None = None
        self._ws_server: Server | None = None
        self._accepted = AcceptedSockets()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -------------------------------------------------------------
    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the server is not running")
        return self._store

    @property
    def service(self) -> Service:
        if self._service is None:
            raise RuntimeError("the server is not running")
        return self._service

    @property
    def running(self) -> bool:
        return self._store is not None

    async def start(self) -> None:
        """Bind both ports, open the store and start serving.

        Raises :class:`OSError` (address in use …) or the store's error; on
        failure nothing is left running.
        """
        cfg = self.config
        self._loop = asyncio.get_running_loop()
        rest_sock = listen_socket(cfg.host, cfg.port, self._accepted)
        try:
            ws_sock = listen_socket(cfg.host, cfg.ws_port, self._accepted)
        except OSError:
            rest_sock.close()
            raise
        self.port = rest_sock.getsockname()[1]
        self.ws_port = ws_sock.getsockname()[1]
        extra_sock = None
        if cfg.chat_host_port is not None:
            try:
                extra_sock = listen_socket(cfg.host, cfg.chat_host_port, self._accepted)
                self.chat_host_port = extra_sock.getsockname()[1]
            except OSError:
                rest_sock.close()
                ws_sock.close()
                raise
        try:
            self._store = Store(cfg.db)
            self._service = self._open_service(self._store)
            api = RestApi(self._service, self.faults, self._routes)
            self._runner = web.AppRunner(
                api.application(),
                access_log=None,
                handle_signals=False,
                shutdown_timeout=1.0,
                logger=ClientFaultLogger(logging.getLogger(__name__ + ".http"), {}),
            )
            await self._runner.setup()
            site = web.SockSite(self._runner, rest_sock, ssl_context=cfg.ssl)
            await site.start()
            if extra_sock is not None:
                await web.SockSite(self._runner, extra_sock, ssl_context=cfg.ssl).start()
            self._ws_server = await serve(
                self._sockets.handle,
                sock=ws_sock,
                ssl=cfg.ssl,
                compression=None,
                max_size=cfg.max_frame_bytes,
                ping_interval=20,
                ping_timeout=20,
                close_timeout=2,
                server_header="cometchat-nb",
                logger=QuietLogger(logging.getLogger(__name__ + ".ws"), {}),
            )
        except BaseException:
            rest_sock.close()
            ws_sock.close()
            if extra_sock is not None:
                extra_sock.close()
            await self.stop()
            raise
        scheme = "https" if cfg.ssl else "http"
        log.info(
            "cometchat-nb server listening: %s://%s (REST), ws port %d, app %s",
            scheme,
            hostport(cfg.host, self.port),
            self.ws_port,
            cfg.app_id,
        )

    async def stop(self) -> None:
        """Close every socket (web-sockets with 1001), stop both listeners, close the store.

        Returns once every accepted socket is closed, TLS included: after the
        graceful part (closing handshakes, in-flight REST requests), sockets
        still open — connections that never finished their TLS or HTTP upgrade
        handshake, TLS peers that do not answer ``close_notify`` — are shut
        down (:mod:`cometchat_nb.server.sockets`). Idempotent.
        """
        server, self._ws_server = self._ws_server, None
        if server is not None:
            opened = list(server.connections)
            server.close(code=CloseCode.GOING_AWAY, reason="server shutting down")
            if opened:  # their closing handshakes, each bounded by close_timeout
                waits = [asyncio.ensure_future(c.wait_closed()) for c in opened]
                _, late = await asyncio.wait(waits, timeout=5.0)
                for wait in late:
                    wait.cancel()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        await self._accepted.close_all(timeout=5.0)
        if server is not None:
            try:
                await asyncio.wait_for(server.wait_closed(), 5.0)
            except TimeoutError:  # pragma: no cover - a handler refused to finish
                log.warning("some socket handlers did not finish within 5 s")
        tasks = [t for t in self._tasks if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._store is not None:
            store, self._store = self._store, None
            store.close()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _open_service(self, store: Store) -> Service:
        """Prepare a freshly opened store (nobody online, seed data) and the rules' state over it."""
        with store.transaction():
            store.reset_presence()
            secret = store.jwt_secret()
            if self.config.seed:
                _seed(store, int(time.time()))
        service = Service(
            store, self.config, notifier=self._sockets, secret=secret, port=self.port, ws_port=self.ws_port
        )
        self._sockets.service = service
        return service

    # -- admin helpers -------------------------------------------------------------
    def push_frames(self, uid: str, frames: Iterable[str | bytes]) -> int:
        """Send raw text frames to every socket of ``uid``; returns sockets reached."""
        hub = self._sockets.hub
        sessions = hub.sessions_of(uid)
        reached = 0
        for frame in frames:
            data = frame.encode() if isinstance(frame, str) else frame
            reached = hub.send(sessions, data, guard=False)
        return reached if sessions else 0

    def connection_count(self, uid: str | None = None) -> int:
        return self._sockets.hub.connection_count(uid)

    def stats(self) -> JSON:
        hub = self._sockets.hub
        out: JSON = {
            "connections": hub.connection_count(),
            "users_online": len(hub.online_uids()),
            "messages": self.store.message_count(),
            "frames_in": self._sockets.frames_in,
            "frames_out": hub.frames_out,
        }
        rss = _rss_bytes()
        if rss is not None:
            out["rss_bytes"] = rss
        return out

    # -- fault hooks ----------------------------------------------------------------
    def drop_all_sockets(
        self, code: int = CloseCode.RECONNECT, reason: str = "server asked to reconnect"
    ) -> int:
        """Close every open socket (authenticated or not); returns how many."""
        connections = list(self._ws_server.connections) if self._ws_server is not None else []
        self._sockets.forget_all()
        for ws in connections:
            self._spawn(ws.close(code, reason[:100]))
        return len(connections)

    def stall_pongs(self, stalled: bool = True) -> None:
        self.faults.stall_pongs = stalled

    def refuse_next_auths(self, n: int) -> None:
        if n < 0:
            raise ValueError("n must be >= 0")
        self.faults.refuse_auths = n

    def rest_outage(self, route: str | None, *, hold: bool = False) -> None:
        """Fail every REST request to ``route`` (method and pattern of the route table,
        e.g. ``"GET messages"``) with 503 ``ERR_SERVICE_UNAVAILABLE``, sockets untouched.

        With ``hold`` each such request first waits until :meth:`release_rest` lets it
        fail. ``None`` ends the outage; requests still waiting are answered normally.
        """
        if route is not None and route not in {r.key for r in self._routes}:
            raise ValueError(f"no route {route!r}")
        self.faults.start_outage(route, hold=hold)

    def release_rest(self, n: int = 1) -> None:
        """Let ``n`` held requests of the current :meth:`rest_outage` (now or later) fail."""
        self.faults.release(n)

    def wait_rest_held(self, n: int, timeout: float) -> bool:
        """Block until at least ``n`` requests wait at a held outage (False after
        ``timeout`` s). The one method to call from another thread, never the loop's."""
        return self.faults.wait_held(n, timeout)


def _seed(store: Store, now: int) -> None:
    """The sample users and group (idempotent: existing ones are left as they are)."""
    for uid, name in SEED_USERS:
        store.add_user(uid, name, now=now, fields=UserFields(role="default"))
    guid, name = SEED_GROUP
    if store.add_group(guid, name, "public", now=now, owner=SEED_USERS[0][0]):
        for i, (uid, _) in enumerate(SEED_USERS):
            store.add_member(guid, uid, "admin" if i == 0 else "participant", now)


def _rss_bytes() -> int | None:
    """Current resident set size (Linux ``/proc``), else ``None``."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
