"""What the embedded server is configured with: :class:`ServerConfig`, its fixed
limits, the seed data, the app settings it advertises, and its listening sockets."""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import ssl
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from ..protocol.rest import API_VERSION, SETTINGS_TLS_KEY
from .sockets import AcceptedSockets, tracking_listener
from .tokens import JWT_TTL

__all__ = [
    "GROUP_TYPES",
    "INT64_MAX",
    "MAX_BAD_FRAMES",
    "MAX_NAME",
    "MAX_ROLE",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_FILES",
    "MAX_URL",
    "PER_PAGE_DEFAULT",
    "PER_PAGE_MAX",
    "SEED_GROUP",
    "SEED_USERS",
    "SERVER_DEVICE_ID",
    "WS_API_VERSION",
    "ServerConfig",
    "app_settings",
    "hostport",
    "listen_socket",
]

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

#: ``settings.WS_API_VERSION``: the path segment of ``api/{WS_API_VERSION}/online-members``.
WS_API_VERSION: Final = "v1"

#: ``deviceId`` of frames the server originates (admin helpers): never a client's.
SERVER_DEVICE_ID: Final = "cometchat-nb-server"

# -- limits ------------------------------------------------------------------------
#: Longest name, status message or password (characters).
MAX_NAME: Final = 255
#: Longest avatar, link, icon or description (characters).
MAX_URL: Final = 2048
#: Longest role (characters).
MAX_ROLE: Final = 100
#: Malformed frames in a row a socket may send before it is closed with 1008.
MAX_BAD_FRAMES: Final = 100
PER_PAGE_DEFAULT: Final = 30
PER_PAGE_MAX: Final = 100
GROUP_TYPES: Final = ("public", "private", "password")
#: Files one media message may carry (the JS SDK's own default ``file.count.max``).
MAX_UPLOAD_FILES: Final = 10
#: Default largest uploaded file (bytes); ``--max-upload-bytes`` changes it.
MAX_UPLOAD_BYTES: Final = 16 * 1024 * 1024
#: SQLite integers are signed 64-bit; Python's are not (ids, cursors and offsets are clamped)
INT64_MAX: Final = 2**63 - 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerConfig:
    """Everything :class:`~.app.ChatServer` needs; see ``EmbeddedServer`` for the meaning of each field.

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
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    auth_timeout: float = 10.0
    jwt_ttl: int = JWT_TTL
    #: a second REST listener on this port of ``host`` (None: none), so port-less
    #: ``https://{CHAT_HOST}/…`` URLs (the official SDK's online-members call) reach us
    chat_host_port: int | None = None

    @property
    def advertised_host(self) -> str:
        """The host clients should use (``public_host``, else the bind host; a
        wildcard bind advertises 127.0.0.1)."""
        if self.public_host:
            return self.public_host
        return "127.0.0.1" if self.host in ("", "0.0.0.0") else "::1" if self.host == "::" else self.host


def app_settings(config: ServerConfig, port: int, ws_port: int) -> tuple[dict[str, Any], str]:
    """The app settings object clients get (``PUT me`` → ``data.settings``, ``GET
    settings``) for a server bound to ``port``/``ws_port``, and its hash."""
    host = config.advertised_host
    chat_host = f"[{host}]" if ":" in host else host
    rest = f"{chat_host}:{port}"
    settings: dict[str, Any] = {
        "CLIENT_API_HOST": rest,
        "ADMIN_API_HOST": rest,
        "CHAT_API_VERSION": API_VERSION,
        "CHAT_HOST": chat_host,
        "CHAT_WSS_PORT": ws_port,
        "MODE": "DEFAULT",
        "APP_VERSION": 4,
        "REGION": config.region,
        "ANALYTICS_HOST": rest,
        "ANALYTICS_VERSION": "v1",
        "ANALYTICS_PING_DISABLED": True,
        # the official SDK posts online counts to https://{CHAT_HOST}/api/{WS_API_VERSION}/online-members
        "WS_API_VERSION": WS_API_VERSION,
        "extensions": [],
        "parameters": {},
        # media: the JS SDK appends ?fat=<file access token> to media URLs containing this
        "SECURED_MEDIA_HOST": f"{rest}/{API_VERSION}/media/",
        "file.size.max": config.max_upload_bytes,
        "file.count.max": MAX_UPLOAD_FILES,
        SETTINGS_TLS_KEY: config.ssl is not None,
    }
    digest = hashlib.sha256(orjson.dumps(settings, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    return settings, digest


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
        raise OSError(exc.errno, f"cannot listen on {hostport(host, port)}: {exc.strerror or exc}") from None
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
        raise OSError(exc.errno, f"cannot listen on {hostport(host, port)}: {reason}") from None


def hostport(host: str, port: int) -> str:
    """``host:port``, with an IPv6 host in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
