"""Table ``blocked_users``: who blocked whom, and since when.

A row ``(uid, blocked)`` means ``uid`` blocked ``blocked``; the relation is
directed (each side may block the other). The rules of what a block stops
live in :mod:`cometchat_nb.server.service.blocking`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

from .base import JSON, Tables, like
from .users import USER_COLUMNS, user_from_row

__all__ = ["DIRECTIONS", "BlockTables", "Direction"]

#: ``GET blockedusers?direction=`` values (``BlockedUsersRequest.directions`` of the JS SDK).
Direction = Literal["blockedByMe", "hasBlockedMe", "both"]
DIRECTIONS: Final[tuple[Direction, ...]] = ("blockedByMe", "hasBlockedMe", "both")

_USER_COLS: Final = ", ".join(f"u.{c}" for c in USER_COLUMNS)


class BlockTables(Tables):
    """Blocked users."""

    def block(self, uid: str, others: Iterable[str], now: int) -> None:
        """``uid`` blocks each of ``others`` (already blocked: unchanged)."""
        rows = [(uid, other, now) for other in others]
        with self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO blocked_users(uid, blocked, blocked_at) VALUES(?, ?, ?)", rows
            )

    def unblock(self, uid: str, others: Iterable[str]) -> None:
        """``uid`` unblocks each of ``others`` (not blocked: nothing happens)."""
        with self.transaction():
            self._db.executemany(
                "DELETE FROM blocked_users WHERE uid=? AND blocked=?", [(uid, o) for o in others]
            )

    def blocked_by(self, uid: str) -> set[str]:
        """The uids ``uid`` has blocked."""
        return {r[0] for r in self._db.execute("SELECT blocked FROM blocked_users WHERE uid=?", (uid,))}

    def blockers_of(self, uid: str) -> set[str]:
        """The uids that have blocked ``uid``."""
        return {r[0] for r in self._db.execute("SELECT uid FROM blocked_users WHERE blocked=?", (uid,))}

    def block_partners(self, uid: str) -> set[str]:
        """Every uid in a block with ``uid``, whichever side blocked (one indexed query each way)."""
        return {
            r[0]
            for r in self._db.execute(
                "SELECT blocked FROM blocked_users WHERE uid=?"
                " UNION SELECT uid FROM blocked_users WHERE blocked=?",
                (uid, uid),
            )
        }

    def block_between(self, a: str, b: str) -> tuple[bool, bool]:
        """``(a blocked b, b blocked a)``."""
        rows = self._db.execute(
            "SELECT uid FROM blocked_users WHERE (uid=? AND blocked=?) OR (uid=? AND blocked=?)",
            (a, b, b, a),
        ).fetchall()
        blockers = {r[0] for r in rows}
        return a in blockers, b in blockers

    def blocked_page(
        self, uid: str, direction: Direction, *, search: str | None, limit: int, offset: int
    ) -> tuple[list[JSON], int]:
        """Users in a block with ``uid`` in ``direction`` (``both``: either), by name;
        each with ``blockedByMe``/``hasBlockedMe``; and how many match."""
        by_me = "u.uid IN (SELECT blocked FROM blocked_users WHERE uid=?)"
        of_me = "u.uid IN (SELECT uid FROM blocked_users WHERE blocked=?)"
        where = {"blockedByMe": by_me, "hasBlockedMe": of_me, "both": f"({by_me} OR {of_me})"}[direction]
        args: list[Any] = [uid] if direction != "both" else [uid, uid]
        if search:
            where += " AND (u.uid LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')"
            args += [like(search), like(search)]
        total = self._db.execute(f"SELECT COUNT(*) FROM users u WHERE {where}", args).fetchone()[0]
        rows = self._db.execute(
            f"SELECT {_USER_COLS} FROM users u WHERE {where}"
            " ORDER BY u.name COLLATE NOCASE, u.uid LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        mine, theirs = self.blocked_by(uid), self.blockers_of(uid)
        out = []
        for row in rows:
            user = user_from_row(row)
            user["blockedByMe"] = user["uid"] in mine
            user["hasBlockedMe"] = user["uid"] in theirs
            out.append(user)
        return out, int(total)
