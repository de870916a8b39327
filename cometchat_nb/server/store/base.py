"""What every table module of the store shares: the connection, transactions and
the JSON-in-TEXT helpers.

Each table group (``users.py``, ``groups.py``, ``messages.py``, ``receipts.py``)
is a mixin class over :class:`Tables`; :class:`~cometchat_nb.server.store.Store`
combines them on one connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

__all__ = ["JSON", "Tables", "dump", "like", "load", "transaction"]

JSON = dict[str, Any]


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One atomic, committed transaction on ``db`` (opened with ``isolation_level=None``);
    nested use joins the outer transaction."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class Tables:
    """Base of the table mixins: one ``sqlite3`` connection in autocommit mode."""

    _db: sqlite3.Connection

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one atomic, committed transaction."""
        with transaction(self._db):
            yield


def dump(value: Any) -> str | None:
    """A JSON column value (``None`` stays NULL)."""
    return None if value is None else orjson.dumps(value).decode()


def load(text: str | None) -> Any:
    """The value of a JSON column."""
    return None if text is None else orjson.loads(text)


def like(term: str) -> str:
    """A ``LIKE … ESCAPE '\\'`` pattern matching ``term`` anywhere, wildcards escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
