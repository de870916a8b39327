"""Fixtures of the reliability tests (faults, load, fuzzing, authorization); their
helpers are in :mod:`tests.support` (``RESTART_WAIT``, ``new_client``, ``FlakyTransport`` …).

Nothing here sleeps on the wall clock: waits are on events/conditions with a
bound, backoff is injected (zero or a few milliseconds), and every process a
test starts is ended through its own Popen handle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cometchat_nb import Client


@pytest.fixture
async def clients() -> AsyncIterator[list[Client]]:
    """A list the test appends its clients to; all are closed at the end."""
    made: list[Client] = []
    yield made
    for client in made:
        await client.close()
