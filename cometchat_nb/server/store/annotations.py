"""What the history filters search by, derived from a message's JSON when it is
stored or replaced: the ``messages`` columns ``parent_id``, ``flags`` and
``search_text``, and the tables ``mentions`` (who a message mentions) and
``message_tags`` (its tags), each indexed so a filtered page is found without
reading every message of a conversation.

:func:`annotate` is pure (the message JSON in, an :class:`Annotations` out); the
same function fills these for new messages and for the rows of a database
upgraded from an older schema, so the two never disagree. ``FLAG_REACTIONS`` is
the one flag not derived from the JSON: it follows the ``reactions`` table
(:mod:`.reactions`) and survives a :func:`annotate` of the same message.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any, Final

import orjson

__all__ = [
    "FLAG_ATTACHMENTS",
    "FLAG_LINKS",
    "FLAG_MENTIONS",
    "FLAG_REACTIONS",
    "FLAG_REPLIES",
    "LINK_RE",
    "MEDIA_TYPES",
    "Annotations",
    "annotate",
    "backfill",
    "write_annotations",
    "write_rows",
]

#: ``messages.flags`` bits (a partial index covers the attachment and reaction bits).
FLAG_ATTACHMENTS: Final = 1
FLAG_LINKS: Final = 2
FLAG_MENTIONS: Final = 4
FLAG_REACTIONS: Final = 8
#: The message is a thread's parent with at least one reply (``replyCount`` > 0).
FLAG_REPLIES: Final = 16

#: The message types of media messages (``category`` ``message``); an attachment's type is its message's.
MEDIA_TYPES: Final = ("image", "video", "audio", "file")

#: What counts as a link for ``hasLinks``: an http(s) URL or a ``www.`` host.
LINK_RE: Final = re.compile(r"(?i)\b(?:https?://|www\.)\S")


@dataclass(frozen=True, slots=True)
class Annotations:
    """The filter columns and rows of one message."""

    parent_id: int | None
    flags: int
    search_text: str | None
    mentions: tuple[str, ...]
    tags: tuple[str, ...]


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def annotate(message: dict[str, Any]) -> Annotations:
    """The annotations of a message JSON (as stored: ``data.text``,
    ``data.attachments``, ``data.mentions``, ``tags``, ``parentId``,
    ``replyCount``). ``search_text`` is the lower-cased text or caption and the
    attachments' names; the flags say whether there are attachments, links,
    mentions and replies."""
    data = message.get("data")
    data = data if isinstance(data, dict) else {}
    flags = 0
    words: list[str] = []
    text = data.get("text")
    if isinstance(text, str) and text:
        words.append(text)
        if LINK_RE.search(text):
            flags |= FLAG_LINKS
    attachments = data.get("attachments")
    if isinstance(attachments, list) and attachments:
        flags |= FLAG_ATTACHMENTS
        words += [str(a["name"]) for a in attachments if isinstance(a, dict) and a.get("name")]
    mentions = data.get("mentions")
    mentioned = tuple(mentions) if isinstance(mentions, dict) else ()
    if mentioned:
        flags |= FLAG_MENTIONS
    if (_int(message.get("replyCount")) or 0) > 0:
        flags |= FLAG_REPLIES
    tags = message.get("tags")
    tag_list = tuple(dict.fromkeys(t for t in tags if isinstance(t, str))) if isinstance(tags, list) else ()
    return Annotations(
        parent_id=_int(message.get("parentId")),
        flags=flags,
        search_text="\n".join(words).lower() if words else None,
        mentions=mentioned,
        tags=tag_list,
    )


def write_rows(db: sqlite3.Connection, mid: int, ann: Annotations) -> None:
    """Insert the mention and tag rows of a new message ``mid``."""
    if ann.mentions:
        db.executemany(
            "INSERT OR IGNORE INTO mentions(message_id, uid) VALUES(?, ?)", [(mid, u) for u in ann.mentions]
        )
    if ann.tags:
        db.executemany(
            "INSERT OR IGNORE INTO message_tags(message_id, tag) VALUES(?, ?)", [(mid, t) for t in ann.tags]
        )


def write_annotations(db: sqlite3.Connection, mid: int, ann: Annotations) -> None:
    """Replace the annotations of the stored message ``mid`` (keeping its reaction flag)."""
    db.execute("DELETE FROM mentions WHERE message_id=?", (mid,))
    db.execute("DELETE FROM message_tags WHERE message_id=?", (mid,))
    db.execute(
        "UPDATE messages SET parent_id=?, flags=? | (flags & ?), search_text=? WHERE id=?",
        (ann.parent_id, ann.flags, FLAG_REACTIONS, ann.search_text, mid),
    )
    write_rows(db, mid, ann)


def backfill(db: sqlite3.Connection) -> None:
    """Annotate every message already stored (the migration that adds the columns)."""
    for mid, raw in db.execute("SELECT id, json FROM messages ORDER BY id").fetchall():
        message = orjson.loads(raw)
        if isinstance(message, dict):
            write_annotations(db, int(mid), annotate(message))
