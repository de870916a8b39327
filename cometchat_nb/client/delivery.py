"""The delivery ledger: the exactly-once rules, sans I/O.

Theory of operation
-------------------
Messages reach a client two ways: *live*, pushed over the socket while it is
up, and by *catch-up*, fetched over REST in pages after a (re)connect. Either
way the same message may arrive twice (a live frame during a catch-up that
also fetches it, a reconnect racing a page) and some may never arrive live
(the socket was down). The ledger decides, for every message, whether it is
new, and keeps the one number that lets catch-up resume anywhere:

* the **cursor** (:attr:`DeliveryLedger.last_id`): every message with an id
  up to it has been delivered. Live messages move it forward; catch-up moves
  it page by page (:meth:`~DeliveryLedger.advance_to`), since a page is
  contiguous from the cursor. It is saved with the session, so a restart
  resumes catch-up where the last run stopped.
* the **gap**: a catch-up that stopped early (an error, or
  ``catch_up_max_messages`` reached) leaves messages between the cursor and
  the live stream undelivered. While the gap is open, live messages are still
  delivered but no longer move the cursor; their ids are kept in the
  *above-gap* set instead (and saved, up to :data:`ABOVE_GAP_IDS`), so the
  run that closes the gap skips them, even after a restart.
* **recent ids** (:data:`RECENT_IDS` of them, in memory only): every id
  delivered or sent lately; a second copy is dropped and counted in
  :attr:`~DeliveryLedger.duplicates_dropped`.
* **held** messages: while a catch-up runs, live messages wait in
  :attr:`~DeliveryLedger.held` and are delivered when it ends
  (:meth:`~DeliveryLedger.end_catchup`), after what the catch-up found, so
  each source delivers in id order.

What the caller must do: call :meth:`~DeliveryLedger.accept` before handing
any message to listeners (and deliver it only if it returns True);
:meth:`~DeliveryLedger.begin_catchup` when a run is pending,
:meth:`~DeliveryLedger.advance_to` after each page it delivered, and
:meth:`~DeliveryLedger.end_catchup` when it ends, then deliver what that
returns; :meth:`~DeliveryLedger.to_saved` to persist and
:meth:`~DeliveryLedger.restore` on the next start.

No asyncio, no clock, no I/O: ``tests/client/test_delivery.py`` drives it
(with the router and the catch-up runner) through any interleaving of live
frames, pages, failures, reconnects and restarts.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping
from typing import Any, Final

from ..models import BaseMessage

__all__ = ["ABOVE_GAP_IDS", "RECENT_IDS", "DeliveryLedger", "message_number"]

#: How many recently delivered (or sent) ids are kept to drop duplicates.
RECENT_IDS: Final = 20_000
#: Ids delivered live above a catch-up gap that are kept (and saved) so a
#: later catch-up does not deliver them twice, even after a restart.
ABOVE_GAP_IDS: Final = 5_000


def message_number(message_id: str | None) -> int:
    """A message id as a number for the cursor (CometChat's ids are decimal); 0 if it is not one."""
    return int(message_id) if message_id is not None and message_id.isascii() and message_id.isdigit() else 0


class DeliveryLedger:
    """Cursor, gap, recent ids and held messages of one client (see the module docstring).

    Attributes the client reads: ``last_id`` (the cursor), ``gap``,
    ``catching_up``, ``held``, ``duplicates_dropped`` and ``dirty`` (the saved
    form changed since the session was last written; the saver clears it).
    """

    __slots__ = (
        "_above_gap",
        "_above_gap_ids",
        "_recent",
        "_recent_ids",
        "_recent_order",
        "catching_up",
        "dirty",
        "duplicates_dropped",
        "gap",
        "held",
        "last_id",
    )

    def __init__(self, *, recent_ids: int = RECENT_IDS, above_gap_ids: int = ABOVE_GAP_IDS) -> None:
        self._recent_ids = recent_ids
        self._above_gap_ids = above_gap_ids
        self.last_id = 0
        self.gap = False
        self._above_gap: dict[str, None] = {}  # insertion-ordered: the oldest go first
        self._recent: set[str] = set()
        self._recent_order: collections.deque[str] = collections.deque()
        self.catching_up = False
        self.held: list[BaseMessage] = []
        self.dirty = False
        self.duplicates_dropped = 0

    # -- one message ------------------------------------------------------------
    def seen(self, message_id: str) -> bool:
        """True if ``message_id`` was delivered (or sent) lately."""
        return message_id in self._recent

    def remember(self, message_id: str) -> None:
        """Count ``message_id`` as delivered (our own sends: never delivered back)."""
        self._recent.add(message_id)
        self._recent_order.append(message_id)
        if len(self._recent_order) > self._recent_ids:
            self._recent.discard(self._recent_order.popleft())

    def accept(self, message_id: str | None, advance: bool = True) -> bool:
        """Record a message about to be delivered; False if it already was (drop it).

        ``advance``: a live message moves the cursor to its id (unless a gap is
        open: then its id is kept above the gap). Catch-up passes False and
        moves the cursor per page with :meth:`advance_to`. A message without
        an id is always new.
        """
        if message_id is None:
            return True
        recent = self._recent
        if message_id in recent:
            self.duplicates_dropped += 1
            return False
        # remember() inlined: this runs for every message the socket brings
        recent.add(message_id)
        order = self._recent_order
        order.append(message_id)
        if len(order) > self._recent_ids:
            recent.discard(order.popleft())
        if advance:
            # message_number() inlined
            n = int(message_id) if message_id.isascii() and message_id.isdigit() else 0
            if n > self.last_id:
                if self.gap:
                    above = self._above_gap
                    above[message_id] = None
                    if len(above) > self._above_gap_ids:
                        del above[next(iter(above))]
                else:
                    self.last_id = n
                self.dirty = True
        return True

    # -- catch-up ---------------------------------------------------------------
    def begin_catchup(self) -> None:
        """A catch-up run is pending: hold live messages until :meth:`end_catchup`."""
        self.catching_up = True

    def advance_to(self, newest: int) -> None:
        """Everything up to message id ``newest`` has been delivered: move the cursor there."""
        if newest > self.last_id:
            self.last_id = newest
            self.dirty = True

    def end_catchup(self, *, complete: bool) -> list[BaseMessage]:
        """A run ended; returns the held live messages, to deliver now (through :meth:`accept`).

        ``complete`` False (the run stopped early) opens the gap: the cursor
        stays there until a later run completes; True closes it.
        """
        held, self.held = self.held, []
        self.catching_up = False
        if complete:
            self.gap = False
            self._above_gap.clear()
        else:
            self.gap = True
        self.dirty = True
        return held

    # -- the session --------------------------------------------------------------
    def reset_cursor(self, last_id: int = 0) -> None:
        """Start over at ``last_id`` (login, logout); recent ids are kept."""
        self.last_id = last_id
        self.gap = False
        self._above_gap.clear()

    def forget(self) -> None:
        """Start over with nothing delivered (a new login): cursor 0, no recent ids."""
        self.reset_cursor()
        self._recent.clear()
        self._recent_order.clear()

    def to_saved(self) -> dict[str, Any]:
        """The ledger's part of the saved session: ``lastMessageId`` and, while a gap
        is open, ``deliveredAboveCursor`` (the ids delivered above it)."""
        out: dict[str, Any] = {"lastMessageId": self.last_id}
        if self.gap and self._above_gap:
            out["deliveredAboveCursor"] = list(self._above_gap)
        return out

    def restore(self, saved: Mapping[str, Any]) -> None:
        """Take the cursor and the above-gap ids back from :meth:`to_saved`'s form.

        Raises ``ValueError`` for a ``lastMessageId`` that is not a number.
        """
        self.last_id = int(saved.get("lastMessageId") or 0)
        above = saved.get("deliveredAboveCursor")
        if isinstance(above, list) and above:
            self.gap = True
            for mid in above[-self._above_gap_ids :]:
                self._above_gap[str(mid)] = None
                self.remember(str(mid))
