"""Tables ``conversations`` and ``participants``: every conversation's latest
message, and each participant's read state, unread count and tags.

The bookkeeping is done by SQLite triggers (created by the migration below), so
it holds whichever code path writes a message or a membership — a post, a group
action, an edit or delete, the admin helpers, a bulk load — with no call to
remember:

* a message stored (``INSERT ON messages``) makes its conversation's row (the
  first one creates it), and, in a direct conversation, both ends' participant
  rows; it becomes the conversation's ``lastMessage`` unless it is an
  ``edited``/``deleted`` notice (an ``action`` of type ``message``: those change
  another message, not the conversation); it counts towards unread counts
  unless it is an ``action``;
* a countable message deleted (``deleted_at`` set) stops counting for everyone
  who had not read it yet;
* a member added (``INSERT ON members``) gets a participant row whose read mark
  is the group's newest message: a late joiner's unread count starts at zero
  and counts what arrives while they are a member (the older history stays
  readable, as for every member, but it is not "unread"); a member removed
  loses the row, so a former member's list no longer shows the group.

Unread counts are kept as counters, never by counting messages per request:
``conversations.total`` is the number of countable messages ever stored (never
decremented), and a participant row keeps ``read_total`` (countable messages up
to ``read_id``), ``own_after`` (their own countable messages after it) and
``gone_after`` (others' countable messages after it that were deleted), so

    unread = total - read_total - own_after - gone_after

is the number of countable, undeleted messages of others after ``read_id``.
Posting touches two rows whatever the group's size; a delete touches the
participants who had not read the message; moving a read mark counts only the
messages after the new mark (:meth:`ConversationTables.set_read`).

The migration's SQL and backfill below are a shipped schema step: never edit
them; change the schema with a new step in ``migrations.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson

from .base import JSON, Tables, dump, like, load

__all__ = [
    "MIGRATION_NAME",
    "MIGRATION_SQL",
    "UNREAD_SQL",
    "ConversationQuery",
    "ConversationTables",
    "Participant",
    "backfill",
]

# -- the schema step (frozen once shipped) -----------------------------------------------
MIGRATION_NAME: Final = "conversations, participants, their triggers"

MIGRATION_SQL: Final = """
CREATE TABLE conversations(
    conversation_id TEXT PRIMARY KEY,
    conversation_type TEXT NOT NULL,
    last_message_id INTEGER,
    latest_id INTEGER NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE participants(
    uid TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    conversation_type TEXT NOT NULL,
    with_id TEXT NOT NULL,
    joined_id INTEGER NOT NULL DEFAULT 0,
    read_id INTEGER NOT NULL DEFAULT 0,
    read_total INTEGER NOT NULL DEFAULT 0,
    own_after INTEGER NOT NULL DEFAULT 0,
    gone_after INTEGER NOT NULL DEFAULT 0,
    read_at INTEGER,
    delivered_id INTEGER NOT NULL DEFAULT 0,
    delivered_at INTEGER,
    cleared_id INTEGER NOT NULL DEFAULT 0,
    tags TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY(uid, conversation_id)
) WITHOUT ROWID;
CREATE INDEX participants_read ON participants(conversation_id, read_id);
CREATE INDEX participants_delivered ON participants(conversation_id, delivered_id);
CREATE TRIGGER conversations_message_stored AFTER INSERT ON messages
BEGIN
    INSERT INTO conversations(conversation_id, conversation_type, last_message_id, latest_id, total,
                              created_at, updated_at)
    VALUES(NEW.conversation_id, NEW.receiver_type,
           CASE WHEN NEW.category = 'action' AND NEW.type = 'message' THEN NULL ELSE NEW.id END,
           NEW.id, NEW.category != 'action', NEW.sent_at, NEW.sent_at)
    ON CONFLICT(conversation_id) DO UPDATE SET
        latest_id = excluded.latest_id,
        total = total + excluded.total,
        last_message_id = COALESCE(excluded.last_message_id, last_message_id),
        updated_at = CASE WHEN excluded.last_message_id IS NULL THEN updated_at ELSE excluded.updated_at END;
    INSERT OR IGNORE INTO participants(uid, conversation_id, conversation_type, with_id, created_at)
    SELECT NEW.sender, NEW.conversation_id, 'user', NEW.receiver, NEW.sent_at
    WHERE NEW.receiver_type = 'user'
    UNION ALL
    SELECT NEW.receiver, NEW.conversation_id, 'user', NEW.sender, NEW.sent_at
    WHERE NEW.receiver_type = 'user' AND NEW.receiver != NEW.sender;
    UPDATE participants SET own_after = own_after + 1
    WHERE NEW.category != 'action' AND uid = NEW.sender AND conversation_id = NEW.conversation_id;
END;
CREATE TRIGGER conversations_message_deleted AFTER UPDATE OF deleted_at ON messages
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL AND NEW.category != 'action'
BEGIN
    UPDATE participants SET gone_after = gone_after + 1
    WHERE conversation_id = NEW.conversation_id AND read_id < NEW.id AND uid != NEW.sender;
END;
CREATE TRIGGER conversations_member_added AFTER INSERT ON members
BEGIN
    INSERT OR REPLACE INTO participants(uid, conversation_id, conversation_type, with_id, joined_id,
                                        read_id, read_total, delivered_id, created_at)
    SELECT NEW.uid, 'group_' || NEW.guid, 'group', NEW.guid, COALESCE(c.latest_id, 0),
           COALESCE(c.latest_id, 0), COALESCE(c.total, 0), COALESCE(c.latest_id, 0), NEW.joined_at
    FROM (SELECT 1) LEFT JOIN conversations c ON c.conversation_id = 'group_' || NEW.guid;
END;
CREATE TRIGGER conversations_member_removed AFTER DELETE ON members
BEGIN
    DELETE FROM participants WHERE uid = OLD.uid AND conversation_id = 'group_' || OLD.guid;
END;
"""


def backfill(db: sqlite3.Connection) -> None:
    """Fill the new tables from a database's existing messages, members and
    receipts (the migration's ``run``): read marks come from the latest read
    receipt in each conversation, else (group members) from the newest message
    sent before they joined."""
    db.execute(
        "INSERT INTO conversations(conversation_id, conversation_type, last_message_id, latest_id, total,"
        " created_at, updated_at)"
        " SELECT conversation_id, MIN(receiver_type),"
        " MAX(CASE WHEN category = 'action' AND type = 'message' THEN NULL ELSE id END), MAX(id),"
        " SUM(category != 'action'), MIN(sent_at), MIN(sent_at) FROM messages GROUP BY conversation_id"
    )
    db.execute(
        "UPDATE conversations SET updated_at = m.sent_at FROM messages m"
        " WHERE m.id = conversations.last_message_id"
    )
    db.execute(
        "INSERT OR IGNORE INTO participants(uid, conversation_id, conversation_type, with_id, created_at)"
        " SELECT DISTINCT m.sender, m.conversation_id, 'user', m.receiver, c.created_at"
        " FROM messages m JOIN conversations c USING(conversation_id) WHERE m.receiver_type = 'user'"
        " UNION SELECT DISTINCT m.receiver, m.conversation_id, 'user', m.sender, c.created_at"
        " FROM messages m JOIN conversations c USING(conversation_id) WHERE m.receiver_type = 'user'"
    )
    db.execute(
        "INSERT OR IGNORE INTO participants(uid, conversation_id, conversation_type, with_id, joined_id,"
        " read_id, delivered_id, created_at)"
        " SELECT uid, 'group_' || guid, 'group', guid, j, j, j, joined_at FROM"
        " (SELECT mb.uid, mb.guid, mb.joined_at, (SELECT COALESCE(MAX(m.id), 0) FROM messages m"
        "  WHERE m.conversation_id = 'group_' || mb.guid AND m.sent_at < mb.joined_at) AS j FROM members mb)"
    )
    db.execute(
        "CREATE TEMP TABLE receipt_marks AS SELECT r.uid AS uid, m.conversation_id AS conversation_id,"
        " MAX(CASE WHEN r.type = 'read' THEN r.message_id END) AS read_id,"
        " MAX(CASE WHEN r.type = 'read' THEN r.at END) AS read_at,"
        " MAX(r.message_id) AS delivered_id, MAX(r.at) AS delivered_at"
        " FROM receipts r JOIN messages m ON m.id = r.message_id GROUP BY r.uid, m.conversation_id"
    )
    db.execute(
        "UPDATE participants SET read_id = MAX(participants.read_id, COALESCE(k.read_id, 0)),"
        " read_at = k.read_at, delivered_id = MAX(participants.delivered_id, k.delivered_id),"
        " delivered_at = k.delivered_at FROM receipt_marks k"
        " WHERE k.uid = participants.uid AND k.conversation_id = participants.conversation_id"
    )
    db.execute("DROP TABLE receipt_marks")
    rows = db.execute("SELECT uid, conversation_id, read_id FROM participants").fetchall()
    for uid, cid, read_id in rows:
        _recount(db, uid, cid, int(read_id))


def _recount(db: sqlite3.Connection, uid: str, cid: str, read_id: int) -> None:
    """Set ``uid``'s counters in ``cid`` for a read mark at ``read_id`` (counts the messages after it)."""
    after, own, gone = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(sender = ?), 0),"
        " COALESCE(SUM(sender != ? AND deleted_at IS NOT NULL), 0) FROM messages"
        " WHERE conversation_id = ? AND id > ? AND category != 'action'",
        (uid, uid, cid, read_id),
    ).fetchone()
    db.execute(
        "UPDATE participants SET read_id = ?, read_total = MAX(COALESCE((SELECT total FROM conversations"
        " WHERE conversation_id = ?), 0) - ?, 0), own_after = ?, gone_after = ?"
        " WHERE uid = ? AND conversation_id = ?",
        (read_id, cid, after, own, gone, uid, cid),
    )


