"""Fixtures every test directory may use; a directory's conftest (or a test module)
overrides one by defining its own. Helpers that are not fixtures are in :mod:`tests.support`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cometchat_nb.server import EmbeddedServer

from .support.loopback import install_loopback_guard

install_loopback_guard()  # no test process leaves 127.0.0.1 (tests/support/loopback.py)


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    """A real EmbeddedServer on free loopback ports (in this process, on its own thread)."""
    with EmbeddedServer(auth_timeout=5.0) as srv:
        yield srv
