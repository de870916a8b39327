"""The server side of the benchmarks, in its own process (not a benchmark).

Runs the :class:`~cometchat_nb.server.EmbeddedServer` (seeded, in-memory,
loopback, compression off as always) and, for baselines, a bare
``websockets`` server using :func:`websockets.asyncio.server.broadcast` on
the same event loop. Prints one line ``{"event": "ready", "url", "ws",
"raw_ws", "app_id", "auth_key", "region", "client_host"}`` and then answers
one JSON command per stdin line with one ``{"event": "reply", ...}`` line;
stdin EOF (or ``{"cmd": "quit"}``) stops it. Commands:

``prepare {uid, n, seed}``
    pre-encode ``n`` message frames for ``uid`` (fresh ids), outside any timing.
``push {uid, chunk}``
    push the prepared frames with ``EmbeddedServer.push_frames`` in chunks of
    ``chunk`` frames, yielding to the loop between chunks (so the socket is
    written while the next chunk is queued); answers the push time.
``stream {uid, rate}``
    push the prepared frames at ``rate`` frames/s (a chunk every 10 ms).
``user {uid}`` / ``users {prefix, n}`` / ``group {guid, members}``
    create user ``uid`` / users ``prefix0…``; a public group with those members, and one
    message in it (the model of the bare server's frames).
``burst {target, guid, sender, n}``
    ``n`` group messages as fast as possible: ``target="embedded"`` posts
    them through the server's message path (validate, store, fan-out with
    ``broadcast()``); ``target="raw"`` broadcasts a frame of the same shape
    and size to every socket of the bare server. Answers ``t0`` (monotonic).
``rate {target, guid, sender, rate, seconds}``
    the same at ``rate`` messages/s for ``seconds``; each text carries the
    monotonic send time (``t=<seconds>``) so clients measure the latency.
``raw_count``
    sockets connected to the bare server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import sys
import time
from typing import Any

import orjson
from _common import message_frames
from websockets.asyncio.server import ServerConnection, broadcast, serve

from cometchat_nb.server import EmbeddedServer


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class RawServer:
    """A bare ``websockets`` server: optional auth-like round trip, then broadcast targets."""

    AUTH_OK = orjson.dumps({"type": "auth", "body": {"code": "200", "status": "OK"}})

    def __init__(self) -> None:
        self.conns: set[ServerConnection] = set()

    async def handler(self, ws: ServerConnection) -> None:
        first = await ws.recv()
        obj = orjson.loads(first)
        if isinstance(obj, dict) and obj.get("type") == "auth":
            await ws.send(self.AUTH_OK, text=True)
        self.conns.add(ws)
        try:
            await ws.wait_closed()
        finally:
            self.conns.discard(ws)


class Bench:
    def __init__(self, server: EmbeddedServer, raw: RawServer) -> None:
        self.server = server
        self.raw = raw
        self.prepared: dict[str, list[str]] = {}
        self.next_id = itertools.count(50_000_000, 1)
        self.templates: dict[str, dict[str, Any]] = {}

    # -- ingest ---------------------------------------------------------------------------
    def cmd_prepare(self, uid: str, n: int, seed: int = 1) -> dict[str, Any]:
        start = next(self.next_id)
        for _ in range(n - 1):
            next(self.next_id)
        frames = message_frames(n, uid, start_id=start, seed=seed, app_id=self.server.app_id)
        self.prepared[uid] = frames
        sizes = [len(f.encode()) for f in frames[:2000]]
        return {
            "n": n,
            "bytes_min": min(sizes),
            "bytes_max": max(sizes),
            "bytes_mean": sum(sizes) / len(sizes),
        }

    async def cmd_push(self, uid: str, chunk: int = 256) -> dict[str, Any]:
        frames = self.prepared.pop(uid)
        t0 = time.monotonic()
        reached = 0
        for i in range(0, len(frames), chunk):
            reached = self.server.push_frames(uid, frames[i : i + chunk])
            await asyncio.sleep(0)
        return {"push_seconds": time.monotonic() - t0, "reached": reached, "frames": len(frames)}

    async def cmd_stream(self, uid: str, rate: float, tick: float = 0.01) -> dict[str, Any]:
        """Push the prepared frames at ``rate`` frames/s, ``rate * tick`` every ``tick`` seconds."""
        frames = self.prepared.pop(uid)
        per_tick = max(1, round(rate * tick))
        t0 = time.monotonic()
        for k, i in enumerate(range(0, len(frames), per_tick)):
            delay = t0 + k * tick - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.server.push_frames(uid, frames[i : i + per_tick])
        seconds = time.monotonic() - t0
        return {"seconds": seconds, "frames": len(frames), "rate": len(frames) / seconds if seconds else 0}

    # -- fan-out --------------------------------------------------------------------------
    def cmd_users(self, prefix: str, n: int) -> dict[str, Any]:
        uids = [f"{prefix}{i}" for i in range(n)]
        for uid in uids:
            with contextlib.suppress(Exception):
                self.server.create_user(uid, uid)
        return {"uids": len(uids)}

    def cmd_user(self, uid: str) -> dict[str, Any]:
        with contextlib.suppress(Exception):  # already there
            self.server.create_user(uid, uid)
        return {"uid": uid}

    def cmd_group(self, guid: str, members: list[str]) -> dict[str, Any]:
        self.server.create_group(guid, guid, members=members)
        # a stored group message, the model of the bare server's frames (nobody is connected yet)
        self.templates[guid] = self.server.send_message(members[0], guid, "template", receiver_type="group")
        return {"guid": guid, "members": len(members)}

    def _raw_frame(self, guid: str, sender: str, text: str) -> bytes:
        """A frame shaped like the embedded server's group message (same keys and size)."""
        body = dict(self.templates[guid])
        body["data"] = {**body["data"], "text": text}
        body["id"] = str(next(self.next_id))
        return orjson.dumps(
            {
                "type": "message",
                "appId": self.server.app_id,
                "receiver": guid,
                "receiverType": "group",
                "deviceId": "bench-server",
                "sender": sender,
                "body": body,
            }
        )

    def _send(self, target: str, guid: str, sender: str, text: str) -> None:
        if target == "raw":
            broadcast(self.raw.conns, self._raw_frame(guid, sender, text), text=True)
        else:
            self.server.send_message(sender, guid, text, receiver_type="group")

    async def cmd_burst(self, target: str, guid: str, sender: str, n: int) -> dict[str, Any]:
        t0 = time.monotonic()
        for i in range(n):
            self._send(target, guid, sender, f"burst message {i} of {n}")
            await asyncio.sleep(0)
        return {"t0": t0, "send_seconds": time.monotonic() - t0}

    async def cmd_rate(
        self, target: str, guid: str, sender: str, rate: float, seconds: float
    ) -> dict[str, Any]:
        count = int(rate * seconds)
        t0 = time.monotonic()
        for i in range(count):
            due = t0 + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._send(target, guid, sender, f"t={time.monotonic():.6f}")
        return {"t0": t0, "sent": count}

    def cmd_raw_count(self) -> dict[str, Any]:
        return {"count": len(self.raw.conns)}


