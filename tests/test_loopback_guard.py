"""The test processes' loopback guard (tests/support/loopback.py): nothing leaves 127.0.0.1."""

from __future__ import annotations

import re
import socket

import httpx
import pytest

from .support.loopback import OffLoopbackError, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1", "localhost"])
def test_loopback_hosts_are_allowed(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["testapp.apiclient-eu.cometchat.io", "10.0.0.1", "0.0.0.0", "", None])
def test_anything_else_is_not(host: str | None) -> None:
    assert not is_loopback(host)


def test_a_cloud_name_is_never_looked_up_nor_connected() -> None:
    with pytest.raises(OffLoopbackError, match=re.escape("look up 'testapp.apiclient-eu.cometchat.io'")):
        socket.getaddrinfo("testapp.apiclient-eu.cometchat.io", 443)
    refused = re.escape("connection to '192.0.2.1'")
    with socket.socket() as sock, pytest.raises(OffLoopbackError, match=refused):
        sock.connect(("192.0.2.1", 443))
    with pytest.raises(httpx.ConnectError):
        httpx.get("https://testapp.apiclient-eu.cometchat.io/v3.0/me", timeout=5)


def test_the_loopback_still_works() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        with socket.create_connection(("localhost", port), timeout=5):
            pass
