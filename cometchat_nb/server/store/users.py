"""Tables ``users``, ``auth_tokens`` and ``friends``: who exists, their presence,
their (hashed) auth tokens and their friendships."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from ...models import User
from .base import JSON, Tables, dump, like, load

__all__ = ["USER_COLUMNS", "UserFields", "UserQuery", "UserTables", "user_from_row"]

#: The columns :func:`user_from_row` reads, in its order.
USER_COLUMNS: Final = (
    "uid",
    "name",
    "avatar",
    "link",
    "role",
    "status",
    "status_message",
    "metadata",
    "tags",
    "last_active_at",
)
_COLS: Final = ", ".join(USER_COLUMNS)

#: wire key → column, of the fields ``update_user`` may change
_UPDATABLE: Final = {
    "name": "name",
    "avatar": "avatar",
    "link": "link",
    "role": "role",
    "statusMessage": "status_message",
    "metadata": "metadata",
    "tags": "tags",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class UserFields:
    """A user's optional profile, as a user is created with it (``POST users``,
    ``EmbeddedServer.create_user``, the seed). ``None`` leaves a field unset
    (``role`` then is ``"default"``)."""

    avatar: str | None = None
    link: str | None = None
    role: str | None = None
    status_message: str | None = None
    metadata: JSON | None = None
    tags: list[str] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UserQuery:
    """The filters and order of a user list beyond search and status (the
    ``UsersRequestBuilder`` setters): ``roles``/``uids``/``tags`` keep users
    matching any of them; ``friends_of`` keeps that user's friends;
    ``hide_blocked_by`` drops the users that user blocked; ``search_in``
    names the fields the search looks at; ``sort_by`` is ``"status"`` (online
    first, then name) or ``"name"``; ``sort_order`` ``"asc"``/``"desc"``."""

    roles: tuple[str, ...] = ()
    uids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    friends_of: str | None = None
    hide_blocked_by: str | None = None
    search_in: tuple[str, ...] = ("uid", "name")
    sort_by: str = "status"
    sort_order: str = "asc"


def user_from_row(row: Sequence[Any]) -> JSON:
    """The wire JSON of a user from the :data:`USER_COLUMNS` of a row."""
    uid, name, avatar, link, role, status, status_message, metadata, tags, last_active_at = row
    return User(
        uid=uid,
        name=name,
        avatar=avatar,
        link=link,
        role=role,
        status=status,
        status_message=status_message,
        metadata=load(metadata),
        last_active_at=last_active_at,
        tags=load(tags),
    ).to_wire()


class UserTables(Tables):
    """Users, auth tokens and friends."""

    # -- users ---------------------------------------------------------------
    def add_user(self, uid: str, name: str, *, now: int, fields: UserFields | None = None) -> JSON | None:
        """Create a user; ``None`` if ``uid`` exists already."""
        fields = fields or UserFields()
        cur = self._db.execute(
            "INSERT OR IGNORE INTO users(uid, name, avatar, link, role, status_message, metadata, tags,"
            " created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                name,
                fields.avatar,
                fields.link,
                fields.role or "default",
                fields.status_message,
                dump(fields.metadata),
                dump(fields.tags),
                now,
            ),
        )
        return self.user(uid) if cur.rowcount == 1 else None

    def update_user(self, uid: str, changes: JSON) -> JSON | None:
        """Update the given wire fields (``name``, ``avatar``, ``link``, ``role``,
        ``statusMessage``, ``metadata``, ``tags``); ``None`` if no such user."""
        sets, values = [], []
        for key, column in _UPDATABLE.items():
            if key in changes:
                value = changes[key]
                sets.append(f"{column}=?")
                values.append(dump(value) if key in ("metadata", "tags") else value)
        if sets:
            self._db.execute(f"UPDATE users SET {', '.join(sets)} WHERE uid=?", (*values, uid))
        return self.user(uid)

    def user(self, uid: str) -> JSON | None:
        row = self._db.execute(f"SELECT {_COLS} FROM users WHERE uid=?", (uid,)).fetchone()
        return None if row is None else user_from_row(row)

    def user_exists(self, uid: str) -> bool:
        return self._db.execute("SELECT 1 FROM users WHERE uid=?", (uid,)).fetchone() is not None

    def existing_uids(self, uids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(uids))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0] for r in self._db.execute(f"SELECT uid FROM users WHERE uid IN ({marks})", chunk)
            )
        return found

    def users(
        self,
        *,
        limit: int,
        offset: int,
        search: str | None = None,
        status: str | None = None,
        query: UserQuery | None = None,
    ) -> tuple[list[JSON], int]:
        """A page of users and how many match in total: online first, then by
        name, then uid (``query.sort_by == "name"``: by name, then uid), and the
        other filters of :class:`UserQuery`."""
        q = query or UserQuery()
        where, args = ["1=1"], []
        if search:
            fields = [f for f in ("uid", "name") if f in q.search_in] or ["uid", "name"]
            where.append("(" + " OR ".join(f"{f} LIKE ? ESCAPE '\\'" for f in fields) + ")")
            args += [like(search)] * len(fields)
        if status:
            where.append("status=?")
            args.append(status)
        for column, values in (("role", q.roles), ("uid", q.uids)):
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                args += list(values)
        if q.tags:
            where.append(
                f"EXISTS (SELECT 1 FROM json_each(tags) t WHERE t.value IN ({','.join('?' * len(q.tags))}))"
            )
            args += list(q.tags)
        if q.friends_of is not None:
            where.append("uid IN (SELECT friend FROM friends WHERE uid=?)")
            args.append(q.friends_of)
        if q.hide_blocked_by is not None:
            where.append("uid NOT IN (SELECT blocked FROM blocked_users WHERE uid=?)")
            args.append(q.hide_blocked_by)
        clause = " AND ".join(where)
        direction = "DESC" if q.sort_order == "desc" else "ASC"
        order = f"name COLLATE NOCASE {direction}, uid {direction}"
        if q.sort_by != "name":
            order = f"status='online' {'ASC' if direction == 'DESC' else 'DESC'}, {order}"
        total = self._db.execute(f"SELECT COUNT(*) FROM users WHERE {clause}", args).fetchone()[0]
        rows = self._db.execute(
            f"SELECT {_COLS} FROM users WHERE {clause} ORDER BY {order} LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        return [user_from_row(r) for r in rows], int(total)

    def set_presence(self, uid: str, status: Literal["online", "offline"], at: int) -> None:
        self._db.execute("UPDATE users SET status=?, last_active_at=? WHERE uid=?", (status, at, uid))

    def reset_presence(self) -> int:
        """Mark every user offline (at start-up: no socket survives a restart)."""
        return self._db.execute("UPDATE users SET status='offline' WHERE status!='offline'").rowcount

    def online_count(self) -> int:
        """How many users are online (have a socket)."""
        return int(self._db.execute("SELECT COUNT(*) FROM users WHERE status='online'").fetchone()[0])

    def user_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM users").fetchone()[0])

    # -- auth tokens ---------------------------------------------------------
    def add_token(self, uid: str, hashed: str, now: int) -> None:
        self._db.execute(
            "INSERT INTO auth_tokens(token_hash, uid, created_at) VALUES(?, ?, ?)", (hashed, uid, now)
        )

    def token_uid(self, hashed: str) -> str | None:
        """The uid of a live (not revoked) token, else ``None``."""
        row = self._db.execute(
            "SELECT uid FROM auth_tokens WHERE token_hash=? AND revoked_at IS NULL", (hashed,)
        ).fetchone()
        return None if row is None else str(row[0])

    def revoke_token(self, hashed: str, now: int) -> bool:
        cur = self._db.execute(
            "UPDATE auth_tokens SET revoked_at=? WHERE token_hash=? AND revoked_at IS NULL", (now, hashed)
        )
        return cur.rowcount == 1

    def revoke_user_tokens(self, uid: str, now: int) -> list[str]:
        """Revoke every live token of ``uid``; returns their hashes."""
        with self.transaction():
            hashes = [
                r[0]
                for r in self._db.execute(
                    "SELECT token_hash FROM auth_tokens WHERE uid=? AND revoked_at IS NULL", (uid,)
                )
            ]
            self._db.execute(
                "UPDATE auth_tokens SET revoked_at=? WHERE uid=? AND revoked_at IS NULL", (now, uid)
            )
        return hashes

    # -- friends -------------------------------------------------------------
    def add_friends(self, uid: str, friends: Iterable[str]) -> None:
        """Make ``uid`` and each of ``friends`` friends (both directions)."""
        pairs = [(a, b) for f in friends if f != uid for a, b in ((uid, f), (f, uid))]
        with self.transaction():
            self._db.executemany("INSERT OR IGNORE INTO friends(uid, friend) VALUES(?, ?)", pairs)

    def friends_of(self, uid: str) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT friend FROM friends WHERE uid=?", (uid,))}
