"""Where events go: listeners and queued sinks on the dispatch thread, inline
sinks where the event is emitted, and events nobody wants never queued."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from cometchat_nb import Client, ConnectionState, MemorySessionStore, MessageListener, TextMessage
from cometchat_nb.client.dispatch import Dispatcher, Event
from cometchat_nb.notebook.live_frame import LiveFrame
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient, Recorder, settings_for


class ThreadRecorder:
    """A sink that notes the thread it ran on (hashable by identity, like most sinks)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, event: Event) -> None:
        self.calls.append((event.name, threading.current_thread().name))

    def method(self, event: Event) -> None:  # a bound method is a fresh object on every access
        self(event)


@pytest.fixture
def dispatcher() -> Any:
    d = Dispatcher("test")
    yield d
    d.close()


def test_inline_sink_runs_on_the_emitting_thread_queued_sink_on_the_dispatch_thread(
    dispatcher: Dispatcher,
) -> None:
    inline, queued = ThreadRecorder(), ThreadRecorder()
    dispatcher.add_sink(inline, inline=True)
    dispatcher.add_sink(queued)
    dispatcher.emit("message", "onTextMessageReceived", "m1")
    assert inline.calls == [("onTextMessageReceived", threading.current_thread().name)]
    assert dispatcher.wait_idle(WAIT)
    assert queued.calls == [("onTextMessageReceived", "cometchat-dispatch-test")]


def test_an_event_nobody_on_the_dispatch_thread_wants_is_not_queued(dispatcher: Dispatcher) -> None:
    inline = ThreadRecorder()
    dispatcher.add_sink(inline, inline=True)
    for i in range(100):
        dispatcher.emit("message", "onTextMessageReceived", f"m{i}")
    assert len(inline.calls) == 100
    assert dispatcher.backlog == 0 and dispatcher.delivered == 0
    assert dispatcher._thread is None, "no dispatch thread is needed for inline sinks alone"


def test_a_listener_gets_what_it_handles_and_only_that_is_queued(dispatcher: Dispatcher) -> None:
    texts: list[Any] = []
    dispatcher.add("message", "l", MessageListener(onTextMessageReceived=texts.append))
    dispatcher.emit("message", "onTypingStarted", "typing")  # no callback for it
    dispatcher.emit("user", "onUserOnline", "someone")  # no user listener at all
    dispatcher.emit("message", "onTextMessageReceived", "hello")
    assert dispatcher.wait_idle(WAIT)
    assert texts == ["hello"] and dispatcher.delivered == 1
    dispatcher.remove("message", "l")
    dispatcher.emit("message", "onTextMessageReceived", "after removal")
    assert dispatcher.wait_idle(WAIT)
    assert texts == ["hello"] and dispatcher.delivered == 1


