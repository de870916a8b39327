"""Typed reads of decoded JSON: ``ProtocolError`` instead of ``KeyError``, lenient where CometChat is.

``required_*`` raise :class:`~cometchat_nb.errors.ProtocolError` naming the field;
``lenient_*`` return None for a missing *or* malformed value (a field the SDK
can live without must not make a whole message unreadable). The server has its
own, strict readers of request bodies (:mod:`cometchat_nb.server.params`).
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ErrorCode, InvalidArgumentError, ProtocolError, short_repr
from .constants import RECEIVER_TYPES

__all__ = [
    "JSON",
    "as_object",
    "check_receiver_type",
    "lenient_dict",
    "lenient_int",
    "lenient_list",
    "lenient_str",
    "put",
    "required_str",
]

JSON = dict[str, Any]


def as_object(value: Any, what: str) -> JSON:
    """``value`` if it is a JSON object, else ``ProtocolError`` naming ``what``."""
    if not isinstance(value, dict):
        raise ProtocolError(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def required_str(obj: JSON, key: str, what: str) -> str:
    """``obj[key]`` as a non-empty string (an int is taken as its digits), else ``ProtocolError``."""
    value = obj.get(key)
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None:
        raise ProtocolError(f"{what} is missing required field {key!r}")
    if value == "":
        raise ProtocolError(f"{what} field {key!r} must not be empty")
    raise ProtocolError(f"{what} field {key!r} must be a string, got {type(value).__name__}")


def lenient_str(obj: JSON, key: str) -> str | None:
    """``obj[key]`` as a string (a number as its text); None if absent or of another type."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def lenient_int(obj: JSON, key: str) -> int | None:
    """``obj[key]`` as an int (a finite float truncated, a decimal string parsed); None otherwise."""
    value = obj.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):  # json.loads accepts Infinity/NaN
        return int(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():  # not "²": int() refuses it
        return int(value)
    return None


def lenient_dict(obj: JSON, key: str) -> JSON | None:
    """``obj[key]`` if it is a JSON object, else None."""
    value = obj.get(key)
    return value if isinstance(value, dict) else None


def lenient_list(obj: JSON, key: str) -> list[str] | None:
    """``obj[key]`` as a list of strings if it is a list, else None."""
    value = obj.get(key)
    if isinstance(value, list):
        return [str(v) for v in value]
    return None


def put(out: JSON, key: str, value: Any) -> None:
    """``out[key] = value`` unless ``value`` is None (the wire leaves absent fields out)."""
    if value is not None:
        out[key] = value


def check_receiver_type(value: str) -> str:
    """``value`` if it is ``user`` or ``group``, else ``InvalidArgumentError`` (``INVALID_RECEIVER_TYPE``)."""
    if not isinstance(value, str) or value not in RECEIVER_TYPES:
        raise InvalidArgumentError(
            f"receiverType must be 'user' or 'group', got {short_repr(value)}",
            code=ErrorCode.INVALID_RECEIVER_TYPE,
        )
    return value
