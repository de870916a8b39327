"""Listener registry and event dispatch, off the socket reader.

The reader task (and the supervisor) call :meth:`Dispatcher.emit`, which only
appends to a queue: no user code ever runs on the reader, so a slow or
blocking listener cannot delay pongs or other frames. A dedicated daemon
thread drains the queue in order and, for each event:

* calls every registered listener that handles it — plain functions on the
  dispatch thread, coroutine functions awaited on the client's event loop —
  each in its own ``try``: one failing listener is logged and the others still
  run;
* hands the event to every *sink* added without ``inline``, which receives
  the raw :class:`Event`.

*Inline* sinks (``add_sink(sink, inline=True)``, or a sink whose
``inline_sink`` attribute is true, such as the notebook's LiveFrame) are
called by :meth:`Dispatcher.emit` itself, on the emitting thread, before the
event is queued. They must be thread-safe, cheap and never block: that is
what lets an event nobody else wants skip the dispatch thread entirely. An
event no listener handles and no queued sink wants is not queued at all; on
this 2-core machine, handing an event to another thread and back costs more
than routing it (bench/bench_ingest.py).

Events emitted on the client's loop wake the dispatch thread once per loop
iteration, not once per event: the reader routes every frame it already has,
then the thread delivers the whole batch. Waking a thread (a futex call, then
a GIL hand-off) costs more than routing a frame.

Events are :class:`Event` tuples: ``(listener kind, callback name, args,
received_at)``, e.g. ``Event("message", "onTextMessageReceived", (msg,), t)``.
The most common event, a text message, skips the :class:`Event` where
nobody needs one (:meth:`Dispatcher.emit_text`): it is queued for listeners as
the bare message (the event and its arguments are two tuples that would wait
in the queue beside it, and every object that waits is one more for the
garbage collector to visit: with a backlog of thousands, its collections were
a fifth of the ingest path), and an inline sink that has a method
``on_text_message(message, received_at)`` (the LiveFrame) gets the message
through it instead of an event.

The dispatch thread starts when the first listener or queued sink is added,
not when the first event arrives: the events a client emits while it closes
(``onDisconnected`` …) may come at interpreter exit, when Python no longer
lets anyone start a thread. :meth:`Dispatcher.aclose` (the client's close
path) drains and stops it without an executor: the thread itself reports
that it finished, on the client's loop.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import inspect
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from ..listeners import LISTENERS, Listener
from ..models import TextMessage

__all__ = ["LISTENER_KINDS", "Dispatcher", "Event", "Sink", "TextSink"]

log = logging.getLogger(__name__)

LISTENER_KINDS = tuple(LISTENERS)


class Event(NamedTuple):
    """One event for listeners and sinks."""

    kind: str
    """``connection``, ``message``, ``user``, ``group`` or ``login``."""
    name: str
    """The CometChat callback name, e.g. ``onTextMessageReceived``."""
    args: tuple[Any, ...]
    """The callback's arguments."""
    received_at: float
    """Wall-clock time (epoch seconds) when the SDK got it."""


