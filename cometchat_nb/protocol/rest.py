"""CometChat REST v3 conventions (sans-I/O): endpoints, headers, envelopes, URLs.

* :data:`ENDPOINTS` is the endpoint table (protocol.md §3.3). Paths are
  relative to a base URL; fill them with :func:`endpoint_path`.
* :func:`client_headers` / :func:`admin_headers` build the exact header set
  the JS SDK sends (``appId``, ``resource``, ``sdk``, ``authToken`` or
  ``apiKey``).
* Bodies are wrapped as ``{"data": ..., "meta"?: ...}`` on success and
  ``{"error": {"code", "message", "details"?}}`` on failure. The HTTP status is
  informative only; :func:`parse_envelope` decides from the JSON alone, as the
  JS SDK does, and :func:`ok` / :func:`error` build both shapes.
* :class:`Hosts` says where REST and the socket live. Before ``PUT me`` it
  comes from the cloud templates or ``overrideClientHost``/``overrideAdminHost``
  (:func:`initial_hosts`); afterwards from the server's ``settings`` object
  (:meth:`ServerSettings.hosts`), which is authoritative.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, urlencode, urlsplit

from .._version import __version__
from ..errors import InvalidArgumentError, ProtocolError, error_from_wire, short_repr
from ..settings import REGIONS

__all__ = [
    "API_VERSION",
    "ENDPOINTS",
    "REGIONS",
    "SDK_HEADER",
    "SETTINGS_TLS_KEY",
    "SETTINGS_TLS_KEY_OLD",
    "Cursor",
    "Endpoint",
    "Hosts",
    "Meta",
    "Multipart",
    "Pagination",
    "ServerSettings",
    "admin_headers",
    "client_headers",
    "cloud_hosts",
    "endpoint_path",
    "error",
    "initial_hosts",
    "normalize_override",
    "ok",
    "parse_envelope",
    "query_string",
]

JSON = dict[str, Any]

API_VERSION: Final = "v3.0"
SDK_HEADER: Final = f"python@{__version__}"
#: Key our embedded server sets in ``settings`` (false: plain http/ws, no TLS): the
#: official JS SDK's own settings key for it (``APP_SETTINGS.KEYS.CHAT_USE_SSL``).
#: Absent (the CometChat cloud) means TLS, the JS SDK's hard-coded default.
SETTINGS_TLS_KEY: Final = "CHAT_USE_SSL"
#: The key earlier versions of the embedded server sent instead; still read.
SETTINGS_TLS_KEY_OLD: Final = "CHAT_USE_TLS"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One REST endpoint: method, path template, and which key authorises it."""

    name: str
    method: str
    path: str
    admin: bool = False

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.path) if f)


def _table(*rows: Endpoint) -> dict[str, Endpoint]:
    return {e.name: e for e in rows}


