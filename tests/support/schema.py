"""Database schemas of earlier cometchat_nb versions, for the upgrade tests."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson

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
