"""SQLite storage of the embedded server: users, tokens, groups, members,
messages, receipts, friends.

Contract:

* One :class:`Store` owns one ``sqlite3`` connection and is used from one
  thread (the server's event loop). Every method is synchronous and fast
  (an indexed lookup or one insert, tens of µs).
* Every write is committed before the method returns, so a reply sent after a
  store call describes durable state: a server restarted on the same file
  loses nothing it acknowledged. On a file the database runs in WAL mode with
  ``synchronous=NORMAL`` (durable across a process crash or kill; an OS crash
  or power cut may lose the last transactions). ``":memory:"`` keeps
  everything in RAM for tests.
* Methods return wire-shaped JSON objects (the CometChat user, group, member
  and message objects) or ``None``/``False`` when something does not exist;
  they never raise for "not found". Authorisation is the caller's job.
* Message ids are increasing integers assigned here; the message JSON is kept
  verbatim (``json`` column, UTF-8 bytes including its ``"id"``) so history
  pages are spliced into responses without re-encoding.
* Auth tokens are stored as their SHA-256 (see :mod:`.tokens`); group
  passwords as a salted scrypt hash.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, Literal

import orjson

from ..models import GroupMember, User

__all__ = [
    "SCHEMA_VERSION",
    "GroupRow",
    "MessagePage",
    "Store",
    "conversation_id",
    "hash_password",
    "verify_password",
]

log = logging.getLogger(__name__)

JSON = dict[str, Any]

SCHEMA_VERSION: Final = 1

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta(
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users(
    uid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    avatar TEXT,
    link TEXT,
    role TEXT NOT NULL DEFAULT 'default',
    status TEXT NOT NULL DEFAULT 'offline',
    status_message TEXT,
    metadata TEXT,
    tags TEXT,
    last_active_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_tokens(
    token_hash TEXT PRIMARY KEY,
    uid TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS auth_tokens_uid ON auth_tokens(uid);
CREATE TABLE IF NOT EXISTS chat_groups(
    guid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    password_hash TEXT,
    description TEXT,
    icon TEXT,
    owner TEXT,
    metadata TEXT,
    tags TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members(
    guid TEXT NOT NULL,
    uid TEXT NOT NULL,
    scope TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY(guid, uid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_uid ON members(uid, guid);
CREATE TABLE IF NOT EXISTS messages(
    id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    receiver TEXT NOT NULL,
    receiver_type TEXT NOT NULL,
    category TEXT NOT NULL,
    type TEXT NOT NULL,
    json BLOB NOT NULL,
    sent_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    edited_at INTEGER,
    deleted_at INTEGER
);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages(conversation_id, id);
CREATE INDEX IF NOT EXISTS messages_receiver ON messages(receiver, id);
CREATE INDEX IF NOT EXISTS messages_sender ON messages(sender, id);
CREATE TABLE IF NOT EXISTS receipts(
    message_id INTEGER NOT NULL,
    uid TEXT NOT NULL,
    type TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY(message_id, uid, type)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS friends(
    uid TEXT NOT NULL,
    friend TEXT NOT NULL,
    PRIMARY KEY(uid, friend)
) WITHOUT ROWID;
"""

_USER_COLS: Final = "uid, name, avatar, link, role, status, status_message, metadata, tags, last_active_at"
_GROUP_COLS: Final = (
    "g.guid, g.name, g.type, g.password_hash, g.description, g.icon, g.owner, g.metadata, g.tags, "
    "g.created_at, g.updated_at"
)


def conversation_id(sender: str, receiver: str, receiver_type: str) -> str:
    """CometChat's conversation id: ``a_user_b`` (uids sorted) or ``group_<guid>``."""
    if receiver_type == "group":
        return f"group_{receiver}"
    a, b = sorted((sender, receiver))
    return f"{a}_user_{b}"


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