# -- reading -----------------------------------------------------------------------------
#: A participant's unread count, in a query joining ``participants p`` and ``conversations c``.
UNREAD_SQL: Final = "MAX(c.total - p.read_total - p.own_after - p.gone_after, 0)"

#: A conversation is listed once it has a message newer than the participant's "delete" of it.
_VISIBLE: Final = "c.last_message_id IS NOT NULL AND c.last_message_id > p.cleared_id"

_COLUMNS: Final = (
    "p.uid, p.conversation_id, p.conversation_type, p.with_id, p.joined_id, p.read_id, p.read_at,"
    f" p.delivered_id, p.delivered_at, p.cleared_id, p.tags, {UNREAD_SQL}, c.last_message_id, c.latest_id,"
    " c.created_at, c.updated_at"
)


@dataclass(frozen=True, slots=True)
class Participant:
    """One user's view of one conversation (a ``participants`` row with its
    conversation's state). ``with_id`` is the other user (``user``) or the group
    (``group``); ``last_message_id`` is ``None`` while the conversation has no
    message that may be its ``lastMessage``."""

    uid: str
    conversation_id: str
    conversation_type: str
    with_id: str
    joined_id: int
    read_id: int
    read_at: int | None
    delivered_id: int
    delivered_at: int | None
    cleared_id: int
    tags: list[str] | None
    unread: int
    last_message_id: int | None
    latest_id: int
    created_at: int
    updated_at: int

    @property
    def visible(self) -> bool:
        """Whether the participant's list shows it (it has a message they did not delete)."""
        return self.last_message_id is not None and self.last_message_id > self.cleared_id