Sink = Callable[[Event], None]
TextSink = Callable[[TextMessage, float], None]
"""An inline sink's ``on_text_message(message, received_at)``: ``sink(Event("message",
"onTextMessageReceived", (message,), received_at))`` without the event."""
# Event(...) goes through a Python-level __new__; the tuple constructor costs half as much.
_EventFields = tuple[str, str, tuple[Any, ...], float]
_new_event: Callable[[_EventFields], Event] = functools.partial(tuple.__new__, Event)
_running_loop = asyncio._get_running_loop  # the C fast path of get_running_loop(), None off-loop
_Entry = tuple[str, Listener, dict[str, tuple[Callable[..., Any], bool]]]
_STOP = object()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Dispatcher:
    """Ordered, isolated delivery of events to listeners and sinks.

    ``emit`` is safe from any thread. Listener callbacks run on the thread
    named ``cometchat-dispatch-<name>``; coroutine callbacks run on ``loop``
    (set with :meth:`bind_loop` before the first async callback is needed).
    """

    def __init__(self, name: str = "client") -> None:
        self._name = name
        self._registry: dict[str, dict[str, _Entry]] = {k: {} for k in LISTENER_KINDS}
        # copy-on-write snapshots read by the dispatch thread without a lock
        self._snapshot: dict[str, tuple[_Entry, ...]] = {k: () for k in LISTENER_KINDS}
        self._sinks: tuple[Sink, ...] = ()  # called on the dispatch thread
        self._inline_sinks: tuple[Sink, ...] = ()  # called by emit(), on the emitting thread
        # the inline sinks' on_text_message, when every inline sink has one (else None: emit_text
        # takes the general path)
        self._inline_text: tuple[TextSink, ...] | None = ()
        # per kind, the callback names some listener handles (events nobody wants are not queued)
        self._wanted: dict[str, frozenset[str]] = {k: frozenset() for k in LISTENER_KINDS}
        self._lock = threading.Lock()
        self._queue: collections.deque[Event | TextMessage | object] = collections.deque()
        self._wakeup = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._wake_pending = False  # a wakeup is scheduled (or being made) for what is queued
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._on_finished: Callable[[], object] = lambda: None  # set by aclose()
        self.delivered = 0
        self.listener_errors = 0
        self.batches = 0  # wake-ups of the dispatch thread for queued events (one per loop iteration)

    # -- registry -------------------------------------------------------------
    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop coroutine callbacks run on (the client's loop)."""
        self._loop = loop

    def add(self, kind: str, listener_id: str, listener: Listener) -> None:
        """Register ``listener`` under ``listener_id`` (replacing one with the same id)."""
        if kind not in self._registry:
            raise ValueError(f"unknown listener kind {kind!r}")
        table = {
            name: (cb, inspect.iscoroutinefunction(cb))
            for name in type(listener).EVENTS
            if (cb := listener.callback(name)) is not None
        }
        with self._lock:
            self._registry[kind][listener_id] = (listener_id, listener, table)
            self._refresh_locked(kind)
        if table:
            self._start()

    def remove(self, kind: str, listener_id: str) -> bool:
        """Unregister; True if something was removed."""
        with self._lock:
            removed = self._registry[kind].pop(listener_id, None) is not None
            self._refresh_locked(kind)
        return removed

    def _refresh_locked(self, kind: str) -> None:
        entries = tuple(self._registry[kind].values())
        self._snapshot[kind] = entries
        self._wanted[kind] = frozenset(name for _, _, table in entries for name in table)

    def listeners(self, kind: str) -> dict[str, Listener]:
        return {lid: entry[1] for lid, entry in self._registry[kind].items()}

    def add_sink(self, sink: Sink, *, inline: bool | None = None) -> None:
        """Receive every event.

        By default on the dispatch thread, after the listeners. ``inline``
        (default: the sink's ``inline_sink`` attribute, else False): right
        where the event is emitted, on the emitting thread — only for sinks
        that are thread-safe, O(1) and never block, like the LiveFrame. An
        inline sink may also have a method ``on_text_message(message,
        received_at)``, called for ``onTextMessageReceived`` instead of the
        sink itself (no :class:`Event` is built).
        Adding a sink again moves it to the place ``inline`` says.
        """
        if inline is None:
            inline = bool(getattr(sink, "inline_sink", False))
        with self._lock:
            sinks = tuple(s for s in self._sinks if s != sink)
            inline_sinks = tuple(s for s in self._inline_sinks if s != sink)
            if inline:
                inline_sinks = (*inline_sinks, sink)
            else:
                sinks = (*sinks, sink)
            self._set_sinks_locked(sinks, inline_sinks)
        if not inline:
            self._start()

    def remove_sink(self, sink: Sink) -> None:
        with self._lock:
            self._set_sinks_locked(
                tuple(s for s in self._sinks if s != sink), tuple(s for s in self._inline_sinks if s != sink)
            )

    def _set_sinks_locked(self, sinks: tuple[Sink, ...], inline_sinks: tuple[Sink, ...]) -> None:
        fast = [getattr(s, "on_text_message", None) for s in inline_sinks]
        self._sinks, self._inline_sinks = sinks, inline_sinks
        self._inline_text = tuple(f for f in fast if f is not None) if None not in fast else None

    # -- emitting -------------------------------------------------------------
    def emit_text(self, message: TextMessage) -> None:
        """``emit("message", "onTextMessageReceived", message)``, for the socket reader's hot path.

        Without an :class:`Event` when nobody needs one (see the module
        docstring): inline sinks get ``on_text_message(message, received_at)``
        and listeners the queued bare message; a queued sink, or an inline sink
        without that method, takes the general path.
        """
        text_sinks = self._inline_text
        if text_sinks is None or self._sinks or self._closed or type(message) is not TextMessage:
            self.emit("message", "onTextMessageReceived", message)
            return
        if text_sinks:
            received_at = time.time()
            for on_text in text_sinks:
                try:
                    on_text(message, received_at)
                except Exception:
                    self.listener_errors += 1
                    log.exception("event sink %r raised on onTextMessageReceived", on_text)
        if "onTextMessageReceived" not in self._wanted["message"]:
            return
        self._queue.append(message)
        if not self._wake_pending:
            self._schedule_wake()

    def emit(self, kind: str, name: str, *args: Any) -> None:
        """Hand one event to the inline sinks, then queue it for the dispatch thread.

        Never blocks and never runs listener code (inline sinks are
        non-blocking by contract).

        On the bound loop's thread the dispatch thread is woken at the end of
        the current loop iteration (one wakeup for everything emitted until
        then); from any other thread, at once.
        """
        if self._closed:
            return
        inline_sinks = self._inline_sinks
        if not inline_sinks and not self._sinks and name not in self._wanted[kind]:
            return  # nobody wants it (no event built)
        event = _new_event((kind, name, args, time.time()))
        for sink in inline_sinks:
            try:
                sink(event)
            except Exception:
                self.listener_errors += 1
                log.exception("event sink %r raised on %s", sink, name)
        if not self._sinks and name not in self._wanted[kind]:
            return  # nobody on the dispatch thread wants it
        self._queue.append(event)
        if not self._wake_pending:
            self._schedule_wake()

    def _schedule_wake(self) -> None:
        if self._thread is None:
            self._start()
        self._wake_pending = True
        self.batches += 1
        self._idle.clear()
        loop = self._loop
        if loop is not None and _running_loop() is loop:
            loop.call_soon(self._wake)
        else:
            self._wake()

    def _wake(self) -> None:
        # Cleared before setting: an event queued after this line schedules its own wakeup.
        self._wake_pending = False
        self._wakeup.set()

    @property
    def backlog(self) -> int:
        """Events queued but not yet delivered."""
        return len(self._queue)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the queue is drained (tests, shutdown). True if it was."""
        if self._thread is None or threading.current_thread() is self._thread:
            return not self._queue
        if self._wake_pending:
            # a wakeup scheduled with call_soon cannot run while the loop's thread blocks here
            self._wake()
        return self._idle.wait(timeout)

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None or self._closed:
                return
            self._thread = threading.Thread(
                target=self._run, name=f"cometchat-dispatch-{self._name}", daemon=True
            )
            self._thread.start()

    def _stop_thread(self, on_finished: Callable[[], object] | None = None) -> threading.Thread | None:
        """Mark closed and queue the stop marker; the thread to wait for, if any.

        ``on_finished`` is called by the thread when it ends (only by the first caller's).
        """
        with self._lock:
            if self._closed:
                return None
            self._closed = True
            thread = self._thread
            if on_finished is not None:
                self._on_finished = on_finished
        if thread is None:
            return None
        self._queue.append(_STOP)
        self._wake()
        return thread

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is queued, then stop the thread (idempotent). Blocks the caller."""
        thread = self._stop_thread()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def on_dispatch_thread(self) -> bool:
        """Whether the caller runs on this dispatcher's thread (inside a sync listener)."""
        thread = self._thread
        return thread is not None and threading.current_thread() is thread

    async def aclose(self, timeout: float = 5.0, *, wait: bool = True) -> None:
        """:meth:`close` for the client's loop: waits without blocking the loop, and
        without an executor (at interpreter exit none may be started).

        The dispatch thread reports its end on this loop; coroutine listeners
        still queued keep running meanwhile. After ``timeout`` seconds (a
        listener that blocks) it stops waiting; the daemon thread finishes
        the queue on its own. ``wait=False`` does not wait at all: the close was
        asked for by a listener on that thread, which cannot end before it.
        """
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        thread = self._stop_thread(lambda: loop.call_soon_threadsafe(_resolve, finished))
        if thread is None or not thread.is_alive() or not wait:
            return
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(finished)
        except TimeoutError:
            log.warning("dispatch thread %s still busy after %g s; not waiting for it", thread.name, timeout)
            return
        thread.join(timeout)  # it has returned from _run(): only the thread's own exit is left

    # -- the dispatch thread ----------------------------------------------------
    def _run(self) -> None:
        try:
            self._drain()
        finally:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
                self._on_finished()

    def _drain(self) -> None:
        queue = self._queue
        while True:
            self._wakeup.wait()
            self._wakeup.clear()
            while queue:
                item = queue.popleft()
                if type(item) is TextMessage:  # see emit_text()
                    self._deliver_text(item)
                elif item is _STOP:
                    self._idle.set()
                    return
                else:
                    assert isinstance(item, Event)
                    self._deliver(item)
            self._idle.set()
            if queue:  # raced with an emit that saw the event still set
                self._idle.clear()
                self._wakeup.set()

    def _deliver(self, event: Event) -> None:
        kind, name, args, _ = event
        for listener_id, _listener, table in self._snapshot[kind]:
            entry = table.get(name)
            if entry is None:
                continue
            cb, is_async = entry
            try:
                if is_async:
                    self._run_async(cb, args)
                else:
                    cb(*args)
            except Exception:
                self.listener_errors += 1
                log.exception("listener %r raised in %s; other listeners still run", listener_id, name)
        for sink in self._sinks:
            try:
                sink(event)
            except Exception:
                self.listener_errors += 1
                log.exception("event sink %r raised on %s", sink, event.name)
        self.delivered += 1

    def _deliver_text(self, message: TextMessage) -> None:
        # _deliver() for a text message queued bare: listeners only (emit_text() queues
        # one bare only while there are no queued sinks; one added since gets it next time)
        for listener_id, _listener, table in self._snapshot["message"]:
            entry = table.get("onTextMessageReceived")
            if entry is None:
                continue
            cb, is_async = entry
            try:
                if is_async:
                    self._run_async(cb, (message,))
                else:
                    cb(message)
            except Exception:
                self.listener_errors += 1
                log.exception(
                    "listener %r raised in onTextMessageReceived; other listeners still run", listener_id
                )
        self.delivered += 1

    def _run_async(self, cb: Callable[..., Any], args: tuple[Any, ...]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            log.warning("coroutine listener %r skipped: the client has no running loop", cb)
            return
        future = asyncio.run_coroutine_threadsafe(cb(*args), loop)
        future.result()  # awaited in order; exceptions are logged by the caller
