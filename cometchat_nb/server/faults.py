"""Fault hooks for tests: the failures :class:`~.app.ChatServer` can be told to
inject, read by the socket layer (stalled pongs, refused auths) and the REST
layer (an outage of one route). Everything but :meth:`Faults.wait_held` runs
on the server's loop thread."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from ..errors import ApiError, ErrorCode

__all__ = ["Faults", "RestOutage"]


@dataclass
class RestOutage:
    """The :meth:`Faults.start_outage` fault: which route fails, and its gate."""

    route: str  # "GET messages": a method and a pattern of the route table
    hold: bool
    permits: int = 0  # held requests release() has let through (to fail)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class Faults:
    """The injected faults in force (none at first)."""

    def __init__(self) -> None:
        #: stop answering app-level pings (a half-open link, as the client sees it)
        self.stall_pongs = False
        #: socket auth frames still to refuse with 503 / close 1013
        self.refuse_auths = 0
        self.outage: RestOutage | None = None
        # held REST requests, counted under a thread lock: wait_held() waits on it
        # from the test's thread
        self._held = 0
        self._held_cond = threading.Condition()

    def take_auth_refusal(self) -> bool:
        """Whether to refuse this auth frame (consumes one refusal)."""
        if self.refuse_auths <= 0:
            return False
        self.refuse_auths -= 1
        return True

    def start_outage(self, route: str | None, *, hold: bool = False) -> None:
        """Fail every request to ``route`` (``None`` ends the outage; requests still
        held are then answered normally)."""
        old = self.outage
        self.outage = RestOutage(route, hold) if route is not None else None
        if old is not None:
            old.changed.set()

    def release(self, n: int = 1) -> None:
        """Let ``n`` held requests of the current outage (now or later) fail."""
        if self.outage is None or not self.outage.hold:
            raise RuntimeError("no REST outage holds requests")
        self.outage.permits += n
        self.outage.changed.set()

    def wait_held(self, n: int, timeout: float) -> bool:
        """Block until at least ``n`` requests wait at a held outage (False after
        ``timeout`` s). The one method to call from another thread, never the loop's."""
        with self._held_cond:
            return self._held_cond.wait_for(lambda: self._held >= n, timeout)

    async def gate(self, route: str) -> None:
        """Called before a request to ``route`` is handled: returns if no outage
        concerns it, else raises ``ERR_SERVICE_UNAVAILABLE`` (after waiting for a
        permit if the outage holds requests)."""
        outage = self.outage
        if outage is None or outage.route != route:
            return
        if outage.hold:
            with self._held_cond:
                self._held += 1
                self._held_cond.notify_all()
            try:
                while self.outage is outage and outage.permits == 0:
                    outage.changed.clear()
                    await outage.changed.wait()
            finally:
                with self._held_cond:
                    self._held -= 1
                    self._held_cond.notify_all()
            if self.outage is not outage:
                return  # the outage ended while this request waited
            outage.permits -= 1
        raise ApiError("The service is unavailable (fault injected).", code=ErrorCode.SERVICE_UNAVAILABLE)
