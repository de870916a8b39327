"""Fixtures for SDK tests: real clients of a real EmbeddedServer on port 0 (the root
conftest's ``server``).

Nothing here sleeps: :class:`~tests.support.Recorder` waits on a condition variable
with a bound, and clients get ``backoff=lambda attempt: 0`` so reconnects are immediate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from cometchat_nb import Client, MemorySessionStore
from cometchat_nb.client.store import SessionStore
from cometchat_nb.server import EmbeddedServer

from ..support import MakeClient, Recorder, settings_for


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
