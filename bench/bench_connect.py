"""Benchmark: connect latency, manual ``connect()`` → connected and authenticated.

The embedded server runs in its own process. The Python connectors share one
process and take turns connect by connect (the order rotating each round), so
the machine's drift and the process's cache state hit them alike; each is
logged in beforehand (REST login is not timed) and connects and disconnects
``--runs`` times:

``sdk``   ``await client.connect()`` on the SDK's async ``Client`` in manual
          mode (``autoEstablishSocketConnection(False)``): it returns once the
          socket is open *and* the server accepted the auth frame (state
          CONNECTED). Then ``disconnect()`` and, outside the timing, the
          catch-up that every reconnect runs is awaited;
``raw``   a bare ``picows`` client (the SDK's transport): the handshake, then
          the same auth frame and its answer (one round trip), then close;
          ``raw_handshake`` is the handshake alone. The target ratio is
          ``sdk / raw``: what the SDK adds to the least a client must do;
``raw_websockets`` the same with a bare ``websockets`` client (compression
          off), the transport the SDK used before (for reference);
``node``  the official JS SDK (``tests/js/driver.js`` scenario ``bench``), in its
          own process, in turns of ``--block`` connects with the Python process:
          ``CometChat.connect()`` → the socket's ``open`` event (when the JS
          SDK fires ``onConnected``; it fires it only for its first connect,
          see the README) and → the server's auth answer.

Reported: p50/p99 in milliseconds and the ratios sdk/raw, sdk/node at p50 and p99.

    python bench/bench_connect.py               # 400 connects each
    python bench/bench_connect.py --smoke       # a few connects
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _common import (
    BenchServer,
    Child,
    ChildError,
    auth_frame,
    login_jwt,
    node_available,
    node_driver,
    percentile,
    python_child,
    ratio,
    result_line,
)
from websockets.asyncio.client import connect

USERS = {"sdk": "superhero1", "raw": "superhero2", "node": "superhero3", "raw_websockets": "superhero4"}


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# ----------------------------------------------------------------------------------------
# connector processes


PYTHON_ROLES = ("sdk", "raw", "raw_websockets")


async def run_python(info: dict[str, Any]) -> None:
    """The Python connectors, connect by connect in a rotating order."""
    from cometchat_nb import AppSettingsBuilder, Client, MemorySessionStore

    settings = (
        AppSettingsBuilder()
        .setRegion(str(info["region"]))
        .autoEstablishSocketConnection(False)
        .overrideClientHost(str(info["url"]))
        .overrideAdminHost(str(info["url"]))
        .build()
    )
    url = str(info["ws"])
    frames: dict[str, str] = {}
    async with httpx.AsyncClient() as http:
        for role in ("raw", "raw_websockets"):
            uid, resource = USERS[role], f"bench-connect-{role}-{os.getpid()}"
            frames[role] = auth_frame(info, uid, await login_jwt(http, info, uid, resource), resource)
    async with Client(str(info["app_id"]), settings, store=MemorySessionStore()) as client:
        await client.login(USERS["sdk"], str(info["auth_key"]))

        async def sdk_once() -> dict[str, float]:
            t0 = time.perf_counter()
            await client.connect()
            took = (time.perf_counter() - t0) * 1e3
            await client.wait_for_catchup()
            await client.disconnect()
            return {"sdk": took}

        async def raw_once(role: str) -> dict[str, float]:
            once = _picows_once if role == "raw" else _websockets_once
            t0, t1, t2 = await once(url, frames[role])
            return {role: (t2 - t0) * 1e3, f"{role}_handshake": (t1 - t0) * 1e3}

        emit({"event": "ready"})
        turn = 0
        while line := await asyncio.to_thread(sys.stdin.readline):
            cmd = json.loads(line)
            out: dict[str, list[float]] = {}
            for _ in range(int(cmd["runs"])):
                turn += 1
                for k in range(len(PYTHON_ROLES)):
                    role = PYTHON_ROLES[(turn + k) % len(PYTHON_ROLES)]
                    took = await (sdk_once() if role == "sdk" else raw_once(role))
                    for name, ms in took.items():
                        out.setdefault(name, []).append(ms)
            emit({"event": "reply", "ok": True, "ms": out})


async def _websockets_once(url: str, frame: str) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    async with connect(url, compression=None, open_timeout=10, proxy=None) as ws:
        t1 = time.perf_counter()
        await ws.send(frame)
        await ws.recv()
        t2 = time.perf_counter()
    return t0, t1, t2


async def _picows_once(url: str, frame: str) -> tuple[float, float, float]:
    import picows

    answer: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    class Listener(picows.WSListener):
        def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
            if frame.msg_type is picows.WSMsgType.TEXT and not answer.done():
                answer.set_result(None)
            elif frame.msg_type is picows.WSMsgType.CLOSE:
                transport.disconnect()

    t0 = time.perf_counter()
    transport, _ = await picows.ws_connect(Listener, url, websocket_handshake_timeout=10)
    t1 = time.perf_counter()
    transport.send(picows.WSMsgType.TEXT, frame.encode())
    await answer
    t2 = time.perf_counter()
    transport.send_close(picows.WSCloseCode.OK)
    await asyncio.wait_for(transport.wait_disconnected(), 10)
    return t0, t1, t2


# ----------------------------------------------------------------------------------------
# orchestrator


def block(child: Child, role: str, runs: int) -> dict[str, list[float]]:
    if role == "node":
        child.send({"cmd": "benchConnect", "runs": runs})
        res = child.wait_for("result", 30 + runs)
        if not res.get("ok"):
            raise ChildError(f"node benchConnect failed: {res}\n{child.tail()}")
        return {"node_open": res["opened"], "node": res["authed"]}
    reply = child.call(cmd="connect", runs=runs, timeout=30 + 3 * runs)
    return dict(reply["ms"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="measured connects per connector (default 400)")
    parser.add_argument("--block", type=int, default=50, help="connects per turn with node (default 50)")
    parser.add_argument("--warmup", type=int, default=20, help="connects discarded first (default 20)")
    parser.add_argument("--smoke", action="store_true", help="a few connects (the test suite)")
    parser.add_argument("--no-node", action="store_true", help="skip the official JS SDK")
    parser.add_argument("--role", choices=("python",), help=argparse.SUPPRESS)
    parser.add_argument("--info", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role:
        asyncio.run(run_python(json.loads(args.info)))
        return 0
    if args.smoke:
        args.runs, args.block, args.warmup = 4, 2, 1
    roles = ["python", "node"]
    why_not_node = "skipped (--no-node)" if args.no_node else node_available()
    if why_not_node:
        roles.remove("node")
        print(f"official JS SDK: {why_not_node}")
    samples: dict[str, list[float]] = {}
    children: dict[str, Child] = {}
    with tempfile.TemporaryDirectory(prefix="cometchat-bench-") as tmp, BenchServer() as server:
        try:
            for role in roles:
                if role == "node":
                    node = node_driver("bench", info=server.info, uid=USERS["node"], storage=Path(tmp) / "n")
                    node.wait_for("started", 60)
                    children[role] = node
                else:
                    child = python_child(
                        "bench_connect.py", "--role", "python", "--info", json.dumps(server.info), name=role
                    )
                    child.wait_for("ready", 60)
                    children[role] = child
            for role in roles:
                block(children[role], role, args.warmup)
            done = 0
            while done < args.runs:
                size = min(args.block, args.runs - done)
                for role in roles:
                    for name, values in block(children[role], role, size).items():
                        samples.setdefault(name, []).extend(values)
                done += size
        finally:
            for child in children.values():
                child.close()
    print(
        f"connects: {args.runs} per connector after {args.warmup} warm-up; Python connectors connect by "
        f"connect, the JS SDK in turns of {args.block}"
    )
    labels = {
        "sdk": "SDK connect() → connected + authenticated",
        "raw": "raw picows handshake + auth round trip",
        "raw_handshake": "raw picows handshake alone",
        "raw_websockets": "raw websockets handshake + auth",
        "raw_websockets_handshake": "raw websockets handshake alone",
        "node": "JS SDK connect() → auth answer",
        "node_open": "JS SDK connect() → socket open (onConnected)",
    }
    figures: dict[str, float] = {}
    for name, label in labels.items():
        values = samples.get(name)
        if not values:
            continue
        p50, p99 = percentile(values, 50), percentile(values, 99)
        figures[f"{name}_p50_ms"], figures[f"{name}_p99_ms"] = p50, p99
        print(f"{label:<44} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   (n={len(values)})")
    for other in ("raw", "raw_websockets", "node"):
        if other in samples:
            for p in ("p50", "p99"):
                figures[f"sdk_over_{other}_{p}"] = ratio(figures[f"sdk_{p}_ms"], figures[f"{other}_{p}_ms"])
            print(
                f"sdk / {other:<14} p50 {figures[f'sdk_over_{other}_p50']:.2f}   "
                f"p99 {figures[f'sdk_over_{other}_p99']:.2f}"
            )
    print(result_line(**figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
