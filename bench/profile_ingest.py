"""Profile of the SDK's listener ingest path, in one process, without a socket.

Feeds ``--n`` realistic message frames (the frames ``bench_ingest.py`` pushes,
as bytes) through the code the socket reader runs for each frame — the body of
``Connection.on_ws_frame``: ``wire.decode`` (msgspec, ``codec.decode`` with ``orjson`` for
other frames), then the
client's ``Router.on_frame`` (echo filter, delivery ledger, callback) and the
``Dispatcher`` — ``--batch`` frames per event-loop iteration (what one read of
the socket brings), to a listener counting ``onTextMessageReceived`` on the
dispatch thread (or, ``--sink``, to an inline LiveFrame).

It reports CPU microseconds per frame (the process's, all threads), and with
``--profile`` the share of each stage (cProfile, or ``--pyinstrument``). The
socket's own cost is not here: ``bench_ingest.py`` measures the real path
end to end, this script says where the SDK's share of it goes.

    python bench/profile_ingest.py --n 20000
    python bench/profile_ingest.py --n 20000 --profile
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import threading
import time
from pathlib import Path
from typing import Any

from _common import message_frames

from cometchat_nb import MessageListener
from cometchat_nb.client import wire
from cometchat_nb.client.delivery import DeliveryLedger
from cometchat_nb.client.dispatch import Dispatcher
from cometchat_nb.client.routing import Router
from cometchat_nb.protocol.frames import Pong


def reader_for(router: Router) -> Any:
    """The per-frame body of ``Connection.on_ws_frame`` (decode, pong check, route)."""
    decode, on_frame = wire.decode, router.on_frame

    def on_data(data: bytes) -> None:
        decoded = decode(data)
        if type(decoded) is Pong:
            return
        on_frame(decoded)

    return on_data


def frames_of(n: int, cache: str | None = None) -> list[bytes]:
    """``n`` frames as ``bench_ingest.py`` pushes them (read from ``cache``, one a line, if given)."""
    if cache is not None:
        path = Path(cache)
        if not path.exists():
            path.write_bytes(b"\n".join(frames_of(n)))
        data = path.read_bytes().split(b"\n")
        if len(data) >= n:
            return data[:n]
    return [f.encode() for f in message_frames(n, "bench-user", start_id=1, seed=1, app_id="bench")]


READ = False  # --read: the listener reads the message's text and sender (fills a lazy message)


async def run(data: list[bytes], batch: int, sink: bool) -> tuple[float, float]:
    n = len(data)
    done = threading.Event()
    count = 0

    def on_text(message: Any) -> None:
        nonlocal count
        if READ:
            message.text, message.sender_uid  # noqa: B018 - what a real listener reads
        count += 1
        if count == n:
            done.set()

    dispatcher = Dispatcher("profile")
    dispatcher.bind_loop(asyncio.get_running_loop())
    if sink:
        from cometchat_nb.notebook.live_frame import LiveFrame

        class CountingFrame(LiveFrame):
            def on_text_message(self, message: Any, received_at: float) -> None:
                LiveFrame.on_text_message(self, message, received_at)
                on_text(None)

        dispatcher.add_sink(CountingFrame())  # inline, as LiveFrame.attach() adds it
    else:
        dispatcher.add("message", "bench", MessageListener(onTextMessageReceived=on_text))
    router = Router(dispatcher.emit, DeliveryLedger(), "bench-client", dispatcher.emit_text)
    on_data = reader_for(router)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for start in range(0, n, batch):
        for item in data[start : start + batch]:
            on_data(item)
        await asyncio.sleep(0)  # one loop iteration per read of the socket
    await asyncio.to_thread(done.wait, 60)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    await dispatcher.aclose()
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=64, help="frames per loop iteration (one socket read)")
    parser.add_argument("--sink", action="store_true", help="an inline LiveFrame instead of a listener")
    parser.add_argument("--profile", action="store_true", help="cProfile the reader thread")
    parser.add_argument("--pyinstrument", action="store_true", help="pyinstrument instead of cProfile")
    parser.add_argument("--cache", help="a file to keep the frames in (instruction counts: no generation)")
    parser.add_argument("--warmup", type=int, default=2000, help="frames of the warm-up run")
    parser.add_argument("--read", action="store_true", help="the listener reads text and sender")
    args = parser.parse_args()
    global READ
    READ = args.read
    data = frames_of(args.n, args.cache)
    if args.warmup:
        asyncio.run(run(data[: args.warmup], args.batch, args.sink))
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        wall, cpu = asyncio.run(run(data, args.batch, args.sink))
        profiler.stop()
        print(profiler.output_text(unicode=False, show_all=False))
    elif args.profile:
        prof = cProfile.Profile()
        prof.enable()
        wall, cpu = asyncio.run(run(data, args.batch, args.sink))
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    else:
        wall, cpu = asyncio.run(run(data, args.batch, args.sink))
    print(
        f"{args.n:,} frames, {args.batch} per loop iteration: {cpu / args.n * 1e6:.2f} µs CPU per frame "
        f"({args.n / cpu:,.0f} per CPU-second), wall {wall / args.n * 1e6:.2f} µs per frame"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