ENDPOINTS: Final = _table(
    Endpoint("authToken", "POST", "users/{uid}/auth_tokens", admin=True),
    Endpoint("createUser", "POST", "users", admin=True),
    Endpoint("updateUser", "PUT", "users/{uid}", admin=True),
    Endpoint("updateMyDetails", "PUT", "me"),
    Endpoint("getMyDetails", "GET", "me"),
    Endpoint("userLogout", "DELETE", "me"),
    Endpoint("appSettings", "GET", "settings"),
    Endpoint("userSessions", "POST", "user_sessions"),
    Endpoint("users", "GET", "users"),
    Endpoint("user", "GET", "users/{uid}"),
    Endpoint("sendMessage", "POST", "messages"),
    Endpoint("getMessages", "GET", "messages"),
    Endpoint("getMessage", "GET", "messages/{messageId}"),
    Endpoint("updateMessage", "PUT", "messages/{messageId}"),
    Endpoint("deleteMessage", "DELETE", "messages/{messageId}"),
    Endpoint("getUserMessages", "GET", "users/{uid}/messages"),
    Endpoint("getGroupMessages", "GET", "groups/{guid}/messages"),
    Endpoint("groups", "GET", "groups"),
    Endpoint("createGroup", "POST", "groups"),
    Endpoint("group", "GET", "groups/{guid}"),
    Endpoint("joinGroup", "POST", "groups/{guid}/members"),
    Endpoint("leaveGroup", "DELETE", "groups/{guid}/members"),
    Endpoint("kickGroupMembers", "DELETE", "groups/{guid}/members/{uid}"),
    Endpoint("groupMembers", "GET", "groups/{guid}/members"),
    # message features (issue 14): threads and reactions (README "Message features")
    Endpoint("sendMessageInThread", "POST", "messages/{messageId}/thread"),
    Endpoint("getThreadMessages", "GET", "messages/{messageId}/thread"),
    Endpoint("addReaction", "POST", "messages/{messageId}/reactions/{reaction}"),
    Endpoint("removeReaction", "DELETE", "messages/{messageId}/reactions/{reaction}"),
    Endpoint("getReactions", "GET", "messages/{messageId}/reactions"),
    Endpoint("getReactionsOfType", "GET", "messages/{messageId}/reactions/{reaction}"),
    # issue 15: blocking, group administration (names as the JS SDK's makeApiCall)
    Endpoint("blockUsers", "POST", "blockedusers"),
    Endpoint("unblockUsers", "DELETE", "blockedusers"),
    Endpoint("blockedUsers", "GET", "blockedusers"),
    Endpoint("updateGroup", "PUT", "groups/{guid}"),
    Endpoint("deleteGroup", "DELETE", "groups/{guid}"),
    Endpoint("addMembersToGroup", "PUT", "groups/{guid}/members"),
    Endpoint("changeScopeOfMember", "PUT", "groups/{guid}/members/{uid}"),
    Endpoint("banGroupMember", "POST", "groups/{guid}/bannedusers/{uid}"),
    Endpoint("unbanGroupMember", "DELETE", "groups/{guid}/bannedusers/{uid}"),
    Endpoint("bannedGroupMembers", "GET", "groups/{guid}/bannedusers"),
    Endpoint("transferOwnership", "PATCH", "groups/{guid}/owner"),
    # the official SDK posts it to https://{CHAT_HOST}/api/{WS_API_VERSION}/… with the socket JWT;
    # the embedded server also answers it on the REST host (README "Online counts")
    Endpoint("onlineMembers", "POST", "api/{wsApiVersion}/online-members"),
    # conversations (issue 13): the official SDK's endpoint names
    Endpoint("conversations", "GET", "conversations"),
    Endpoint("getUserConversation", "GET", "users/{uid}/conversation"),
    Endpoint("getGroupConversation", "GET", "groups/{guid}/conversation"),
    Endpoint("updateUserConversation", "PUT", "users/{uid}/conversation"),
    Endpoint("updateGroupConversation", "PUT", "groups/{guid}/conversation"),
    Endpoint("deleteUserConversation", "DELETE", "users/{uid}/conversation"),
    Endpoint("deleteGroupConversation", "DELETE", "groups/{guid}/conversation"),
    Endpoint("markUserConversationAsRead", "POST", "users/{uid}/conversation/read"),
    Endpoint("markGroupConversationAsRead", "POST", "groups/{guid}/conversation/read"),
    Endpoint("markUserConversationAsDelivered", "POST", "users/{uid}/conversation/delivered"),
    Endpoint("markGroupConversationAsDelivered", "POST", "groups/{guid}/conversation/delivered"),
    Endpoint("markUserMessagesAsUnread", "DELETE", "users/{uid}/conversation/read"),
    Endpoint("markGroupMessagesAsUnread", "DELETE", "groups/{guid}/conversation/read"),
)


