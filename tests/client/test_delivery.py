"""The exactly-once rules without a socket or an event loop.

The delivery ledger alone (cursor, gap, duplicates, the saved form), then the
ledger, the router and the catch-up runner together, driven through any
interleaving of live frames, catch-up pages, REST failures, reconnects and
restarts — the way h11 tests two connections over a fake link. A catch-up run
is the real :meth:`CatchupRunner.run` coroutine, stepped by hand: its REST call
suspends, and the test answers it (a page of what the fake server holds at that
moment, or an error) whenever the drawn schedule says so.
"""

from __future__ import annotations

import collections
from collections.abc import Coroutine, Generator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cometchat_nb.client.catchup import CATCHUP_FOLLOWUPS, REST_RETRIES, CatchupResult, CatchupRunner
from cometchat_nb.client.delivery import DeliveryLedger, message_number
from cometchat_nb.client.routing import Router
from cometchat_nb.errors import ApiError, ErrorCode, TransportError
from cometchat_nb.models import BaseMessage, message_from_wire
from cometchat_nb.protocol.frames import MessageFrame
from cometchat_nb.settings import AppSettings

from ..support.wire import text_body

OWN_DEVICE = "PY-this-client"
LOGGED_IN_AT = 1_000.0
SENT_AT = 2_000  # after the login: catch-up from the login time takes every message


def live(mid: int, device: str = "server") -> MessageFrame:
    """The ``message`` frame the server pushes for message ``mid``."""
    body = text_body(id=str(mid), sentAt=SENT_AT)
    return MessageFrame(message=message_from_wire(body, source="live"), device_id=device)


# -- the ledger alone ---------------------------------------------------------------------


def test_a_live_message_moves_the_cursor_and_a_second_copy_is_dropped() -> None:
    ledger = DeliveryLedger()
    assert ledger.accept("7") is True
    assert ledger.last_id == 7 and ledger.dirty
    assert ledger.accept("7") is False
    assert ledger.duplicates_dropped == 1
    assert ledger.accept(None) is True  # a message without an id is always new
    assert ledger.accept("5") is True and ledger.last_id == 7  # an older id never moves it back


def test_catch_up_moves_the_cursor_per_page_not_per_message() -> None:
    ledger = DeliveryLedger()
    assert ledger.accept("3", advance=False) and ledger.last_id == 0
    ledger.advance_to(4)
    assert ledger.last_id == 4
    ledger.advance_to(2)
    assert ledger.last_id == 4


def test_an_open_gap_holds_the_cursor_and_keeps_the_ids_above_it_across_a_restart() -> None:
    ledger = DeliveryLedger()
    ledger.advance_to(10)
    ledger.begin_catchup()
    assert ledger.end_catchup(complete=False) == []
    assert ledger.gap
    assert ledger.accept("15") and ledger.last_id == 10
    assert ledger.to_saved() == {"lastMessageId": 10, "deliveredAboveCursor": ["15"]}

    restored = DeliveryLedger()
    restored.restore(ledger.to_saved())
    assert restored.last_id == 10 and restored.gap
    assert restored.seen("15") and not restored.accept("15")

    restored.begin_catchup()
    restored.end_catchup(complete=True)
    assert not restored.gap
    assert restored.to_saved() == {"lastMessageId": 10}


def test_live_messages_wait_while_a_catch_up_runs() -> None:
    ledger = DeliveryLedger()
    emitted: list[tuple[str, ...]] = []
    router = Router(lambda kind, name, *args: emitted.append((kind, name, args[0].id)), ledger, OWN_DEVICE)
    ledger.begin_catchup()
    router.on_frame(live(1))
    assert emitted == [] and [m.id for m in ledger.held] == ["1"]
    held = ledger.end_catchup(complete=True)
    assert [m.id for m in held] == ["1"] and ledger.held == []
    for msg in held:
        router.deliver(msg)
    assert emitted == [("message", "onTextMessageReceived", "1")]


def test_recent_and_above_gap_ids_are_bounded() -> None:
    ledger = DeliveryLedger(recent_ids=3, above_gap_ids=2)
    ledger.begin_catchup()
    ledger.end_catchup(complete=False)
    for mid in ("1", "2", "3", "4"):
        assert ledger.accept(mid)
    assert not ledger.seen("1") and ledger.seen("4")  # the oldest recent id is forgotten
    assert ledger.to_saved()["deliveredAboveCursor"] == ["3", "4"]


