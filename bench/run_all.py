"""Run every benchmark, save ``bench/results.json`` and regenerate the README's table.

``make bench`` runs this. Each benchmark is a separate script (see its
docstring) run as a subprocess with a time bound; its output is shown as it
comes and its last ``RESULT name=value …`` line is parsed. The figures, the
date, the machine (CPU count and model) and the versions (Python, websockets,
pandas, pyarrow, orjson, Node, the official JS SDK) go to
``bench/results.json``, and the block between ``<!-- bench:start -->`` and
``<!-- bench:end -->`` in the README's "Performance" section is rewritten
from them (the section is created at the end of the README if missing;
nothing else in the README is touched).

    python bench/run_all.py                  # everything (≈10 minutes on 2 cores)
    python bench/run_all.py --only ingest    # some of them (the README table keeps the others)
    python bench/run_all.py --smoke          # tiny sizes, writes nothing
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import BENCH_DIR, PYTHON, ROOT, machine, parse_result, versions

RESULTS = BENCH_DIR / "results.json"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SECTION = "## Performance"

# name → (script, extra arguments, time bound in seconds)
BENCHMARKS: dict[str, tuple[str, list[str], float]] = {
    "ingest": ("bench_ingest.py", [], 420.0),
    "liveframe": ("bench_liveframe.py", [], 300.0),
    "fanout": ("bench_fanout.py", [], 360.0),
    "connect": ("bench_connect.py", [], 180.0),
    "kernel": ("bench_kernel.py", [], 180.0),
    "conversations": ("bench_conversations.py", [], 900.0),
}
SMOKE_ARGS: dict[str, list[str]] = {}


def run(name: str, smoke: bool) -> dict[str, Any]:
    script, extra, bound = BENCHMARKS[name]
    args = SMOKE_ARGS.get(name, ["--smoke"]) if smoke else extra
    cmd = [PYTHON, str(BENCH_DIR / script), *args]
    print(f"\n=== {name}: {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(cmd))}", flush=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    )
    lines: list[str] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            print("    " + line.rstrip("\n"), flush=True)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        code = proc.wait(bound)
    except subprocess.TimeoutExpired:
        proc.kill()  # our own child, by its PID (its own children end when their pipes close)
        code = proc.wait(30)
        lines.append(f"(killed after {bound:g} s)")
    reader.join(30)
    seconds = time.monotonic() - started
    figures = parse_result("\n".join(lines))
    ok = code == 0 and bool(figures)
    print(f"=== {name}: {'ok' if ok else f'FAILED (exit {code})'} in {seconds:.0f} s", flush=True)
    return {"ok": ok, "exit": code, "seconds": round(seconds, 1), "figures": figures, "output": lines[-60:]}


# ----------------------------------------------------------------------------------------
# the README table


def _num(value: Any, fmt: str) -> str:
    if not isinstance(value, (int, float)) or math.isnan(value):
        return "n/a"
    return fmt.format(value)


Row = tuple[str, str, str, Callable[[dict[str, Any]], bool | None]]


def _rows(r: dict[str, dict[str, Any]]) -> list[Row]:
    """(what, measured, target, verdict) rows from the figures of each benchmark."""

    def f(bench: str, key: str) -> Any:
        return r.get(bench, {}).get("figures", {}).get(key)

    def at_least(bench: str, key: str, target: float) -> Callable[[dict[str, Any]], bool | None]:
        return lambda _: None if not isinstance(f(bench, key), float) else f(bench, key) >= target

    def at_most(bench: str, key: str, target: float) -> Callable[[dict[str, Any]], bool | None]:
        return lambda _: None if not isinstance(f(bench, key), float) else f(bench, key) <= target

    def info(_: dict[str, Any]) -> bool | None:
        return None

    rate = "{:,.0f}/s"
    x = "{:.2f}×"
    ms1, ms2 = "{:.1f} ms", "{:.2f} ms"
    rows: list[Row] = [
        (
            f"Ingest ({_num(f('ingest', 'frame_bytes'), '{:.0f}')}-byte message frames), "
            "SDK listener ÷ raw `websockets` recv + `json.loads`",
            f"{_num(f('ingest', 'listener_over_raw'), x)} "
            f"({_num(f('ingest', 'listener_per_s'), rate)} vs {_num(f('ingest', 'raw_per_s'), rate)}; "
            f"per CPU-second {_num(f('ingest', 'listener_over_raw_cpu'), x)})",
            "≥ 1.3×",
            at_least("ingest", "listener_over_raw", 1.3),
        ),
        (
            "Ingest, SDK listener ÷ official JS SDK (Node, fresh session)",
            f"{_num(f('ingest', 'listener_over_node'), x)} (JS SDK {_num(f('ingest', 'node_per_s'), rate)})",
            "≥ 2.0×",
            at_least("ingest", "listener_over_node", 2.0),
        ),
        (
            "Ingest, SDK listener ÷ fastest raw Python client (`picows` + `orjson`)",
            f"{_num(f('ingest', 'listener_over_raw_picows'), x)} "
            f"({_num(f('ingest', 'raw_picows_per_s'), rate)}; per CPU-second "
            f"{_num(f('ingest', 'listener_over_raw_picows_cpu'), x)})",
            "≥ 0.5×",
            at_least("ingest", "listener_over_raw_picows", 0.5),
        ),
        (
            "Ingest, LiveFrame sink ÷ raw recv + `json.loads`",
            f"{_num(f('ingest', 'liveframe_over_raw'), x)} ({_num(f('ingest', 'liveframe_per_s'), rate)}; "
            f"per CPU-second {_num(f('ingest', 'liveframe_over_raw_cpu'), x)})",
            "≥ 1.2×",
            at_least("ingest", "liveframe_over_raw", 1.2),
        ),
        (
            "Ingest, LiveFrame sink ÷ official JS SDK",
            _num(f("ingest", "liveframe_over_node"), x),
            "—",
            info,
        ),
        (
            "Ingest, raw transports ÷ raw `websockets` + `json.loads`: `picows` / `aiohttp` (+ `orjson`)",
            f"{_num(f('ingest', 'raw_picows_over_raw'), x)} / {_num(f('ingest', 'raw_aiohttp_over_raw'), x)} "
            f"({_num(f('ingest', 'raw_picows_per_s'), rate)} / "
            f"{_num(f('ingest', 'raw_aiohttp_per_s'), rate)})",
            "—",
            info,
        ),
        (
            "LiveFrame memory at 1 M events (DataFrame)",
            f"{_num(f('liveframe', 'liveframe_bytes_per_event'), '{:.0f} B/event')} "
            f"(buffer {_num(f('liveframe', 'buffer_bytes_per_event'), '{:.0f} B/event')})",
            "≤ 100 B/event",
            at_most("liveframe", "liveframe_bytes_per_event", 100.0),
        ),
        (
            "LiveFrame append cost, last 100 k ÷ first 100 k",
            _num(f("liveframe", "append_ratio_last_first"), x),
            "≤ 1.5×",
            at_most("liveframe", "append_ratio_last_first", 1.5),
        ),
    ]
    for size in (100, 500, 1000):
        target = size == 1000
        rows.append(
            (
                f"Fan-out to {size:,} clients, deliveries/s ÷ raw `broadcast()`",
                f"{_num(f('fanout', f'rate_ratio_{size}'), x)} "
                f"({_num(f('fanout', f'embedded_{size}_per_s'), rate)} vs "
                f"{_num(f('fanout', f'raw_{size}_per_s'), rate)})",
                "≥ 0.5×" if target else "—",
                at_least("fanout", f"rate_ratio_{size}", 0.5) if target else info,
            )
        )
        rows.append(
            (
                f"Fan-out to {size:,} clients at 10 msg/s, p99 latency ÷ raw",
                f"{_num(f('fanout', f'p99_ratio_{size}'), x)} "
                f"({_num(f('fanout', f'embedded_{size}_p99_ms'), '{:.1f} ms')} vs "
                f"{_num(f('fanout', f'raw_{size}_p99_ms'), '{:.1f} ms')}; p50 "
                f"{_num(f('fanout', f'embedded_{size}_p50_ms'), '{:.1f} ms')})",
                "≤ 2×" if target else "—",
                at_most("fanout", f"p99_ratio_{size}", 2.0) if target else info,
            )
        )
    rows += [
        (
            "Manual `connect()` → connected + authenticated, p50 ÷ raw `picows` handshake + auth frame",
            f"{_num(f('connect', 'sdk_over_raw_p50'), x)} ({_num(f('connect', 'sdk_p50_ms'), ms2)} vs "
            f"{_num(f('connect', 'raw_p50_ms'), ms2)}; p99 {_num(f('connect', 'sdk_p99_ms'), ms2)}; "
            f"raw `websockets` {_num(f('connect', 'raw_websockets_p50_ms'), ms2)})",
            "≤ 1.1×",
            at_most("connect", "sdk_over_raw_p50", 1.1),
        ),
        (
            "Manual `connect()` p50 ÷ official JS SDK's connect → auth answer",
            f"{_num(f('connect', 'sdk_over_node_p50'), x)} (JS SDK {_num(f('connect', 'node_p50_ms'), ms2)})",
            "< 1×",
            lambda _: (
                None
                if not isinstance(f("connect", "sdk_over_node_p50"), float)
                else f("connect", "sdk_over_node_p50") < 1.0
            ),
        ),
        (
            "Kernel: extra latency of a trivial cell at 10 000 events/s (p50)",
            f"{_num(f('kernel', 'extra_ms'), ms1)} (idle {_num(f('kernel', 'idle_p50_ms'), ms1)}"
            f", p90 extra {_num(f('kernel', 'extra_p90_ms'), '{:.0f} ms')}"
            f"; thread switch interval {_num(f('kernel', 'switch_interval_ms'), '{:g} ms')})",
            "≤ 20 ms",
            at_most("kernel", "extra_ms", 20.0),
        ),
        (
            "Kernel: panel redraws/s while streaming",
            f"{_num(f('kernel', 'redraws_per_s'), '{:.1f}')} "
            f"({_num(f('kernel', 'comm_msgs_per_s'), '{:.1f}')} widget messages/s)",
            "≤ 4",
            at_most("kernel", "redraws_per_s", 4.0),
        ),
    ]
    rows += [
        (
            "Conversations: `GET conversations` (page of 30), user with "
            f"{_num(f('conversations', 'conversations'), '{:,.0f}')} conversations, 1 M messages, p50",
            f"{_num(f('conversations', 'list_p50_ms_large'), ms2)} (p99 "
            f"{_num(f('conversations', 'list_p99_ms_large'), ms1)}; at 100 k messages "
            f"{_num(f('conversations', 'list_p50_ms_small'), ms2)})",
            "≤ 20 ms",
            at_most("conversations", "list_p50_ms_large", 20.0),
        ),
        (
            "Conversations: `getUnreadMessageCount()`, same user, 1 M messages, p50",
            f"{_num(f('conversations', 'count_p50_ms_large'), ms2)} (p99 "
            f"{_num(f('conversations', 'count_p99_ms_large'), ms1)}; at 100 k messages "
            f"{_num(f('conversations', 'count_p50_ms_small'), ms2)})",
            "≤ 20 ms",
            at_most("conversations", "count_p50_ms_large", 20.0),
        ),
        (
            "Conversations: p50 at 1 M ÷ at 100 k messages (list, counts)",
            f"{_num(f('conversations', 'list_growth'), x)}, {_num(f('conversations', 'count_growth'), x)}",
            "≤ 1.5× (flat)",
            at_most("conversations", "growth", 1.5),
        ),
    ]
    return rows


def table(results: dict[str, Any]) -> str:
    benches: dict[str, dict[str, Any]] = results.get("benchmarks", {})
    m = results.get("machine", {})
    v = results.get("versions", {})
    lines = [
        f"Latest `make bench` ({results.get('date', '?')}): {m.get('cpus', '?')} CPUs, "
        f"{m.get('cpu_model', '?')}; " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        "Every figure is a ratio measured side by side in the same run (sender and receivers in "
        "separate processes, loopback, compression off); the scripts in `bench/` say how.",
        "",
        "| what | measured | target | |",
        "|---|---|---|---|",
    ]
    for what, measured, target, verdict in _rows(benches):
        ok = verdict(benches)
        mark = "" if ok is None else ("✅" if ok else "❌")
        lines.append(f"| {what} | {measured} | {target} | {mark} |")
    durations = ", ".join(f"{k} {b.get('seconds', 0):.0f} s" for k, b in benches.items())
    total = sum(b.get("seconds", 0) for b in benches.values())
    lines += ["", f"Run time: {durations} (total {total:.0f} s)."]
    dates: dict[str, list[str]] = {}
    for name, b in benches.items():
        dates.setdefault(b.get("date") or results.get("date", "?"), []).append(name)
    if len(dates) > 1:  # a run with --only: say which rows are older
        runs = sorted(dates.items(), reverse=True)
        when = "; ".join(f"{', '.join(names)} at {date}" for date, names in runs)
        lines += ["", f"Measured in separate runs (`run_all.py --only`): {when}."]
    return "\n".join(lines)


def write_readme(block: str, readme: Path = README) -> None:
    """Replace the marked block of ``readme`` (or add the Performance section at its end)."""
    text = readme.read_text(encoding="utf-8")
    body = f"{START}\n{block}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + body + tail
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{body}\n"
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated benchmarks")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; results.json and README untouched")
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (choose from {', '.join(BENCHMARKS)})")
    started = time.monotonic()
    # one stamp per invocation: the README says "separate runs" only for rows from another one
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    previous: dict[str, Any] = {}
    if RESULTS.is_file() and not args.smoke:
        previous = json.loads(RESULTS.read_text(encoding="utf-8")).get("benchmarks", {})
    benches = {n: b for n, b in previous.items() if n not in names}
    for name in names:
        benches[name] = run(name, args.smoke)
        benches[name]["date"] = stamp
    results = {
        "date": stamp,
        "machine": machine(),
        "versions": versions(),
        "seconds": round(time.monotonic() - started, 1),
        "benchmarks": {n: benches[n] for n in BENCHMARKS if n in benches},
    }
    print("\n" + table(results))
    if not args.smoke:
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        write_readme(table(results))
        print(f"\nwrote {RESULTS.relative_to(ROOT)} and the Performance table of {README.name}")
    failed = [n for n in names if not benches[n]["ok"]]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