def _dump(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _load(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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


@dataclass(frozen=True, slots=True)
class MessagePage:
    """One page of history: message JSON texts in ascending id order.

    ``remaining`` counts every message that matched the query in the
    requested direction, this page included (for ``meta.pagination``).
    """

    items: list[bytes]
    ids: list[int]
    sent_ats: list[int]
    remaining: int


class Store:
    """The server's database (see the module docstring for the contract)."""

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = os.fspath(path)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        try:
            self._open()
        except BaseException:
            self._db.close()  # a store that failed to open holds no file (Python 3.13 warns too)
            raise
        log.debug("store opened: %s (last message id %d)", self.path, self._last_message_id)

    def _open(self) -> None:
        self._db.execute("PRAGMA foreign_keys=OFF")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        with self.transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            version = self.get_meta("schema_version")
            if version is None:
                self.set_meta("schema_version", str(SCHEMA_VERSION))
            elif int(version) > SCHEMA_VERSION:
                raise RuntimeError(
                    f"database {self.path!r} has schema version {version}, newer than this server's "
                    f"{SCHEMA_VERSION}; upgrade cometchat_nb"
                )
        row = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM messages").fetchone()
        self._last_message_id: int = int(row[0])

    def close(self) -> None:
        """Close the connection (idempotent)."""
        try:
            self._db.close()
        except sqlite3.ProgrammingError:  # pragma: no cover - already closed
            pass

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one atomic, committed transaction."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- meta ----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, value))

    def jwt_secret(self) -> bytes:
        """The JWT signing secret, created on first use and kept in the database
        (so sessions survive a restart on the same file)."""
        value = self.get_meta("jwt_secret")
        if value is None:
            value = secrets.token_hex(32)
            self.set_meta("jwt_secret", value)
        return bytes.fromhex(value)

    # -- users ---------------------------------------------------------------
    @staticmethod
    def _user_from_row(row: Sequence[Any]) -> JSON:
        uid, name, avatar, link, role, status, status_message, metadata, tags, last_active_at = row
        return User(
            uid=uid,
            name=name,
            avatar=avatar,
            link=link,
            role=role,
            status=status,
            status_message=status_message,
            metadata=_load(metadata),
            last_active_at=last_active_at,
            tags=_load(tags),
        ).to_wire()

    def add_user(
        self,
        uid: str,
        name: str,
        *,
        now: int,
        avatar: str | None = None,
        link: str | None = None,
        role: str | None = None,
        status_message: str | None = None,
        metadata: JSON | None = None,
        tags: list[str] | None = None,
    ) -> JSON | None:
        """Create a user; ``None`` if ``uid`` exists already."""
        cur = self._db.execute(
            "INSERT OR IGNORE INTO users(uid, name, avatar, link, role, status_message, metadata, tags,"
            " created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, name, avatar, link, role or "default", status_message, _dump(metadata), _dump(tags), now),
        )
        return self.user(uid) if cur.rowcount == 1 else None

    _UPDATABLE: Final = {
        "name": "name",
        "avatar": "avatar",
        "link": "link",
        "role": "role",
        "statusMessage": "status_message",
        "metadata": "metadata",
        "tags": "tags",
    }

    def update_user(self, uid: str, fields: JSON) -> JSON | None:
        """Update the given wire fields (``name``, ``avatar``, ``link``, ``role``,
        ``statusMessage``, ``metadata``, ``tags``); ``None`` if no such user."""
        sets, values = [], []
        for key, column in self._UPDATABLE.items():
            if key in fields:
                value = fields[key]
                sets.append(f"{column}=?")
                values.append(_dump(value) if key in ("metadata", "tags") else value)
        if sets:
            self._db.execute(f"UPDATE users SET {', '.join(sets)} WHERE uid=?", (*values, uid))
        return self.user(uid)

    def user(self, uid: str) -> JSON | None:
        row = self._db.execute(f"SELECT {_USER_COLS} FROM users WHERE uid=?", (uid,)).fetchone()
        return None if row is None else self._user_from_row(row)

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
    ) -> tuple[list[JSON], int]:
        """A page of users ordered by name, and how many match in total."""
        where, args = ["1=1"], []
        if search:
            where.append("(uid LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')")
            args += [_like(search), _like(search)]
        if status:
            where.append("status=?")
            args.append(status)
        clause = " AND ".join(where)
        total = self._db.execute(f"SELECT COUNT(*) FROM users WHERE {clause}", args).fetchone()[0]
        rows = self._db.execute(
            f"SELECT {_USER_COLS} FROM users WHERE {clause} ORDER BY name COLLATE NOCASE, uid"
            " LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        return [self._user_from_row(r) for r in rows], int(total)

    def set_presence(self, uid: str, status: Literal["online", "offline"], at: int) -> None:
        self._db.execute("UPDATE users SET status=?, last_active_at=? WHERE uid=?", (status, at, uid))

    def reset_presence(self) -> int:
        """Mark every user offline (at start-up: no socket survives a restart)."""
        return self._db.execute("UPDATE users SET status='offline' WHERE status!='offline'").rowcount

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

    # -- groups --------------------------------------------------------------
    def add_group(
        self,
        guid: str,
        name: str,
        group_type: str,
        *,
        now: int,
        owner: str | None,
        password: str | None = None,
        description: str | None = None,
        icon: str | None = None,
        metadata: JSON | None = None,
        tags: list[str] | None = None,
    ) -> bool:
        """Create a group; ``False`` if ``guid`` exists already."""
        cur = self._db.execute(
            "INSERT OR IGNORE INTO chat_groups(guid, name, type, password_hash, description, icon, owner,"
            " metadata, tags, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guid,
                name,
                group_type,
                hash_password(password) if password else None,
                description,
                icon,
                owner,
                _dump(metadata),
                _dump(tags),
                now,
                now,
            ),
        )
        return cur.rowcount == 1

    @staticmethod
    def _group_row(row: Sequence[Any]) -> GroupRow:
        return GroupRow(
            guid=row[0],
            name=row[1],
            type=row[2],
            password_hash=row[3],
            description=row[4],
            icon=row[5],
            owner=row[6],
            metadata=_load(row[7]),
            tags=_load(row[8]),
            created_at=row[9],
            updated_at=row[10],
        )

    def group(self, guid: str) -> GroupRow | None:
        row = self._db.execute(f"SELECT {_GROUP_COLS} FROM chat_groups g WHERE g.guid=?", (guid,)).fetchone()
        return None if row is None else self._group_row(row)

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
    ) -> tuple[list[JSON], int]:
        """Groups ``viewer`` may see (public and password groups, plus private
        groups they belong to), ordered by name; and how many match."""
        where = ["(g.type != 'private' OR me.uid IS NOT NULL)"]
        args: list[Any] = [viewer]
        if joined_only:
            where.append("me.uid IS NOT NULL")
        if search:
            where.append("(g.guid LIKE ? ESCAPE '\\' OR g.name LIKE ? ESCAPE '\\')")
            args += [_like(search), _like(search)]
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
            self.group_json(self._group_row(r[:11]), members_count=r[13], scope=r[11], joined_at=r[12])
            for r in rows
        ]
        return out, int(total)

    def add_member(self, guid: str, uid: str, scope: str, now: int) -> bool:
        cur = self._db.execute(
            "INSERT OR IGNORE INTO members(guid, uid, scope, joined_at) VALUES(?, ?, ?, ?)",
            (guid, uid, scope, now),
        )
        return cur.rowcount == 1

    def remove_member(self, guid: str, uid: str) -> bool:
        return self._db.execute("DELETE FROM members WHERE guid=? AND uid=?", (guid, uid)).rowcount == 1

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

    def members_count(self, guid: str) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM members WHERE guid=?", (guid,)).fetchone()[0])

    def members(self, guid: str, *, limit: int, offset: int) -> tuple[list[JSON], int]:
        """A page of ``guid``'s members (user fields + scope, joinedAt, guid)."""
        rows = self._db.execute(
            f"SELECT {', '.join('u.' + c.strip() for c in _USER_COLS.split(','))}, m.scope, m.joined_at"
            " FROM members m JOIN users u ON u.uid=m.uid WHERE m.guid=?"
            " ORDER BY m.joined_at, u.uid LIMIT ? OFFSET ?",
            (guid, limit, offset),
        ).fetchall()
        out = []
        for r in rows:
            user = User.from_wire(self._user_from_row(r[:10]))
            member = GroupMember(
                uid=user.uid,
                name=user.name,
                avatar=user.avatar,
                link=user.link,
                role=user.role,
                status=user.status,
                status_message=user.status_message,
                metadata=user.metadata,
                last_active_at=user.last_active_at,
                tags=user.tags,
                scope=r[10],
                joined_at=r[11],
                guid=guid,
            )
            out.append(member.to_wire())
        return out, self.members_count(guid)

    # -- messages ------------------------------------------------------------
    def add_message(self, message: JSON, *, now: int) -> JSON:
        """Store a message (its JSON without ``id``); returns it with the new
        ``"id"`` (a string) first. ``conversationId``, ``sender``, ``receiver``,
        ``receiverType``, ``category`` and ``type`` must be set."""
        mid = self._last_message_id + 1
        full: JSON = {"id": str(mid), **message}
        self._db.execute(
            "INSERT INTO messages(id, conversation_id, sender, receiver, receiver_type, category, type, json,"
            " sent_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mid,
                full["conversationId"],
                full["sender"],
                full["receiver"],
                full["receiverType"],
                full["category"],
                full["type"],
                orjson.dumps(full),
                full.get("sentAt", now),
                full.get("updatedAt", now),
            ),
        )
        self._last_message_id = mid
        return full

    def message(self, mid: int) -> JSON | None:
        row = self._db.execute("SELECT json FROM messages WHERE id=?", (mid,)).fetchone()
        return None if row is None else dict(orjson.loads(row[0]))

    def replace_message(self, message: JSON) -> None:
        """Overwrite a stored message with its new JSON (edit, delete, receipts)."""
        self._db.execute(
            "UPDATE messages SET json=?, updated_at=?, edited_at=?, deleted_at=? WHERE id=?",
            (
                orjson.dumps(message),
                message.get("updatedAt"),
                message.get("editedAt"),
                message.get("deletedAt"),
                int(message["id"]),
            ),
        )

    def find_message_action(self, message: JSON, action: str) -> JSON | None:
        """The stored ``edited``/``deleted`` action about ``message`` (the latest), if any."""
        rows = self._db.execute(
            "SELECT json FROM messages WHERE conversation_id=? AND id>?"
            " AND category='action' AND type='message' ORDER BY id DESC",
            (message["conversationId"], int(message["id"])),
        )
        for (raw,) in rows:
            candidate = orjson.loads(raw)
            data = candidate.get("data", {})
            on = data.get("entities", {}).get("on", {}).get("entity", {})
            if data.get("action") == action and on.get("id") == message["id"]:
                return dict(candidate)
        return None

    def message_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM messages").fetchone()[0])

    def messages_page(
        self,
        *,
        conversation: str | None = None,
        reader: str | None = None,
        affix: Literal["prepend", "append"] = "prepend",
        cursor_id: int | None = None,
        cursor_sent_at: int | None = None,
        limit: int = 30,
        hide_deleted: bool = False,
        categories: Sequence[str] = (),
        types: Sequence[str] = (),
    ) -> MessagePage:
        """One page of history, oldest first.

        Scope: one ``conversation``, or (``reader`` given) everything that
        user can read: their direct messages and the messages of groups they
        are currently a member of. ``prepend`` returns the newest ``limit``
        messages older than the cursor (the latest ones without a cursor);
        ``append`` the oldest ``limit`` messages newer than the cursor (from
        the start without one). ``cursor_id`` wins over ``cursor_sent_at``;
        both bounds are strict.
        """
        where: list[str] = []
        args: list[Any] = []
        if conversation is not None:
            where.append("conversation_id=?")
            args.append(conversation)
        if reader is not None:
            where.append(
                "((receiver_type='user' AND (sender=? OR receiver=?)) OR (receiver_type='group' AND"
                " receiver IN (SELECT guid FROM members WHERE uid=?)))"
            )
            args += [reader, reader, reader]
        op = "<" if affix == "prepend" else ">"
        if cursor_id is not None:
            where.append(f"id {op} ?")
            args.append(cursor_id)
        elif cursor_sent_at is not None:
            where.append(f"sent_at {op} ?")
            args.append(cursor_sent_at)
        if hide_deleted:
            where.append("deleted_at IS NULL")
        if categories:
            where.append(f"category IN ({','.join('?' * len(categories))})")
            args += list(categories)
        if types:
            where.append(f"type IN ({','.join('?' * len(types))})")
            args += list(types)
        clause = " AND ".join(where) or "1=1"
        order = "DESC" if affix == "prepend" else "ASC"
        rows = self._db.execute(
            f"SELECT id, sent_at, json FROM messages WHERE {clause} ORDER BY id {order} LIMIT ?",
            (*args, limit),
        ).fetchall()
        if affix == "prepend":
            rows.reverse()
        if len(rows) < limit:
            remaining = len(rows)
        else:
            remaining = int(
                self._db.execute(f"SELECT COUNT(*) FROM messages WHERE {clause}", args).fetchone()[0]
            )
        return MessagePage(
            items=[bytes(r[2]) for r in rows],
            ids=[int(r[0]) for r in rows],
            sent_ats=[int(r[1]) for r in rows],
            remaining=remaining,
        )

    # -- receipts ------------------------------------------------------------
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
