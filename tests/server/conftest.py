"""Fixtures for the embedded-server tests: a real EmbeddedServer on free ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cometchat_nb.server import EmbeddedServer

from ..support.raw import Rest


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(auth_timeout=2.0) as srv:
        yield srv


@pytest.fixture
def rest(server: EmbeddedServer) -> Iterator[Rest]:
    client = Rest(server)
    yield client
    client.close()
