"""Benchmark: kernel responsiveness while 10 000 events/s stream into the panel.

A real IPython kernel (``jupyter_client.KernelManager``, ipykernel) logs in
through the ``CometChat`` facade to the embedded server, which runs in its own
process, and displays the control panel (``ControlPanel.shared()``, refreshing at
its default ``ui_hz``) over the kernel's LiveFrame. The benchmark then
executes a trivial cell (``pass``) ``--cells`` times with the link idle, and
again while the server pushes ``--rate`` message frames per second to that
user (every frame becomes a listener event and a LiveFrame row in the
kernel). Reported:

* the latency of a trivial cell (request sent → ``execute_reply``): p50/p90
  idle and while streaming, and the extra latency (p50 difference);
* the panel's redraw rate while streaming: widget ``comm_msg`` messages on
  IOPub per second, grouped into redraws (a refresh that changes several
  widgets sends several messages within a few milliseconds), and the
  panel's own refresh count;
* the events the kernel's LiveFrame received per second.

    python bench/bench_kernel.py              # 10 000 events/s for 8 s
    python bench/bench_kernel.py --smoke      # 500 events/s for 1 s
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import tempfile
import threading
import time
from typing import Any

from _common import BenchServer, median, percentile, result_line

UID = "superhero1"
SETUP = """
import time as _t
from IPython.display import display
from cometchat_nb import AppSettingsBuilder, CometChat, MemorySessionStore
from cometchat_nb.notebook import ControlPanel, session
_settings = (
    AppSettingsBuilder().setRegion({region!r}).subscribePresenceForAllUsers()
    .overrideClientHost({url!r}).overrideAdminHost({url!r}).build()
)
live = session.live_frame()
CometChat.init({app_id!r}, _settings, store=MemorySessionStore())
CometChat.login({uid!r}, {auth_key!r})
_deadline = _t.monotonic() + 20
while CometChat.getConnectionStatus() != "connected" and _t.monotonic() < _deadline:
    _t.sleep(0.02)
assert CometChat.getConnectionStatus() == "connected", CometChat.getConnectionStatus()
panel = ControlPanel.shared()
display(panel)
"""
# groups comm messages closer than this into one redraw
_BURST_GAP = 0.03


class IOPub(threading.Thread):
    """Reads the kernel's IOPub channel, timestamping widget ``comm_msg`` messages."""

    def __init__(self, kc: Any) -> None:
        super().__init__(name="iopub", daemon=True)
        self.kc = kc
        self.comm_times: list[float] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                msg = self.kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "comm_msg":
                self.comm_times.append(time.monotonic())
            elif kind == "error":
                self.errors.append("\n".join(msg["content"].get("traceback", []))[-2000:])

    def between(self, t0: float, t1: float) -> list[float]:
        return [t for t in self.comm_times if t0 <= t < t1]


def bursts(times: list[float]) -> int:
    count, last = 0, -1.0
    for t in times:
        if t - last > _BURST_GAP:
            count += 1
        last = t
    return count


def run_cell(kc: Any, code: str, timeout: float = 60.0, **kwargs: Any) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    msg_id = kc.execute(code, store_history=False, **kwargs)
    deadline = time.monotonic() + timeout
    while True:
        reply = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = time.perf_counter() - t0
    content: dict[str, Any] = reply["content"]
    if content.get("status") != "ok":
        raise RuntimeError(f"cell failed: {content.get('ename')}: {content.get('evalue')}")
    return elapsed, content


def peek(kc: Any, expression: str) -> Any:
    _, content = run_cell(kc, "", user_expressions={"x": expression})
    value = content["user_expressions"]["x"]
    if value.get("status") != "ok":
        raise RuntimeError(f"{expression}: {value}")
    return json.loads(value["data"]["text/plain"].strip("'"))


