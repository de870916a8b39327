"""Schema migrations of the server's store: a database written by cometchat_nb
before migrations existed (schema version 1) opens and is upgraded in place; a
later step runs once; newer or foreign databases are refused untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cometchat_nb.server.store import SCHEMA_VERSION, HistoryQuery, Store
from cometchat_nb.server.store.migrations import MIGRATIONS, Migration, schema_version, upgrade

from ..support.schema import MESSAGE, connect, write_v1_database


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
