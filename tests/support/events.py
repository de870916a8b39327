"""Recording what a client emits, and checking it."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from typing import Any

from cometchat_nb import Client
from cometchat_nb.client.dispatch import Event
from cometchat_nb.protocol.states import ConnectionState, ConnectionStateChange

from .waits import WAIT

__all__ = ["Recorder", "check_truthful", "idle"]


class Recorder:
    """An event sink that records every event and lets tests wait on them (on a
    condition variable, with a bound; nothing sleeps)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._cond = threading.Condition()
        self.threads: set[str] = set()

    def __call__(self, event: Event) -> None:
        with self._cond:
            self.events.append(event)
            self.threads.add(threading.current_thread().name)
            self._cond.notify_all()

    def named(self, *names: str) -> list[Event]:
        with self._cond:
            return [e for e in self.events if e.name in names]

    def args(self, name: str) -> list[Any]:
        return [e.args[0] if len(e.args) == 1 else e.args for e in self.named(name)]

    def names(self) -> list[str]:
        with self._cond:
            return [e.name for e in self.events]

    def count(self, name: str) -> int:
        return len(self.named(name))

    def wait_sync(self, predicate: Callable[[Recorder], bool], timeout: float = WAIT) -> None:
        with self._cond:
            ok = self._cond.wait_for(lambda: predicate(self), timeout)
        assert ok, f"timed out after {timeout}s; events so far: {self.names()}"

    async def wait(self, predicate: Callable[[Recorder], bool], timeout: float = WAIT) -> None:
        await asyncio.to_thread(self.wait_sync, predicate, timeout)

    async def wait_for(self, name: str, n: int = 1, timeout: float = WAIT) -> list[Any]:
        await self.wait(lambda r: r.count(name) >= n, timeout)
        return self.args(name)


async def idle(client: Client, timeout: float = WAIT) -> bool:
    """Wait (off the event loop) until every queued event reached the listeners.

    ``wait_listeners_idle`` blocks its thread; called on the client's own loop it
    would also block the loop that hands events to the dispatch thread.
    """
    return await asyncio.to_thread(client.wait_listeners_idle, timeout)


def check_truthful(log: list[ConnectionStateChange], listener_calls: list[str]) -> None:
    """The state log is a valid walk, and CometChat's three callbacks match it one to one.

    ``listener_calls`` are the connection-listener callback names in delivery
    order (``inConnecting``/``onConnected``/``onDisconnected``).
    """
    for before, after in itertools.pairwise(log):
        assert after.previous is before.current, f"state log is not a walk: {before} then {after}"
    expected = [
        {"connecting": "inConnecting", "connected": "onConnected", "disconnected": "onDisconnected"}[
            c.current.cometchat_status
        ]
        for c in log
        if c.previous.cometchat_status != c.current.cometchat_status
    ]
    assert listener_calls == expected, f"listener calls {listener_calls} do not match states {expected}"
    for c in log:
        if c.current in (ConnectionState.DISCONNECTED, ConnectionState.SUSPENDED, ConnectionState.FAILED):
            assert c.reason, f"{c.current} without a reason: {c}"
            assert c.reason_code, f"{c.current} without a code: {c}"
