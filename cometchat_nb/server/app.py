"""The embedded CometChat-compatible server: REST v3, the WebSocket, presence.

:class:`ChatServer` runs on one asyncio event loop:

* **REST** (protocol.md §3) on an aiohttp server. Every route answers both
  under ``/v3.0/`` and at the root (the JS SDK calls ``/users/{uid}/auth_tokens``
  and ``/me`` at the override host's root before it knows the settings).
  Replies are ``{"data", "meta"?}`` or ``{"error": {"code", "message"}}`` with
  an informative HTTP status; unknown routes, wrong methods, malformed bodies,
  oversized bodies and unexpected exceptions all answer an error envelope.
  CORS headers are added and ``OPTIONS`` preflights answered.
* **WebSocket** (protocol.md §4) on a websockets server on a second port
  (websockets parses only GET requests). The first frame must be ``auth``
  (JWT from ``PUT me``) within ``auth_timeout`` seconds; then app-level
  pings are answered, typing/transient frames relayed and receipts stored and
  relayed. Messages are never sent over the socket by clients: ``POST
  messages`` stores them and fans a ``message`` frame out to every socket of
  every recipient (one encoding, :func:`websockets.asyncio.server.broadcast`).
* **Presence**: a user's first authenticated socket announces ``online``, the
  last one to close ``offline``, to the sockets whose presence subscription
  admits that user (``ALL_USERS``, ``ROLES``, ``FRIENDS``; ``NONE`` gets none).

WebSocket close codes (see :class:`~cometchat_nb.protocol.frames.CloseCode`):
1001 shutdown, 1008 too many malformed frames or a client too slow to read,
1009 frame over ``max_frame_bytes``, 1013 auth refused by the
:meth:`ChatServer.refuse_next_auths` fault hook (retry later), 4000 asked to
reconnect (:meth:`ChatServer.drop_all_sockets`), 4001 bad credentials, 4002 no
auth frame in time, 4003 session revoked (logout or token revocation).

Every public method must be called on the server's loop thread;
:class:`~cometchat_nb.server.embedded.EmbeddedServer` marshals calls there.
Failures are raised as :class:`~cometchat_nb.errors.ApiError` carrying a
CometChat error code. Secrets (auth key, tokens, JWTs) never appear in logs or
error messages.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import logging
import math
import os
import re
import secrets
import socket
import ssl
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import orjson
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from ..errors import ApiError, ErrorCode, ProtocolError
from ..models import User
from ..protocol import frames as fr
from ..protocol.frames import CloseCode
from ..protocol.rest import API_VERSION, SETTINGS_TLS_KEY, Cursor, Meta, Pagination
from .hub import Hub, Session
from .sockets import AcceptedSockets, tracking_listener
from .store import GroupRow, Store, conversation_id, verify_password
from .tokens import JWT_TTL, JwtError, new_auth_token, sign_jwt, token_hash, verify_jwt

__all__ = ["SEED_GROUP", "SEED_USERS", "SERVER_DEVICE_ID", "ChatServer", "ServerConfig", "listen_socket"]

log = logging.getLogger(__name__)

JSON = dict[str, Any]

#: Users created by ``seed=True`` (uid, name), as in CometChat's sample apps.
SEED_USERS: Final = (
    ("superhero1", "Iron Man"),
    ("superhero2", "Captain America"),
    ("superhero3", "Spiderman"),
    ("superhero4", "Wolverine"),
    ("superhero5", "Cyclops"),
)
#: The public group created by ``seed=True`` (guid, name); every seed user is a member.
SEED_GROUP: Final = ("supergroup", "Super Group")

_DROP_REASON: Final = "server asked to reconnect"
#: ``deviceId`` of frames the server originates (admin helpers): never a client's.
SERVER_DEVICE_ID: Final = "cometchat-nb-server"

_ID_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,100}\Z")
_MAX_NAME: Final = 255
_MAX_BAD_FRAMES: Final = 100
_PER_PAGE_DEFAULT: Final = 30
_PER_PAGE_MAX: Final = 100
_GROUP_TYPES: Final = ("public", "private", "password")
#: SQLite integers are signed 64-bit; Python's are not (ids, cursors and offsets are clamped)
_INT64_MAX: Final = 2**63 - 1

_STATUS: Final = {
    ErrorCode.EMPTY_APPID: 401,
    ErrorCode.INVALID_APPID: 401,
    ErrorCode.EMPTY_APIKEY: 401,
    ErrorCode.APIKEY_NOT_FOUND: 401,
    ErrorCode.EMPTY_AUTH_TOKEN: 401,
    ErrorCode.AUTH_TOKEN_NOT_FOUND: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_A_MEMBER: 403,
    ErrorCode.WRONG_GROUP_PASSWORD: 403,
    ErrorCode.UID_NOT_FOUND: 404,
    ErrorCode.GUID_NOT_FOUND: 404,
    ErrorCode.MESSAGE_ID_NOT_FOUND: 404,
    ErrorCode.ENDPOINT_NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.UID_ALREADY_EXISTS: 409,
    ErrorCode.GUID_ALREADY_EXISTS: 409,
    ErrorCode.ALREADY_JOINED: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.INTERNAL: 500,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}

_CORS: Final = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "appId, authToken, apiKey, resource, sdk, content-type, accept, settingsHash, "
        "settingsHashReceivedAt, authorization, onbehalfofuser"
    ),
    "Access-Control-Max-Age": "600",
}


class _QuietLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """websockets logs every connection opening and closing at INFO; for a chat
    server that is per-connection noise, so it goes to DEBUG. Warnings and
    errors are kept."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        super().log(logging.DEBUG if level == logging.INFO else level, msg, *args, **kwargs)


