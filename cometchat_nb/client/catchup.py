"""Catch-up: fetch the messages missed while the socket was down, deliver each once.

After every connect the client runs :meth:`CatchupRunner.after_connect`:
pages of ``GET messages?id=<cursor>&affix=append`` (or ``sentAt=<login time>``
before anything was delivered), each message through the
:class:`~cometchat_nb.client.delivery.DeliveryLedger` and the
:class:`~cometchat_nb.client.routing.Router` (``source == "catchup"``), the
cursor moved page by page. Live messages that arrive meanwhile are held by the
ledger and delivered when the run ends, after it. A run that stops early
(REST trouble, or ``catch_up_max_messages`` reached) leaves the gap open; a
follow-up run on the same connection (after a backoff, up to
:data:`CATCHUP_FOLLOWUPS` times) or the next connect resumes at the cursor.

The runner talks to the server only through ``call`` (the client's
authenticated REST call), so a test drives :meth:`CatchupRunner.run` with a
fake ``call`` and no event loop (``tests/client/test_delivery.py``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from ..errors import CometChatException, ProtocolError, TransportError
from ..errors import TimeoutError as SdkTimeoutError
from ..models import message_from_wire
from ..settings import AppSettings
from .delivery import DeliveryLedger, message_number
from .routing import Emit, Router

__all__ = ["CATCHUP_FOLLOWUPS", "REST_RETRIES", "CatchupResult", "CatchupRunner"]

log = logging.getLogger(__name__)

#: Extra catch-up runs while one connection stays up after a run stopped early.
CATCHUP_FOLLOWUPS: Final = 20
#: Retries of one page after a network error or timeout, before the run stops early.
REST_RETRIES: Final = 3

#: ``await call(endpoint, query=...) -> (data, meta)``: the client's authenticated REST call.
Call = Callable[..., Awaitable[tuple[Any, dict[str, Any]]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class CatchupResult:
    """What one catch-up run did.

    ``delivered`` messages were handed to listeners (as ``source="catchup"``)
    from ``pages`` REST pages after message id ``from_id``; ``gap_possible``
    is True when the run stopped early (error, or ``catch_up_max_messages``
    reached), so newer messages may still be missing; ``error`` says why.
    Nothing is lost for good: the catch-up cursor stays at the gap (live
    messages still arrive meanwhile) and the next run resumes there — a
    follow-up run on the same connection after an error, else the next
    reconnect or ``connect()``.
    """

    delivered: int
    pages: int
    gap_possible: bool
    from_id: str | None
    to_id: str | None
    error: CometChatException | None = None
    started_at: float = 0.0
    finished_at: float = 0.0


class CatchupRunner:
    """Runs catch-up for one client (see the module docstring). Lives on the client's loop.

    ``since()``: when the user logged in (epoch seconds), None while nobody
    is; ``backoff(attempt)``: the delay before retry ``attempt``;
    ``emit``: the dispatcher's, for ``onCatchupStarted``/``onCatchupFinished``.
    """

    def __init__(
        self,
        *,
        ledger: DeliveryLedger,
        router: Router,
        call: Call,
        settings: AppSettings,
        since: Callable[[], float | None],
        backoff: Callable[[int], float],
        emit: Emit,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._ledger = ledger
        self._router = router
        self._call = call
        self._settings = settings
        self._since = since
        self._backoff = backoff
        self._emit = emit
        self._sleep = sleep
        self._lock = asyncio.Lock()
        #: set while no catch-up is pending
        self.done = asyncio.Event()
        self.done.set()
        #: what the last run that finished did
        self.last: CatchupResult | None = None
        #: counts connections: a run of an older one drops its result
        self.generation = 0

    @property
    def wanted(self) -> bool:
        """Catch-up is on and somebody is logged in."""
        return self._settings.catch_up and self._since() is not None

    def on_connected(self) -> int:
        """A connection came up: mark a run pending (live messages are held from now on).

        Returns the connection's generation, for :meth:`after_connect`.
        """
        self.generation += 1
        if self.wanted:
            self._ledger.begin_catchup()
            self.done.clear()
        return self.generation

    async def after_connect(
        self, generation: int, *, connected: Callable[[], bool], flush: Callable[[], Awaitable[None]]
    ) -> None:
        """Catch up for connection ``generation``; follow-up runs while it stays ``connected()``.

        ``flush`` releases the outbound frames held meanwhile: it runs when any
        run ends, whatever its outcome, and when no run was needed.
        """
        followups = 0
        while self.wanted:
            async with self._lock:
                result = await self.run()
            if generation != self.generation:
                return  # a newer connection runs its own catch-up (and finishes it)
            self.finish(result)
            # Every run, whatever its outcome, releases the frames held while it ran:
            # a follow-up run holds only what is sent while it is in flight.
            await flush()
            if result.error is None or followups >= CATCHUP_FOLLOWUPS:
                return
            # Stopped early (REST trouble) while the socket is up: the cursor is
            # held at the gap; try again after a backoff while this connection lives.
            followups += 1
            await self._sleep(self._backoff(followups))
            if generation != self.generation or not connected() or self._since() is None:
                return
            self._ledger.begin_catchup()
            self.done.clear()
        if generation == self.generation:
            await flush()  # no catch-up ran: release what waited for the socket

    async def run(self) -> CatchupResult:
        """One run: pages from the cursor until a short page, an error or the message limit."""
        self._emit("connection", "onCatchupStarted")
        started = time.time()
        ledger = self._ledger
        deliver = self._router.deliver
        page_size = self._settings.catch_up_page_size
        logged_in_at = self._since()
        from_id = str(ledger.last_id) if ledger.last_id else None
        cursor = from_id
        since_ts = int(logged_in_at) - 1 if logged_in_at is not None else 0
        delivered = pages = 0
        gap = False
        error: CometChatException | None = None
        retries = 0
        while True:
            query: dict[str, Any] = {"per_page": page_size, "affix": "append"}
            if cursor is not None:
                query["id"] = cursor
            else:
                query["sentAt"] = since_ts
            try:
                data, _ = await self._call("getMessages", query=query)
                if not isinstance(data, list):
                    raise ProtocolError("catch-up page is not a list")
                page = [message_from_wire(m, source="catchup") for m in data]
            except (TransportError, SdkTimeoutError) as exc:
                retries += 1
                if retries <= REST_RETRIES and self._since() is not None:
                    await self._sleep(self._backoff(retries))
                    continue
                error, gap = exc, True
                break
            except CometChatException as exc:
                error, gap = exc, True
                break
            pages += 1
            retries = 0
            for msg in page:
                if msg.id is not None and ledger.seen(msg.id):
                    continue
                if cursor is None and msg.sent_at is not None and msg.sent_at < since_ts:
                    continue
                if deliver(msg, False):
                    delivered += 1
            # Pages are contiguous from the cursor: everything up to this page's
            # newest id has now been delivered (now or before), so the cursor moves.
            ids = [m.id for m in page if m.id is not None]
            ledger.advance_to(max((message_number(i) for i in ids), default=0))
            if len(page) < page_size:
                break
            cursor = max(ids, key=message_number) if ids else cursor
            if delivered >= self._settings.catch_up_max_messages:
                gap = True
                break
        result = CatchupResult(
            delivered=delivered,
            pages=pages,
            gap_possible=gap,
            from_id=from_id,
            to_id=str(ledger.last_id) if ledger.last_id else None,
            error=error,
            started_at=started,
            finished_at=time.time(),
        )
        if error is not None:
            log.warning("catch-up stopped early: %s", error)
        return result

    def finish(self, result: CatchupResult) -> None:
        """End a run: close or open the gap, deliver the held live messages, report."""
        for msg in self._ledger.end_catchup(complete=not result.gap_possible):
            self._router.deliver(msg)
        self.last = result
        self.done.set()
        self._emit("connection", "onCatchupFinished", result)
