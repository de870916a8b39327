"""Errors raised by cometchat_nb.

Every error is a :class:`CometChatException` carrying the CometChat-style
``code`` (machine readable, e.g. ``"AUTH_ERR_AUTH_TOKEN_NOT_FOUND"``), a
human ``message`` and optional ``details``, exactly like the JS SDK's
``CometChatException``. Subclasses let Python code catch a family::

    CometChatException
     ├── ProtocolError          a frame or body that breaks the wire protocol
     ├── ApiError               the server answered {"error": {...}}
     │    └── AuthError         credentials refused (terminal: never retried)
     ├── TransportError         network failure / server unreachable (FAILED_TO_FETCH)
     ├── NotConnectedError      needs the web-socket (NO_WEBSOCKET_CONNECTION)
     ├── StateError             call not allowed in the current state
     │                          (not initialised, not logged in, closed client …)
     ├── InvalidArgumentError   a bad argument (MISSING_PARAMETERS, …)
     └── TimeoutError           an operation did not finish in time

The ``code`` strings are collected in :class:`ErrorCode` so callers can
compare against constants instead of literals.
"""

from __future__ import annotations

import builtins
import reprlib
from typing import Any

__all__ = [
    "ApiError",
    "AuthError",
    "CometChatException",
    "ErrorCode",
    "InvalidArgumentError",
    "NotConnectedError",
    "ProtocolError",
    "StateError",
    "TimeoutError",
    "TransportError",
    "error_from_wire",
    "short_repr",
]


class ErrorCode:
    """CometChat error codes used by this package (client and server side)."""

    # Client side (names as in the CometChat JS SDK docs).
    MISSING_PARAMETERS = "MISSING_PARAMETERS"
    INVALID_PARAMETER = "ERR_INVALID_PARAMETER"
    NOT_INITIALIZED = "COMETCHAT_INITIALIZATION_NOT_DONE"
    USER_NOT_LOGGED_IN = "USER_NOT_LOGGED_IN"
    LOGIN_IN_PROGRESS = "LOGIN_IN_PROGRESS"
    NO_WEBSOCKET_CONNECTION = "NO_WEBSOCKET_CONNECTION"
    FAILED_TO_FETCH = "FAILED_TO_FETCH"
    WS_CONNECTION_FAIL = "WS_CONNECTION_FAIL"
    WS_AUTH_FAIL = "WS_AUTH_FAIL"
    INVALID_RECEIVER_TYPE = "INVALID_RECEIVER_TYPE"
    PROTOCOL_ERROR = "ERR_PROTOCOL"
    TIMEOUT = "ERR_TIMEOUT"
    CLIENT_CLOSED = "ERR_CLIENT_CLOSED"
    WRONG_THREAD = "ERR_WRONG_THREAD"
    QUEUE_FULL = "ERR_QUEUE_FULL"
    GAVE_UP = "ERR_RECONNECT_GAVE_UP"
    INVALID_REGION = "ERR_INVALID_REGION"
    INVALID_STATE_TRANSITION = "ERR_INVALID_STATE_TRANSITION"
    TLS_VERIFY = "ERR_TLS_VERIFY"
    UNKNOWN = "ERR_UNKNOWN"
    # Server side (names as in CometChat's REST API error guide).
    EMPTY_APPID = "AUTH_ERR_EMPTY_APPID"
    INVALID_APPID = "AUTH_ERR_INVALID_APPID"
    EMPTY_APIKEY = "AUTH_ERR_EMPTY_APIKEY"
    APIKEY_NOT_FOUND = "AUTH_ERR_APIKEY_NOT_FOUND"
    EMPTY_AUTH_TOKEN = "AUTH_ERR_EMPTY_AUTH_TOKEN"
    AUTH_TOKEN_NOT_FOUND = "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"
    UID_NOT_FOUND = "ERR_UID_NOT_FOUND"
    UID_ALREADY_EXISTS = "ERR_UID_ALREADY_EXISTS"
    GUID_NOT_FOUND = "ERR_GUID_NOT_FOUND"
    GUID_ALREADY_EXISTS = "ERR_GUID_ALREADY_EXISTS"
    NOT_A_MEMBER = "ERR_NOT_A_MEMBER"
    ALREADY_JOINED = "ERR_ALREADY_JOINED"
    # the REST error guide (https://www.cometchat.com/docs/articles/error-guide) spells it PASS
    WRONG_GROUP_PASSWORD = "ERR_WRONG_GROUP_PASS"
    # Groups and blocking (issue 15; codes and meanings from the same error guide).
    GROUP_JOIN_NOT_ALLOWED = "ERR_GROUP_JOIN_NOT_ALLOWED"  # joining a private group
    GROUP_NO_CLEARANCE = "ERR_GROUP_NO_CLEARANCE"  # the actor's scope does not reach the target's
    GROUP_NO_ADMIN_SCOPE = "ERR_GROUP_NO_ADMIN_SCOPE"  # an action for admins only
    GROUP_NO_MODERATOR_SCOPE = "ERR_GROUP_NO_MODERATOR_SCOPE"  # an action for moderators and admins
    GROUP_NO_SCOPE_CLEARANCE = "ERR_GROUP_NO_SCOPE_CLEARANCE"  # may not change that member's scope
    GROUP_NO_SELF_ACTION = "ERR_GROUP_NO_SELF_ACTION"  # kicking, banning, re-scoping oneself
    SAME_SCOPE = "ERR_SAME_SCOPE"
    ALREADY_BANNED = "ERR_ALREADY_BANNED"
    NOT_A_BANNED_USER = "ERR_NOT_A_BANNED_USER"
    BANNED_GROUPMEMBER = "ERR_BANNED_GROUPMEMBER"  # a banned user joining or being added
    CANNOT_BLOCK_SELF = "ERR_CANNOT_BLOCK_SELF"
    BLOCKED_RECEIVER = "ERR_BLOCKED_RECEIVER"  # the sender has blocked the receiver
    BLOCKED_SENDER = "ERR_BLOCKED_SENDER"  # the receiver has blocked the sender
    EMPTY_USERS_LIST = "EMPTY_USERS_LIST"  # blockUsers([]) (the JS SDK's USERS_REQUEST_ERRORS)
    MESSAGE_ID_NOT_FOUND = "ERR_MESSAGE_ID_NOT_FOUND"
    CONVERSATION_NOT_FOUND = "ERR_CONVERSATION_NOT_FOUND"
    PERMISSION_DENIED = "ERR_PERMISSION_DENIED"
    BAD_REQUEST = "ERR_BAD_REQUEST"
    PAYLOAD_TOO_LARGE = "ERR_PAYLOAD_TOO_LARGE"
    ENDPOINT_NOT_FOUND = "ERR_ENDPOINT_NOT_FOUND"
    METHOD_NOT_ALLOWED = "ERR_METHOD_NOT_ALLOWED"
    INTERNAL = "ERR_INTERNAL_SERVER_ERROR"
    SERVICE_UNAVAILABLE = "ERR_SERVICE_UNAVAILABLE"
    # Media uploads (the JS SDK's own MEDIA_UPLOAD_ERRORS codes).
    FILE_SIZE_EXCEEDED = "ERR_FILE_SIZE_EXCEEDED"
    FILE_COUNT_EXCEEDED = "ERR_FILE_COUNT_EXCEEDED"


