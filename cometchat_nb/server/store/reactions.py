"""Table ``reactions``: who reacted to which message with what, and when.

One row per (message, user, reaction); ids increase with time, so a page of
reactions is read along ``reactions_list`` (message, reaction, id) in id order.
The message's ``FLAG_REACTIONS`` bit (the ``hasReactions`` filter) follows this
table: set with the first reaction, cleared with the last.
"""

from __future__ import annotations

from typing import Literal

from .annotations import FLAG_REACTIONS
from .base import JSON, Tables

__all__ = ["ReactionTables"]


class ReactionTables(Tables):
    """Reactions to messages."""

    def add_reaction(self, mid: int, uid: str, reaction: str, at: int) -> int | None:
        """Record ``uid``'s ``reaction`` to message ``mid``; its id, or ``None`` if
        that user already reacted so."""
        cur = self._db.execute(
            "INSERT OR IGNORE INTO reactions(message_id, uid, reaction, reacted_at) VALUES(?, ?, ?, ?)",
            (mid, uid, reaction, at),
        )
        if cur.rowcount != 1:
            return None
        self._db.execute(f"UPDATE messages SET flags = flags | {FLAG_REACTIONS} WHERE id=?", (mid,))
        return int(cur.lastrowid or 0)

    def remove_reaction(self, mid: int, uid: str, reaction: str) -> tuple[int, int] | None:
        """Drop ``uid``'s ``reaction`` to ``mid``; ``(id, reacted_at)`` of the row removed, or ``None``."""
        row = self._db.execute(
            "SELECT id, reacted_at FROM reactions WHERE message_id=? AND uid=? AND reaction=?",
            (mid, uid, reaction),
        ).fetchone()
        if row is None:
            return None
        self._db.execute("DELETE FROM reactions WHERE id=?", (row[0],))
        if self._db.execute("SELECT 1 FROM reactions WHERE message_id=? LIMIT 1", (mid,)).fetchone() is None:
            self._db.execute(f"UPDATE messages SET flags = flags & ~{FLAG_REACTIONS} WHERE id=?", (mid,))
        return int(row[0]), int(row[1])

    def reaction_counts(self, mid: int, viewer: str) -> list[JSON]:
        """``[{reaction, count, reactedByMe?}]`` of a message, in order of each
        reaction's first use; ``reactedByMe`` (true) only where ``viewer`` reacted so."""
        rows = self._db.execute(
            "SELECT reaction, COUNT(*), MAX(uid = ?), MIN(id) FROM reactions WHERE message_id=?"
            " GROUP BY reaction ORDER BY MIN(id)",
            (viewer, mid),
        ).fetchall()
        out: list[JSON] = []
        for reaction, count, mine, _first in rows:
            item: JSON = {"reaction": reaction, "count": int(count)}
            if mine:
                item["reactedByMe"] = True
            out.append(item)
        return out

    def reactions_page(
        self,
        mid: int,
        *,
        reaction: str | None,
        affix: Literal["append", "prepend"],
        cursor: int | None,
        limit: int,
    ) -> list[tuple[int, str, str, int]]:
        """``(id, uid, reaction, reacted_at)`` of up to ``limit`` reactions to ``mid``
        (only ``reaction`` if given), ascending ids: after ``cursor`` (``append``,
        from the first without one) or before it (``prepend``, the latest ones)."""
        where = ["message_id=?"]
        args: list[object] = [mid]
        if reaction is not None:
            where.append("reaction=?")
            args.append(reaction)
        if cursor is not None:
            where.append("id > ?" if affix == "append" else "id < ?")
            args.append(cursor)
        order = "ASC" if affix == "append" else "DESC"
        rows = self._db.execute(
            f"SELECT id, uid, reaction, reacted_at FROM reactions WHERE {' AND '.join(where)}"
            f" ORDER BY id {order} LIMIT ?",
            (*args, limit),
        ).fetchall()
        if affix == "prepend":
            rows.reverse()
        return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]
