"""Where events go: listeners and queued sinks on the dispatch thread, inline
sinks where the event is emitted, and events nobody wants never queued."""

from __future__ import annotations

import asyncio
import threading
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
