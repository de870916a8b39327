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

Events go to the dispatch thread in *batches*. An event emitted on the
client's loop is appended to the batch of the current loop iteration (a list
append: the reader routes every frame one socket read brought); the batch is
handed over, and the thread woken, once, at the end of that iteration. Waking
a thread (a futex call, then a GIL hand-off) or taking a lock costs more than
routing a frame, so it is paid per batch, not per event. An event emitted on
any other thread is a batch of its own, handed over at once. The thread
delivers batches in the order they were handed over and each batch in order,
so the events of one emitting thread (all of a connection's frames: the loop)
reach every listener in the order they were emitted; a listener that raises
is logged and counted, and the rest of the batch is still delivered.

Sinks receive :class:`Event` tuples: ``(listener kind, callback name, args,
received_at)``, e.g. ``Event("message", "onTextMessageReceived", (msg,), t)``;
an event only listeners want is queued as a plain tuple and never becomes an
``Event`` (building a named tuple costs a third of the hand-off).

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

__all__ = ["LISTENER_KINDS", "Dispatcher", "Event", "Sink"]

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
# Event(...) goes through a Python-level __new__; the tuple constructor costs half as much.
_Item = tuple[str, str, tuple[Any, ...], float]  # an Event's fields: what a batch holds
_new_event: Callable[[_Item], Event] = functools.partial(tuple.__new__, Event)
_running_loop = asyncio._get_running_loop  # the C fast path of get_running_loop(), None off-loop
_Entry = tuple[str, Listener, dict[str, tuple[Callable[..., Any], bool]]]
_Callback = tuple[str, Callable[..., Any], bool]  # (listener id, callback, is a coroutine function)
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
        # per kind, per callback name: the callbacks to call, in the order the listeners were added
        self._snapshot: dict[str, dict[str, tuple[_Callback, ...]]] = {k: {} for k in LISTENER_KINDS}
        self._sinks: tuple[Sink, ...] = ()  # called on the dispatch thread
        self._inline_sinks: tuple[Sink, ...] = ()  # called by emit(), on the emitting thread
        # per kind, the callback names some listener handles (events nobody wants are not queued)
        self._wanted: dict[str, frozenset[str]] = {k: frozenset() for k in LISTENER_KINDS}
        self._lock = threading.Lock()
        # batches handed to the dispatch thread, in order (and _STOP at the end)
        self._queue: collections.deque[list[_Item] | object] = collections.deque()
        self._batch: list[_Item] | None = None  # the current loop iteration's batch (loop thread only)
        self._in_delivery = 0  # events of the batch the thread is delivering, not yet delivered
        self._wakeup = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._on_finished: Callable[[], object] = lambda: None  # set by aclose()
        self.delivered = 0
        self.listener_errors = 0
        self.batches = 0  # batches handed to the dispatch thread (one wakeup each)

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
        callbacks: dict[str, tuple[_Callback, ...]] = {}
        for listener_id, _listener, table in self._registry[kind].values():
            for name, (cb, is_async) in table.items():
                callbacks[name] = (*callbacks.get(name, ()), (listener_id, cb, is_async))
        self._snapshot[kind] = callbacks
        self._wanted[kind] = frozenset(callbacks)

    def listeners(self, kind: str) -> dict[str, Listener]:
        return {lid: entry[1] for lid, entry in self._registry[kind].items()}

    def add_sink(self, sink: Sink, *, inline: bool | None = None) -> None:
        """Receive every event.

        By default on the dispatch thread, after the listeners. ``inline``
        (default: the sink's ``inline_sink`` attribute, else False): right
        where the event is emitted, on the emitting thread — only for sinks
        that are thread-safe, O(1) and never block, like the LiveFrame.
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
            self._sinks, self._inline_sinks = sinks, inline_sinks
        if not inline:
            self._start()

    def remove_sink(self, sink: Sink) -> None:
        with self._lock:
            self._sinks = tuple(s for s in self._sinks if s != sink)
            self._inline_sinks = tuple(s for s in self._inline_sinks if s != sink)

    # -- emitting -------------------------------------------------------------
    def emit(self, kind: str, name: str, *args: Any) -> None:
        """Hand one event to the inline sinks, then queue it for the dispatch thread.

        Never blocks and never runs listener code (inline sinks are
        non-blocking by contract).

        On the bound loop's thread the event joins the current loop
        iteration's batch, handed to the dispatch thread at the end of the
        iteration (one wakeup per batch); from any other thread it is handed
        over, and the thread woken, at once.
        """
        if self._closed:
            return
        inline_sinks, sinks = self._inline_sinks, self._sinks
        if inline_sinks or sinks:
            now = time.time()
            if inline_sinks:
                event = _new_event((kind, name, args, now))
                for sink in inline_sinks:
                    try:
                        sink(event)
                    except Exception:
                        self.listener_errors += 1
                        log.exception("event sink %r raised on %s", sink, name)
            if not sinks and name not in self._wanted[kind]:
                return  # nobody on the dispatch thread wants it
            item: _Item = (kind, name, args, now)
        elif name in self._wanted[kind]:
            item = (kind, name, args, 0.0)  # only listeners want it: they get no received_at
        else:
            return  # nobody on the dispatch thread wants it
        batch = self._batch
        if batch is not None and _running_loop() is self._loop:
            batch.append(item)  # the common case: a frame of the current socket read
            return
        self._emit_slow(item)

    def _emit_slow(self, item: _Item) -> None:
        loop = self._loop
        if loop is not None and _running_loop() is loop:
            # the first event of this loop iteration: a new batch, handed over at its end
            self._batch = [item]
            self._idle.clear()
            loop.call_soon(self._flush)
        else:
            self._hand_over([item])

    def _flush(self) -> None:
        """Hand the loop iteration's batch to the dispatch thread (on the loop)."""
        batch, self._batch = self._batch, None
        if batch and not self._closed:  # closed from another thread: dropped, as emits after a close
            self._hand_over(batch)

    def _hand_over(self, batch: list[_Item]) -> None:
        self._idle.clear()
        self.batches += 1
        self._queue.append(batch)
        if self._thread is None:
            self._start()
        self._wakeup.set()

    @property
    def backlog(self) -> int:
        """Events queued but not yet delivered (the batch being delivered included)."""
        batch = self._batch
        pending = len(batch) if batch is not None else 0
        queued = sum(len(b) for b in list(self._queue) if isinstance(b, list))
        return pending + self._in_delivery + queued

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the queue is drained (tests, shutdown). True if it was."""
        if self._batch is not None and _running_loop() is self._loop:
            # the batch is handed over at the end of this loop iteration, which cannot end while
            # the loop's thread blocks here: hand it over now
            self._flush()
        if self._thread is None or threading.current_thread() is self._thread:
            return not self._queue
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
        if self._batch is not None and _running_loop() is self._loop:
            self._flush()  # what this loop iteration emitted before the close is still delivered
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
        self._wakeup.set()
        return thread

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is queued, then stop the thread (idempotent). Blocks the caller."""
        thread = self._stop_thread()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    async def aclose(self, timeout: float = 5.0) -> None:
        """:meth:`close` for the client's loop: waits without blocking the loop, and
        without an executor (at interpreter exit none may be started).

        The dispatch thread reports its end on this loop; coroutine listeners
        still queued keep running meanwhile. After ``timeout`` seconds (a
        listener that blocks) it stops waiting; the daemon thread finishes
        the queue on its own.
        """
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        thread = self._stop_thread(lambda: loop.call_soon_threadsafe(_resolve, finished))
        if thread is None or not thread.is_alive():
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
        snapshot = self._snapshot
        while True:
            self._wakeup.wait()
            self._wakeup.clear()
            while queue:
                batch = queue.popleft()
                if batch is _STOP:
                    self._idle.set()
                    return
                assert isinstance(batch, list)
                self._in_delivery = len(batch)
                for item in batch:
                    # one event, inlined (this runs for every event): each callback in its own try
                    kind, name, args, _ = item
                    for listener_id, cb, is_async in snapshot[kind].get(name, ()):
                        try:
                            if is_async:
                                self._run_async(cb, args)
                            else:
                                cb(*args)
                        except Exception:
                            self.listener_errors += 1
                            log.exception(
                                "listener %r raised in %s; other listeners still run", listener_id, name
                            )
                    if self._sinks:
                        self._to_sinks(item)
                    self.delivered += 1
                    self._in_delivery -= 1
            self._idle.set()
            if queue or self._batch is not None:  # raced with a hand-over, or a batch is being filled
                self._idle.clear()
                if queue:
                    self._wakeup.set()

    def _to_sinks(self, item: _Item) -> None:
        kind, name, args, received_at = item
        # a sink added after the event was queued for listeners only: it was not timed then
        event = _new_event(item) if received_at else Event(kind, name, args, time.time())
        for sink in self._sinks:
            try:
                sink(event)
            except Exception:
                self.listener_errors += 1
                log.exception("event sink %r raised on %s", sink, name)

    def _run_async(self, cb: Callable[..., Any], args: tuple[Any, ...]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            log.warning("coroutine listener %r skipped: the client has no running loop", cb)
            return
        future = asyncio.run_coroutine_threadsafe(cb(*args), loop)
        future.result()  # awaited in order; exceptions are logged by the caller