@dataclass(frozen=True, slots=True)
class Multipart:
    """A ``multipart/form-data`` request body (``sendMediaMessage``): form fields
    in order (a name may repeat: ``tags[]``) and files as ``(field, name,
    content, mime type)``. Passed as ``body``; the client then sends no
    ``Content-Type`` of its own, as the JS SDK does, so the boundary is set."""

    fields: tuple[tuple[str, str], ...]
    files: tuple[tuple[str, str, bytes, str], ...] = ()


def endpoint_path(name: str, **params: str) -> str:
    """The path of endpoint ``name`` with its ``{placeholders}`` filled (URL-quoted)."""
    try:
        ep = ENDPOINTS[name]
    except KeyError:
        raise InvalidArgumentError(f"unknown endpoint {name!r}") from None
    missing = [p for p in ep.params if not params.get(p)]
    if missing:
        raise InvalidArgumentError(f"endpoint {name!r} needs {', '.join(missing)}")
    return ep.path.format(**{k: quote(str(v), safe="") for k, v in params.items()})


def query_string(params: dict[str, Any]) -> str:
    """``?k=v&…`` for GET parameters (``None`` dropped, lists comma-joined, bools lower-case)."""
    items: list[tuple[str, str]] = []
    for k, v in params.items():
        if v is None:
            continue
        if isinstance(v, bool):
            items.append((k, "true" if v else "false"))
        elif isinstance(v, (list, tuple)):
            items.append((k, ",".join(str(x) for x in v)))
        else:
            items.append((k, str(v)))
    return "?" + urlencode(items) if items else ""


# ----------------------------------------------------------------------------
# headers


def _common_headers(app_id: str, resource: str) -> dict[str, str]:
    return {
        "appId": app_id,
        "resource": resource,
        "sdk": SDK_HEADER,
        "Accept": "application/json",
        "Content-Type": "application/json",
    }


def client_headers(app_id: str, resource: str, auth_token: str) -> dict[str, str]:
    """Headers of a client-API call (user endpoints)."""
    h = _common_headers(app_id, resource)
    h["authToken"] = auth_token
    return h


def admin_headers(app_id: str, resource: str, api_key: str) -> dict[str, str]:
    """Headers of an admin-API call (``authToken``, ``createUser``, ``updateUser``)."""
    h = _common_headers(app_id, resource)
    h["apiKey"] = api_key
    return h


# ----------------------------------------------------------------------------
# envelopes


def ok(data: Any, meta: JSON | None = None) -> JSON:
    """A success envelope."""
    out: JSON = {"data": data}
    if meta is not None:
        out["meta"] = meta
    return out


def error(code: str, message: str, details: Any = None) -> JSON:
    """An error envelope."""
    err: JSON = {"code": code, "message": message}
    if details is not None:
        err["details"] = details
    return {"error": err}


def parse_envelope(obj: Any) -> tuple[Any, JSON]:
    """Split a decoded response body into ``(data, meta)``.

    Raises the matching :class:`CometChatException` subclass for an
    ``{"error"}`` envelope (see :func:`~cometchat_nb.errors.error_from_wire`)
    and :class:`ProtocolError` for a body that is neither.
    """
    if isinstance(obj, dict):
        if "data" in obj:
            meta = obj.get("meta")
            return obj["data"], meta if isinstance(meta, dict) else {}
        if "error" in obj:
            raise error_from_wire(obj["error"])
    raise ProtocolError(f"response is neither a data nor an error envelope: {short_repr(obj)}")


@dataclass(frozen=True, slots=True)
class Pagination:
    total: int = 0
    count: int = 0
    per_page: int = 0
    current_page: int = 1
    total_pages: int = 1

    def to_wire(self) -> JSON:
        return {
            "total": self.total,
            "count": self.count,
            "per_page": self.per_page,
            "current_page": self.current_page,
            "total_pages": self.total_pages,
        }


@dataclass(frozen=True, slots=True)
class Cursor:
    affix: str = "prepend"
    sent_at: int | None = None
    id: str | None = None

    def to_wire(self) -> JSON:
        out: JSON = {"affix": self.affix}
        if self.sent_at is not None:
            out["sentAt"] = self.sent_at
        if self.id is not None:
            out["id"] = self.id
        return out


