"""The server's SQLite store (cometchat_nb.server.store): group passwords,
conversation ids, the tables and durability; migrations are in test_migrations.py."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pytest

from cometchat_nb.server.store import Store, UserFields, conversation_id, hash_password, verify_password


def test_passwords() -> None:
    stored = hash_password("pw")
    assert stored.startswith("scrypt$") and "pw" not in stored.split("$", 1)[1]
    assert verify_password("pw", stored) and not verify_password("pW", stored)
    assert hash_password("pw") != stored  # salted
    for broken in (
        None,
        "",
        "plain",
        "md5$1,1,1$00$00",
        "scrypt$zz$zz$zz",
        "scrypt$3,8,1$00$00",
        "scrypt$a$b",
    ):
        assert not verify_password("pw", broken)


def test_conversation_ids() -> None:
    assert conversation_id("superhero2", "superhero1", "user") == "superhero1_user_superhero2"
    assert conversation_id("superhero1", "superhero2", "user") == "superhero1_user_superhero2"
    assert conversation_id("superhero1", "club", "group") == "group_club"


def test_store_basics(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store(path)
    assert store.add_user("a", "A", now=1) is not None and store.add_user("a", "again", now=1) is None
    assert store.add_user("b", "B", now=1, fields=UserFields(role="vip", tags=["x"])) == {
        "uid": "b",
        "name": "B",
        "role": "vip",
        "status": "offline",
        "tags": ["x"],
    }
    store.add_token("a", "h1", 1)
    assert store.token_uid("h1") == "a" and store.revoke_token("h1", 2) and store.token_uid("h1") is None
    assert not store.revoke_token("h1", 3)
    m1 = store.add_message(
        {
            "conversationId": "a_user_b",
            "sender": "a",
            "receiver": "b",
            "receiverType": "user",
            "category": "message",
            "type": "text",
            "data": {"text": "x"},
            "sentAt": 5,
            "updatedAt": 5,
        },
        now=5,
    )
    assert m1["id"] == "1" and next(iter(m1)) == "id"
    secret = store.jwt_secret()
    assert store.jwt_secret() == secret and len(secret) == 32
    assert store.add_receipt(1, "b", "read", 6) and not store.add_receipt(1, "b", "read", 7)
    assert store.receipts(1) == [("b", "read", 6)]
    store.close()
    store.close()  # idempotent
    again = Store(path)
    assert again.jwt_secret() == secret and again.message(1) == m1 and again.user_count() == 2
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    Store(path).close()
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    with pytest.raises(RuntimeError, match="newer") as info:
        Store(path)
    # the refused store closed its connection (its frame, still alive in the traceback,
    # holds no open file): on Python 3.13 an unclosed one is a ResourceWarning
    assert info.traceback
    fds = Path("/proc/self/fd")
    if fds.is_dir():
        held = []
        for fd in os.listdir(fds):
            with contextlib.suppress(OSError):
                if os.readlink(fds / fd) == str(path):
                    held.append(fd)
        assert held == [], "the refused store keeps the database open"
