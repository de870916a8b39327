"""Server sockets: Nagle's algorithm is off, so frames written back to back are not
held for the client's delayed ACK (~40 ms per burst on Linux)."""

from __future__ import annotations

import asyncio
import socket
import statistics
import time

import httpx
from websockets.asyncio.client import connect

from cometchat_nb.server import EmbeddedServer
from cometchat_nb.server.app import ChatServer, listen_socket

from ..support.raw import Rest, Sock


def test_listening_sockets_say_tcp_so_asyncio_sets_nodelay() -> None:
    for host in ("127.0.0.1", "::1"):
        try:
            sock = listen_socket(host, 0)
        except OSError:  # no IPv6 here
            continue
        with sock:
            assert sock.proto == socket.IPPROTO_TCP


def test_accepted_sockets_have_nodelay(server: EmbeddedServer) -> None:
    async def check() -> list[int]:
        async with connect(server.ws_url, compression=None):
            await asyncio.sleep(0)  # the handshake is done: the server holds the connection

            def flags(core: ChatServer) -> list[int]:
                assert core._ws_server is not None
                return [
                    c.transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                    for c in core._ws_server.connections
                ]

            return await asyncio.to_thread(server._call, flags)

    flags = asyncio.run(check())
    assert flags and all(flags), flags
    r = httpx.get(f"{server.url}/v3.0/settings")  # the REST port answers too
    assert r.json()["error"]["code"]


async def test_back_to_back_frames_are_not_delayed(server: EmbeddedServer) -> None:
    """Five refused frames then a ping: six frames written back to back, every round."""
    with Rest(server) as rest:
        login = rest.login("superhero1")
    sock = await Sock.login(server, login)
    try:
        rounds = []
        for _ in range(15):
            t0 = time.perf_counter()
            for _ in range(5):
                await sock.send({"type": "nonsense"})
            frames = await sock.sync()
            rounds.append(time.perf_counter() - t0)
            assert len(frames) == 5
        # with Nagle on, each round waits ~40 ms for a delayed ACK
        assert statistics.median(rounds) < 0.02, [round(r * 1000, 1) for r in rounds]
    finally:
        await sock.close()
