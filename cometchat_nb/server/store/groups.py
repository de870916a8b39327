"""Tables ``chat_groups`` and ``members``: groups, their (hashed) passwords and
who belongs to them with which scope."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Final

from ...models import GroupMember, User
from .base import JSON, Tables, dump, like, load
from .users import USER_COLUMNS, user_from_row

__all__ = ["GroupFields", "GroupRow", "GroupTables", "hash_password", "verify_password"]

_GROUP_COLS: Final = (
    "g.guid, g.name, g.type, g.password_hash, g.description, g.icon, g.owner, g.metadata, g.tags, "
    "g.created_at, g.updated_at"
)
_MEMBER_USER_COLS: Final = ", ".join(f"u.{c}" for c in USER_COLUMNS)

# ----------------------------------------------------------------------------
# group passwords

#: scrypt cost. Hashing runs on the server's event loop, so it is kept to a
#: few milliseconds; the parameters are stored with each hash so they can change.
_SCRYPT_N: Final = 2**12
_SCRYPT_R: Final = 8
_SCRYPT_P: Final = 1


def hash_password(password: str) -> str:
    """A salted scrypt hash: ``scrypt$<n>,<r>,<p>$<salt hex>$<hash hex>``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N},{_SCRYPT_R},{_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored`` (constant time)."""
    if not stored:
        return False
    try:
        scheme, params, salt_hex, hash_hex = stored.split("$")
        n, r, p = (int(x) for x in params.split(","))
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
        if scheme != "scrypt" or n > 2**20:
            return False
        digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


# ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupFields:
    """A group's optional descriptive fields, as a group is created with them."""

    description: str | None = None
    icon: str | None = None
    metadata: JSON | None = None
    tags: list[str] | None = None


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A group as stored (``password_hash`` never leaves the server)."""

    guid: str
    name: str
    type: str
    password_hash: str | None
    description: str | None
    icon: str | None
    owner: str | None
    metadata: JSON | None
    tags: list[str] | None
    created_at: int
    updated_at: int


def _group_row(row: Any) -> GroupRow:
    return GroupRow(
        guid=row[0],
        name=row[1],
        type=row[2],
        password_hash=row[3],
        description=row[4],
        icon=row[5],
        owner=row[6],
        metadata=load(row[7]),
        tags=load(row[8]),
        created_at=row[9],
        updated_at=row[10],
    )


class GroupTables(Tables):
    """Groups and their members."""

    def add_group(
        self,
        guid: str,
        name: str,
        group_type: str,
        *,
        now: int,
        owner: str | None,
        password: str | None = None,
        fields: GroupFields | None = None,
    ) -> bool:
        """Create a group; ``False`` if ``guid`` exists already."""
        fields = fields or GroupFields()
        cur = self._db.execute(
            "INSERT OR IGNORE INTO chat_groups(guid, name, type, password_hash, description, icon, owner,"
            " metadata, tags, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guid,
                name,
                group_type,
                hash_password(password) if password else None,
                fields.description,
                fields.icon,
                owner,
                dump(fields.metadata),
                dump(fields.tags),
                now,
                now,
            ),
        )
        return cur.rowcount == 1

    def group(self, guid: str) -> GroupRow | None:
        row = self._db.execute(f"SELECT {_GROUP_COLS} FROM chat_groups g WHERE g.guid=?", (guid,)).fetchone()
        return None if row is None else _group_row(row)

    @staticmethod
    def group_json(
        g: GroupRow, *, members_count: int, scope: str | None = None, joined_at: int | None = None
    ) -> JSON:
        """The wire form of a group as seen by a viewer (``scope`` set if a member)."""
        out: JSON = {"guid": g.guid, "name": g.name, "type": g.type}
        for key, value in (
            ("description", g.description),
            ("icon", g.icon),
            ("owner", g.owner),
            ("metadata", g.metadata),
            ("tags", g.tags),
        ):
            if value is not None:
                out[key] = value
        out["createdAt"] = g.created_at
        out["updatedAt"] = g.updated_at
        out["membersCount"] = members_count
        out["hasJoined"] = scope is not None
        if scope is not None:
            out["scope"] = scope
            out["joinedAt"] = joined_at
        return out

    def group_view(self, g: GroupRow, viewer: str | None) -> JSON:
        """:meth:`group_json` with the count and the viewer's membership looked up."""
        member = self.membership(g.guid, viewer) if viewer else None
        return self.group_json(
            g,
            members_count=self.members_count(g.guid),
            scope=member[0] if member else None,
            joined_at=member[1] if member else None,
        )

    def groups(
        self,
        viewer: str,
        *,
        limit: int,
        offset: int,
        search: str | None = None,
        joined_only: bool = False,
        tags: tuple[str, ...] = (),
        with_tags: bool = True,
    ) -> tuple[list[JSON], int]:
        """Groups ``viewer`` may see (public and password groups, plus private
        groups they belong to), ordered by name; and how many match.

        ``tags``: only groups carrying at least one of them; ``with_tags``
        false leaves ``tags`` out of each group.
        """
        where = ["(g.type != 'private' OR me.uid IS NOT NULL)"]
        args: list[Any] = [viewer]
        if joined_only:
            where.append("me.uid IS NOT NULL")
        if search:
            where.append("(g.guid LIKE ? ESCAPE '\\' OR g.name LIKE ? ESCAPE '\\')")
            args += [like(search), like(search)]
        if tags:
            where.append(
                f"EXISTS (SELECT 1 FROM json_each(g.tags) t WHERE t.value IN ({','.join('?' * len(tags))}))"
            )
            args += list(tags)
        clause = " AND ".join(where)
        base = f"FROM chat_groups g LEFT JOIN members me ON me.guid=g.guid AND me.uid=? WHERE {clause}"
        total = self._db.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0]
        rows = self._db.execute(
            f"SELECT {_GROUP_COLS}, me.scope, me.joined_at,"
            f" (SELECT COUNT(*) FROM members c WHERE c.guid=g.guid) {base}"
            " ORDER BY g.name COLLATE NOCASE, g.guid LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        out = [
            self.group_json(_group_row(r[:11]), members_count=r[13], scope=r[11], joined_at=r[12])
            for r in rows
        ]
        if not with_tags:
            for group in out:
                group.pop("tags", None)
        return out, int(total)

    def update_group(self, guid: str, changes: JSON, now: int) -> None:
        """Set the given fields (``name``, ``description``, ``icon``, ``metadata``,
        ``tags``; ``None`` clears all but the name) and ``updatedAt``."""
        sets: list[str] = ["updated_at=?"]
        values: list[Any] = [now]
        for key in ("name", "description", "icon", "metadata", "tags"):
            if key in changes:
                value = changes[key]
                sets.append(f"{key}=?")
                values.append(dump(value) if key in ("metadata", "tags") else value)
        self._db.execute(f"UPDATE chat_groups SET {', '.join(sets)} WHERE guid=?", (*values, guid))

    def set_owner(self, guid: str, uid: str, now: int) -> None:
        self._db.execute("UPDATE chat_groups SET owner=?, updated_at=? WHERE guid=?", (uid, now, guid))

    def delete_group(self, guid: str) -> None:
        """Remove a group and its memberships (its messages stay, unreachable)."""
        with self.transaction():
            self._db.execute("DELETE FROM members WHERE guid=?", (guid,))
            self._db.execute("DELETE FROM chat_groups WHERE guid=?", (guid,))

    # -- members -------------------------------------------------------------
    def add_member(self, guid: str, uid: str, scope: str, now: int) -> bool:
        cur = self._db.execute(
            "INSERT OR IGNORE INTO members(guid, uid, scope, joined_at) VALUES(?, ?, ?, ?)",
            (guid, uid, scope, now),
        )
        return cur.rowcount == 1

    def remove_member(self, guid: str, uid: str) -> bool:
        return self._db.execute("DELETE FROM members WHERE guid=? AND uid=?", (guid, uid)).rowcount == 1

    def set_scope(self, guid: str, uid: str, scope: str) -> bool:
        """Change a member's scope; ``False`` if ``uid`` is no member."""
        cur = self._db.execute("UPDATE members SET scope=? WHERE guid=? AND uid=?", (scope, guid, uid))
        return cur.rowcount == 1

    def membership(self, guid: str, uid: str) -> tuple[str, int] | None:
        """``(scope, joined_at)`` if ``uid`` is a member of ``guid``."""
        row = self._db.execute(
            "SELECT scope, joined_at FROM members WHERE guid=? AND uid=?", (guid, uid)
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]))

    def is_member(self, guid: str, uid: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM members WHERE guid=? AND uid=?", (guid, uid)).fetchone()
            is not None
        )

    def member_uids(self, guid: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT uid FROM members WHERE guid=?", (guid,))]

    def online_members_count(self, guid: str) -> int:
        """How many members of ``guid`` are online."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM members m JOIN users u ON u.uid=m.uid WHERE m.guid=? AND u.status='online'",
            (guid,),
        ).fetchone()
        return int(row[0])

    def members_count(self, guid: str) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM members WHERE guid=?", (guid,)).fetchone()[0])

    def members(
        self,
        guid: str,
        *,
        limit: int,
        offset: int,
        search: str | None = None,
        scopes: tuple[str, ...] = (),
        status: str | None = None,
    ) -> tuple[list[JSON], int]:
        """A page of ``guid``'s members (user fields + scope, joinedAt, guid) in the
        order they joined, and how many match. Filters: ``search`` (uid or name
        contains), ``scopes`` (any of), ``status`` (``online``/``offline``)."""
        where = "m.guid=?"
        args: list[Any] = [guid]
        if search:
            where += " AND (u.uid LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')"
            args += [like(search), like(search)]
        if scopes:
            where += f" AND m.scope IN ({','.join('?' * len(scopes))})"
            args += list(scopes)
        if status:
            where += " AND u.status=?"
            args.append(status)
        base = f"FROM members m JOIN users u ON u.uid=m.uid WHERE {where}"
        rows = self._db.execute(
            f"SELECT {_MEMBER_USER_COLS}, m.scope, m.joined_at {base}"
            " ORDER BY m.joined_at, u.uid LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        out = [
            GroupMember.from_user(
                User.from_wire(user_from_row(r[:10])), scope=r[10], joined_at=r[11], guid=guid
            ).to_wire()
            for r in rows
        ]
        if where == "m.guid=?":
            return out, self.members_count(guid)
        return out, int(self._db.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0])
