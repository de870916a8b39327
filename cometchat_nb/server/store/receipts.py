"""Table ``receipts``: who received and who read which message, and when."""

from __future__ import annotations

from .base import Tables

__all__ = ["ReceiptTables"]


class ReceiptTables(Tables):
    """Delivery and read receipts (one row per message, user and kind)."""

    def add_receipt(self, mid: int, uid: str, receipt_type: str, at: int) -> bool:
        """Record a receipt; ``False`` if that user already sent that receipt."""
        cur = self._db.execute(
            "INSERT OR IGNORE INTO receipts(message_id, uid, type, at) VALUES(?, ?, ?, ?)",
            (mid, uid, receipt_type, at),
        )
        return cur.rowcount == 1

    def receipts(self, mid: int) -> list[tuple[str, str, int]]:
        """``(uid, type, at)`` of every receipt of a message."""
        return [
            (str(r[0]), str(r[1]), int(r[2]))
            for r in self._db.execute(
                "SELECT uid, type, at FROM receipts WHERE message_id=? ORDER BY at, uid", (mid,)
            )
        ]
