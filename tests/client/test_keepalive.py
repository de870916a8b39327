"""The app-level keepalive against a scripted WebSocket peer.

A pong can queue behind a burst of frames the reader is still working through;
frames arriving while we wait prove the link alive, so a burst longer than
``pong_timeout`` must not be mistaken for a dead link. Silence must be.
"""

from __future__ import annotations

import asyncio
import json
import time

from websockets.asyncio.server import ServerConnection, serve

from cometchat_nb.client.connection import Connection
from cometchat_nb.protocol.frames import AuthRequest, Frame

PONG_TIMEOUT = 0.2


async def test_a_burst_longer_than_the_pong_timeout_keeps_the_link_and_silence_kills_it() -> None:
    pings = {"answered": 0}
    burst_done = asyncio.Event()
    three_pongs = asyncio.Event()
    go_silent = asyncio.Event()

    async def peer(ws: ServerConnection) -> None:
        await ws.recv()  # the auth frame
        await ws.send(json.dumps({"type": "auth", "body": {"code": "200", "status": "OK"}}))
        # phase 1: stream presence frames for 3 pong timeouts, ignoring pings
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < 3 * PONG_TIMEOUT and n < 200_000:
            n += 1
            frame = {"type": "presence", "body": {"action": "online", "user": {"uid": f"u{n % 50}"}}}
            await ws.send(json.dumps(frame))
            if n % 50 == 0:
                await asyncio.sleep(0)  # let the other side read
        burst_done.set()
        # phase 2: answer pings until told to go silent
        async for raw in ws:
            if go_silent.is_set():
                continue  # phase 3: read but never answer
            if json.loads(raw).get("action") == "ping":
                await ws.send(json.dumps({"action": "pong"}))
                pings["answered"] += 1
                if pings["answered"] >= 3:
                    three_pongs.set()

    received: list[Frame] = []
    async with serve(peer, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        conn = await Connection.open(
            f"ws://127.0.0.1:{port}",
            AuthRequest(jwt="x", sender="me", device_id="dev"),
            ssl_context=None,
            open_timeout=5,
            on_frame=received.append,
            ping_interval=0.05,
            pong_timeout=PONG_TIMEOUT,
        )
        try:
            await asyncio.wait_for(burst_done.wait(), 10)
            assert not conn.closed.done(), "a burst of frames was taken for a dead link"
            assert len(received) > 0
            # the link keeps answering: several pongs come back
            await asyncio.wait_for(three_pongs.wait(), 10)
            assert not conn.closed.done()
            assert conn.rtt is not None
            # silence: no pong and no frame within a whole pong timeout is a dead link
            go_silent.set()
            info = await asyncio.wait_for(asyncio.shield(conn.closed), 10)
            assert info.dead_link and info.code == 1006
        finally:
            conn.abort()
