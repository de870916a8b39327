"""SQLite storage of the embedded server: users, tokens, groups, members,
messages, receipts, friends, conversations, blocked users, banned members.

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
* Auth tokens are stored as their SHA-256 (see :mod:`..tokens`); group
  passwords as a salted scrypt hash.
* Opening a file upgrades its schema in place (:mod:`.migrations`); a file from
  a newer cometchat_nb is refused.

Layout: ``migrations.py`` (the schema's history), ``base.py`` (connection and
helpers), one module per table group, each a mixin of :class:`Store`:
``users.py`` (users, auth tokens, friends), ``groups.py`` (groups, members,
passwords), ``messages.py`` (messages, history pages), ``receipts.py``,
``reactions.py``, ``media.py`` (uploaded files), ``conversations.py`` (each
conversation's latest message and each participant's read state, kept by
triggers), ``blocks.py`` (blocked users), ``bans.py`` (banned group members);
``annotations.py`` and ``filters.py`` hold what the history filters search by
and how. A new table group is a new module, one base class below and one
migration.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3

from .bans import BanTables
from .blocks import DIRECTIONS, BlockTables, Direction
from .conversations import ConversationQuery, ConversationTables, Participant
from .filters import HistoryFilters
from .groups import GroupFields, GroupRow, GroupTables, hash_password, verify_password
from .media import MediaRow, MediaTables, new_media_id
from .messages import HistoryQuery, MessagePage, MessageTables, conversation_id
from .migrations import SCHEMA_VERSION, upgrade
from .reactions import ReactionTables
from .receipts import ReceiptTables
from .threads import ThreadTables
from .users import UserFields, UserQuery, UserTables

__all__ = [
    "DIRECTIONS",
    "SCHEMA_VERSION",
    "ConversationQuery",
    "Direction",
    "GroupFields",
    "GroupRow",
    "HistoryFilters",
    "HistoryQuery",
    "MediaRow",
    "MessagePage",
    "Participant",
    "Store",
    "UserFields",
    "UserQuery",
    "conversation_id",
    "hash_password",
    "new_media_id",
    "verify_password",
]

log = logging.getLogger(__name__)


class Store(
    UserTables,
    GroupTables,
    MessageTables,
    ReceiptTables,
    ReactionTables,
    MediaTables,
    ThreadTables,
    ConversationTables,
    BlockTables,
    BanTables,
):
    """The server's database (see the module docstring for the contract)."""

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = os.fspath(path)
        self._closed = False
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
        before = upgrade(self._db, where=self.path)
        if before and before < SCHEMA_VERSION:
            log.info("store %s: schema upgraded from version %d to %d", self.path, before, SCHEMA_VERSION)
        self._load_last_message_id()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._closed = True
        try:
            self._db.close()
        except sqlite3.ProgrammingError:  # pragma: no cover - already closed
            pass

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
