"""Schema migrations of the server's store: a database written by cometchat_nb
before migrations existed (schema version 1) opens and is upgraded in place; a
later step runs once; newer or foreign databases are refused untouched."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from cometchat_nb.server.store import SCHEMA_VERSION, HistoryQuery, Store
from cometchat_nb.server.store.migrations import MIGRATIONS, Migration, schema_version, upgrade

#: The schema cometchat_nb wrote before migrations existed (``_SCHEMA`` of store.py at schema
#: version 1, commit bb9f127), kept verbatim: it is history, whatever the code says today.
V1_SCHEMA = """
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

MESSAGE = {
    "id": "1",
    "conversationId": "a_user_b",
    "sender": "a",
    "receiver": "b",
    "receiverType": "user",
    "category": "message",
    "type": "text",
    "data": {"text": "from version 1"},
    "sentAt": 5,
    "updatedAt": 5,
}


@contextlib.contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        yield db


def write_v1_database(path: Path) -> None:
    """A database as cometchat_nb wrote it at schema version 1, with a row in every table."""
    with connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(V1_SCHEMA)
        db.executescript(
            """
            INSERT INTO meta VALUES('schema_version', '1');
            INSERT INTO meta VALUES('jwt_secret', '00112233445566778899aabbccddeeff'
                                                  || '00112233445566778899aabbccddeeff');
            INSERT INTO users(uid, name, role, created_at)
                VALUES('a', 'A', 'default', 1), ('b', 'B', 'vip', 1);
            INSERT INTO auth_tokens VALUES('hash-a', 'a', 1, NULL);
            INSERT INTO chat_groups VALUES('g', 'G', 'public', NULL, NULL, NULL, 'a', NULL, NULL, 1, 1);
            INSERT INTO members VALUES('g', 'a', 'admin', 1);
            INSERT INTO receipts VALUES(1, 'b', 'read', 6);
            INSERT INTO friends VALUES('a', 'b'), ('b', 'a');
            """
        )
        db.execute(
            "INSERT INTO messages(id, conversation_id, sender, receiver, receiver_type, category, type, json,"
            " sent_at, updated_at) VALUES(1, 'a_user_b', 'a', 'b', 'user', 'message', 'text', ?, 5, 5)",
            (orjson.dumps(MESSAGE),),
        )


def tables(path: Path) -> dict[str, str]:
    """name → SQL (whitespace left out) of every table and index, bookkeeping left out."""
    with connect(path) as db:
        rows = db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    return {name: "".join(sql.split()) for name, sql in rows if name != "schema_migrations"}


def ledger(path: Path) -> list[tuple[int, str]]:
    with connect(path) as db:
        rows = db.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        return [(int(v), str(n)) for v, n in rows]


def test_a_version_1_database_opens_with_everything_in_it(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    write_v1_database(path)
    store = Store(path)
    try:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert store.user("b") == {"uid": "b", "name": "B", "role": "vip", "status": "offline"}
        assert store.token_uid("hash-a") == "a" and store.friends_of("a") == {"b"}
        assert store.is_member("g", "a") and store.receipts(1) == [("b", "read", 6)]
        assert store.message(1) == MESSAGE
        assert store.messages_page(HistoryQuery(), reader="b").ids == [1]
        assert store.jwt_secret() == bytes.fromhex("00112233445566778899aabbccddeeff" * 2)
        without_id = {k: v for k, v in MESSAGE.items() if k != "id"}
        assert store.add_message(without_id, now=7)["id"] == "2"  # ids continue
    finally:
        store.close()
    assert ledger(path) == [(i + 1, m.name) for i, m in enumerate(MIGRATIONS)]


def test_the_first_step_is_the_version_1_schema(tmp_path: Path) -> None:
    """Step 1 must never change: databases on disk ran the version-1 schema."""
    old, new = tmp_path / "v1.sqlite", tmp_path / "new.sqlite"
    write_v1_database(old)
    with connect(new) as db:
        upgrade(db, MIGRATIONS[:1], where=str(new))
    assert tables(new) == tables(old)
    assert ledger(new) == [(1, MIGRATIONS[0].name)]


def _reactions_backfill(db: sqlite3.Connection) -> None:
    db.execute("INSERT INTO stars(message_id, uid, reaction) SELECT id, sender, 'seen' FROM messages")


#: A later feature's step, as the features after version 1 will append theirs: a table with an
#: index (a trigger with a ';' in its body too), filled from existing rows.
REACTIONS = Migration(
    "stars (an example step): one row per message, user and reaction",
    """
    CREATE TABLE stars(message_id INTEGER NOT NULL, uid TEXT NOT NULL, reaction TEXT NOT NULL,
        PRIMARY KEY(message_id, uid, reaction)) WITHOUT ROWID;
    CREATE INDEX stars_uid ON stars(uid);
    CREATE TRIGGER stars_gone AFTER DELETE ON messages BEGIN
        DELETE FROM stars WHERE message_id = old.id;
    END;
    """,
    run=_reactions_backfill,
)


def test_an_appended_step_upgrades_a_version_1_database_in_place_once(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    write_v1_database(path)
    steps = (*MIGRATIONS, REACTIONS)
    with connect(path) as db:
        assert upgrade(db, steps, where=str(path)) == 1
        assert schema_version(db) == len(steps)
        assert db.execute("SELECT * FROM stars").fetchall() == [(1, "a", "seen")]
        db.execute("INSERT INTO stars VALUES(1, 'b', 'like')")
        assert upgrade(db, steps, where=str(path)) == len(steps)  # nothing left to run
        assert db.execute("SELECT COUNT(*) FROM stars").fetchone()[0] == 2
        db.execute("DELETE FROM messages WHERE id=1")
        assert db.execute("SELECT COUNT(*) FROM stars").fetchone()[0] == 0  # the trigger works
    assert ledger(path)[-1] == (len(steps), REACTIONS.name)
    with pytest.raises(RuntimeError, match="newer"):  # a server without the step refuses it
        Store(path)


def test_a_failing_step_leaves_the_last_complete_version(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    write_v1_database(path)
    broken = Migration("broken", "CREATE TABLE half(x INTEGER); INSERT INTO nowhere VALUES(1);")
    with connect(path) as db:
        with pytest.raises(sqlite3.OperationalError):
            upgrade(db, (*MIGRATIONS, REACTIONS, broken), where=str(path))
        assert schema_version(db) == len(MIGRATIONS) + 1
        assert db.execute("SELECT name FROM sqlite_master WHERE name='half'").fetchone() is None


def test_a_database_from_another_build_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    write_v1_database(path)
    with connect(path) as db:
        upgrade(db, (*MIGRATIONS, REACTIONS), where=str(path))
        before = tables(path), ledger(path)
        other = Migration("conversations", "CREATE TABLE conversations(id TEXT)")
        with pytest.raises(RuntimeError, match="different build"):
            upgrade(db, (*MIGRATIONS, other), where=str(path))
    assert (tables(path), ledger(path)) == before
