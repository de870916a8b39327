"""Benchmark: ingest rate of one client, side by side with its baselines.

The embedded server (its own process, ``bench/_server.py``) pushes ``--n``
realistic message frames (≈530–580 bytes, entities included) to one logged-in user, over
loopback, compression off. Each receiver is a separate process, logged in as
its own user and connected before the timing starts:

``listener``  the SDK's async ``Client`` with one message listener counting
              ``onTextMessageReceived`` (picows reader → decode → models →
              dispatcher thread → listener);
``liveframe`` the same ``Client`` with a ``LiveFrame`` as its event sink
              (inline, as ``LiveFrame.attach`` adds it: appended on the
              client's loop, no dispatch thread);
``raw``       a bare ``websockets`` client doing only ``recv`` + ``json.loads``
              (logged in with a real JWT, the same auth frame): the baseline,
              what a hand-written Python client does;
``raw_orjson`` the same with ``orjson.loads`` (for reference);
``raw_aiohttp`` a bare ``aiohttp`` ``ws_connect`` client (C frame reader,
              bytes) + ``orjson.loads`` (for reference: the transport the SDK
              did not pick, see the README);
``raw_picows`` a bare ``picows`` client (Cython frame parser, the SDK's
              transport) + ``orjson.loads`` straight from the frame's memory:
              the fastest raw Python client measured, the reference for the
              physical limit of "read and parse a frame";
``node``      the official CometChat JS SDK in Node 20 (``tests/js/driver.js``
              scenario ``bench``: a quiet listener counting
              ``onTextMessageReceived``), in a fresh process and session for
              every run, warmed up with 5 000 frames. The JS SDK (4.2.0) adds a
              ``message`` listener that is never removed with every 15 s ping,
              and each one parses every later frame again, so its cost per
              message grows with the age of the session (and a pong stuck behind
              a backlog for 3 s makes it reconnect, losing frames): a fresh
              session measures it at its best.

The receiver process is stopped (SIGSTOP, by its PID) while the server
queues the frames and resumed (SIGCONT) once they are all queued, so the
figure is the receiver's own ceiling, not the Python sender's (perf-limits.md:
a Python ``websockets`` sender tops out near half of what a client can take).
The rate of a Python receiver is frames / time from the resume to the N-th
frame seen by its counter (``time.perf_counter`` is the system's monotonic
clock on Linux, the same in both processes), so a receiver that reads ahead
and hands frames on later is timed from the start of its work, not from its
first hand-off. The JS SDK reports its own time from the first to the N-th
frame (it runs its listener as it reads each frame). One warm-up round is discarded, then ``--runs`` rounds;
in each round every receiver gets the same number of frames, one receiver at
a time, in turn (so drift on this noisy machine hits all of them alike).
Reported: median (min–max) per receiver, frames per CPU-second of the
receiver process (all its threads), and the ratios listener/raw,
listener/node, listener/raw_picows, liveframe/raw, liveframe/node, computed
from the medians. Ends with a ``RESULT`` line.

    python bench/bench_ingest.py                  # N = 100 000, 5 runs
    python bench/bench_ingest.py --smoke          # tiny N, 1 run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
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
    node_available,
    node_driver,
    python_child,
    ratio,
    result_line,
    spread,
)
from websockets.asyncio.client import connect

RECEIVERS = (
    "listener",
    "liveframe",
    "raw",
    "raw_orjson",
    "raw_aiohttp",
    "raw_picows",
    "node",
)
NODE_WARMUP = 5000  # frames through a fresh Node session before its measured run (JIT)
# each receiver logs in as its own user (created by the orchestrator before the receivers start)
USERS = {role: f"ingest-{role.replace('_', '-')}" for role in RECEIVERS}


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# ----------------------------------------------------------------------------------------
# receiver processes


class Counter:
    """Counts calls; remembers when the first and the ``n``-th happened (wall and CPU)."""

    def __init__(self) -> None:
        self.n = 0
        self.count = 0
        self.t0 = self.t1 = 0.0
        self.cpu0 = self.cpu1 = 0.0
        self.done = threading.Event()

    def arm(self, n: int) -> None:
        self.n, self.count = n, 0
        self.done.clear()

    def hit(self) -> None:
        c = self.count + 1
        self.count = c
        if c == 1:
            self.t0 = time.perf_counter()
            self.cpu0 = time.process_time()
        if c == self.n:
            self.t1 = time.perf_counter()
            self.cpu1 = time.process_time()
            self.done.set()

    def report(self) -> dict[str, Any]:
        wall = self.t1 - self.t0
        return {
            "event": "done",
            "n": self.n,
            "seconds": wall,
            "cpu": (self.cpu1 - self.cpu0) / wall,
            "t_last": self.t1,  # perf_counter (CLOCK_MONOTONIC on Linux: comparable across processes)
        }


async def _commands(counter: Counter, timeout: float, cleanup: Any = None) -> None:
    """Serve ``arm`` commands from stdin until EOF."""
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return
        cmd = json.loads(line)
        if cmd.get("cmd") != "arm":
            emit({"event": "reply", "ok": False, "error": f"unknown command {cmd}"})
            continue
        if cleanup is not None:
            cleanup()
        counter.arm(int(cmd["n"]))
        emit({"event": "reply", "ok": True})
        if await asyncio.to_thread(counter.done.wait, timeout):
            emit(counter.report())
        else:
            emit({"event": "error", "message": f"only {counter.count} of {counter.n} frames in {timeout} s"})


async def run_sdk(info: dict[str, Any], uid: str, kind: str, timeout: float) -> None:
    from cometchat_nb import AppSettingsBuilder, Client, MemorySessionStore, MessageListener

    settings = (
        AppSettingsBuilder()
        .setRegion(str(info["region"]))
        .autoEstablishSocketConnection(False)
        .overrideClientHost(str(info["url"]))
        .overrideAdminHost(str(info["url"]))
        # default keepalive (15 s / 3 s): a pong queued behind a whole run of frames is not a
        # dead link, because the frames arriving meanwhile prove the link alive
        .build()
    )
    counter = Counter()
    hit = counter.hit
    cleanup = None
    async with Client(str(info["app_id"]), settings, store=MemorySessionStore()) as client:
        if kind == "listener":

            def on_text(message: Any) -> None:
                hit()

            client.add_message_listener("bench", MessageListener(onTextMessageReceived=on_text))
        else:
            from cometchat_nb.client.dispatch import Event
            from cometchat_nb.notebook.live_frame import LiveFrame

            class CountingFrame(LiveFrame):
                """The LiveFrame, counting the text messages it appends (both ways in)."""

                def on_text_message(self, message: Any, received_at: float) -> None:
                    LiveFrame.on_text_message(self, message, received_at)
                    hit()

                def append_event(self, event: Event) -> None:
                    LiveFrame.append_event(self, event)
                    if event.name == "onTextMessageReceived":
                        hit()

                __call__ = append_event

            live = CountingFrame()
            client.add_event_sink(live)  # inline, as LiveFrame.attach() adds it
            cleanup = live.clear
        await client.login(uid, str(info["auth_key"]))
        await client.connect()
        await client.wait_for_catchup()
        emit({"event": "ready"})
        await _commands(counter, timeout, cleanup)


async def run_raw(info: dict[str, Any], uid: str, decoder: str, timeout: float) -> None:
    loads = orjson.loads if decoder == "orjson" else json.loads
    resource = f"bench-raw-{os.getpid()}"
    async with httpx.AsyncClient() as http:
        jwt = await login_jwt(http, info, uid, resource)
    counter = Counter()
    async with connect(str(info["ws"]), compression=None, max_size=4 * 1024 * 1024, max_queue=64) as ws:
        await ws.send(auth_frame(info, uid, jwt, resource))
        answer = loads(await ws.recv())
        if answer.get("body", {}).get("code") != "200":
            raise SystemExit(f"auth refused: {answer}")

        async def reader() -> None:
            hit = counter.hit
            async for data in ws:
                loads(data)
                hit()

        task = asyncio.create_task(reader())
        emit({"event": "ready"})
        await _commands(counter, timeout)
        task.cancel()


async def run_raw_aiohttp(info: dict[str, Any], uid: str, timeout: float) -> None:
    import aiohttp

    loads = orjson.loads
    resource = f"bench-raw-{os.getpid()}"
    async with httpx.AsyncClient() as http:
        jwt = await login_jwt(http, info, uid, resource)
    counter = Counter()
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            str(info["ws"]), compress=0, max_msg_size=4 * 1024 * 1024, decode_text=False
        ) as ws,
    ):
        await ws.send_str(auth_frame(info, uid, jwt, resource))
        answer = loads((await ws.receive()).data)
        if answer.get("body", {}).get("code") != "200":
            raise SystemExit(f"auth refused: {answer}")

        async def reader() -> None:
            hit = counter.hit
            async for msg in ws:
                loads(msg.data)
                hit()

        task = asyncio.create_task(reader())
        emit({"event": "ready"})
        await _commands(counter, timeout)
        task.cancel()


async def run_raw_picows(info: dict[str, Any], uid: str, timeout: float) -> None:
    import picows

    loads = orjson.loads
    resource = f"bench-raw-{os.getpid()}"
    async with httpx.AsyncClient() as http:
        jwt = await login_jwt(http, info, uid, resource)
    counter = Counter()
    hit = counter.hit
    answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    text, close = picows.WSMsgType.TEXT, picows.WSMsgType.CLOSE

    class Listener(picows.WSListener):  # type: ignore[misc]
        def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
            kind = frame.msg_type
            if kind is text:
                obj = loads(frame.get_payload_as_memoryview())
                if answer.done():
                    hit()
                else:
                    answer.set_result(obj)
            elif kind is close:
                transport.disconnect()

    transport, _ = await picows.ws_connect(Listener, str(info["ws"]), max_frame_size=4 * 1024 * 1024)
    try:
        transport.send(text, auth_frame(info, uid, jwt, resource).encode())
        if (await answer).get("body", {}).get("code") != "200":
            raise SystemExit(f"auth refused: {answer.result()}")
        emit({"event": "ready"})
        await _commands(counter, timeout)
    finally:
        transport.disconnect()
        await transport.wait_disconnected()


def receiver_main(args: argparse.Namespace) -> int:
    info = json.loads(args.info)
    uid = USERS[args.role]
    if args.role in ("listener", "liveframe"):
        asyncio.run(run_sdk(info, uid, args.role, args.timeout))
    elif args.role == "raw_aiohttp":
        asyncio.run(run_raw_aiohttp(info, uid, args.timeout))
    elif args.role == "raw_picows":
        asyncio.run(run_raw_picows(info, uid, args.timeout))
    else:
        asyncio.run(run_raw(info, uid, "orjson" if args.role == "raw_orjson" else "json", args.timeout))
    return 0


# ----------------------------------------------------------------------------------------
# orchestrator


def start_receiver(role: str, info: dict[str, Any], timeout: float, storage: Path) -> Child:
    if role == "node":
        child = node_driver("bench", info=info, uid=USERS["node"], storage=storage)
        child.wait_for("started", 60)
        return child
    child = python_child(
        "bench_ingest.py", "--role", role, "--info", json.dumps(info), "--timeout", str(timeout), name=role
    )
    child.wait_for("ready", 60)
    return child


def one_run(server: BenchServer, child: Child, role: str, n: int, timeout: float) -> dict[str, Any]:
    uid = USERS[role]
    server.call(cmd="prepare", uid=uid, n=n, seed=1)
    if role == "node":
        child.send({"cmd": "benchArm", "n": n})
        child.wait_for("result", 30)
    else:
        child.call(cmd="arm", n=n, timeout=30)
    # The receiver is stopped while the server queues the frames, then resumed: the
    # figure is the receiver's own ceiling, whatever the sender's speed (the Python
    # sender is the slower side, see perf-limits.md).
    cpu0 = cpu_seconds(child.pid)
    os.kill(child.pid, signal.SIGSTOP)
    try:
        push = server.call(cmd="push", uid=uid, timeout=timeout)
    finally:
        resumed = time.perf_counter()
        os.kill(child.pid, signal.SIGCONT)
    done = child.wait_for("benchDone" if role == "node" else "done", timeout)
    cpu = cpu_seconds(child.pid) - cpu0
    # Python receivers: from the resume to the N-th frame at the listener, so a receiver that
    # reads ahead and hands frames on later is not timed from its first hand-off. Node reports
    # its own first-to-N-th time (its listener runs as each frame is read).
    seconds = done["t_last"] - resumed if "t_last" in done else done["seconds"]
    return {
        "rate": n / seconds,
        "cpu_rate": n / cpu if cpu > 0 else math.nan,
        "push_rate": n / push["push_seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="frames per run (default 100 000)")
    parser.add_argument("--runs", type=int, default=5, help="measured runs (after one warm-up)")
    parser.add_argument("--smoke", action="store_true", help="tiny N, one run (the test suite)")
    parser.add_argument("--no-node", action="store_true", help="skip the official JS SDK")
    parser.add_argument(
        "--only", default=",".join(RECEIVERS), help="comma-separated receivers (default: all)"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="bound of one run (seconds)")
    parser.add_argument("--role", choices=RECEIVERS, help=argparse.SUPPRESS)
    parser.add_argument("--info", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role:
        return receiver_main(args)
    if args.smoke:
        args.n, args.runs, args.timeout = 300, 1, 30.0
    roles = [r for r in RECEIVERS if r in args.only.split(",")]
    why_not_node = "skipped (--no-node)" if args.no_node else node_available()
    if why_not_node and "node" in roles:
        roles.remove("node")
        print(f"official JS SDK: {why_not_node}")
    rates: dict[str, list[float]] = {r: [] for r in roles}
    cpu_rates: dict[str, list[float]] = {r: [] for r in roles}
    push_rates: list[float] = []
    children: dict[str, Child] = {}
    with tempfile.TemporaryDirectory(prefix="cometchat-bench-") as tmp, BenchServer() as server:
        try:
            for role in roles:
                server.call(cmd="user", uid=USERS[role])
            for role in roles:
                children[role] = start_receiver(role, server.info, args.timeout, Path(tmp) / "node.json")
            size = server.call(cmd="prepare", uid="superhero1", n=2000)  # frame sizes only
            print(
                f"frames: {args.n:,} per run, {size['bytes_min']}–{size['bytes_max']} bytes "
                f"(mean {size['bytes_mean']:.0f}); 1 warm-up + {args.runs} runs per receiver"
            )
            for rnd in range(args.runs + 1):
                for role in roles:
                    if role == "node":  # a fresh session per run (see the module docstring)
                        children[role].close()
                        children[role] = start_receiver(role, server.info, args.timeout, Path(tmp) / "n")
                        one_run(server, children[role], role, min(args.n, NODE_WARMUP), args.timeout)
                    out = one_run(server, children[role], role, args.n, args.timeout)
                    if rnd == 0:
                        continue  # warm-up
                    rates[role].append(out["rate"])
                    cpu_rates[role].append(out["cpu_rate"])
                    push_rates.append(out["push_rate"])
        finally:
            for child in children.values():
                child.close()
    med = {r: median(v) for r, v in rates.items()}
    cmed = {r: median(v) for r, v in cpu_rates.items()}
    print("receiver     frames/s (wall, resume to N-th frame)  frames per CPU-second of the receiver")
    for role in roles:
        print(f"{role:<12} {spread(rates[role]):<38} {spread(cpu_rates[role])}")
    print(f"server push rate (frames queued/s, informational) {spread(push_rates)}")
    figures: dict[str, float] = {f"{r}_per_s": med[r] for r in roles}
    figures["frame_bytes"] = float(size["bytes_mean"])
    pairs = (
        ("listener", "raw"),
        ("listener", "node"),
        ("listener", "raw_picows"),
        ("liveframe", "raw"),
        ("liveframe", "node"),
        ("raw_picows", "raw"),
        ("raw_aiohttp", "raw"),
    )
    for a, b in pairs:
        if a in med and b in med:
            figures[f"{a}_over_{b}"] = ratio(med[a], med[b])
    for name, value in list(figures.items()):
        if "_over_" in name:
            a, _, b = name.partition("_over_")
            figures[f"{name}_cpu"] = ratio(cmed[a], cmed[b])
            print(f"{name:<26} {value:.2f}   (per CPU-second: {figures[f'{name}_cpu']:.2f})")
    print(result_line(**figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
