"""Fixtures and helpers of the reliability tests (faults, load, fuzzing, authorization).

Nothing here sleeps on the wall clock: waits are on events/conditions with a
bound, backoff is injected (zero or a few milliseconds), and every process a
test starts is ended through its own Popen handle.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from cometchat_nb import AppSettingsBuilder, Client, MemorySessionStore
from cometchat_nb.protocol.states import ConnectionState, ConnectionStateChange
from cometchat_nb.server import EmbeddedServer
from cometchat_nb.settings import AppSettings

from ..client.conftest import Recorder

__all__ = ["WAIT", "FlakyTransport", "Recorder", "check_truthful", "idle", "new_client", "settings_at"]

WAIT = 15.0


def settings_at(url: str, *, manual: bool = False, **knobs: Any) -> AppSettings:
    """Settings pointing at a server's REST ``url`` (loopback only)."""
    settings = (
        AppSettingsBuilder()
        .setRegion("eu")
        .autoEstablishSocketConnection(not manual)
        .overrideClientHost(url)
        .overrideAdminHost(url)
        .build()
    )
    return settings.replace(**knobs) if knobs else settings


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


async def idle(client: Client, timeout: float = WAIT) -> bool:
    """Wait (off the event loop) until every queued event reached the listeners.

    ``wait_listeners_idle`` blocks its thread; called on the client's own loop it
    would also block the loop that hands events to the dispatch thread.
    """
    return await asyncio.to_thread(client.wait_listeners_idle, timeout)


MakeClient = Callable[..., Awaitable[tuple[Client, Recorder]]]


@pytest.fixture
async def clients() -> AsyncIterator[list[Client]]:
    """A list the test appends its clients to; all are closed at the end."""
    made: list[Client] = []
    yield made
    for client in made:
        await client.close()


def new_client(
    app_id: str,
    settings: AppSettings,
    *,
    backoff: Callable[[int], float] = lambda attempt: 0.0,
    name: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[Client, Recorder]:
    """A client with an in-memory session store and a Recorder sink."""
    client = Client(
        app_id, settings, store=MemorySessionStore(), backoff=backoff, name=name, transport=transport
    )
    rec = Recorder()
    client.add_event_sink(rec)
    return client, rec


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    """An in-process EmbeddedServer on free ports (for faults the hooks can inject)."""
    with EmbeddedServer(auth_timeout=5.0) as srv:
        yield srv


class FlakyTransport(httpx.AsyncBaseTransport):
    """An httpx transport that fails the requests ``fail(request)`` selects (a REST outage
    that leaves the web-socket up), and counts requests by path."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.fail: Callable[[httpx.Request], bool] | None = None
        self.failed = 0
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(f"{request.method} {request.url.path}")
        if self.fail is not None and self.fail(request):
            self.failed += 1
            raise httpx.ConnectError("injected REST outage", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
