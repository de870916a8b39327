"""The only sync↔async bridge: an SDK-owned event loop in a daemon thread.

The sync facade (:class:`~cometchat_nb.sdk.CometChat`), the magics and the
control panel never touch the caller's event loop (a Jupyter kernel's loop
stops running tasks between cells, and nest-asyncio is not an option — see
design.md §4). Instead :meth:`SdkRuntime.run` submits a coroutine to the
loop in thread ``cometchat-loop`` and waits for its result with a timeout.

Calling :meth:`run` *from* that thread (e.g. the sync facade inside a
coroutine listener) would deadlock, so it raises
:class:`~cometchat_nb.errors.StateError` with code ``ERR_WRONG_THREAD``
instead. :func:`get_runtime` returns the process-wide runtime, shut down at
interpreter exit (clients are closed with a close frame, tasks cancelled,
the thread joined); :meth:`SdkRuntime.shutdown` may also be called directly
and the runtime restarts lazily afterwards.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from .errors import ErrorCode, StateError
from .errors import TimeoutError as SdkTimeoutError

__all__ = ["SdkRuntime", "get_runtime"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class SdkRuntime:
    """An asyncio loop running in a daemon thread, started on first use."""

    def __init__(self, name: str = "cometchat-loop") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closers: list[Callable[[], Awaitable[None]]] = []

    # -- lifecycle ------------------------------------------------------------------
    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop (started if needed)."""
        with self._lock:
            if self._loop is None or self._thread is None or not self._thread.is_alive():
                self._start()
            assert self._loop is not None
            return self._loop

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            try:
                loop.run_forever()
            finally:
                with contextlib.suppress(Exception):
                    loop.run_until_complete(loop.shutdown_asyncgens())
                # Not shutdown_default_executor(): it starts a thread, which Python
                # refuses at interpreter exit. close() tells the executor's idle
                # workers to exit (at exit, Python has already joined them).
                loop.close()

        thread = threading.Thread(target=main, name=self.name, daemon=True)
        thread.start()
        ready.wait(10)
        self._loop, self._thread = loop, thread

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def in_loop_thread(self) -> bool:
        """True when called from the runtime's own thread."""
        return self._thread is not None and threading.current_thread() is self._thread

    def add_closer(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Run ``await closer()`` on the loop at :meth:`shutdown` (e.g. ``client.close``)."""
        self._closers.append(closer)

    def remove_closer(self, closer: Callable[[], Awaitable[None]]) -> None:
        with contextlib.suppress(ValueError):
            self._closers.remove(closer)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Close registered clients, cancel tasks, stop the loop and join the thread. Idempotent.

        Starts no thread and uses no executor (at interpreter exit, where
        :func:`get_runtime` calls it, Python refuses both): the clients'
        closers run on the loop, then this thread joins the loop's thread.
        """
        if self.in_loop_thread():
            raise StateError("shutdown() cannot run on the SDK loop thread", code=ErrorCode.WRONG_THREAD)
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None or not thread.is_alive():
            return
        closers, self._closers = self._closers, []

        async def close_all() -> None:
            for closer in reversed(closers):
                try:
                    await asyncio.wait_for(closer(), timeout)
                except Exception:
                    log.exception("error while closing %r at shutdown", closer)
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(close_all(), loop).result(timeout * 2)
        except Exception:
            log.exception("SDK runtime shutdown did not finish cleanly")
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)

    # -- bridging ---------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None, *, what: str = "the call") -> T:
        """Run ``coro`` on the SDK loop and wait for it (at most ``timeout`` seconds).

        Raises the coroutine's own exception unchanged (code, message,
        ``__cause__``), :class:`~cometchat_nb.errors.TimeoutError`
        (``ERR_TIMEOUT``) only when this wait ran out (the coroutine is then
        cancelled), or ``StateError`` when called from the SDK loop thread itself.
        """
        if self.in_loop_thread():
            coro.close()
            raise StateError(
                f"{what} is a blocking CometChat call made from the SDK's own event-loop thread "
                "(for example inside a coroutine listener); await the Client method instead.",
                code=ErrorCode.WRONG_THREAD,
            )
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            # Wait first, then read the result: ``future.result(timeout)`` raises the
            # builtin TimeoutError for its own timeout, which is also the base of the
            # SDK's TimeoutError, so the two could not be told apart.
            concurrent.futures.wait((future,), timeout)
        except BaseException:
            future.cancel()  # e.g. KeyboardInterrupt in a notebook: do not leave it running
            raise
        if not future.done() and future.cancel():
            assert timeout is not None
            raise SdkTimeoutError(f"{what} did not finish within {timeout:g} s")
        return future.result()  # the call's own result or error, unchanged

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the SDK loop without waiting (fire and forget)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` on the SDK loop thread soon."""
        self.loop.call_soon_threadsafe(fn, *args)


_default: SdkRuntime | None = None
_default_lock = threading.Lock()


def get_runtime() -> SdkRuntime:
    """The process-wide runtime (shut down automatically at exit)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SdkRuntime()
            atexit.register(_default.shutdown)
        return _default
