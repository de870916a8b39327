"""Table ``messages``: every message and action, its JSON kept verbatim, and the
history pages read from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from .annotations import annotate, write_annotations, write_rows
from .base import JSON, Tables
from .filters import HistoryFilters, filter_sql

__all__ = ["HistoryQuery", "MessagePage", "MessageTables", "conversation_id"]


def conversation_id(sender: str, receiver: str, receiver_type: str) -> str:
    """CometChat's conversation id: ``a_user_b`` (uids sorted) or ``group_<guid>``."""
    if receiver_type == "group":
        return f"group_{receiver}"
    a, b = sorted((sender, receiver))
    return f"{a}_user_{b}"


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryQuery:
    """Which messages one history page holds, and in which direction.

    ``prepend`` selects the newest ``limit`` messages older than the cursor (the
    latest ones without a cursor); ``append`` the oldest ``limit`` messages newer
    than the cursor (from the start without one). ``cursor_id`` wins over
    ``cursor_sent_at``; both bounds are strict. The other fields filter
    (``filters``: :class:`~.filters.HistoryFilters`; with ``updated_after`` the
    page runs in update order and ignores both cursors).
    """

    affix: Literal["prepend", "append"] = "prepend"
    cursor_id: int | None = None
    cursor_sent_at: int | None = None
    limit: int = 30
    hide_deleted: bool = False
    categories: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    filters: HistoryFilters = field(default_factory=HistoryFilters)
    #: hideMessagesFromBlockedUsers: leave out what users in a block with this uid sent
    hide_blocked_for: str | None = None


@dataclass(frozen=True, slots=True)
class MessagePage:
    """One page of history: message JSON texts in ascending id order.

    ``remaining`` counts every message that matched the query in the
    requested direction, this page included (for ``meta.pagination``).
    ``flags`` are the rows' ``messages.flags`` (:mod:`.annotations`);
    ``updated_ats`` their update times (the cursor of an ``updated_after`` page).
    """

    items: list[bytes]
    ids: list[int]
    sent_ats: list[int]
    remaining: int
    flags: list[int] = field(default_factory=list)
    updated_ats: list[int] = field(default_factory=list)


class MessageTables(Tables):
    """Messages (text, custom and action messages alike)."""

    _last_message_id: int

    def _load_last_message_id(self) -> None:
        row = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM messages").fetchone()
        self._last_message_id = int(row[0])

    def add_message(self, message: JSON, *, now: int) -> JSON:
        """Store a message (its JSON without ``id``); returns it with the new
        ``"id"`` (a string) first. ``conversationId``, ``sender``, ``receiver``,
        ``receiverType``, ``category`` and ``type`` must be set."""
        mid = self._last_message_id + 1
        full: JSON = {"id": str(mid), **message}
        ann = annotate(full)
        self._db.execute(
            "INSERT INTO messages(id, conversation_id, sender, receiver, receiver_type, category, type, json,"
            " sent_at, updated_at, parent_id, flags, search_text)"
            " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                ann.parent_id,
                ann.flags,
                ann.search_text,
            ),
        )
        write_rows(self._db, mid, ann)
        self._last_message_id = mid
        return full

    def message(self, mid: int) -> JSON | None:
        row = self._db.execute("SELECT json FROM messages WHERE id=?", (mid,)).fetchone()
        return None if row is None else dict(orjson.loads(row[0]))

    def replace_message(self, message: JSON) -> None:
        """Overwrite a stored message with its new JSON (edit, delete, receipts,
        reply count) and its filter annotations."""
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
        write_annotations(self._db, int(message["id"]), annotate(message))

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
        self, query: HistoryQuery, *, conversation: str | None = None, reader: str | None = None
    ) -> MessagePage:
        """One page of history, oldest first (see :class:`HistoryQuery`).

        Scope: one ``conversation``, or (``reader`` given) everything that
        user can read: their direct messages and the messages of groups they
        are currently a member of.
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
        op = "<" if query.affix == "prepend" else ">"
        by_update = query.filters.updated_after is not None  # then the update time is the cursor
        if not by_update and query.cursor_id is not None:
            where.append(f"id {op} ?")
            args.append(query.cursor_id)
        elif not by_update and query.cursor_sent_at is not None:
            where.append(f"sent_at {op} ?")
            args.append(query.cursor_sent_at)
        if query.hide_deleted:
            where.append("deleted_at IS NULL")
        if query.categories:
            where.append(f"category IN ({','.join('?' * len(query.categories))})")
            args += list(query.categories)
        if query.types:
            where.append(f"type IN ({','.join('?' * len(query.types))})")
            args += list(query.types)
        more, more_args = filter_sql(query.filters)
        where += more
        args += more_args
        if query.hide_blocked_for is not None:
            where.append(
                "sender NOT IN (SELECT blocked FROM blocked_users WHERE uid=?"
                " UNION SELECT uid FROM blocked_users WHERE blocked=?)"
            )
            args += [query.hide_blocked_for, query.hide_blocked_for]
        clause = " AND ".join(where) or "1=1"
        order = "DESC" if query.affix == "prepend" else "ASC"
        keys = f"updated_at {order}, id {order}" if by_update else f"id {order}"
        rows = self._db.execute(
            f"SELECT id, sent_at, json, flags, updated_at FROM messages WHERE {clause}"
            f" ORDER BY {keys} LIMIT ?",
            (*args, query.limit),
        ).fetchall()
        if query.affix == "prepend":
            rows.reverse()
        if len(rows) < query.limit:
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
            flags=[int(r[3]) for r in rows],
            updated_ats=[int(r[4]) for r in rows],
        )