def _participant(row: Sequence[Any]) -> Participant:
    return Participant(
        uid=row[0],
        conversation_id=row[1],
        conversation_type=row[2],
        with_id=row[3],
        joined_id=int(row[4]),
        read_id=int(row[5]),
        read_at=row[6],
        delivered_id=int(row[7]),
        delivered_at=row[8],
        cleared_id=int(row[9]),
        tags=load(row[10]),
        unread=int(row[11]),
        last_message_id=row[12],
        latest_id=int(row[13]),
        created_at=int(row[14]),
        updated_at=int(row[15]),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationQuery:
    """Which of a user's conversations a list page holds (newest first).

    ``conversation_type``: ``user``/``group`` only; ``unread_only``: those with
    unread messages; ``tags``: the participant's own conversation tags (any of
    them); ``user_tags``/``group_tags``: user conversations whose user, and group
    conversations whose group, has any of these tags (setting either keeps only
    the conversations matching one of the two); ``search``: the other user's or
    the group's name or id contains it; ``hidden_with``: direct conversations
    with these users are left out.
    """

    limit: int = 30
    offset: int = 0
    conversation_type: str | None = None
    unread_only: bool = False
    tags: tuple[str, ...] = ()
    user_tags: tuple[str, ...] = ()
    group_tags: tuple[str, ...] = ()
    search: str | None = None
    hidden_with: frozenset[str] = frozenset()


def _marks(values: Iterable[Any]) -> str:
    return ",".join("?" for _ in values)


def _any_tag(column: str, tags: tuple[str, ...]) -> str:
    """SQL: the JSON list in ``column`` holds one of ``tags`` (bound after the clause)."""
    return f"EXISTS (SELECT 1 FROM json_each({column}) t WHERE t.value IN ({_marks(tags)}))"


class ConversationTables(Tables):
    """Conversations and their participants (see the module docstring)."""

    def participant(self, uid: str, conversation_id: str) -> Participant | None:
        """``uid``'s row of a conversation (listed or not), or ``None``."""
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM participants p JOIN conversations c USING(conversation_id)"
            " WHERE p.uid = ? AND p.conversation_id = ?",
            (uid, conversation_id),
        ).fetchone()
        return None if row is None else _participant(row)

    def conversations_page(self, uid: str, query: ConversationQuery) -> tuple[list[Participant], int]:
        """A page of ``uid``'s listed conversations, newest first, and how many match."""
        joins = ""
        where = ["p.uid = ?", _VISIBLE]
        args: list[Any] = [uid]
        if query.conversation_type is not None:
            where.append("p.conversation_type = ?")
            args.append(query.conversation_type)
        if query.unread_only:
            where.append(f"{UNREAD_SQL} > 0")
        if query.hidden_with:
            where.append(f"NOT (p.conversation_type = 'user' AND p.with_id IN ({_marks(query.hidden_with)}))")
            args += sorted(query.hidden_with)
        if query.tags:
            where.append(_any_tag("p.tags", query.tags))
            args += query.tags
        if query.search or query.user_tags or query.group_tags:
            joins = (
                " LEFT JOIN users u ON p.conversation_type = 'user' AND u.uid = p.with_id"
                " LEFT JOIN chat_groups g ON p.conversation_type = 'group' AND g.guid = p.with_id"
            )
        if query.user_tags or query.group_tags:
            sides = []
            if query.user_tags:
                sides.append(f"(p.conversation_type = 'user' AND {_any_tag('u.tags', query.user_tags)})")
                args += query.user_tags
            if query.group_tags:
                sides.append(f"(p.conversation_type = 'group' AND {_any_tag('g.tags', query.group_tags)})")
                args += query.group_tags
            where.append(f"({' OR '.join(sides)})")
        if query.search:
            pattern = like(query.search)
            where.append(
                "(p.with_id LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\' OR g.name LIKE ? ESCAPE '\\')"
            )
            args += [pattern, pattern, pattern]
        clause = " AND ".join(where)
        base = f"FROM participants p JOIN conversations c USING(conversation_id){joins} WHERE {clause}"
        rows = self._db.execute(
            f"SELECT {_COLUMNS} {base} ORDER BY c.last_message_id DESC LIMIT ? OFFSET ?",
            (*args, query.limit, query.offset),
        ).fetchall()
        if query.offset == 0 and len(rows) < query.limit:
            total = len(rows)
        else:
            total = int(self._db.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0])
        return [_participant(r) for r in rows], total

    def unread_counts(
        self,
        uid: str,
        *,
        conversation_type: str | None = None,
        conversation_id: str | None = None,
        hidden_with: frozenset[str] = frozenset(),
    ) -> list[tuple[str, str, int]]:
        """``(with_id, conversation_type, unread)`` of each of ``uid``'s conversations
        with unread messages (all, one type, or one conversation), newest first."""
        where = ["p.uid = ?", f"{UNREAD_SQL} > 0"]
        args: list[Any] = [uid]
        if conversation_type is not None:
            where.append("p.conversation_type = ?")
            args.append(conversation_type)
        if conversation_id is not None:
            where.append("p.conversation_id = ?")
            args.append(conversation_id)
        if hidden_with:
            where.append(f"NOT (p.conversation_type = 'user' AND p.with_id IN ({_marks(hidden_with)}))")
            args += sorted(hidden_with)
        rows = self._db.execute(
            f"SELECT p.with_id, p.conversation_type, {UNREAD_SQL} FROM participants p"
            f" JOIN conversations c USING(conversation_id) WHERE {' AND '.join(where)}"
            " ORDER BY c.last_message_id DESC",
            args,
        ).fetchall()
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    def messages_json(self, ids: Iterable[int]) -> dict[int, JSON]:
        """The stored JSON of these messages, by id (missing ids left out)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = self._db.execute(f"SELECT id, json FROM messages WHERE id IN ({_marks(wanted)})", wanted)
        return {int(r[0]): dict(orjson.loads(r[1])) for r in rows}

    def canonical_id(self, kind: str, value: str) -> str | None:
        """The stored uid (``kind="user"``) or guid (``"group"``) equal to ``value``,
        else one equal to it ignoring case (the official SDK lowercases the id of
        its conversation calls), else ``None``."""
        table, column = ("users", "uid") if kind == "user" else ("chat_groups", "guid")
        row = self._db.execute(f"SELECT {column} FROM {table} WHERE {column} = ?", (value,)).fetchone()
        if row is None:
            row = self._db.execute(
                f"SELECT {column} FROM {table} WHERE {column} = ? COLLATE NOCASE ORDER BY {column} LIMIT 1",
                (value,),
            ).fetchone()
        return None if row is None else str(row[0])

    def unread_mentions_after_marks(self, uid: str, conversation_ids: Sequence[str]) -> dict[str, int]:
        """Per conversation of ``uid``: the undeleted messages of others after
        ``uid``'s read mark that mention them (table ``mentions``); zeros left out."""
        if not conversation_ids:
            return {}
        rows = self._db.execute(
            "SELECT m.conversation_id, COUNT(*) FROM mentions mn JOIN messages m ON m.id = mn.message_id"
            " JOIN participants p ON p.uid = mn.uid AND p.conversation_id = m.conversation_id"
            " WHERE mn.uid = ? AND mn.message_id > p.read_id AND m.sender != mn.uid AND m.deleted_at IS NULL"
            f" AND m.conversation_id IN ({_marks(conversation_ids)}) GROUP BY m.conversation_id",
            (uid, *conversation_ids),
        ).fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    # -- read state ------------------------------------------------------------------
    def set_read(self, uid: str, conversation_id: str, read_id: int, now: int) -> None:
        """Move ``uid``'s read mark in a conversation to ``read_id`` (either way) and
        recount their unread messages after it; a mark past the delivered one moves
        that too (what is read was delivered)."""
        with self.transaction():
            _recount(self._db, uid, conversation_id, read_id)
            self._db.execute(
                "UPDATE participants SET read_at = ?, delivered_at = CASE WHEN delivered_id < ?"
                " THEN ? ELSE delivered_at END, delivered_id = MAX(delivered_id, ?)"
                " WHERE uid = ? AND conversation_id = ?",
                (now, read_id, now, read_id, uid, conversation_id),
            )

    def set_delivered(self, uid: str, conversation_id: str, delivered_id: int, now: int) -> None:
        """Move ``uid``'s delivered mark forward to ``delivered_id`` (never back)."""
        self._db.execute(
            "UPDATE participants SET delivered_id = ?, delivered_at = ?"
            " WHERE uid = ? AND conversation_id = ? AND delivered_id < ?",
            (delivered_id, now, uid, conversation_id, delivered_id),
        )

    def clear_conversation(self, uid: str, conversation_id: str, now: int) -> None:
        """``uid`` deletes a conversation for themselves: it leaves their list (until a
        newer message arrives) and everything in it counts as read."""
        row = self.participant(uid, conversation_id)
        if row is None:
            return
        with self.transaction():
            self.set_read(uid, conversation_id, max(row.read_id, row.latest_id), now)
            self._db.execute(
                "UPDATE participants SET cleared_id = ? WHERE uid = ? AND conversation_id = ?",
                (row.latest_id, uid, conversation_id),
            )

    def set_conversation_tags(self, uid: str, conversation_id: str, tags: list[str]) -> None:
        self._db.execute(
            "UPDATE participants SET tags = ? WHERE uid = ? AND conversation_id = ?",
            (dump(tags) if tags else None, uid, conversation_id),
        )

    # -- messages of a conversation ------------------------------------------------------
    def newest_from_others(self, conversation_id: str, uid: str) -> int | None:
        """The id of the newest countable, undeleted message others sent in a conversation."""
        row = self._db.execute(
            "SELECT MAX(id) FROM messages WHERE conversation_id = ? AND sender != ? AND category != 'action'"
            " AND deleted_at IS NULL",
            (conversation_id, uid),
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def message_before(self, conversation_id: str, mid: int) -> int:
        """The id of the message just before ``mid`` in a conversation (0 if none)."""
        row = self._db.execute(
            "SELECT MAX(id) FROM messages WHERE conversation_id = ? AND id < ?", (conversation_id, mid)
        ).fetchone()
        return 0 if row[0] is None else int(row[0])

    def lowest_marks(self, conversation_id: str, exclude: str, column: str) -> list[tuple[str, int]]:
        """The two lowest ``read_id`` (or ``delivered_id``) marks of a conversation's
        other participants, lowest first: ``(uid, mark)``."""
        if column not in ("read_id", "delivered_id"):
            raise ValueError(column)
        rows = self._db.execute(
            f"SELECT uid, {column} FROM participants WHERE conversation_id = ? AND uid != ?"
            f" ORDER BY {column} LIMIT 2",
            (conversation_id, exclude),
        ).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def newest_covered_by_sender(
        self, conversation_id: str, reader: str, after: int, upto: int, lowest: Sequence[tuple[str, int]]
    ) -> list[tuple[str, int]]:
        """For a reader whose mark moved from ``after`` to ``upto``: per sender, the
        newest countable message in that range that every participant but its sender
        has now reached (``lowest``: :meth:`lowest_marks` of the others); ``(sender, id)``."""
        first = lowest[0] if lowest else ("", upto)
        second = lowest[1][1] if len(lowest) > 1 else upto
        rows = self._db.execute(
            "SELECT sender, MAX(id) FROM messages WHERE conversation_id = ? AND id > ? AND id <= ?"
            " AND category != 'action' AND deleted_at IS NULL AND sender != ?"
            " AND id <= CASE WHEN sender = ? THEN ? ELSE ? END GROUP BY sender",
            (conversation_id, after, upto, reader, first[0], second, first[1]),
        ).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def recipients_reached(self, conversation_id: str, mid: int, sender: str) -> list[Participant]:
        """The participants other than ``sender`` whose delivered or read mark reached
        message ``mid`` and who were there when it was sent."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM participants p JOIN conversations c USING(conversation_id)"
            " WHERE p.conversation_id = ? AND p.uid != ? AND p.joined_id < ?"
            " AND (p.delivered_id >= ? OR p.read_id >= ?) ORDER BY p.uid",
            (conversation_id, sender, mid, mid, mid),
        ).fetchall()
        return [_participant(r) for r in rows]