#: Server error codes that mean "your credentials are not valid": the client
#: treats them as terminal (no retry storm) and drops the stored session.
AUTH_ERROR_CODES = frozenset(
    {
        ErrorCode.EMPTY_APPID,
        ErrorCode.INVALID_APPID,
        ErrorCode.EMPTY_APIKEY,
        ErrorCode.APIKEY_NOT_FOUND,
        ErrorCode.EMPTY_AUTH_TOKEN,
        ErrorCode.AUTH_TOKEN_NOT_FOUND,
        ErrorCode.WS_AUTH_FAIL,
    }
)


class CometChatException(Exception):  # noqa: N818 - CometChat API name
    """Root of every error raised by cometchat_nb.

    Mirrors the JS SDK's ``CometChatException``: ``code``, ``name``,
    ``message`` and ``details`` (the JS getters ``getCode()`` etc. work too).
    """

    default_code = ErrorCode.UNKNOWN

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Any = None,
        name: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code: str = code or self.default_code
        self.message: str = message
        self.details: Any = details
        self.name: str = name or self.code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def to_dict(self) -> dict[str, Any]:
        """The ``{"code", "message", "details"?}`` shape used on the wire."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            out["details"] = self.details
        return out

    # the JS SDK's getters (aliased in camelCase below), so ported snippets keep working
    def get_code(self) -> str:
        return self.code

    def get_message(self) -> str:
        return self.message

    def get_details(self) -> Any:
        return self.details

    def get_name(self) -> str:
        return self.name

    # camelCase aliases -------------------------------------------------------------
    getCode = get_code
    getMessage = get_message
    getDetails = get_details
    getName = get_name


class ProtocolError(CometChatException):
    """Input that breaks the wire protocol (malformed frame, bad envelope)."""

    default_code = ErrorCode.PROTOCOL_ERROR


class ApiError(CometChatException):
    """The server answered with an ``{"error": {...}}`` envelope."""


class AuthError(ApiError):
    """Credentials were refused. Terminal: the SDK does not retry it."""


class TransportError(CometChatException):
    """The server could not be reached or the connection broke."""

    default_code = ErrorCode.FAILED_TO_FETCH


class NotConnectedError(CometChatException):
    """The operation needs a connected web-socket."""

    default_code = ErrorCode.NO_WEBSOCKET_CONNECTION


class StateError(CometChatException):
    """The call is not allowed in the current state (the message says which)."""

    default_code = ErrorCode.USER_NOT_LOGGED_IN


class InvalidArgumentError(CometChatException, ValueError):
    """An argument is missing or invalid."""

    default_code = ErrorCode.MISSING_PARAMETERS


class TimeoutError(CometChatException, builtins.TimeoutError):  # noqa: A001
    """An operation did not complete within its timeout."""

    default_code = ErrorCode.TIMEOUT


_SHORT = reprlib.Repr()
_SHORT.maxlevel = 3
_SHORT.maxstring = 80
_SHORT.maxother = 80
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 6


def short_repr(value: Any) -> str:
    """A bounded ``repr`` for error messages.

    Depth, length and item count are capped, so a huge or deeply nested value
    received from the network can neither flood a log line nor hit the
    recursion limit while an error message is being built.
    """
    text = _SHORT.repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def error_from_wire(obj: Any) -> CometChatException:
    """Build the right exception from an ``{"code", "message", ...}`` object.

    Unknown or partial shapes still give a usable exception, never a KeyError.
    """
    if not isinstance(obj, dict):
        return ProtocolError(f"error envelope is not an object: {short_repr(obj)}")
    code = obj.get("code")
    code_s = _text(code) if code is not None else ErrorCode.UNKNOWN
    message = obj.get("message")
    message_s = _text(message) if message is not None else code_s
    cls: type[ApiError] = AuthError if code_s in AUTH_ERROR_CODES else ApiError
    name = obj.get("name")
    return cls(
        message_s,
        code=code_s,
        details=obj.get("details"),
        name=_text(name) if name is not None else None,
    )


def _text(value: Any) -> str:
    # JSON scalars keep their text; containers (never valid here) are shown briefly
    return value if isinstance(value, str) else short_repr(value)
