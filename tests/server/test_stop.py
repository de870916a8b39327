"""``EmbeddedServer.stop()`` returns only when every socket it accepted is closed,
TLS included: open web-sockets (closed with 1001), idle keep-alive REST
connections, and connections that never finished their TLS or HTTP upgrade
handshake (which belong neither to aiohttp nor to websockets yet)."""

from __future__ import annotations

import contextlib
import socket
import ssl

import httpx
import psutil
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from cometchat_nb.server import EmbeddedServer

from ..support import WAIT


def server_side_sockets(ports: tuple[int, ...]) -> list[str]:
    """This process's TCP sockets on ``ports`` (the server's end of each connection)."""
    return [
        f"{c.laddr} <- {c.raddr} {c.status}"
        for c in psutil.Process().net_connections("tcp")
        if c.laddr and c.laddr.port in ports
    ]


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_stop_closes_every_accepted_socket(tls: bool) -> None:
    with contextlib.ExitStack() as stack:
        server = EmbeddedServer(tls=tls).start()
        stack.callback(server.stop)
        ports = (server.port, server.ws_port)
        # connected, and silent: mid TLS handshake with TLS, before the HTTP request without
        silent = [
            stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=WAIT)) for port in ports
        ]
        context = ssl.create_default_context(cafile=server.ca_file) if tls else None
        # Served after the silent ones on the same ports (accepted in order): once these are
        # answered the server holds the silent connections too. They stay open as well: a
        # keep-alive REST connection and an open (unauthenticated) web-socket.
        http = stack.enter_context(httpx.Client(verify=context or True, timeout=WAIT))
        assert http.get(f"{server.url}/v3.0/settings").status_code == 401
        ws = stack.enter_context(connect(server.ws_url, ssl=context, open_timeout=WAIT, close_timeout=WAIT))
        assert len(server_side_sockets(ports)) == 2 + 4  # two listeners, four connections

        server.stop()
        assert server_side_sockets(ports) == []
        for sock in silent:
            assert sock.recv(1) == b"", "the silent connection was not closed"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=WAIT)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