@dataclass(frozen=True, slots=True)
class Meta:
    """``meta`` of a list response: pagination and (for messages) the cursor."""

    pagination: Pagination = field(default_factory=Pagination)
    cursor: Cursor | None = None

    @classmethod
    def from_wire(cls, meta: Any) -> Meta:
        if not isinstance(meta, dict):
            return cls()
        p = meta.get("pagination")
        pag = Pagination()
        if isinstance(p, dict):
            pag = Pagination(
                total=_int(p.get("total"), 0),
                count=_int(p.get("count"), 0),
                per_page=_int(p.get("per_page"), 0),
                current_page=_int(p.get("current_page"), 1),
                total_pages=_int(p.get("total_pages"), 1),
            )
        c = meta.get("cursor")
        cur = None
        if isinstance(c, dict):
            cid = c.get("id")
            affix = c.get("affix")
            cur = Cursor(
                affix=affix if isinstance(affix, str) and affix else "prepend",
                sent_at=_int(c.get("sentAt"), 0) if c.get("sentAt") is not None else None,
                id=str(cid) if isinstance(cid, (str, int)) and not isinstance(cid, bool) else None,
            )
        return cls(pagination=pag, cursor=cur)

    def to_wire(self) -> JSON:
        out: JSON = {"pagination": self.pagination.to_wire()}
        if self.cursor is not None:
            out["cursor"] = self.cursor.to_wire()
        return out


def _int(v: Any, default: int) -> int:
    if isinstance(v, bool):
        return default
    if isinstance(v, int):
        return v
    if isinstance(v, float) and math.isfinite(v):
        return int(v)
    if isinstance(v, str):
        digits = v[1:] if v.startswith("-") else v
        if digits.isascii() and digits.isdigit():  # not "--5" or "²": int() refuses both
            return int(v)
    return default


def _port(v: Any) -> int | None:
    """A TCP port from JSON (``8443``, ``8443.0`` or ``"8443"``), else None."""
    if isinstance(v, bool):
        return None
    if (isinstance(v, float) and v.is_integer()) or (isinstance(v, str) and v.isascii() and v.isdigit()):
        v = int(v)
    return v if isinstance(v, int) and 0 < v < 65536 else None


# ----------------------------------------------------------------------------
# hosts


@dataclass(frozen=True, slots=True)
class Hosts:
    """Base URLs: ``client``/``admin`` REST bases (endpoint paths are appended
    after a ``/``) and the socket URL (``None`` until the server's settings
    are known)."""

    client: str
    admin: str
    websocket: str | None = None

    def url(self, endpoint: Endpoint | str, **params: str) -> str:
        """Full URL of ``endpoint`` (a name in :data:`ENDPOINTS` or an :class:`Endpoint`)."""
        if isinstance(endpoint, str):
            ep = ENDPOINTS.get(endpoint)
            if ep is None:
                raise InvalidArgumentError(f"unknown endpoint {endpoint!r}")
        else:
            ep = endpoint
        base = self.admin if ep.admin else self.client
        return f"{base.rstrip('/')}/{endpoint_path(ep.name, **params)}"


def cloud_hosts(app_id: str, region: str) -> Hosts:
    """The CometChat cloud's URLs for an app (protocol.md §2.1).

    Region ``private`` is replaced by the app id, as the JS SDK's ``init()`` does.
    """
    if not app_id:
        raise InvalidArgumentError("AppID cannot be empty. Please specify a valid appID.")
    r = region.lower()
    if r == "private":
        r = app_id
    return Hosts(
        client=f"https://{app_id}.apiclient-{r}.cometchat.io/{API_VERSION}",
        admin=f"https://{app_id}.api-{r}.cometchat.io/{API_VERSION}",
    )