def test_a_failing_inline_sink_is_counted_and_the_rest_still_run(
    dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError("sink bug")

    after = ThreadRecorder()
    texts: list[Any] = []
    dispatcher.add_sink(broken, inline=True)
    dispatcher.add_sink(after, inline=True)
    dispatcher.add("message", "l", MessageListener(onTextMessageReceived=texts.append))
    dispatcher.emit("message", "onTextMessageReceived", "m")
    assert dispatcher.wait_idle(WAIT)
    assert [name for name, _ in after.calls] == ["onTextMessageReceived"] and texts == ["m"]
    assert dispatcher.listener_errors == 1
    assert "sink bug" in caplog.text


def test_adding_a_sink_again_moves_it_and_bound_methods_are_not_doubled(dispatcher: Dispatcher) -> None:
    rec = ThreadRecorder()
    dispatcher.add_sink(rec.method)
    dispatcher.add_sink(rec.method)  # equal, not identical: still one sink
    dispatcher.add_sink(rec.method, inline=True)  # moved, not added
    dispatcher.emit("message", "onTextMessageReceived", "m")
    assert dispatcher.wait_idle(WAIT)
    assert rec.calls == [("onTextMessageReceived", threading.current_thread().name)]
    dispatcher.remove_sink(rec.method)
    dispatcher.emit("message", "onTextMessageReceived", "m2")
    assert dispatcher.wait_idle(WAIT)
    assert len(rec.calls) == 1


def test_the_inline_sink_attribute_is_the_default(dispatcher: Dispatcher) -> None:
    live = LiveFrame()
    assert LiveFrame.inline_sink is True
    dispatcher.add_sink(live)
    dispatcher.emit("message", "onTextMessageReceived", TextMessage("superhero2", "hi"))
    assert len(live) == 1 and dispatcher._thread is None  # appended by emit() itself


async def test_liveframe_on_a_real_client_fills_on_the_loop_without_the_dispatch_thread(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    sender, _ = await make_client("superhero2")
    client = Client(
        server.app_id, settings_for(server), store=MemorySessionStore(), backoff=lambda attempt: 0.0
    )
    live = LiveFrame().attach(client)
    try:
        await client.init()
        await client.login("superhero1", server.auth_key)
        await client.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
        await client.wait_for_catchup()
        for i in range(20):
            await sender.send_message(TextMessage("superhero1", f"m{i}", "user"))
        await asyncio.to_thread(live.wait_for, 20, event="text_message_received", timeout=WAIT)
        df = live.df
        texts = df.loc[df["event"] == "text_message_received", "text"].tolist()
        assert texts == [f"m{i}" for i in range(20)]
        assert client._dispatcher._thread is None, "no listener: nothing crossed to the dispatch thread"

        # a listener added now gets the next message on the dispatch thread, the frame still every row
        rec = Recorder()
        seen: list[str] = []

        def on_text(message: TextMessage) -> None:
            seen.append(threading.current_thread().name)
            rec(Event("message", "onTextMessageReceived", (message,), 0.0))

        client.add_message_listener("late", MessageListener(onTextMessageReceived=on_text))
        await sender.send_message(TextMessage("superhero1", "m20", "user"))
        await rec.wait_for("onTextMessageReceived")
        assert seen == [f"cometchat-dispatch-{client._dispatcher._name}"]
        assert live.counts["text_message_received"] == 21
    finally:
        live.detach()
        await client.close()


# -- batches: one hand-over per loop iteration, the guarantees per event ------------------------


async def test_events_of_one_loop_iteration_are_one_batch_and_order_holds_across_batches() -> None:
    dispatcher = Dispatcher("batches")
    dispatcher.bind_loop(asyncio.get_running_loop())
    got: list[Any] = []
    dispatcher.add("message", "l", MessageListener(onTextMessageReceived=got.append))
    try:
        for batch in range(3):
            for i in range(50):
                dispatcher.emit("message", "onTextMessageReceived", (batch, i))
            dispatcher.emit("message", "onTypingStarted", "nobody wants it")  # not queued
            await asyncio.sleep(0)  # the end of the loop iteration hands the batch over
        assert dispatcher.batches == 3, "one hand-over (one wakeup) per loop iteration"
        assert await asyncio.to_thread(dispatcher.wait_idle, WAIT)
        assert got == [(b, i) for b in range(3) for i in range(50)]
        assert dispatcher.delivered == 150 and dispatcher.backlog == 0
    finally:
        await dispatcher.aclose()


async def test_a_blocking_listener_stalls_neither_emit_nor_the_loop_and_its_batch_waits_in_order() -> None:
    dispatcher = Dispatcher("blocking")
    dispatcher.bind_loop(asyncio.get_running_loop())
    entered, release = threading.Event(), threading.Event()
    got: list[int] = []

    def slow(i: int) -> None:
        if i == 0:
            entered.set()
            release.wait(WAIT)  # a listener doing blocking work
        got.append(i)

    dispatcher.add("message", "slow", MessageListener(onTextMessageReceived=slow))
    try:
        dispatcher.emit("message", "onTextMessageReceived", 0)
        await asyncio.sleep(0)
        assert await asyncio.to_thread(entered.wait, WAIT)
        # the listener blocks: the loop (the socket reader) goes on emitting, batch after batch
        for batch in range(1, 11):
            for i in range(batch * 10, batch * 10 + 10):
                dispatcher.emit("message", "onTextMessageReceived", i)
            await asyncio.sleep(0)
        assert dispatcher.batches == 11
        assert dispatcher.backlog == 100, "queued, not lost"
        assert got == []
        release.set()
        assert await asyncio.to_thread(dispatcher.wait_idle, WAIT)
        assert got == [0, *range(10, 110)]
    finally:
        release.set()
        await dispatcher.aclose()


async def test_a_listener_that_raises_loses_nothing_else_of_its_batch(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dispatcher = Dispatcher("raising")
    dispatcher.bind_loop(asyncio.get_running_loop())
    seen_by_broken: list[int] = []
    seen_by_other: list[int] = []
    sunk: list[int] = []

    def broken(i: int) -> None:
        seen_by_broken.append(i)
        if i % 3 == 1:
            raise RuntimeError(f"listener bug on {i}")

    dispatcher.add("message", "broken", MessageListener(onTextMessageReceived=broken))
    dispatcher.add("message", "other", MessageListener(onTextMessageReceived=seen_by_other.append))
    dispatcher.add_sink(lambda event: sunk.append(event.args[0]))  # queued sink, after the listeners
    try:
        for i in range(10):
            dispatcher.emit("message", "onTextMessageReceived", i)
        await asyncio.sleep(0)
        assert dispatcher.batches == 1
        assert await asyncio.to_thread(dispatcher.wait_idle, WAIT)
        assert seen_by_broken == seen_by_other == sunk == list(range(10))
        assert dispatcher.listener_errors == 3  # 1, 4, 7
        assert "listener bug on 7" in caplog.text
    finally:
        await dispatcher.aclose()


async def test_wait_idle_on_the_loop_hands_over_the_batch_being_filled() -> None:
    dispatcher = Dispatcher("idle")
    dispatcher.bind_loop(asyncio.get_running_loop())
    got: list[int] = []
    dispatcher.add("message", "l", MessageListener(onTextMessageReceived=got.append))
    try:
        for i in range(5):
            dispatcher.emit("message", "onTextMessageReceived", i)
        # blocking the loop's own thread: the end-of-iteration hand-over cannot run, so wait_idle does it
        assert dispatcher.wait_idle(WAIT)
        assert got == list(range(5)) and dispatcher.batches == 1
    finally:
        await dispatcher.aclose()


def test_events_emitted_off_the_loop_are_handed_over_at_once(dispatcher: Dispatcher) -> None:
    got: list[int] = []
    dispatcher.add("message", "l", MessageListener(onTextMessageReceived=got.append))
    for i in range(3):
        dispatcher.emit("message", "onTextMessageReceived", i)  # no loop on this thread
    assert dispatcher.batches == 3
    assert dispatcher.wait_idle(WAIT)
    assert got == [0, 1, 2]


class TextSinkRecorder(ThreadRecorder):
    """An inline sink with the text-message fast path (``on_text_message``), like the LiveFrame."""

    inline_sink = True

    def __init__(self, fail: bool = False) -> None:
        super().__init__()
        self.texts: list[tuple[TextMessage, float]] = []
        self.fail = fail

    def on_text_message(self, message: TextMessage, received_at: float) -> None:
        if self.fail:
            raise RuntimeError("text sink bug")
        self.texts.append((message, received_at))


def test_emit_text_gives_inline_sinks_the_message_without_an_event(dispatcher: Dispatcher) -> None:
    fast = TextSinkRecorder()
    texts: list[Any] = []
    dispatcher.add_sink(fast)
    dispatcher.add("message", "l", MessageListener(onTextMessageReceived=texts.append))
    message = TextMessage("superhero2", "hi")
    before = time.time()
    dispatcher.emit_text(message)
    assert fast.calls == [] and [m for m, _ in fast.texts] == [message]
    assert before <= fast.texts[0][1] <= time.time()
    assert dispatcher.wait_idle(WAIT) and texts == [message]
    dispatcher.emit("message", "onTypingStarted", "typing")  # other events: the sink itself
    assert [name for name, _ in fast.calls] == ["onTypingStarted"]


def test_emit_text_takes_the_general_path_for_a_sink_without_the_fast_method(
    dispatcher: Dispatcher,
) -> None:
    fast, plain, queued = TextSinkRecorder(), ThreadRecorder(), ThreadRecorder()
    dispatcher.add_sink(fast)
    dispatcher.add_sink(plain, inline=True)
    dispatcher.emit_text(TextMessage("superhero2", "one"))
    # every inline sink gets it once: the one with the fast method through the event now
    assert [n for n, _ in fast.calls] == ["onTextMessageReceived"] and fast.texts == []
    assert [n for n, _ in plain.calls] == ["onTextMessageReceived"]
    dispatcher.remove_sink(plain)
    dispatcher.emit_text(TextMessage("superhero2", "two"))
    assert len(fast.texts) == 1 and len(fast.calls) == 1
    dispatcher.add_sink(queued)  # a queued sink needs the event too
    dispatcher.emit_text(TextMessage("superhero2", "three"))
    assert dispatcher.wait_idle(WAIT)
    assert len(fast.calls) == 2 and [n for n, _ in queued.calls] == ["onTextMessageReceived"]


def test_a_failing_text_sink_is_counted_and_listeners_still_get_the_message(
    dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    broken, after = TextSinkRecorder(fail=True), TextSinkRecorder()
    texts: list[Any] = []
    dispatcher.add_sink(broken)
    dispatcher.add_sink(after)
    dispatcher.add("message", "l", MessageListener(onTextMessageReceived=texts.append))
    message = TextMessage("superhero2", "hi")
    dispatcher.emit_text(message)
    assert dispatcher.wait_idle(WAIT)
    assert [m for m, _ in after.texts] == [message] and texts == [message]
    assert dispatcher.listener_errors == 1 and "text sink bug" in caplog.text