async def main() -> int:
    parser = argparse.ArgumentParser(description="benchmark server process")
    parser.add_argument("--raw", action="store_true", help="also run the bare websockets server")
    args = parser.parse_args()
    server = EmbeddedServer(auth_timeout=30.0)
    await server.start_async()
    raw = RawServer()
    raw_server = None
    raw_url = None
    if args.raw:
        raw_server = await serve(
            raw.handler, "127.0.0.1", 0, compression=None, ping_interval=20, ping_timeout=20, max_queue=64
        )
        port = next(iter(raw_server.sockets)).getsockname()[1]
        raw_url = f"ws://127.0.0.1:{port}"
    bench = Bench(server, raw)
    emit(
        {
            "event": "ready",
            "url": server.url,
            "ws": server.ws_url,
            "raw_ws": raw_url,
            "app_id": server.app_id,
            "auth_key": server.auth_key,
            "region": server.region,
            "client_host": server.client_host,
        }
    )
    try:
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            cmd = json.loads(line)
            name = cmd.pop("cmd")
            if name == "quit":
                emit({"event": "reply", "ok": True})
                break
            try:
                result = getattr(bench, f"cmd_{name}")(**cmd)
                if asyncio.iscoroutine(result):
                    result = await result
                emit({"event": "reply", "ok": True, **result})
            except Exception as exc:
                emit({"event": "reply", "ok": False, "error": f"{type(exc).__name__}: {exc}"})
    finally:
        if raw_server is not None:
            raw_server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(raw_server.wait_closed(), 5)
        await server.stop_async()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