class _ClientFaultLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """aiohttp logs every malformed HTTP request (a request line or header over
    8 KiB, bytes that are not HTTP) at ERROR with a traceback, and answers it a
    plain 400 itself (the request never reaches the API). That is the client's
    fault and a way to flood the log: one line at DEBUG. Anything else is kept."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info")
        if exc is True:
            exc = sys.exc_info()[1]
        if isinstance(exc, HttpProcessingError):
            kwargs.pop("exc_info")
            super().log(logging.DEBUG, "malformed HTTP request refused (%s): %s", exc.code, exc.message)
            return
        super().log(level, msg, *args, **kwargs)


def _now() -> int:
    return int(time.time())


def _fail(code: str, message: str) -> ApiError:
    return ApiError(message, code=code)


def listen_socket(host: str, port: int, accepted: AcceptedSockets | None = None) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0 picks a free one).

    Raises :class:`OSError` with a one-line message naming the address when
    it cannot be bound (for example "address already in use"). With
    ``accepted``, every socket it accepts is tracked there until closed.

    The socket is created with ``proto=IPPROTO_TCP`` (``socket.create_server``
    leaves it 0): asyncio turns Nagle's algorithm off (``TCP_NODELAY``) only on
    accepted sockets whose protocol says TCP. With Nagle on, the second of two
    frames written back to back (an error then a pong, a burst of fanned-out
    messages) waits for the client's delayed ACK: ~40 ms per burst on Linux.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        if accepted is None:
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        else:
            sock = tracking_listener(family, socket.IPPROTO_TCP, accepted)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot listen on {_hostport(host, port)}: {exc.strerror or exc}") from None
    try:
        if os.name not in ("nt", "cygwin"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # rebind at once after a crash
        if family == socket.AF_INET6 and hasattr(socket, "IPV6_V6ONLY"):
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen(1024)
        return sock
    except OSError as exc:
        sock.close()
        reason = "address already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise OSError(exc.errno, f"cannot listen on {_hostport(host, port)}: {reason}") from None


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerConfig:
    """Everything :class:`ChatServer` needs; see ``EmbeddedServer`` for the meaning of each field.

    ``ssl`` is the server-side context (``None`` serves plain http/ws).
    """

    host: str = "127.0.0.1"
    port: int = 0
    ws_port: int = 0
    app_id: str = "cometchat-nb-local"
    auth_key: str = field(default="local-auth-key", repr=False)  # a secret: never in a repr
    region: str = "eu"
    db: str | os.PathLike[str] = ":memory:"
    ssl: ssl.SSLContext | None = None
    public_host: str | None = None
    seed: bool = True
    max_frame_bytes: int = 65536
    max_body_bytes: int = 1_048_576
    max_text_chars: int = 20_000
    auth_timeout: float = 10.0
    jwt_ttl: int = JWT_TTL

    @property
    def advertised_host(self) -> str:
        """The host clients should use (``public_host``, else the bind host; a
        wildcard bind advertises 127.0.0.1)."""
        if self.public_host:
            return self.public_host
        return "127.0.0.1" if self.host in ("", "0.0.0.0") else "::1" if self.host == "::" else self.host


# ----------------------------------------------------------------------------
# request parsing helpers (messages name the offending field)


def _bad(message: str) -> ApiError:
    return _fail(ErrorCode.BAD_REQUEST, message)


def _not_member(uid: str, guid: str) -> ApiError:
    return _fail(ErrorCode.NOT_A_MEMBER, f"The user {uid} is not a member of the group {guid}.")


def _opt_str(body: Mapping[str, Any], key: str, *, max_len: int = _MAX_NAME) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(f"'{key}' must be a string")
    if len(value) > max_len:
        raise _bad(f"'{key}' is longer than {max_len} characters")
    return value


def _req_id(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise _bad(f"'{key}' is required and must be a non-empty string")
    if not _ID_RE.match(value):
        raise _bad(f"'{key}' must be 1-100 characters of letters, digits, '_' or '-'")
    return value


def _opt_obj(body: Mapping[str, Any], key: str, where: str = "") -> JSON | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(f"'{where}{key}' must be a JSON object")
    return value


def _metadata(body: Mapping[str, Any], data: Mapping[str, Any]) -> JSON | None:
    """``data.metadata`` (as the JS SDK sends it), else a top-level ``metadata``."""
    if "metadata" in data:
        return _opt_obj(data, "metadata", "data.")
    return _opt_obj(body, "metadata")


def _opt_tags(body: Mapping[str, Any], key: str = "tags") -> list[str] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise _bad(f"'{key}' must be a list of strings")
    return list(value)


def _q_opt_int(query: Mapping[str, str], key: str, *, lo: int = 0) -> int | None:
    raw = query.get(key)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise _bad(f"query parameter '{key}' must be an integer") from None
    if value < lo:
        raise _bad(f"query parameter '{key}' must be >= {lo}")
    return min(value, _INT64_MAX)  # ids and times beyond SQLite's range: same answer as the maximum


def _offset(page: int, per_page: int) -> int:
    """Rows before ``page`` (1-based), clamped to what SQLite takes (a page past the end is empty)."""
    return min((page - 1) * per_page, _INT64_MAX)


def _q_int(query: Mapping[str, str], key: str, default: int, *, hi: int | None = None) -> int:
    """A positive integer parameter; values above ``hi`` are clamped to it."""
    value = _q_opt_int(query, key, lo=1)
    if value is None:
        return default
    return min(value, hi) if hi is not None else value


def _q_bool(query: Mapping[str, str], key: str) -> bool:
    return query.get(key, "").lower() in ("1", "true", "yes")


def _q_list(query: Mapping[str, str], key: str) -> list[str]:
    raw = query.get(key) or ""
    return [p.strip() for p in raw.split(",") if p.strip()]


def _pagination(total: int, count: int, per_page: int, page: int = 1) -> Pagination:
    return Pagination(
        total=total,
        count=count,
        per_page=per_page,
        current_page=page,
        total_pages=math.ceil(total / per_page) if per_page else 0,
    )


# ----------------------------------------------------------------------------
# REST routing


@dataclass(slots=True)
class _Call:
    """One REST call after routing and authentication."""

    params: dict[str, str]
    query: Mapping[str, str]
    body: JSON
    raw_body: bytes
    resource: str
    uid: str = ""
    token: str = ""
    token_hash: str = ""


_Reply = tuple[Any, JSON | None]
_Handler = Callable[[_Call], _Reply]
_Auth = Literal["admin", "user", "none"]


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    parts: tuple[str, ...]
    handler: _Handler
    auth: _Auth

    def match(self, segments: list[str]) -> dict[str, str] | None:
        if len(segments) != len(self.parts):
            return None
        params: dict[str, str] = {}
        for pattern, seg in zip(self.parts, segments, strict=True):
            if pattern.startswith("{"):
                if not seg:
                    return None
                params[pattern[1:-1]] = seg
            elif pattern != seg:
                return None
        return params


# ----------------------------------------------------------------------------


class ChatServer:
    """The server core (see the module docstring).

    Lifecycle: :meth:`start` (binds, opens the store, seeds, serves) then
    :meth:`stop` (closes sockets with 1001, stops serving, closes the store).
    After ``start``, :attr:`port` and :attr:`ws_port` are the bound ports.
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.port = config.port
        self.ws_port = config.ws_port
        self._store: Store | None = None
        self._secret = b""
        self._hub = Hub(on_slow=self._close_slow)
        self._runner: web.AppRunner | None = None
        self._ws_server: Server | None = None
        self._accepted = AcceptedSockets()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stall_pongs = False
        self._refuse_auths = 0
        self.frames_in = 0
        self._settings_base: JSON = {}
        self._settings_hash = ""
        self._pong_frame = orjson.dumps(fr.Pong().to_wire())
        self._routes = self._route_table()

    # -- lifecycle -------------------------------------------------------------
    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the server is not running")
        return self._store

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
        try:
            self._store = Store(cfg.db)
            with self._store.transaction():
                self._store.reset_presence()
                self._secret = self._store.jwt_secret()
                if cfg.seed:
                    self._seed(self._store)
            self._build_settings()
            app = web.Application(client_max_size=cfg.max_body_bytes, middlewares=[self._envelope_errors])
            # ``[\s\S]``, not ``.``: a path with an encoded newline must reach our router too
            app.router.add_route("*", r"/{tail:[\s\S]*}", self._rest)
            self._runner = web.AppRunner(
                app,
                access_log=None,
                handle_signals=False,
                shutdown_timeout=1.0,
                logger=_ClientFaultLogger(logging.getLogger(__name__ + ".http"), {}),
            )
            await self._runner.setup()
            site = web.SockSite(self._runner, rest_sock, ssl_context=cfg.ssl)
            await site.start()
            self._ws_server = await serve(
                self._ws_handler,
                sock=ws_sock,
                ssl=cfg.ssl,
                compression=None,
                max_size=cfg.max_frame_bytes,
                ping_interval=20,
                ping_timeout=20,
                close_timeout=2,
                server_header="cometchat-nb",
                logger=_QuietLogger(logging.getLogger(__name__ + ".ws"), {}),
            )
        except BaseException:
            rest_sock.close()
            ws_sock.close()
            await self.stop()
            raise
        scheme = "https" if cfg.ssl else "http"
        log.info(
            "cometchat-nb server listening: %s://%s (REST), ws port %d, app %s",
            scheme,
            _hostport(cfg.host, self.port),
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

    def _seed(self, store: Store) -> None:
        now = _now()
        for uid, name in SEED_USERS:
            store.add_user(uid, name, now=now, role="default")
        guid, name = SEED_GROUP
        if store.add_group(guid, name, "public", now=now, owner=SEED_USERS[0][0]):
            for i, (uid, _) in enumerate(SEED_USERS):
                store.add_member(guid, uid, "admin" if i == 0 else "participant", now)

    # -- settings and identity ----------------------------------------------------
    def _build_settings(self) -> None:
        cfg = self.config
        host = cfg.advertised_host
        chat_host = f"[{host}]" if ":" in host else host
        rest = f"{chat_host}:{self.port}"
        base: JSON = {
            "CLIENT_API_HOST": rest,
            "ADMIN_API_HOST": rest,
            "CHAT_API_VERSION": API_VERSION,
            "CHAT_HOST": chat_host,
            "CHAT_WSS_PORT": self.ws_port,
            "MODE": "DEFAULT",
            "APP_VERSION": 4,
            "REGION": cfg.region,
            "ANALYTICS_HOST": rest,
            "ANALYTICS_VERSION": "v1",
            "ANALYTICS_PING_DISABLED": True,
            "extensions": [],
            "parameters": {},
            SETTINGS_TLS_KEY: cfg.ssl is not None,
        }
        self._settings_base = base
        self._settings_hash = hashlib.sha256(orjson.dumps(base, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]

    def settings(self) -> JSON:
        """The app settings object (``PUT me`` → ``data.settings``, ``GET settings``)."""
        return {
            **self._settings_base,
            "settingsHash": self._settings_hash,
            "settingsHashReceivedAt": _now(),
        }

    def _user_or_fail(self, uid: str) -> JSON:
        user = self.store.user(uid)
        if user is None:
            raise _fail(ErrorCode.UID_NOT_FOUND, f"The UID {uid} does not exist.")
        return user

    def _group_or_fail(self, guid: str, viewer: str | None = None) -> GroupRow:
        """The group, or ``ERR_GUID_NOT_FOUND``; with ``viewer``, a private group
        they do not belong to counts as not found (reads only: actions answer
        ``ERR_NOT_A_MEMBER`` / ``ERR_PERMISSION_DENIED`` instead)."""
        group = self.store.group(guid)
        if group is None or (
            group.type == "private" and viewer is not None and not self.store.is_member(guid, viewer)
        ):
            raise _fail(ErrorCode.GUID_NOT_FOUND, f"The GUID {guid} does not exist.")
        return group

    def _group_entity(self, group: GroupRow) -> JSON:
        entity = Store.group_json(group, members_count=self.store.members_count(group.guid))
        del entity["hasJoined"]
        return entity

    def issue_auth_token(self, uid: str) -> str:
        """A new auth token for an existing user (``ERR_UID_NOT_FOUND`` otherwise)."""
        self._user_or_fail(uid)
        token = new_auth_token()
        self.store.add_token(uid, token_hash(token), _now())
        return token

    def me(self, uid: str, token: str) -> JSON:
        """``PUT``/``GET me``: the user, their token, a fresh JWT and the settings."""
        user = self._user_or_fail(uid)
        jwt = sign_jwt(
            uid=uid,
            app_id=self.config.app_id,
            tid=token_hash(token),
            secret=self._secret,
            now=_now(),
            ttl=self.config.jwt_ttl,
        )
        settings = self.settings()
        return {
            **user,
            "authToken": token,
            "jwt": jwt,
            "wsChannel": {
                "identity": f"{self.config.app_id}.{uid}",
                "host": settings["CHAT_HOST"],
                "port": self.ws_port,
                "service": "websocket",
            },
            "settings": settings,
        }

    # -- users, groups, friends (shared by REST and the admin helpers) ------------------
    def create_user(
        self,
        uid: str,
        name: str | None = None,
        *,
        avatar: str | None = None,
        link: str | None = None,
        role: str | None = None,
        status_message: str | None = None,
        metadata: JSON | None = None,
        tags: list[str] | None = None,
    ) -> JSON:
        """Create a user (``ERR_BAD_REQUEST`` for a bad uid, ``ERR_UID_ALREADY_EXISTS``)."""
        uid = _req_id({"uid": uid}, "uid")
        user = self.store.add_user(
            uid,
            name or uid,
            now=_now(),
            avatar=avatar,
            link=link,
            role=role,
            status_message=status_message,
            metadata=metadata,
            tags=tags,
        )
        if user is None:
            raise _fail(ErrorCode.UID_ALREADY_EXISTS, f"The UID {uid} already exists.")
        return user

    def create_group(
        self,
        guid: str,
        name: str | None = None,
        *,
        group_type: str = "public",
        owner: str | None = None,
        members: Iterable[str] = (),
        password: str | None = None,
        description: str | None = None,
        icon: str | None = None,
        metadata: JSON | None = None,
        tags: list[str] | None = None,
    ) -> JSON:
        """Create a group; ``owner`` joins as admin, ``members`` as participants.

        Errors: ``ERR_BAD_REQUEST`` (bad guid/type, password group without
        password), ``ERR_UID_NOT_FOUND`` (unknown owner/member),
        ``ERR_GUID_ALREADY_EXISTS``.
        """
        guid = _req_id({"guid": guid}, "guid")
        if group_type not in _GROUP_TYPES:
            raise _bad("'type' must be 'public', 'private' or 'password'")
        if group_type == "password" and not password:
            raise _bad("'password' is required for a password group")
        member_list = [m for m in dict.fromkeys(members) if m != owner]
        wanted = ([owner] if owner else []) + member_list
        known = self.store.existing_uids(wanted)
        missing = [u for u in wanted if u not in known]
        if missing:
            raise _fail(ErrorCode.UID_NOT_FOUND, f"The UID {missing[0]} does not exist.")
        now = _now()
        with self.store.transaction():
            created = self.store.add_group(
                guid,
                name or guid,
                group_type,
                now=now,
                owner=owner,
                password=password if group_type == "password" else None,
                description=description,
                icon=icon,
                metadata=metadata,
                tags=tags,
            )
            if not created:
                raise _fail(ErrorCode.GUID_ALREADY_EXISTS, f"The GUID {guid} already exists.")
            if owner:
                self.store.add_member(guid, owner, "admin", now)
            for uid in member_list:
                self.store.add_member(guid, uid, "participant", now)
        group = self.store.group(guid)
        assert group is not None
        return self.store.group_view(group, owner)

    def add_friends(self, uid: str, friends: Iterable[str]) -> JSON:
        """Make ``uid`` friends with each of ``friends`` (both ways)."""
        self._user_or_fail(uid)
        wanted = list(dict.fromkeys(friends))
        known = self.store.existing_uids(wanted)
        self.store.add_friends(uid, [f for f in wanted if f in known])
        return {
            "accepted": {
                f: {"success": True, "message": f"{uid} and {f} are now friends."}
                if f in known
                else {"success": False, "error": {"code": ErrorCode.UID_NOT_FOUND, "message": "no such user"}}
                for f in wanted
            }
        }

    def join_group(
        self, uid: str, guid: str, password: str | None = None, device_id: str = SERVER_DEVICE_ID
    ) -> JSON:
        """``uid`` joins ``guid``; a ``joined`` action is stored and pushed to the members.

        Returns that action message, as the JS SDK expects: it reads the group
        from ``data.entities.for.entity``, which here is the joiner's view
        (``hasJoined``, ``scope``, ``joinedAt``).
        """
        group = self._group_or_fail(guid)
        if self.store.is_member(guid, uid):
            raise _fail(ErrorCode.ALREADY_JOINED, f"The user {uid} is already a member of the group {guid}.")
        if group.type == "private":
            raise _fail(ErrorCode.PERMISSION_DENIED, f"The group {guid} is private; ask an admin to add you.")
        if group.type == "password" and not verify_password(password or "", group.password_hash):
            raise _fail(ErrorCode.WRONG_GROUP_PASSWORD, f"The password for the group {guid} is incorrect.")
        now = _now()
        user = self._user_or_fail(uid)
        with self.store.transaction():
            self.store.add_member(guid, uid, "participant", now)
            action = self._member_action(user, group, "joined", now)
        self._fanout(action, self.store.member_uids(guid), device_id)
        entities = {**action["data"]["entities"]}
        entities["for"] = {"entity": self.store.group_view(group, uid), "entityType": "group"}
        return {**action, "data": {**action["data"], "entities": entities}}

    def leave_group(self, uid: str, guid: str, device_id: str = SERVER_DEVICE_ID) -> None:
        """``uid`` leaves ``guid``; every member (the leaver too) gets a ``left`` action."""
        group = self._group_or_fail(guid)
        audience = self.store.member_uids(guid)
        if uid not in audience:
            raise _not_member(uid, guid)
        user = self._user_or_fail(uid)
        now = _now()
        with self.store.transaction():
            self.store.remove_member(guid, uid)
            action = self._member_action(user, group, "left", now)
        self._fanout(action, audience, device_id)

    def kick_member(self, actor: str, guid: str, uid: str, device_id: str = SERVER_DEVICE_ID) -> None:
        """A group admin or moderator removes ``uid``; every member (the kicked one
        too) gets a ``kicked`` action. The owner cannot be kicked."""
        group = self._group_or_fail(guid)
        membership = self.store.membership(guid, actor)
        if membership is None:
            raise _not_member(actor, guid)
        if membership[0] not in ("admin", "moderator") or uid == group.owner:
            raise _fail(
                ErrorCode.PERMISSION_DENIED, f"The user {actor} cannot remove {uid} from the group {guid}."
            )
        audience = self.store.member_uids(guid)
        if uid not in audience:
            raise _not_member(uid, guid)
        by, target = self._user_or_fail(actor), self._user_or_fail(uid)
        now = _now()
        with self.store.transaction():
            self.store.remove_member(guid, uid)
            action = self._member_action(by, group, "kicked", now, on=target)
        self._fanout(action, audience, device_id)

    def _member_action(
        self, user: JSON, group: GroupRow, action: str, now: int, on: JSON | None = None
    ) -> JSON:
        """Store a ``groupMember`` action: ``by`` the acting user, ``on`` the
        member concerned (the actor for joins and leaves), ``for`` the group —
        the JS SDK passes (actionBy, actionFor) to onGroupMemberJoined/Left and
        (actionOn, actionBy, actionFor) to onGroupMemberKicked."""
        group_entity = self._group_entity(group)
        user_entity = {"entity": user, "entityType": "user"}
        on_entity = user_entity if on is None else {"entity": on, "entityType": "user"}
        return self.store.add_message(
            {
                "conversationId": conversation_id(user["uid"], group.guid, "group"),
                "sender": user["uid"],
                "receiver": group.guid,
                "receiverType": "group",
                "category": "action",
                "type": "groupMember",
                "data": {
                    "action": action,
                    "entities": {
                        "by": user_entity,
                        "on": on_entity,
                        "for": {"entity": group_entity, "entityType": "group"},
                    },
                },
                "sentAt": now,
                "updatedAt": now,
            },
            now=now,
        )

    # -- messages -----------------------------------------------------------------
    def _audience(self, message: JSON) -> list[str]:
        """Uids whose sockets get a message: both ends of a DM, or the group's members."""
        if message["receiverType"] == "group":
            return self.store.member_uids(message["receiver"])
        return list(dict.fromkeys((message["receiver"], message["sender"])))

    def _can_read(self, uid: str, message: JSON) -> bool:
        if message["receiverType"] == "group":
            return self.store.is_member(message["receiver"], uid)
        return uid in (message["sender"], message["receiver"])

    def _fanout(self, message: JSON, uids: Iterable[str], device_id: str) -> int:
        # Built here rather than through frames.MessageFrame: the body is the
        # stored message JSON as is, and this is the hot path.
        frame = orjson.dumps(
            {
                "type": "message",
                "appId": self.config.app_id,
                "receiver": message["receiver"],
                "receiverType": message["receiverType"],
                "deviceId": device_id,
                "sender": message["sender"],
                "body": message,
            }
        )
        return self._hub.send(self._hub.sessions_of_many(uids), frame)

    def post_message(self, sender: str, body: JSON, device_id: str = SERVER_DEVICE_ID) -> JSON:
        """Validate, store and fan out a message ``sender`` sends (``POST messages``).

        ``body`` is what the JS SDK posts (``receiver``, ``receiverType``,
        ``category``, ``type``, ``data``, ``text``?, ``muid``?, ``tags``?,
        ``parentId``?); any ``sender`` in it is ignored. Returns the stored
        message JSON. ``device_id`` becomes the frames' ``deviceId`` so the
        sender's own socket can drop the echo.
        """
        receiver = body.get("receiver")
        if not isinstance(receiver, str) or not receiver:
            raise _bad("'receiver' is required and must be a non-empty string")
        receiver_type = body.get("receiverType", "user")
        if receiver_type not in ("user", "group"):
            raise _bad("'receiverType' must be 'user' or 'group'")
        category = body.get("category", "message")
        if category not in ("message", "custom"):
            raise _bad(
                "'category' must be 'message' or 'custom' (media and other categories are not supported)"
            )
        mtype = body.get("type", "text" if category == "message" else None)
        if not isinstance(mtype, str) or not mtype or len(mtype) > 100:
            raise _bad("'type' must be a non-empty string of at most 100 characters")
        if category == "message" and mtype not in ("text", "custom"):
            raise _bad(f"message type {mtype!r} is not supported (use 'text' or a custom message)")
        data_in = _opt_obj(body, "data") or {}
        data: JSON = {}
        if category == "message" and mtype == "text":
            text = data_in.get("text", body.get("text"))
            data["text"] = self._check_text(text)
        else:
            custom = data_in.get("customData", body.get("customData"))
            if not isinstance(custom, dict):
                raise _bad("'data.customData' must be a JSON object for a custom message")
            data["customData"] = custom
            if isinstance(data_in.get("text"), str):
                data["text"] = self._check_text(data_in["text"])
        metadata = _metadata(body, data_in)
        if metadata is not None:
            data["metadata"] = metadata
        muid = _opt_str(body, "muid")
        tags = _opt_tags(body)
        parent = body.get("parentId", body.get("parentMessageId"))

        sender_user = self._user_or_fail(sender)
        if receiver_type == "user":
            receiver_entity = {"entity": self._user_or_fail(receiver), "entityType": "user"}
        else:
            group = self._group_or_fail(receiver)
            if not self.store.is_member(receiver, sender):
                raise _fail(
                    ErrorCode.NOT_A_MEMBER, f"The user {sender} is not a member of the group {receiver}."
                )
            receiver_entity = {"entity": self._group_entity(group), "entityType": "group"}
        conv = conversation_id(sender, receiver, receiver_type)
        parent_id: str | None = None
        if parent is not None and parent != "":
            parent_msg = self._message_or_fail(parent)
            if parent_msg["conversationId"] != conv:
                raise _bad("'parentId' must name a message of the same conversation")
            parent_id = parent_msg["id"]
        data["entities"] = {
            "sender": {"entity": sender_user, "entityType": "user"},
            "receiver": receiver_entity,
        }
        now = _now()
        message: JSON = {}
        if muid is not None:
            message["muid"] = muid
        message.update(
            {
                "conversationId": conv,
                "sender": sender,
                "receiver": receiver,
                "receiverType": receiver_type,
                "category": category,
                "type": mtype,
                "data": data,
                "sentAt": now,
                "updatedAt": now,
            }
        )
        if tags is not None:
            message["tags"] = tags
        if parent_id is not None:
            message["parentId"] = parent_id
        stored = self.store.add_message(message, now=now)
        self._fanout(stored, self._audience(stored), device_id)
        return stored

    def _check_text(self, text: Any) -> str:
        if not isinstance(text, str) or not text:
            raise _bad("'data.text' is required and must be a non-empty string")
        if len(text) > self.config.max_text_chars:
            raise _fail(
                ErrorCode.PAYLOAD_TOO_LARGE,
                f"'data.text' is longer than {self.config.max_text_chars} characters",
            )
        return text

    def _message_or_fail(self, mid: Any) -> JSON:
        try:
            number = int(mid)
        except (TypeError, ValueError):
            number = -1
        message = self.store.message(number) if 0 < number <= _INT64_MAX else None
        if message is None:
            raise _fail(ErrorCode.MESSAGE_ID_NOT_FOUND, f"The message id {mid} does not exist.")
        return message

    def get_message(self, uid: str, mid: str) -> JSON:
        message = self._message_or_fail(mid)
        if not self._can_read(uid, message):
            raise _fail(ErrorCode.PERMISSION_DENIED, f"The user {uid} cannot read the message {mid}.")
        return message

    def _own_message(self, uid: str, mid: str) -> JSON:
        message = self.get_message(uid, mid)
        if message["sender"] != uid:
            raise _fail(ErrorCode.PERMISSION_DENIED, "Only the sender can change a message.")
        if message["category"] == "action":
            raise _bad("action messages cannot be changed")
        return message

    def edit_message(self, uid: str, mid: str, body: JSON, device_id: str = SERVER_DEVICE_ID) -> JSON:
        """``PUT messages/{id}``: the sender edits text, customData or metadata;
        an ``edited`` action is stored and pushed to the conversation.

        Returns that action (``data.entities.on.entity`` is the edited
        message): the JS SDK's ``editMessage`` resolves with its ``actionOn``.
        """
        message = self._own_message(uid, mid)
        if "deletedAt" in message:
            raise _bad(f"The message {mid} was deleted and cannot be edited.")
        data_in = _opt_obj(body, "data") or {}
        data = dict(message["data"])
        changed = False
        if message["type"] == "text" and message["category"] == "message":
            text = data_in.get("text", body.get("text"))
            if text is not None:
                data["text"] = self._check_text(text)
                changed = True
        else:
            custom = data_in.get("customData", body.get("customData"))
            if custom is not None:
                if not isinstance(custom, dict):
                    raise _bad("'data.customData' must be a JSON object")
                data["customData"] = custom
                changed = True
        metadata = _metadata(body, data_in)
        if metadata is not None:
            data["metadata"] = metadata
            changed = True
        tags = _opt_tags(body)
        if not changed and tags is None:
            raise _bad("nothing to update: send data.text, data.customData, data.metadata or tags")
        now = _now()
        updated = {**message, "data": data, "editedAt": now, "editedBy": uid, "updatedAt": now}
        if tags is not None:
            updated["tags"] = tags
        return self._change_message(updated, "edited", uid, device_id, now)

    def delete_message(self, uid: str, mid: str, device_id: str = SERVER_DEVICE_ID) -> JSON:
        """``DELETE messages/{id}``: soft delete by the sender; a ``deleted``
        action is stored and pushed to the conversation.

        Returns that action, like :meth:`edit_message` (the JS SDK's
        ``deleteMessage`` resolves with its ``actionOn``). Idempotent: deleting
        again stores and pushes nothing and answers the ``deleted`` action
        stored the first time.
        """
        message = self._own_message(uid, mid)
        if "deletedAt" in message:
            stored = self.store.find_message_action(message, "deleted")
            return stored or self._message_action(message, "deleted", uid, message["deletedAt"])
        now = _now()
        updated = {**message, "deletedAt": now, "deletedBy": uid, "updatedAt": now}
        return self._change_message(updated, "deleted", uid, device_id, now)

    def _message_action(self, updated: JSON, action: str, uid: str, now: int) -> JSON:
        """An ``edited``/``deleted`` action message about ``updated`` (not stored)."""
        actor = self._user_or_fail(uid)
        receiver_entity = updated["data"].get("entities", {}).get("receiver")
        entities: JSON = {
            "by": {"entity": actor, "entityType": "user"},
            "on": {"entity": updated, "entityType": "message"},
        }
        if receiver_entity is not None:
            entities["for"] = receiver_entity
        return {
            "conversationId": updated["conversationId"],
            "sender": uid,
            "receiver": updated["receiver"],
            "receiverType": updated["receiverType"],
            "category": "action",
            "type": "message",
            "data": {"action": action, "entities": entities},
            "sentAt": now,
            "updatedAt": now,
        }

    def _change_message(self, updated: JSON, action: str, uid: str, device_id: str, now: int) -> JSON:
        """Store ``updated`` and an action about it, push the action; return the stored action."""
        notice = self._message_action(updated, action, uid, now)
        with self.store.transaction():
            self.store.replace_message(updated)
            stored = self.store.add_message(notice, now=now)
        self._fanout(stored, self._audience(stored), device_id)
        return stored

    # -- admin helpers -------------------------------------------------------------
    def push_frames(self, uid: str, frames: Iterable[str | bytes]) -> int:
        """Send raw text frames to every socket of ``uid``; returns sockets reached."""
        sessions = self._hub.sessions_of(uid)
        reached = 0
        for frame in frames:
            data = frame.encode() if isinstance(frame, str) else frame
            reached = self._hub.send(sessions, data, guard=False)
        return reached if sessions else 0

    def connection_count(self, uid: str | None = None) -> int:
        return self._hub.connection_count(uid)

    def stats(self) -> JSON:
        out: JSON = {
            "connections": self._hub.connection_count(),
            "users_online": len(self._hub.online_uids()),
            "messages": self.store.message_count(),
            "frames_in": self.frames_in,
            "frames_out": self._hub.frames_out,
        }
        rss = _rss_bytes()
        if rss is not None:
            out["rss_bytes"] = rss
        return out

    def stall_pongs(self, stalled: bool = True) -> None:
        self._stall_pongs = stalled

    def refuse_next_auths(self, n: int) -> None:
        if n < 0:
            raise ValueError("n must be >= 0")
        self._refuse_auths = n

    def drop_all_sockets(
        self, code: int = CloseCode.RECONNECT, reason: str = "server asked to reconnect"
    ) -> int:
        """Close every open socket (authenticated or not); returns how many."""
        connections = list(self._ws_server.connections) if self._ws_server is not None else []
        sessions = list(self._hub.all_sessions())
        for s in sessions:
            self._hub.remove(s)
        self._went_offline({s.uid for s in sessions})
        for ws in connections:
            self._spawn(ws.close(code, reason[:100]))
        return len(connections)

    def revoke_tokens(self, uid: str) -> int:
        """Revoke every auth token of ``uid``; close their sockets with 4003. Returns tokens revoked."""
        hashes = self.store.revoke_user_tokens(uid, _now())
        self._close_sessions(lambda s: s.uid == uid, "auth token revoked")
        return len(hashes)

    def logout(self, uid: str, hashed: str) -> None:
        """``DELETE me``: revoke one token and close the sockets that used it (4003)."""
        self.store.revoke_token(hashed, _now())
        self._close_sessions(lambda s: s.uid == uid and s.token_hash == hashed, "logged out")

    def _close_sessions(self, which: Callable[[Session], bool], reason: str) -> int:
        victims = [s for s in self._hub.all_sessions() if which(s)]
        gone = {s.uid for s in victims if self._hub.remove(s)}
        self._went_offline(gone)
        for s in victims:
            self._spawn(s.ws.close(CloseCode.SESSION_REVOKED, reason))
        return len(victims)

    def _close_slow(self, session: Session) -> None:
        if self._hub.remove(session):
            self._went_offline({session.uid})
        self._spawn(session.ws.close(CloseCode.POLICY_VIOLATION, "client too slow: frames unread"))

    # -- presence ----------------------------------------------------------------
    def _went_offline(self, uids: Iterable[str]) -> None:
        if self._store is None:
            return
        for uid in uids:
            if not self._hub.is_online(uid):
                self._announce(uid, "offline")

    def _announce(self, uid: str, action: Literal["online", "offline"]) -> None:
        now = _now()
        self.store.set_presence(uid, action, now)
        user_json = self.store.user(uid)
        if user_json is None:
            return
        friends: set[str] | None = None
        role = user_json.get("role")
        targets: list[Session] = []
        for s in self._hub.all_sessions():
            if s.uid == uid or s.subscription == "NONE":
                continue
            if s.subscription == "ALL_USERS":
                targets.append(s)
            elif s.subscription == "ROLES":
                if role in s.roles:
                    targets.append(s)
            elif s.subscription == "FRIENDS":
                if friends is None:
                    friends = self.store.friends_of(uid)
                if s.uid in friends:
                    targets.append(s)
        if not targets:
            return
        frame = fr.PresenceFrame(
            app_id=self.config.app_id,
            sender=uid,
            action=action,
            user=User.from_wire(user_json),
            timestamp=now,
        )
        self._hub.send(targets, orjson.dumps(frame.to_wire()))

    # -- REST ---------------------------------------------------------------------
    def _route_table(self) -> list[_Route]:
        rows: list[tuple[str, str, _Handler, _Auth]] = [
            ("POST", "users/{uid}/auth_tokens", self._r_auth_token, "admin"),
            ("POST", "users", self._r_create_user, "admin"),
            ("PUT", "users/{uid}", self._r_update_user, "admin"),
            ("POST", "users/{uid}/friends", self._r_add_friends, "admin"),
            ("GET", "users", self._r_users, "user"),
            ("GET", "users/{uid}", self._r_user, "user"),
            ("GET", "users/{uid}/messages", self._r_user_messages, "user"),
            ("PUT", "me", self._r_me, "user"),
            ("GET", "me", self._r_me, "user"),
            ("DELETE", "me", self._r_logout, "user"),
            ("GET", "settings", self._r_settings, "user"),
            ("POST", "user_sessions", self._r_user_sessions, "user"),
            ("POST", "v1/ping", self._r_ping, "none"),
            ("POST", "messages", self._r_send, "user"),
            ("GET", "messages", self._r_all_messages, "user"),
            ("GET", "messages/{id}", self._r_message, "user"),
            ("PUT", "messages/{id}", self._r_edit, "user"),
            ("DELETE", "messages/{id}", self._r_delete, "user"),
            ("POST", "groups", self._r_create_group, "user"),
            ("GET", "groups", self._r_groups, "user"),
            ("GET", "groups/{guid}", self._r_group, "user"),
            ("POST", "groups/{guid}/members", self._r_join, "user"),
            ("GET", "groups/{guid}/members", self._r_members, "user"),
            ("DELETE", "groups/{guid}/members", self._r_leave, "user"),
            ("DELETE", "groups/{guid}/members/{uid}", self._r_remove_member, "user"),
            ("GET", "groups/{guid}/messages", self._r_group_messages, "user"),
        ]
        return [_Route(m, tuple(p.split("/")), h, a) for m, p, h, a in rows]

    def _respond(self, status: int, envelope: JSON) -> web.Response:
        return web.Response(
            body=orjson.dumps(envelope),
            status=status,
            content_type="application/json",
            headers=_CORS,
        )

    def _error(self, code: str, message: str) -> web.Response:
        return self._respond(_STATUS.get(code, 400), {"error": {"code": code, "message": message}})

    @web.middleware
    async def _envelope_errors(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Answers aiohttp itself produces (no route, body too large …) get the envelope too."""
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            code = {
                404: ErrorCode.ENDPOINT_NOT_FOUND,
                405: ErrorCode.METHOD_NOT_ALLOWED,
                413: ErrorCode.PAYLOAD_TOO_LARGE,
            }.get(exc.status, ErrorCode.BAD_REQUEST if exc.status < 500 else ErrorCode.INTERNAL)
            return self._respond(exc.status, {"error": {"code": code, "message": exc.reason}})

    async def _rest(self, request: web.Request) -> web.Response:
        try:
            return await self._dispatch(request)
        except ApiError as exc:
            return self._error(exc.code, exc.message)
        except Exception:
            log.exception("internal error while handling %s %s", request.method, request.path)
            return self._error(ErrorCode.INTERNAL, "The server could not process the request.")

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=_CORS)
        path = request.path.strip("/")
        if path == API_VERSION:
            path = ""
        elif path.startswith(API_VERSION + "/"):
            path = path[len(API_VERSION) + 1 :]
        segments = path.split("/")
        route: _Route | None = None
        params: dict[str, str] = {}
        allowed: list[str] = []
        for candidate in self._routes:
            found = candidate.match(segments)
            if found is None:
                continue
            if candidate.method == request.method:
                route, params = candidate, found
                break
            allowed.append(candidate.method)
        if route is None:
            if allowed:
                raise _fail(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    f"{request.method} is not allowed on /{path}; use {', '.join(sorted(set(allowed)))}.",
                )
            raise _fail(ErrorCode.ENDPOINT_NOT_FOUND, f"The endpoint /{path} does not exist.")
        call = _Call(
            params=params,
            query=request.query,
            body={},
            raw_body=b"",
            resource=request.headers.get("resource", ""),
        )
        if route.auth != "none":
            self._check_credentials(request, route.auth, call)
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.can_read_body:
            await self._read_body(request, call)
        data, meta = route.handler(call)
        envelope: JSON = {"data": data}
        if meta is not None:
            envelope["meta"] = meta
        return self._respond(200, envelope)

    def _check_credentials(self, request: web.Request, auth: _Auth, call: _Call) -> None:
        app_id = request.headers.get("appId")
        if not app_id:
            raise _fail(ErrorCode.EMPTY_APPID, "The appId header is missing.")
        if app_id != self.config.app_id:
            raise _fail(ErrorCode.INVALID_APPID, "The appId is invalid.")
        if auth == "admin":
            key = request.headers.get("apiKey")
            if not key:
                raise _fail(ErrorCode.EMPTY_APIKEY, "The apiKey header is missing.")
            if not secrets.compare_digest(key.encode(), self.config.auth_key.encode()):
                raise _fail(ErrorCode.APIKEY_NOT_FOUND, "The apiKey is invalid.")
            return
        token = request.headers.get("authToken")
        if not token:
            raise _fail(ErrorCode.EMPTY_AUTH_TOKEN, "The authToken header is missing.")
        hashed = token_hash(token)
        uid = self.store.token_uid(hashed)
        if uid is None:
            raise _fail(ErrorCode.AUTH_TOKEN_NOT_FOUND, "The auth token does not exist or has been revoked.")
        call.uid, call.token, call.token_hash = uid, token, hashed

    async def _read_body(self, request: web.Request, call: _Call) -> None:
        limit = self.config.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            raise _fail(ErrorCode.PAYLOAD_TOO_LARGE, f"The request body is over {limit} bytes.")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise _fail(
                ErrorCode.PAYLOAD_TOO_LARGE, f"The request body is larger than {limit} bytes."
            ) from None
        call.raw_body = raw
        if not raw.strip():
            return
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise _bad("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise _bad("The request body must be a JSON object.")
        call.body = body

    # admin routes
    def _r_auth_token(self, c: _Call) -> _Reply:
        uid = c.params["uid"]
        user = self._user_or_fail(uid)
        return {**user, "authToken": self.issue_auth_token(uid)}, None

    def _r_create_user(self, c: _Call) -> _Reply:
        b = c.body
        with_token = b.get("withAuthToken", False)
        if not isinstance(with_token, bool):
            raise _bad("'withAuthToken' must be a boolean")
        user = self.create_user(
            _req_id(b, "uid"),
            _opt_str(b, "name"),
            avatar=_opt_str(b, "avatar", max_len=2048),
            link=_opt_str(b, "link", max_len=2048),
            role=_opt_str(b, "role", max_len=100),
            status_message=_opt_str(b, "statusMessage"),
            metadata=_opt_obj(b, "metadata"),
            tags=_opt_tags(b),
        )
        if with_token:
            user["authToken"] = self.issue_auth_token(user["uid"])
        return user, None

    def _r_update_user(self, c: _Call) -> _Reply:
        uid = c.params["uid"]
        self._user_or_fail(uid)
        b = c.body
        fields: JSON = {}
        for key, max_len in (("name", _MAX_NAME), ("avatar", 2048), ("link", 2048), ("role", 100)):
            if key in b:
                fields[key] = _opt_str(b, key, max_len=max_len)
        if "statusMessage" in b:
            fields["statusMessage"] = _opt_str(b, "statusMessage")
        if "metadata" in b:
            fields["metadata"] = _opt_obj(b, "metadata")
        if "tags" in b:
            fields["tags"] = _opt_tags(b)
        if fields.get("name") is None:
            fields.pop("name", None)
        return self.store.update_user(uid, fields), None

    def _r_add_friends(self, c: _Call) -> _Reply:
        accepted = c.body.get("accepted")
        if not isinstance(accepted, list) or not all(isinstance(u, str) for u in accepted):
            raise _bad("'accepted' must be a list of uids")
        return self.add_friends(c.params["uid"], accepted), None

    # session routes
    def _r_me(self, c: _Call) -> _Reply:
        return self.me(c.uid, c.token), None

    def _r_logout(self, c: _Call) -> _Reply:
        self.logout(c.uid, c.token_hash)
        return {"success": True}, None

    def _r_settings(self, c: _Call) -> _Reply:
        return self.settings(), None

    def _r_user_sessions(self, c: _Call) -> _Reply:
        return {"sessionId": hashlib.sha256(c.raw_body).hexdigest()}, None

    def _r_ping(self, c: _Call) -> _Reply:
        return {}, None

    # users
    def _r_users(self, c: _Call) -> _Reply:
        per_page = _q_int(c.query, "per_page", _PER_PAGE_DEFAULT, hi=_PER_PAGE_MAX)
        page = _q_int(c.query, "page", 1)
        status = c.query.get("status") or None
        if status not in (None, "online", "offline"):
            raise _bad("query parameter 'status' must be 'online' or 'offline'")
        users, total = self.store.users(
            limit=per_page,
            offset=_offset(page, per_page),
            search=c.query.get("searchKey") or None,
            status=status,
        )
        return users, Meta(pagination=_pagination(total, len(users), per_page, page)).to_wire()

    def _r_user(self, c: _Call) -> _Reply:
        return self._user_or_fail(c.params["uid"]), None

    # messages
    def _r_send(self, c: _Call) -> _Reply:
        return self.post_message(c.uid, c.body, c.resource or SERVER_DEVICE_ID), None

    def _r_message(self, c: _Call) -> _Reply:
        return self.get_message(c.uid, c.params["id"]), None

    def _r_edit(self, c: _Call) -> _Reply:
        return self.edit_message(c.uid, c.params["id"], c.body, c.resource or SERVER_DEVICE_ID), None

    def _r_delete(self, c: _Call) -> _Reply:
        return self.delete_message(c.uid, c.params["id"], c.resource or SERVER_DEVICE_ID), None

    def _history(self, c: _Call, *, conversation: str | None = None, reader: str | None = None) -> _Reply:
        q = c.query
        per_page = _q_int(q, "per_page", _PER_PAGE_DEFAULT, hi=_PER_PAGE_MAX)
        affix_raw = q.get("affix") or "prepend"
        if affix_raw not in ("prepend", "append"):
            raise _bad("query parameter 'affix' must be 'prepend' or 'append'")
        affix: Literal["prepend", "append"] = "prepend" if affix_raw == "prepend" else "append"
        cursor_id = _q_opt_int(q, "id")
        sent_at = _q_opt_int(q, "sentAt")
        page = self.store.messages_page(
            conversation=conversation,
            reader=reader,
            affix=affix,
            cursor_id=cursor_id,
            cursor_sent_at=sent_at,
            limit=per_page,
            hide_deleted=_q_bool(q, "hideDeleted"),
            categories=_q_list(q, "categories"),
            types=_q_list(q, "types"),
        )
        if page.ids:
            edge = 0 if affix == "prepend" else -1
            cursor = Cursor(affix=affix, sent_at=page.sent_ats[edge], id=str(page.ids[edge]))
        else:
            cursor = Cursor(
                affix=affix, sent_at=sent_at, id=str(cursor_id) if cursor_id is not None else None
            )
        meta = Meta(pagination=_pagination(page.remaining, len(page.ids), per_page), cursor=cursor)
        return [orjson.Fragment(item) for item in page.items], meta.to_wire()

    def _r_user_messages(self, c: _Call) -> _Reply:
        other = c.params["uid"]
        self._user_or_fail(other)
        return self._history(c, conversation=conversation_id(c.uid, other, "user"))

    def _r_group_messages(self, c: _Call) -> _Reply:
        guid = c.params["guid"]
        self._group_or_fail(guid)
        if not self.store.is_member(guid, c.uid):
            raise _not_member(c.uid, guid)
        return self._history(c, conversation=conversation_id(c.uid, guid, "group"))

    def _r_all_messages(self, c: _Call) -> _Reply:
        return self._history(c, reader=c.uid)

    # groups
    def _r_create_group(self, c: _Call) -> _Reply:
        b = c.body
        group_type = b.get("type", "public")
        if not isinstance(group_type, str):
            raise _bad("'type' must be 'public', 'private' or 'password'")
        return self.create_group(
            _req_id(b, "guid"),
            _opt_str(b, "name"),
            group_type=group_type,
            owner=c.uid,
            password=_opt_str(b, "password"),
            description=_opt_str(b, "description", max_len=2048),
            icon=_opt_str(b, "icon", max_len=2048),
            metadata=_opt_obj(b, "metadata"),
            tags=_opt_tags(b),
        ), None

    def _r_groups(self, c: _Call) -> _Reply:
        per_page = _q_int(c.query, "per_page", _PER_PAGE_DEFAULT, hi=_PER_PAGE_MAX)
        page = _q_int(c.query, "page", 1)
        groups, total = self.store.groups(
            c.uid,
            limit=per_page,
            offset=_offset(page, per_page),
            search=c.query.get("searchKey") or None,
            joined_only=_q_bool(c.query, "hasJoined") or _q_bool(c.query, "joinedOnly"),
        )
        return groups, Meta(pagination=_pagination(total, len(groups), per_page, page)).to_wire()

    def _r_group(self, c: _Call) -> _Reply:
        return self.store.group_view(self._group_or_fail(c.params["guid"], c.uid), c.uid), None

    def _r_join(self, c: _Call) -> _Reply:
        password = _opt_str(c.body, "password")
        return self.join_group(c.uid, c.params["guid"], password, c.resource or SERVER_DEVICE_ID), None

    def _r_leave(self, c: _Call) -> _Reply:
        self.leave_group(c.uid, c.params["guid"], c.resource or SERVER_DEVICE_ID)
        return {"success": True}, None

    def _r_remove_member(self, c: _Call) -> _Reply:
        guid, uid = c.params["guid"], c.params["uid"]
        if uid == c.uid:
            self.leave_group(uid, guid, c.resource or SERVER_DEVICE_ID)
        else:
            self.kick_member(c.uid, guid, uid, c.resource or SERVER_DEVICE_ID)
        return {"success": True}, None

    def _r_members(self, c: _Call) -> _Reply:
        guid = c.params["guid"]
        self._group_or_fail(guid)
        if not self.store.is_member(guid, c.uid):
            raise _not_member(c.uid, guid)
        per_page = _q_int(c.query, "per_page", _PER_PAGE_DEFAULT, hi=_PER_PAGE_MAX)
        page = _q_int(c.query, "page", 1)
        members, total = self.store.members(guid, limit=per_page, offset=_offset(page, per_page))
        return members, Meta(pagination=_pagination(total, len(members), per_page, page)).to_wire()

    # -- WebSocket ----------------------------------------------------------------
    def _encode(self, frame: fr.Frame) -> bytes:
        return orjson.dumps(frame.to_wire())

    async def _send_error(self, ws: ServerConnection, code: str, message: str) -> None:
        await ws.send(
            self._encode(fr.ErrorFrame(app_id=self.config.app_id, code=code, message=message)), text=True
        )

    async def _ws_handler(self, ws: ServerConnection) -> None:
        session: Session | None = None
        try:
            session = await self._ws_authenticate(ws)
            if session is not None:
                await self._ws_serve(session)
        except ConnectionClosed:
            pass
        finally:
            if session is not None and self._hub.remove(session):
                self._went_offline({session.uid})

    async def _ws_authenticate(self, ws: ServerConnection) -> Session | None:
        """Wait for the auth frame (answering pings meanwhile); ``None`` if the
        socket was refused and closed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.auth_timeout
        bad = 0
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    raw = await ws.recv()
            except TimeoutError:
                await ws.close(CloseCode.AUTH_TIMEOUT, "no auth frame in time")
                return None
            self.frames_in += 1
            obj, problem = self._parse(raw)
            if obj is not None and obj.get("type") == "auth":
                return await self._ws_auth(ws, obj)
            if obj is not None and obj.get("action") == "ping" and "type" not in obj:
                await self._pong(ws)
                continue
            bad += 1
            if bad > _MAX_BAD_FRAMES:
                await ws.close(CloseCode.POLICY_VIOLATION, "too many frames before auth")
                return None
            await self._send_error(
                ws, ErrorCode.PROTOCOL_ERROR, problem or "authenticate first: send an auth frame with the JWT"
            )

    @staticmethod
    def _parse(raw: str | bytes) -> tuple[JSON | None, str | None]:
        if isinstance(raw, bytes):
            return None, "binary frames are not supported; send JSON text frames"
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None, "frame is not valid JSON"
        if not isinstance(obj, dict):
            return None, "a frame must be a JSON object"
        return obj, None

    async def _pong(self, ws: ServerConnection) -> None:
        if not self._stall_pongs:
            await ws.send(self._pong_frame, text=True)

    async def _refuse(self, ws: ServerConnection, code: str, message: str) -> None:
        log.info("socket auth refused (%s): %s", code, message)
        result = fr.AuthResult(
            app_id=self.config.app_id, code="401", status="ERROR", error={"code": code, "message": message}
        )
        await ws.send(self._encode(result), text=True)
        await ws.close(CloseCode.AUTH_FAILED, "authentication failed")

    async def _ws_auth(self, ws: ServerConnection, obj: JSON) -> Session | None:
        if self._refuse_auths > 0:
            self._refuse_auths -= 1
            result = fr.AuthResult(
                app_id=self.config.app_id,
                code="503",
                status="ERROR",
                error={
                    "code": ErrorCode.SERVICE_UNAVAILABLE,
                    "message": "The server is busy; try again later.",
                },
            )
            await ws.send(self._encode(result), text=True)
            await ws.close(1013, "try again later")
            return None
        try:
            frame = fr.decode_object(obj)
        except ProtocolError as exc:
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, exc.message)
            return None
        if not isinstance(frame, fr.AuthRequest):
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, "the auth frame has no 'body.auth' JWT")
            return None
        now = _now()
        try:
            claims = verify_jwt(frame.jwt, secret=self._secret, app_id=self.config.app_id, now=now)
        except JwtError as exc:
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, str(exc))
            return None
        uid, tid = claims["uid"], claims["tid"]
        if self.store.token_uid(tid) != uid:
            await self._refuse(ws, ErrorCode.AUTH_TOKEN_NOT_FOUND, "The auth token of this JWT was revoked.")
            return None
        if frame.app_id is not None and frame.app_id != self.config.app_id:
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, "The frame's appId does not match the server's.")
            return None
        if frame.sender is not None and frame.sender != uid:
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, "The frame's sender does not match the JWT.")
            return None
        session = Session(
            ws=ws,
            uid=uid,
            device_id=frame.device_id or f"srv-{secrets.token_hex(8)}",
            token_hash=tid,
            subscription=frame.presence_subscription,
            roles=frozenset(frame.roles),
        )
        first = self._hub.add(session)
        # Sent synchronously right after registration, so no message frame can
        # overtake the auth answer (and none is missed in between).
        ok = fr.AuthResult(app_id=self.config.app_id, sender=uid, device_id=session.device_id)
        self._hub.send([session], self._encode(ok), guard=False)
        if first:
            self._announce(uid, "online")
        log.debug("socket authenticated: %s (%s)", uid, session.subscription)
        return session

    async def _ws_serve(self, session: Session) -> None:
        bad = 0
        async for raw in session.ws:
            session.frames_in += 1
            self.frames_in += 1
            try:
                problem = await self._ws_frame(session, raw)
            except ConnectionClosed:
                raise
            except Exception:
                # A bug must not cost the client its socket: log it, answer, go on.
                log.exception("internal error while handling a frame from %s", session.uid)
                problem = (ErrorCode.INTERNAL, "The server could not process the frame.")
            if problem is None:
                bad = 0
                continue
            bad += 1
            if bad > _MAX_BAD_FRAMES:
                await session.ws.close(CloseCode.POLICY_VIOLATION, "too many malformed frames")
                return
            await self._send_error(session.ws, *problem)

    async def _ws_frame(self, session: Session, raw: str | bytes) -> tuple[str, str] | None:
        """Handle one frame of an authenticated socket; ``(code, message)`` if refused."""
        obj, problem = self._parse(raw)
        if obj is None:
            return ErrorCode.PROTOCOL_ERROR, problem or "malformed frame"
        if "type" in obj and obj.get("sender") is None:
            obj["sender"] = session.uid  # the socket knows who is speaking
        try:
            frame = fr.decode_object(obj)
        except ProtocolError as exc:
            return ErrorCode.PROTOCOL_ERROR, exc.message
        if isinstance(frame, fr.Ping):
            await self._pong(session.ws)
            return None
        if isinstance(frame, fr.Pong):
            return None
        if isinstance(frame, (fr.AuthRequest, fr.AuthResult)):
            return ErrorCode.BAD_REQUEST, "this socket is already authenticated"
        if frame.sender is not None and frame.sender != session.uid:
            return ErrorCode.PERMISSION_DENIED, "the frame's sender is not the authenticated user"
        try:
            if isinstance(frame, (fr.TypingFrame, fr.TransientFrame)):
                self._relay(session, frame)
            elif isinstance(frame, fr.ReceiptFrame):
                self._receipt(session, frame)
            else:
                frame_type = obj.get("type")
                return (
                    ErrorCode.BAD_REQUEST,
                    f"clients may not send {frame_type!r} frames (send messages over REST)",
                )
        except ApiError as exc:
            return exc.code, exc.message
        return None

    def _relay(self, session: Session, frame: fr.TypingFrame | fr.TransientFrame) -> None:
        receiver = frame.receiver
        receiver_type = frame.receiver_type or "user"
        if not receiver:
            raise _bad("the frame has no 'receiver'")
        uid = session.uid
        if receiver_type == "user":
            if not self.store.user_exists(receiver):
                raise _fail(ErrorCode.UID_NOT_FOUND, f"The UID {receiver} does not exist.")
            targets = [s for s in self._hub.sessions_of(receiver) if s is not session]
        else:
            self._group_or_fail(receiver)
            members = self.store.member_uids(receiver)
            if uid not in members:
                raise _fail(
                    ErrorCode.NOT_A_MEMBER, f"The user {uid} is not a member of the group {receiver}."
                )
            targets = [s for s in self._hub.sessions_of_many(members) if s is not session]
        if not targets:
            return
        me = User.from_wire(self._user_or_fail(uid))
        env = {
            "app_id": self.config.app_id,
            "receiver": receiver,
            "receiver_type": receiver_type,
            "device_id": session.device_id,
            "sender": uid,
        }
        out: fr.Frame
        if isinstance(frame, fr.TypingFrame):
            out = fr.TypingFrame(action=frame.action, user=me, metadata=frame.metadata, **env)
        else:
            out = fr.TransientFrame(user=me, data=frame.data, **env)
        self._hub.send(targets, self._encode(out))

    def _receipt(self, session: Session, frame: fr.ReceiptFrame) -> None:
        if frame.receipt_type not in ("delivery", "read"):
            raise _bad("clients may only send 'delivered' and 'read' receipts")
        uid = session.uid
        message = self._message_or_fail(frame.message_id)
        if not self._can_read(uid, message):
            raise _fail(
                ErrorCode.PERMISSION_DENIED, f"The user {uid} cannot read the message {frame.message_id}."
            )
        if message["sender"] == uid:
            raise _bad("receipts are for messages other users sent")
        now = _now()
        kind = "delivered" if frame.receipt_type == "delivery" else "read"
        with self.store.transaction():
            if not self.store.add_receipt(int(message["id"]), uid, kind, now):
                return
            if message["receiverType"] == "user":
                updated = dict(message)
                updated.setdefault("deliveredAt", now)
                if kind == "read":
                    updated.setdefault("readAt", now)
                if updated != message:
                    self.store.replace_message(updated)
        author = message["sender"]
        receiver = message["receiver"] if message["receiverType"] == "group" else author
        out = fr.ReceiptFrame(
            app_id=self.config.app_id,
            receiver=receiver,
            receiver_type=message["receiverType"],
            device_id=session.device_id,
            sender=uid,
            receipt_type=frame.receipt_type,
            message_id=message["id"],
            user=User.from_wire(self._user_or_fail(uid)),
            message_sender=author,
            timestamp=now,
        )
        self._hub.send(self._hub.sessions_of(author), self._encode(out))


def _rss_bytes() -> int | None:
    """Current resident set size (Linux ``/proc``), else ``None``."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