def trivial_cells(kc: Any, count: int, gap: float, until: float | None = None) -> list[float]:
    out: list[float] = []
    for _ in range(count):
        if until is not None and time.monotonic() >= until:
            break
        out.append(run_cell(kc, "pass")[0] * 1e3)
        time.sleep(gap)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10_000, help="events/s streamed (default 10 000)")
    parser.add_argument("--seconds", type=float, default=8.0, help="streaming time (default 8 s)")
    parser.add_argument("--cells", type=int, default=40, help="trivial cells per phase (default 40)")
    parser.add_argument("--gap", type=float, default=0.1, help="pause between cells (default 0.1 s)")
    parser.add_argument("--smoke", action="store_true", help="500 events/s for 1 s (the test suite)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rate, args.seconds, args.cells = 500, 1.0, 5
    from jupyter_client.manager import KernelManager

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="cometchat-bench-kernel-") as tmp, BenchServer() as server:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(tmp, "kernel"))
        env = dict(os.environ, COMETCHAT_NB_DATA_DIR=tmp, PYDEVD_DISABLE_FILE_VALIDATION="1")
        km.start_kernel(cwd=tmp, env=env)
        kc = km.client()
        iopub = IOPub(kc)
        try:
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            iopub.start()
            info = server.info
            run_cell(
                kc,
                SETUP.format(
                    region=info["region"],
                    url=info["url"],
                    app_id=info["app_id"],
                    uid=UID,
                    auth_key=info["auth_key"],
                ),
            )
            ui_hz = float(peek(kc, "str(panel.ui_hz)"))
            # the notebook layer shortens it in a kernel (notebook.kernel.KERNEL_SWITCH_INTERVAL)
            switch_ms = float(peek(kc, "str(__import__('sys').getswitchinterval())")) * 1e3
            trivial_cells(kc, 5, args.gap)  # warm-up
            t_idle = time.monotonic()
            idle = trivial_cells(kc, args.cells, args.gap)
            idle_comms = iopub.between(t_idle, time.monotonic())
            idle_seconds = time.monotonic() - t_idle

            n = int(args.rate * args.seconds)
            server.call(cmd="prepare", uid=UID, n=n, timeout=120)
            total0 = int(peek(kc, "str(live.total)"))
            refreshes0 = int(peek(kc, "str(panel.refreshes)"))
            server.send({"cmd": "stream", "uid": UID, "rate": args.rate})
            t_stream = time.monotonic()
            time.sleep(min(0.5, args.seconds / 4))  # the stream is flowing
            streaming = trivial_cells(kc, 10**6, args.gap, until=t_stream + args.seconds - 0.2)
            t_end = time.monotonic()
            pushed = server.wait_for("reply", args.seconds + 60)
            stream_comms = iopub.between(t_stream, t_end)
            window = t_end - t_stream
            refreshes = int(peek(kc, "str(panel.refreshes)")) - refreshes0
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                received = int(peek(kc, "str(live.total)")) - total0
                if received >= n:
                    break
                time.sleep(0.2)
            drained = time.monotonic() - t_stream
        finally:
            iopub.stop.set()
            if iopub.is_alive():
                iopub.join(5)
            try:
                kc.stop_channels()
            finally:
                km.shutdown_kernel(now=False)
    if iopub.errors:
        print("kernel errors:\n" + "\n".join(iopub.errors))
    extra = median(streaming) - median(idle)
    figures.update(
        idle_p50_ms=median(idle),
        idle_p90_ms=percentile(idle, 90),
        stream_p50_ms=median(streaming),
        stream_p90_ms=percentile(streaming, 90),
        extra_ms=extra,
        extra_p90_ms=percentile(streaming, 90) - percentile(idle, 90),
        redraws_per_s=bursts(stream_comms) / window,
        comm_msgs_per_s=len(stream_comms) / window,
        idle_comm_msgs_per_s=len(idle_comms) / idle_seconds,
        panel_refreshes_per_s=refreshes / window,
        events_per_s=received / drained,
        switch_interval_ms=switch_ms,
    )
    print(
        f"stream: {n:,} frames at {args.rate:,.0f}/s (server pushed at {pushed['rate']:,.0f}/s); "
        f"the kernel's LiveFrame got {received:,} in {drained:.1f} s; panel ui_hz {ui_hz:g}; "
        f"thread switch interval {switch_ms:g} ms"
    )
    print(
        f"trivial cell, idle        p50 {figures['idle_p50_ms']:6.1f} ms   "
        f"p90 {figures['idle_p90_ms']:6.1f} ms   (n={len(idle)})"
    )
    print(
        f"trivial cell, streaming   p50 {figures['stream_p50_ms']:6.1f} ms   "
        f"p90 {figures['stream_p90_ms']:6.1f} ms   (n={len(streaming)})"
    )
    print(f"extra latency per trivial cell: p50 {extra:.1f} ms, p90 {figures['extra_p90_ms']:.1f} ms")
    print(
        f"panel while streaming: {figures['redraws_per_s']:.1f} redraws/s "
        f"({figures['comm_msgs_per_s']:.1f} widget comm messages/s; "
        f"{figures['panel_refreshes_per_s']:.1f} refresh calls/s); idle: "
        f"{figures['idle_comm_msgs_per_s']:.1f} comm messages/s"
    )
    print(result_line(**figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
