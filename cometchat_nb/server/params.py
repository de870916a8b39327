"""Reading request parameters: JSON body fields and query strings, checked and
converted, each failure an ``ERR_BAD_REQUEST`` naming the offending field.

``body_*`` read a field of a JSON object body; a missing or ``null`` field is
``None`` (the caller's default applies) and a wrong type or length raises.
``query_*`` read a query-string parameter. None of them touches the store.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Final

from ..errors import ApiError, ErrorCode
from ..protocol.rest import Pagination
from .config import INT64_MAX, MAX_NAME, PER_PAGE_DEFAULT, PER_PAGE_MAX

__all__ = [
    "JSON",
    "bad_request",
    "body_bool",
    "body_id",
    "body_metadata",
    "body_object",
    "body_str",
    "body_tags",
    "page_offset",
    "pagination",
    "query_bool",
    "query_int",
    "query_list",
    "query_optional_int",
    "query_page",
]

JSON = dict[str, Any]

_ID_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,100}\Z")


def bad_request(message: str) -> ApiError:
    """An ``ERR_BAD_REQUEST`` (HTTP 400) to raise."""
    return ApiError(message, code=ErrorCode.BAD_REQUEST)


# -- JSON body ------------------------------------------------------------------------
def body_str(body: Mapping[str, Any], key: str, *, max_len: int = MAX_NAME) -> str | None:
    """An optional string of at most ``max_len`` characters."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"'{key}' must be a string")
    if len(value) > max_len:
        raise bad_request(f"'{key}' is longer than {max_len} characters")
    return value


def body_id(body: Mapping[str, Any], key: str) -> str:
    """A required uid/guid: 1-100 letters, digits, ``_`` or ``-`` (an integer is taken as its digits)."""
    value = body.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise bad_request(f"'{key}' is required and must be a non-empty string")
    if not _ID_RE.match(value):
        raise bad_request(f"'{key}' must be 1-100 characters of letters, digits, '_' or '-'")
    return value


def body_object(body: Mapping[str, Any], key: str, where: str = "") -> JSON | None:
    """An optional JSON object (``where`` prefixes the field's name in the message, e.g. ``data.``)."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(f"'{where}{key}' must be a JSON object")
    return value


def body_metadata(body: Mapping[str, Any], data: Mapping[str, Any]) -> JSON | None:
    """``data.metadata`` (as the JS SDK sends it), else a top-level ``metadata``."""
    if "metadata" in data:
        return body_object(data, "metadata", "data.")
    return body_object(body, "metadata")


def body_tags(body: Mapping[str, Any], key: str = "tags") -> list[str] | None:
    """An optional list of strings."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise bad_request(f"'{key}' must be a list of strings")
    return list(value)


def body_bool(body: Mapping[str, Any], key: str) -> bool:
    """An optional boolean (absent: ``False``); a string or number is refused."""
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise bad_request(f"'{key}' must be a boolean")
    return value


# -- query string -------------------------------------------------------------------
def query_optional_int(query: Mapping[str, str], key: str, *, lo: int = 0) -> int | None:
    """An integer ``>= lo``, or ``None`` when absent or empty; values past SQLite's range are clamped."""
    raw = query.get(key)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"query parameter '{key}' must be an integer") from None
    if value < lo:
        raise bad_request(f"query parameter '{key}' must be >= {lo}")
    return min(value, INT64_MAX)  # ids and times beyond SQLite's range: same answer as the maximum


def query_int(query: Mapping[str, str], key: str, default: int, *, hi: int | None = None) -> int:
    """A positive integer parameter; values above ``hi`` are clamped to it."""
    value = query_optional_int(query, key, lo=1)
    if value is None:
        return default
    return min(value, hi) if hi is not None else value


def query_bool(query: Mapping[str, str], key: str) -> bool:
    """``1``, ``true`` or ``yes`` (any case) is true; anything else, or nothing, false."""
    return query.get(key, "").lower() in ("1", "true", "yes")


def query_list(query: Mapping[str, str], key: str) -> list[str]:
    """A comma-separated list, blanks dropped."""
    raw = query.get(key) or ""
    return [p.strip() for p in raw.split(",") if p.strip()]


def query_page(query: Mapping[str, str]) -> tuple[int, int]:
    """``(page, per_page)`` of a page-numbered list (``per_page`` clamped to the maximum)."""
    per_page = query_int(query, "per_page", PER_PAGE_DEFAULT, hi=PER_PAGE_MAX)
    page = query_int(query, "page", 1)
    return page, per_page


def page_offset(page: int, per_page: int) -> int:
    """Rows before ``page`` (1-based), clamped to what SQLite takes (a page past the end is empty)."""
    return min((page - 1) * per_page, INT64_MAX)


def pagination(total: int, count: int, per_page: int, page: int = 1) -> Pagination:
    """``meta.pagination`` of a list reply."""
    return Pagination(
        total=total,
        count=count,
        per_page=per_page,
        current_page=page,
        total_pages=math.ceil(total / per_page) if per_page else 0,
    )
