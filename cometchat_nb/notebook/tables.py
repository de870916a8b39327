"""Tables fetched page by page: the shared machinery of ``%cometchat_history`` and the
other "table" commands (conversations, users, groups, members …).

A table command is two steps, each one call here:

1. :func:`fetch_pages` calls a request's ``fetchNext``/``fetchPrevious`` page after
   page, with a :class:`~.progress.ProgressBar`, until a short page or ``pages``
   pages;
2. :func:`typed_frame` turns the models into a DataFrame from a tuple of
   :class:`Column` (name, kind, how to read it from a model), with real dtypes —
   ``string[pyarrow]``, categoricals, UTC timestamps, nullable integers and
   booleans — never ``object``.

For example, a users table::

    USER_COLUMNS = (
        Column("uid", "string", lambda u: u.uid),
        Column("name", "string", lambda u: u.name),
        Column("status", "category", lambda u: u.status),
        Column("last_active_at", "timestamp", lambda u: u.last_active_at),
    )
    request = CometChat.UsersRequestBuilder().setLimit(limit).build()
    users = fetch_pages(request.fetchNext, limit=limit, pages=pages, description="users", noun="users")
    return typed_frame(users, USER_COLUMNS)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Literal, TypeVar

import pandas as pd
import pyarrow as pa

from ..errors import ErrorCode, InvalidArgumentError
from .progress import Mode, ProgressBar

__all__ = ["Column", "ColumnKind", "fetch_pages", "typed_frame"]

T = TypeVar("T")

ColumnKind = Literal["string", "category", "timestamp", "int", "float", "bool"]
"""The dtype of a :class:`Column`: ``string[pyarrow]``, ``category``,
``datetime64[ns, UTC]`` (from epoch seconds), ``Int64``, ``float64``, ``boolean``."""


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """One column of a :func:`typed_frame`: its name, its kind and how to read it from a model."""

    name: str
    kind: ColumnKind
    value: Callable[[Any], Any]


def fetch_pages(
    fetch: Callable[[], Sequence[T]],
    *,
    limit: int,
    pages: int,
    description: str,
    noun: str = "items",
    progress: Mode = "auto",
) -> list[T]:
    """Call ``fetch()`` (one page of up to ``limit`` items) up to ``pages`` times, stopping
    after a short page; returns every item in the order fetched.

    A progress bar counts the pages (``description``, and ``noun`` in its notes). On
    an error the bar says how far it got and the error propagates.
    """
    if isinstance(pages, bool) or not isinstance(pages, int) or pages < 1:
        raise InvalidArgumentError("pages must be >= 1", code=ErrorCode.INVALID_PARAMETER)
    found: list[T] = []
    bar = ProgressBar(pages, description, unit="pages", mode=progress)
    done = 0
    try:
        for page in range(pages):
            batch = fetch()
            found.extend(batch)
            done = page + 1
            bar.update(done, f"{len(found)} {noun}")
            if len(batch) < limit:
                break
    except BaseException:
        bar.close(f"{len(found)} {noun}, stopped after {done} pages", ok=False)
        raise
    bar.close(f"{len(found)} {noun} in {done} pages")
    return found


_EMPTY_CATEGORIES: Final = pd.CategoricalDtype(pd.Index([], dtype="str"))


def _series(values: list[Any], kind: ColumnKind) -> Any:
    if kind == "string":
        strings = pa.array([None if v is None else str(v) for v in values], type=pa.string())
        return pd.arrays.ArrowExtensionArray(strings)
    if kind == "category":
        strings = [None if v is None else str(v) for v in values]
        if all(v is None for v in strings):
            return pd.Categorical(strings, dtype=_EMPTY_CATEGORIES)
        return pd.Categorical(strings)
    if kind == "timestamp":
        return pd.to_datetime(pd.array(values, dtype="Float64"), unit="s", utc=True).as_unit("ns")
    if kind == "int":
        return pd.array(values, dtype="Int64")
    if kind == "float":
        return pd.array([float("nan") if v is None else v for v in values], dtype="float64")
    if kind == "bool":
        return pd.array(values, dtype="boolean")
    raise InvalidArgumentError(f"unknown column kind {kind!r}", code=ErrorCode.INVALID_PARAMETER)


def typed_frame(items: Iterable[Any], columns: Sequence[Column]) -> pd.DataFrame:
    """One row per item, one typed column per :class:`Column` (typed also when empty)."""
    rows = list(items)
    return pd.DataFrame(
        {c.name: _series([c.value(item) for item in rows], c.kind) for c in columns}, copy=False
    )
