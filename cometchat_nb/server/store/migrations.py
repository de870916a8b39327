"""The schema's history: an ordered list of migrations, applied in place on open.

A database records its version (``meta.schema_version``: how many steps of
:data:`MIGRATIONS` it has run) and the name of each step it ran (table
``schema_migrations``). :func:`upgrade` runs the missing steps in order, each in
its own transaction, so a database from any earlier version is upgraded in place
and one that fails half-way stays at its last complete step.

Adding a table, a column or an index (a feature's schema change):

1. Append one :class:`Migration` at the end of :data:`MIGRATIONS`, with a name
   that says what it adds. Its ``sql`` runs once per database, so plain
   ``CREATE TABLE`` / ``ALTER TABLE … ADD COLUMN`` / ``CREATE INDEX`` are right;
   ``run`` (optional, after ``sql``) fills new tables from existing rows.
2. Never edit, reorder or remove a step that has shipped: databases on disk have
   run it. Change the schema with a new step instead.
3. Put the queries of a new table in a module of their own (see ``users.py``).

Refusals (``RuntimeError``, before anything is written): a database whose
version is above this list's length was made by a newer cometchat_nb; one whose
recorded step names differ from this list's at the same position was made by a
different build (two branches that each appended a step).

Version 1 is the schema of cometchat_nb before this list existed; such a
database has ``schema_version`` 1 and no ``schema_migrations`` table, which is
added (and step 1 recorded) on open.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from . import conversations
from .annotations import backfill
from .base import transaction

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration", "schema_version", "upgrade"]


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: ``sql`` (statements separated by ``;``), then ``run``."""

    name: str
    sql: str = ""
    run: Callable[[sqlite3.Connection], None] | None = None

    def apply(self, db: sqlite3.Connection) -> None:
        for statement in _statements(self.sql):
            db.execute(statement)
        if self.run is not None:
            self.run(db)


_V1_TABLES: Final = """
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

_MESSAGE_FEATURES: Final = """
ALTER TABLE messages ADD COLUMN parent_id INTEGER;
ALTER TABLE messages ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN search_text TEXT;
CREATE INDEX messages_thread ON messages(parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX messages_updated ON messages(conversation_id, updated_at, id);
CREATE INDEX messages_attachments ON messages(conversation_id, id) WHERE flags & 1;
CREATE INDEX messages_reacted ON messages(conversation_id, id) WHERE flags & 8;
CREATE TABLE mentions(
    message_id INTEGER NOT NULL,
    uid TEXT NOT NULL,
    PRIMARY KEY(uid, message_id)
) WITHOUT ROWID;
CREATE INDEX mentions_message ON mentions(message_id);
CREATE TABLE message_tags(
    message_id INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY(tag, message_id)
) WITHOUT ROWID;
CREATE INDEX message_tags_message ON message_tags(message_id);
CREATE TABLE reactions(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL,
    uid TEXT NOT NULL,
    reaction TEXT NOT NULL,
    reacted_at INTEGER NOT NULL,
    UNIQUE(message_id, uid, reaction)
);
CREATE INDEX reactions_message ON reactions(message_id, id);
CREATE INDEX reactions_list ON reactions(message_id, reaction, id);
CREATE TABLE media(
    id TEXT PRIMARY KEY,
    message_id INTEGER NOT NULL,
    uid TEXT NOT NULL,
    name TEXT NOT NULL,
    extension TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    data BLOB
);
CREATE INDEX media_message ON media(message_id);
"""

_BLOCKS_AND_BANS: Final = """
CREATE TABLE IF NOT EXISTS blocked_users(
    uid TEXT NOT NULL,
    blocked TEXT NOT NULL,
    blocked_at INTEGER NOT NULL,
    PRIMARY KEY(uid, blocked)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blocked_users_blocked ON blocked_users(blocked, uid);
CREATE TABLE IF NOT EXISTS banned_members(
    guid TEXT NOT NULL,
    uid TEXT NOT NULL,
    scope TEXT NOT NULL,
    banned_by TEXT,
    banned_at INTEGER NOT NULL,
    PRIMARY KEY(guid, uid)
) WITHOUT ROWID;
"""

#: The schema's history, oldest first; a step's version is its position (1-based).
MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration("users, tokens, friends, groups, members, messages, receipts", _V1_TABLES),
    Migration(
        "threads, reactions, mentions, tags, attachments and the history filters' indexes",
        _MESSAGE_FEATURES,
        backfill,
    ),
    Migration(conversations.MIGRATION_NAME, conversations.MIGRATION_SQL, conversations.backfill),
    Migration("blocked users, banned group members", _BLOCKS_AND_BANS),
)

#: The version this code brings every database to.
SCHEMA_VERSION: Final = len(MIGRATIONS)

_META: Final = "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_LEDGER: Final = (
    "CREATE TABLE IF NOT EXISTS schema_migrations("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
)


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of ``script`` (a ``;`` inside a string or a trigger body does not split it)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                yield pending.strip()
            pending = ""


def schema_version(db: sqlite3.Connection) -> int:
    """The version recorded in ``db`` (0 for an empty database)."""
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return 0 if row is None else int(row[0])


def upgrade(db: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS, *, where: str) -> int:
    """Bring ``db`` to ``len(migrations)``; returns the version it had.

    ``db`` must be in autocommit mode (``isolation_level=None``); ``where`` names
    the database in error messages. Raises ``RuntimeError`` (nothing written) for
    a newer database or one migrated by a different build (see the module docstring).
    """
    latest = len(migrations)
    now = int(time.time())
    with transaction(db):
        db.execute(_META)
        found = schema_version(db)
        if found > latest:
            raise RuntimeError(
                f"database {where!r} has schema version {found}, newer than this server's "
                f"{latest}; upgrade cometchat_nb"
            )
        db.execute(_LEDGER)
        recorded = dict(db.execute("SELECT version, name FROM schema_migrations").fetchall())
        for version in range(1, found + 1):
            name = migrations[version - 1].name
            if version not in recorded:  # a database from before the ledger (version 1)
                db.execute("INSERT INTO schema_migrations VALUES(?, ?, ?)", (version, name, now))
            elif recorded[version] != name:
                raise RuntimeError(
                    f"database {where!r} ran schema step {version} {recorded[version]!r}, where this "
                    f"server has {name!r}: it was made by a different build of cometchat_nb"
                )
    for version in range(found + 1, latest + 1):
        step = migrations[version - 1]
        with transaction(db):
            step.apply(db)
            db.execute("INSERT INTO schema_migrations VALUES(?, ?, ?)", (version, step.name, now))
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)", (str(version),))
    return found