def normalize_override(host: str) -> str:
    """``overrideClientHost`` value → base URL.

    ``host:port[/path]`` becomes ``https://host:port[/path]`` (the JS SDK's
    rule: no version prefix is added); a value with a scheme
    (``http://127.0.0.1:8080/v3.0``) is used as given. A trailing ``/`` is
    dropped. Anything else (no host, a bad port, whitespace, another scheme)
    raises :class:`InvalidArgumentError`.
    """
    h = host.strip()
    if not h:
        raise InvalidArgumentError("host override must not be empty")
    if "://" not in h:
        h = "https://" + h
    bad = InvalidArgumentError(f"host override {host!r} is not host[:port][/path] or an http(s) URL")
    if any(c.isspace() for c in h):
        raise bad
    parts = urlsplit(h)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad
    try:
        parts.port  # noqa: B018 - validates it: "host:abc" or "host:99999" raise ValueError
    except ValueError:
        raise bad from None
    return h.rstrip("/")


def initial_hosts(
    app_id: str,
    region: str,
    client_override: str | None = None,
    admin_override: str | None = None,
) -> Hosts:
    """Hosts before ``PUT me`` answers: overrides win, else the cloud templates."""
    cloud = cloud_hosts(app_id, region)
    return Hosts(
        client=normalize_override(client_override) if client_override else cloud.client,
        admin=normalize_override(admin_override) if admin_override else cloud.admin,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerSettings:
    """The ``settings`` object of ``PUT me`` / ``GET settings``.

    Only the keys this SDK uses are typed; everything is kept in ``raw``.
    """

    client_api_host: str
    admin_api_host: str
    chat_api_version: str = API_VERSION
    chat_host: str
    chat_wss_port: int
    tls: bool = True
    mode: str = "DEFAULT"
    app_version: int = 4
    region: str | None = None
    raw: JSON = field(default_factory=dict)

    @classmethod
    def from_wire(cls, obj: Any) -> ServerSettings:
        if not isinstance(obj, dict):
            raise ProtocolError("settings must be a JSON object")

        def need(key: str) -> Any:
            v = obj.get(key)
            if v is None or v == "":
                raise ProtocolError(f"settings is missing {key!r}")
            return v

        chat_host = obj.get("CHAT_HOST_OVERRIDE") or obj.get("CHAT_HOST_APP_SPECIFIC") or need("CHAT_HOST")
        port = need("CHAT_WSS_PORT")
        port_i = _port(port)
        if port_i is None:
            raise ProtocolError(f"settings CHAT_WSS_PORT is not a port: {short_repr(port)}")
        tls = obj.get(SETTINGS_TLS_KEY, obj.get(SETTINGS_TLS_KEY_OLD, True))
        return cls(
            client_api_host=str(need("CLIENT_API_HOST")),
            admin_api_host=str(need("ADMIN_API_HOST")),
            chat_api_version=str(obj.get("CHAT_API_VERSION") or API_VERSION),
            chat_host=str(chat_host),
            chat_wss_port=port_i,
            tls=tls is not False and tls != "false",
            mode=str(obj.get("MODE") or "DEFAULT"),
            app_version=_int(obj.get("APP_VERSION"), 0),
            region=str(obj["REGION"]) if obj.get("REGION") else None,
            raw=obj,
        )

    def hosts(self) -> Hosts:
        """REST bases and socket URL as the JS SDK derives them (§2.2, §2.3)."""
        http = "https" if self.tls else "http"
        ws = "wss" if self.tls else "ws"
        return Hosts(
            client=f"{http}://{self.client_api_host}/{self.chat_api_version}",
            admin=f"{http}://{self.admin_api_host}/{self.chat_api_version}",
            websocket=f"{ws}://{self.chat_host}:{self.chat_wss_port}",
        )

    @property
    def transient_allowed(self) -> bool:
        """False under ``MODE`` LIMITED_TRANSIENT/NO_TRANSIENT (no typing/receipts)."""
        return self.mode == "DEFAULT"
