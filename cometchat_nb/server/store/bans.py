"""Table ``banned_members``: who is banned from which group, with the scope they
had, by whom and since when. A banned user is not a member (the row in
``members`` is gone) and may not join or be added until unbanned."""

from __future__ import annotations

from typing import Any, Final

from ...models import GroupMember, User
from .base import JSON, Tables, like
from .users import USER_COLUMNS, user_from_row

__all__ = ["BanTables"]

_USER_COLS: Final = ", ".join(f"u.{c}" for c in USER_COLUMNS)


class BanTables(Tables):
    """Banned group members."""

    def ban(self, guid: str, uid: str, scope: str, by: str | None, now: int) -> bool:
        """Record a ban; ``False`` if ``uid`` is banned from ``guid`` already."""
        cur = self._db.execute(
            "INSERT OR IGNORE INTO banned_members(guid, uid, scope, banned_by, banned_at)"
            " VALUES(?, ?, ?, ?, ?)",
            (guid, uid, scope, by, now),
        )
        return cur.rowcount == 1

    def unban(self, guid: str, uid: str) -> bool:
        """Lift a ban; ``False`` if there was none."""
        return (
            self._db.execute("DELETE FROM banned_members WHERE guid=? AND uid=?", (guid, uid)).rowcount == 1
        )

    def ban_scope(self, guid: str, uid: str) -> str | None:
        """The scope ``uid`` had when banned from ``guid``; ``None`` if not banned."""
        row = self._db.execute(
            "SELECT scope FROM banned_members WHERE guid=? AND uid=?", (guid, uid)
        ).fetchone()
        return None if row is None else str(row[0])

    def is_banned(self, guid: str, uid: str) -> bool:
        row = self._db.execute("SELECT 1 FROM banned_members WHERE guid=? AND uid=?", (guid, uid)).fetchone()
        return row is not None

    def banned_uids(self, guid: str) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT uid FROM banned_members WHERE guid=?", (guid,))}

    def drop_bans(self, guid: str) -> None:
        """Forget every ban of a group (it is being deleted)."""
        self._db.execute("DELETE FROM banned_members WHERE guid=?", (guid,))

    def banned_page(
        self, guid: str, *, search: str | None, scopes: tuple[str, ...], limit: int, offset: int
    ) -> tuple[list[JSON], int]:
        """A page of ``guid``'s banned users (user fields + the ``scope`` they had,
        ``guid``), latest ban first; and how many match."""
        where = "b.guid=?"
        args: list[Any] = [guid]
        if search:
            where += " AND (u.uid LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')"
            args += [like(search), like(search)]
        if scopes:
            where += f" AND b.scope IN ({','.join('?' * len(scopes))})"
            args += list(scopes)
        base = f"FROM banned_members b JOIN users u ON u.uid=b.uid WHERE {where}"
        total = self._db.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0]
        rows = self._db.execute(
            f"SELECT {_USER_COLS}, b.scope {base} ORDER BY b.banned_at DESC, u.uid LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        out = [
            GroupMember.from_user(User.from_wire(user_from_row(r[:-1])), scope=r[-1], guid=guid).to_wire()
            for r in rows
        ]
        return out, int(total)
