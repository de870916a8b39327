"""Fixtures for SDK tests: a real EmbeddedServer on port 0 and real clients.

Nothing here sleeps: :class:`Recorder` waits on a condition variable with a
bound, and clients get ``backoff=lambda attempt: 0`` so reconnects are immediate.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from cometchat_nb import AppSettingsBuilder, Client, MemorySessionStore
from cometchat_nb.client.dispatch import Event
from cometchat_nb.client.store import SessionStore
from cometchat_nb.server import EmbeddedServer
from cometchat_nb.settings import AppSettings

WAIT = 10.0


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(auth_timeout=5.0) as srv:
        yield srv


def settings_for(srv: EmbeddedServer, *, manual: bool = False, **knobs: Any) -> AppSettings:
    """Settings pointing at ``srv`` (loopback only), with fast keepalive knobs."""
    builder = (
        AppSettingsBuilder()
        .subscribePresenceForAllUsers()
        .setRegion(srv.region)
        .autoEstablishSocketConnection(not manual)
        .overrideClientHost(srv.url)
        .overrideAdminHost(srv.url)
    )
    if srv.ca_file:
        builder.setVerify(srv.ca_file)
    return builder.build().replace(**knobs) if knobs else builder.build()


class Recorder:
    """An event sink that records every event and lets tests wait on them."""

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


MakeClient = Callable[..., Awaitable[tuple[Client, Recorder]]]


@pytest.fixture
async def make_client(server: EmbeddedServer) -> AsyncIterator[MakeClient]:
    """``client, rec = await make_client("superhero1", manual=False, **knobs)``.

    The client is logged in unless ``uid`` is None.
    """
    made: list[Client] = []

    async def make(
        uid: str | None = None,
        *,
        manual: bool = False,
        store: SessionStore | None = None,
        init: bool = True,
        **knobs: Any,
    ) -> tuple[Client, Recorder]:
        client = Client(
            server.app_id,
            settings_for(server, manual=manual, **knobs),
            store=store if store is not None else MemorySessionStore(),
            backoff=lambda attempt: 0.0,
        )
        rec = Recorder()
        client.add_event_sink(rec)
        made.append(client)
        if init:
            await client.init()
        if uid is not None:
            await client.login(uid, server.auth_key)
        return client, rec

    yield make
    for client in made:
        await client.close()
