"""Benchmark: server fan-out to 100, 500 and 1 000 clients in one group.

One server process (``bench/_server.py --raw``) hosts the embedded server and,
on the same event loop, a bare ``websockets`` server that only does
``broadcast()`` (the baseline). ``--procs`` client processes hold the
connections: every user logs in through the server's REST login flow (auth
token, then ``PUT me``) and authenticates its socket with the real JWT, as
the SDK does; the same processes also connect once to the bare server (with
an auth-like frame round trip), so both servers deliver to the same clients.

For each group size, in turns (embedded, bare), after a warm-up burst:

* **burst**: ``M`` messages sent as fast as the server can (embedded: the
  full message path — validate, store in SQLite, encode once, ``broadcast()``
  to the members' sockets; bare: ``broadcast()`` of a frame of the same shape
  and size). Deliveries/s = members × M / (last delivery − first send),
  median of ``--runs``.
* **latency** at a light rate (10 messages/s for ``--seconds``): each text
  carries the monotonic send time; clients compute send → receive (one
  machine, one clock). p50/p99 over every delivery.

Ends with ``RESULT`` (deliveries/s and p50/p99 per size and server, and the
ratios embedded/bare).

    python bench/bench_fanout.py                 # 100, 500, 1000 clients
    python bench/bench_fanout.py --smoke         # 10 clients, short
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from typing import Any

import httpx
import orjson
from _common import (
    BenchServer,
    Child,
    auth_frame,
    cpu_seconds,
    login_jwt,
    median,
    percentile,
    python_child,
    ratio,
    result_line,
    spread,
)
from websockets.asyncio.client import ClientConnection, connect

SENDER = "superhero1"
PREFIX = "fan"


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# ----------------------------------------------------------------------------------------
# client processes


class Clients:
    """The connections of one client process and their counters."""

    def __init__(self, info: dict[str, Any], uids: list[str]) -> None:
        self.info = info
        self.uids = uids
        self.jwts: dict[str, str] = {}
        self.conns: dict[str, list[ClientConnection]] = {"embedded": [], "raw": []}
        self.tasks: list[asyncio.Task[None]] = []
        self.mode = "idle"
        self.target = ""
        self.expect = 0
        self.count = 0
        self.t_last = 0.0
        self.latencies: list[float] = []
        self.done = asyncio.Event()

    async def login(self) -> None:
        limits = asyncio.Semaphore(8)
        async with httpx.AsyncClient(timeout=30) as http:

            async def one(uid: str) -> None:
                async with limits:
                    self.jwts[uid] = await login_jwt(http, self.info, uid, f"bench-{uid}")

            await asyncio.gather(*(one(uid) for uid in self.uids))

    async def connect(self, target: str, count: int) -> None:
        url = str(self.info["ws"] if target == "embedded" else self.info["raw_ws"])
        limits = asyncio.Semaphore(16)

        async def one(uid: str) -> ClientConnection:
            async with limits:
                ws = await connect(url, compression=None, open_timeout=30, max_queue=64)
                await ws.send(auth_frame(self.info, uid, self.jwts[uid], f"bench-{uid}"))
                answer = orjson.loads(await ws.recv())
                if answer.get("body", {}).get("code") != "200":
                    raise RuntimeError(f"auth refused for {uid}: {answer}")
                return ws

        conns = await asyncio.gather(*(one(uid) for uid in self.uids[:count]))
        self.conns[target].extend(conns)
        self.tasks.extend(asyncio.create_task(self.reader(ws, target)) for ws in conns)

    async def reader(self, ws: ClientConnection, target: str) -> None:
        with contextlib.suppress(Exception):
            async for data in ws:
                if target == self.target:
                    self.on_message(data)

    def on_message(self, data: str | bytes) -> None:
        if self.mode == "latency":
            now = time.monotonic()
            text = orjson.loads(data)["body"]["data"]["text"]
            if text.startswith("t="):
                self.latencies.append(now - float(text[2:]))
        self.count += 1
        if self.count == self.expect:
            self.t_last = time.monotonic()
            self.done.set()

    def arm(self, target: str, mode: str, expect: int) -> None:
        self.target, self.mode, self.expect, self.count = target, mode, expect, 0
        self.latencies = []
        self.done.clear()

    async def report(self, timeout: float) -> dict[str, Any]:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.done.wait(), timeout)
        out = {"count": self.count, "t_last": self.t_last if self.done.is_set() else None}
        if self.mode == "latency":
            out["latencies"] = self.latencies
        self.target = ""
        return out

    async def close(self, target: str) -> None:
        conns, self.conns[target] = self.conns[target], []
        await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)


async def client_main(info: dict[str, Any], uids: list[str]) -> None:
    clients = Clients(info, uids)
    emit({"event": "ready"})
    while line := await asyncio.to_thread(sys.stdin.readline):
        cmd = json.loads(line)
        name = cmd.pop("cmd")
        try:
            if name == "login":
                await clients.login()
                reply: dict[str, Any] = {"users": len(clients.jwts)}
            elif name == "connect":
                await clients.connect(cmd["target"], cmd["count"])
                reply = {"connected": len(clients.conns[cmd["target"]])}
            elif name == "arm":
                clients.arm(cmd["target"], cmd["mode"], cmd["expect"])
                reply = {}
            elif name == "report":
                reply = await clients.report(cmd["timeout"])
            elif name == "close":
                await clients.close(cmd["target"])
                reply = {}
            else:
                raise ValueError(f"unknown command {name}")
            emit({"event": "reply", "ok": True, **reply})
        except Exception as exc:
            emit({"event": "reply", "ok": False, "error": f"{type(exc).__name__}: {exc}"})
    for target in ("embedded", "raw"):
        await clients.close(target)


# ----------------------------------------------------------------------------------------
# orchestrator


def split(n: int, parts: int) -> list[int]:
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


class FanOut:
    def __init__(self, server: BenchServer, procs: list[Child]) -> None:
        self.server = server
        self.procs = procs

    def all(self, wait: float = 120.0, **cmd: Any) -> list[dict[str, Any]]:
        for proc in self.procs:
            proc.send(cmd)
        replies = [proc.wait_for("reply", wait) for proc in self.procs]
        for reply in replies:
            if reply.get("ok") is False:
                raise RuntimeError(f"client process: {cmd['cmd']} failed: {reply.get('error')}")
        return replies

    def connect(self, target: str, size: int) -> None:
        for proc, count in zip(self.procs, split(size, len(self.procs)), strict=True):
            proc.send({"cmd": "connect", "target": target, "count": count})
        for proc in self.procs:
            reply = proc.wait_for("reply", 300)
            if reply.get("ok") is False:
                raise RuntimeError(f"connect failed: {reply.get('error')}")

    def burst(self, target: str, guid: str, size: int, messages: int) -> dict[str, float]:
        per_proc = split(size, len(self.procs))
        for proc, members in zip(self.procs, per_proc, strict=True):
            proc.send({"cmd": "arm", "target": target, "mode": "burst", "expect": members * messages})
        for proc in self.procs:
            proc.wait_for("reply", 30)
        cpu0 = cpu_seconds(self.server.pid)
        sent = self.server.call(cmd="burst", target=target, guid=guid, sender=SENDER, n=messages, timeout=300)
        cpu = cpu_seconds(self.server.pid) - cpu0
        reports = self.all(150, cmd="report", timeout=120)
        if any(r["t_last"] is None for r in reports):
            got = sum(r["count"] for r in reports)
            raise RuntimeError(f"{target}: only {got} of {size * messages} deliveries arrived")
        seconds = max(r["t_last"] for r in reports) - sent["t0"]
        deliveries = size * messages
        return {"rate": deliveries / seconds, "server_us": cpu / deliveries * 1e6}

    def latency(self, target: str, guid: str, size: int, rate: float, seconds: float) -> list[float]:
        count = int(rate * seconds)
        for proc, members in zip(self.procs, split(size, len(self.procs)), strict=True):
            proc.send({"cmd": "arm", "target": target, "mode": "latency", "expect": members * count})
        for proc in self.procs:
            proc.wait_for("reply", 30)
        self.server.call(
            cmd="rate",
            target=target,
            guid=guid,
            sender=SENDER,
            rate=rate,
            seconds=seconds,
            timeout=seconds + 60,
        )
        reports = self.all(90, cmd="report", timeout=60)
        values = [v * 1e3 for r in reports for v in r.get("latencies", [])]
        if len(values) < size * count:
            raise RuntimeError(f"{target}: only {len(values)} of {size * count} latency samples")
        return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000", help="group sizes (default 100,500,1000)")
    parser.add_argument("--procs", type=int, default=2, help="client processes (default 2)")
    parser.add_argument(
        "--deliveries", type=int, default=60_000, help="deliveries per burst (default 60 000)"
    )
    parser.add_argument("--runs", type=int, default=3, help="bursts per server and size, after a warm-up")
    parser.add_argument("--rate", type=float, default=10.0, help="messages/s of the latency phase")
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of the latency phase")
    parser.add_argument("--smoke", action="store_true", help="10 clients, short (the test suite)")
    parser.add_argument("--role", choices=("clients",), help=argparse.SUPPRESS)
    parser.add_argument("--info", help=argparse.SUPPRESS)
    parser.add_argument("--uids", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role:
        asyncio.run(client_main(json.loads(args.info), args.uids.split(",")))
        return 0
    if args.smoke:
        args.sizes, args.deliveries, args.runs, args.seconds = "10", 200, 1, 0.5
    sizes = [int(s) for s in args.sizes.split(",")]
    biggest = max(sizes)
    figures: dict[str, float] = {}
    lines: list[str] = []
    with BenchServer("--raw") as server:
        t_setup = time.monotonic()
        uids = [f"{PREFIX}{i}" for i in range(biggest)]
        server.call(cmd="users", prefix=PREFIX, n=biggest, timeout=300)
        for size in sizes:
            server.call(cmd="group", guid=f"fan-{size}", members=[SENDER, *uids[:size]], timeout=300)
        procs: list[Child] = []
        try:
            for i in range(args.procs):
                mine = uids[i :: args.procs]
                procs.append(
                    python_child(
                        "bench_fanout.py",
                        "--role",
                        "clients",
                        "--info",
                        json.dumps(server.info),
                        "--uids",
                        ",".join(mine),
                        name=f"clients{i}",
                    )
                )
            for proc in procs:
                proc.wait_for("ready", 60)
            fan = FanOut(server, procs)
            # process i holds uids[i::procs]: its first k users are members of every group of
            # size >= k * procs, so sizes split evenly (split() hands out the remainder first)
            fan.all(600, cmd="login")
            print(f"setup: {biggest} users logged in, groups {sizes} ({time.monotonic() - t_setup:.1f} s)")
            for size in sizes:
                guid = f"fan-{size}"
                t0 = time.monotonic()
                fan.connect("embedded", size)
                fan.connect("raw", size)
                connect_s = time.monotonic() - t0
                messages = max(5, args.deliveries // size)
                rates: dict[str, list[float]] = {"embedded": [], "raw": []}
                server_us: dict[str, list[float]] = {"embedded": [], "raw": []}
                for run in range(args.runs + 1):
                    for target in ("embedded", "raw"):
                        out = fan.burst(target, guid, size, messages)
                        if run:
                            rates[target].append(out["rate"])
                            server_us[target].append(out["server_us"])
                lat = {t: fan.latency(t, guid, size, args.rate, args.seconds) for t in ("embedded", "raw")}
                fan.all(cmd="close", target="embedded")
                fan.all(cmd="close", target="raw")
                head = f"{size:>5} clients ({connect_s:.1f} s to connect {2 * size}"
                lines.append(f"{head}; burst of {messages} messages)")
                for target in ("embedded", "raw"):
                    p50, p99 = percentile(lat[target], 50), percentile(lat[target], 99)
                    figures[f"{target}_{size}_per_s"] = median(rates[target])
                    figures[f"{target}_{size}_p50_ms"] = p50
                    figures[f"{target}_{size}_p99_ms"] = p99
                    lines.append(
                        f"      {target:<9} deliveries/s {spread(rates[target]):<28} "
                        f"server CPU {median(server_us[target]):5.1f} µs/delivery   "
                        f"latency @{args.rate:g}/s p50 {p50:6.2f} ms  p99 {p99:6.2f} ms"
                    )
                figures[f"rate_ratio_{size}"] = ratio(
                    figures[f"embedded_{size}_per_s"], figures[f"raw_{size}_per_s"]
                )
                figures[f"p99_ratio_{size}"] = ratio(
                    figures[f"embedded_{size}_p99_ms"], figures[f"raw_{size}_p99_ms"]
                )
                lines.append(
                    f"      embedded / raw: deliveries/s {figures[f'rate_ratio_{size}']:.2f}, "
                    f"p99 {figures[f'p99_ratio_{size}']:.2f}"
                )
                print("\n".join(lines[-4:]), flush=True)
        finally:
            for proc in procs:
                proc.close(30)
    print(result_line(**figures))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