def test_restore_reads_a_saved_form_without_a_gap_and_refuses_a_bad_cursor() -> None:
    ledger = DeliveryLedger()
    ledger.restore({"lastMessageId": 42})
    assert (ledger.last_id, ledger.gap) == (42, False)
    ledger.restore({})
    assert ledger.last_id == 0
    with pytest.raises(ValueError):
        DeliveryLedger().restore({"lastMessageId": "not a number"})


@pytest.mark.parametrize(("text", "number"), [("12", 12), (None, 0), ("", 0), ("a1", 0), ("²", 0), ("-3", 0)])
def test_message_number(text: str | None, number: int) -> None:
    assert message_number(text) == number


# -- ledger + router + catch-up runner, any interleaving ----------------------------------


class Pending:
    """A REST call in flight: awaiting it suspends the run until the test answers."""

    def __init__(self, query: dict[str, Any]) -> None:
        self.query = query

    def __await__(self) -> Generator[Pending, Any, Any]:
        return (yield self)


async def no_sleep(delay: float) -> None:
    return None


@dataclass
class Run:
    """One catch-up run of connection ``generation`` (the lock lets only the oldest progress)."""

    generation: int
    coro: Coroutine[Any, Any, CatchupResult] | None = None
    pending: Pending | None = None


@dataclass
class World:
    """A fake server holding messages 1..n and one client whose engines run for real."""

    page_size: int
    max_messages: int
    posted: list[int] = field(default_factory=list)
    connected: bool = False
    delivered: list[tuple[str, str]] = field(default_factory=list)  # (source, id) in delivery order
    runs: collections.deque[Run] = field(default_factory=collections.deque)
    followup: int | None = None  # the generation a follow-up run is scheduled for
    followups: int = 0

    def __post_init__(self) -> None:
        self.settings = AppSettings(
            catch_up_page_size=self.page_size, catch_up_max_messages=self.max_messages
        )
        self.boot({})

    def boot(self, saved: dict[str, Any]) -> None:
        """Start (or restart) the client from a saved session."""
        self.ledger = DeliveryLedger()
        self.ledger.restore(saved)
        self.router = Router(self.emit, self.ledger, OWN_DEVICE)
        self.runner = CatchupRunner(
            ledger=self.ledger,
            router=self.router,
            call=self.call,
            settings=self.settings,
            since=lambda: LOGGED_IN_AT,
            backoff=lambda attempt: 0.0,
            emit=self.emit,
            sleep=no_sleep,
        )
        self.connected = False
        self.runs.clear()
        self.followup = None

    def emit(self, kind: str, name: str, *args: Any) -> None:
        if kind == "message":
            assert name == "onTextMessageReceived", name
            msg = args[0]
            assert isinstance(msg, BaseMessage) and msg.id is not None
            self.delivered.append((msg.source, msg.id))

    async def call(self, endpoint: str, *, query: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        assert endpoint == "getMessages" and query["affix"] == "append"
        answer: tuple[Any, dict[str, Any]] = await Pending(query)
        return answer

    # -- the schedule's steps ---------------------------------------------------------
    def post(self) -> None:
        mid = len(self.posted) + 1
        self.posted.append(mid)
        if self.connected:
            self.router.on_frame(live(mid))

    def echo(self) -> None:
        """Our own message coming back over the socket: never delivered."""
        if self.connected:
            self.router.on_frame(live(10**9, device=OWN_DEVICE))

    def disconnect(self) -> None:
        self.connected = False  # a run in flight goes on: it is REST

    def connect(self) -> None:
        if self.connected:
            return
        self.connected = True
        self.followup = None
        self.runs.append(Run(self.runner.on_connected()))
        self.step()

    def restart(self) -> None:
        self.boot(self.ledger.to_saved())

    def run_followup(self) -> None:
        """The backoff after a run that failed is over (``after_connect``'s follow-up)."""
        if self.followup is None:
            return
        generation, self.followup = self.followup, None
        if generation != self.runner.generation or not self.connected:
            return
        self.ledger.begin_catchup()
        self.runs.append(Run(generation))
        self.step()

    def answer(self, how: str) -> None:
        """Answer the oldest run's REST call: a page, an API error or a network error."""
        if not self.runs or self.runs[0].pending is None:
            return
        run = self.runs[0]
        assert run.coro is not None and run.pending is not None
        query, run.pending = run.pending.query, None
        try:
            if how == "page":
                after = int(query["id"]) if "id" in query else 0
                page = [text_body(id=str(m), sentAt=SENT_AT) for m in self.posted if m > after]
                run.pending = run.coro.send((page[: query["per_page"]], {}))
            elif how == "api_error":
                run.pending = run.coro.throw(ApiError("refused", code=ErrorCode.INTERNAL))
            else:
                run.pending = run.coro.throw(TransportError("unreachable"))
        except StopIteration as stop:
            self.finished(run, stop.value)

    def step(self) -> None:
        """Start the oldest run if it has not started (it reads the cursor when it does)."""
        if self.runs and self.runs[0].coro is None:
            run = self.runs[0]
            run.coro = self.runner.run()
            try:
                run.pending = run.coro.send(None)
            except StopIteration as stop:  # pragma: no cover - a run always calls REST first
                self.finished(run, stop.value)

    def finished(self, run: Run, result: CatchupResult) -> None:
        self.runs.popleft()
        if run.generation == self.runner.generation:
            self.runner.finish(result)
            if result.error is not None and self.followups < CATCHUP_FOLLOWUPS:
                self.followups += 1
                self.followup = run.generation
        self.step()

    def settle(self) -> None:
        """Reconnect and answer every call with pages until nothing is missing or running."""
        for _ in range(len(self.posted) // max(1, self.max_messages) + 5):
            self.disconnect()
            self.connect()
            for _ in range(10 * (len(self.posted) + 10)):
                if not self.runs:
                    break
                self.answer("page")
            if not self.ledger.gap and not self.runs:
                return
        raise AssertionError("catch-up did not settle")


#: what can happen next (posts and pages are drawn more often: they make the traffic)
STEPS = st.sampled_from(
    [
        *("post", "post", "post", "echo"),
        *("connect", "disconnect", "restart", "followup"),
        *("page", "page", "api_error", "network_error"),
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(STEPS, max_size=80),
    page_size=st.integers(min_value=1, max_value=4),
    max_messages=st.integers(min_value=1, max_value=6),
)
def test_every_message_is_delivered_exactly_once_in_order_per_source(
    steps: list[str], page_size: int, max_messages: int
) -> None:
    world = World(page_size=page_size, max_messages=max_messages)
    for step in steps:
        if step == "post":
            world.post()
        elif step == "echo":
            world.echo()
        elif step == "connect":
            world.connect()
        elif step == "disconnect":
            world.disconnect()
        elif step == "restart":
            world.restart()
        elif step == "followup":
            world.run_followup()
        elif step == "page":
            world.answer("page")
        else:
            world.answer(step)
    world.settle()

    counts = collections.Counter(mid for _, mid in world.delivered)
    assert counts == collections.Counter(str(m) for m in world.posted), world.delivered
    for source in ("live", "catchup"):
        ids = [int(mid) for s, mid in world.delivered if s == source]
        assert ids == sorted(ids), f"{source} messages out of order: {ids}"
    assert world.ledger.last_id == len(world.posted)


def test_a_network_error_is_retried_before_the_run_gives_up() -> None:
    world = World(page_size=2, max_messages=100)
    for _ in range(3):
        world.post()
    world.connect()
    for _ in range(REST_RETRIES):
        world.answer("network_error")
    assert world.runs, "a run gives up only after its retries"
    world.answer("page")
    world.answer("page")
    assert [mid for _, mid in world.delivered] == ["1", "2", "3"]
    last = world.runner.last
    assert last is not None and last.error is None and not last.gap_possible and last.pages == 2


def test_a_failed_run_holds_the_cursor_and_the_next_one_completes_it() -> None:
    world = World(page_size=2, max_messages=100)
    for _ in range(5):
        world.post()
    world.connect()
    world.answer("page")  # 1, 2
    world.answer("api_error")
    last = world.runner.last
    assert last is not None and last.gap_possible and last.to_id == "2"
    assert world.ledger.gap and world.ledger.last_id == 2
    world.post()  # 6 arrives live above the gap
    assert world.delivered[-1] == ("live", "6") and world.ledger.last_id == 2
    world.restart()
    world.settle()
    assert [mid for _, mid in world.delivered] == ["1", "2", "6", "3", "4", "5"]
