"""Unread counts over ``messages``, ``receipts`` and ``mentions``: how many replies
of a thread, and how many mentions in a conversation, a user has not read."""

from __future__ import annotations

from collections.abc import Iterable

from .base import Tables

__all__ = ["ThreadTables"]


class ThreadTables(Tables):
    """Reply counts per reader."""

    def unread_replies(self, parent_ids: Iterable[int], reader: str) -> dict[int, int]:
        """For each parent, the replies ``reader`` has not read: sent by someone
        else, not deleted, and without a ``read`` receipt from ``reader``.
        Parents without such replies are left out."""
        ids = list(dict.fromkeys(parent_ids))
        out: dict[int, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT parent_id, COUNT(*) FROM messages m WHERE parent_id IN ({marks})"
                " AND sender != ? AND deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM receipts r"
                " WHERE r.message_id = m.id AND r.uid = ? AND r.type = 'read') GROUP BY parent_id",
                (*chunk, reader, reader),
            )
            out.update((int(p), int(n)) for p, n in rows)
        return out

    def unread_mentions(self, conversation: str, reader: str) -> int:
        """Messages of ``conversation`` mentioning ``reader`` that someone else sent,
        not deleted, without a ``read`` receipt from ``reader``."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM mentions mn JOIN messages m ON m.id = mn.message_id WHERE mn.uid = ?"
            " AND m.conversation_id = ? AND m.sender != ? AND m.deleted_at IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM receipts r WHERE r.message_id = m.id AND r.uid = ? AND r.type = 'read')",
            (reader, conversation, reader, reader),
        ).fetchone()
        return int(row[0])
