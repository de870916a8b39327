"""Smoke runs of the benchmarks (``bench/``) with tiny sizes, so they cannot rot.

Each script runs as a subprocess with ``--smoke`` (seconds, loopback only,
bounded by a timeout) and must end with a ``RESULT`` line carrying its
figures. The Node parts are skipped (``--no-node``) when Node or the official
JS SDK is not installed. ``make bench`` runs the real sizes; these tests only
check that the machinery works.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import _common  # noqa: E402
import run_all  # noqa: E402

NO_NODE = _common.node_available() is not None


def smoke(script: str, *extra: str, timeout: float = 90.0) -> dict[str, Any]:
    args = [sys.executable, str(BENCH / script), "--smoke", *extra]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, f"{script} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    figures = _common.parse_result(proc.stdout)
    assert figures, f"{script} printed no RESULT line:\n{proc.stdout}"
    return figures


def node_flag() -> tuple[str, ...]:
    return ("--no-node",) if NO_NODE else ()


def test_ingest() -> None:
    figures = smoke("bench_ingest.py", *node_flag())
    for key in ("listener_per_s", "liveframe_per_s", "raw_per_s", "listener_over_raw", "liveframe_over_raw"):
        assert figures[key] > 0, key
    if not NO_NODE:
        assert figures["node_per_s"] > 0
        assert figures["listener_over_node"] > 0


def test_liveframe() -> None:
    figures = smoke("bench_liveframe.py")
    assert figures["liveframe_bytes_per_event"] > 0
    assert figures["buffer_bytes_per_event"] > 0
    assert figures["append_ratio_last_first"] > 0


def test_fanout() -> None:
    figures = smoke("bench_fanout.py")
    assert figures["embedded_10_per_s"] > 0
    assert figures["raw_10_per_s"] > 0
    assert figures["embedded_10_p99_ms"] > 0


def test_connect() -> None:
    figures = smoke("bench_connect.py", *node_flag())
    assert 0 < figures["sdk_p50_ms"] <= figures["sdk_p99_ms"]
    assert figures["raw_p50_ms"] > 0
    if not NO_NODE:
        assert figures["node_p50_ms"] > 0


def test_kernel() -> None:
    figures = smoke("bench_kernel.py")
    assert figures["idle_p50_ms"] > 0
    assert figures["events_per_s"] > 0


def test_readme_table(tmp_path: Path) -> None:
    results = {
        "date": "2026-01-01 00:00 UTC",
        "machine": {"cpus": 2, "cpu_model": "test CPU"},
        "versions": {"python": "3.11"},
        "seconds": 1.0,
        "benchmarks": {
            "ingest": {"seconds": 1.0, "figures": {"listener_over_raw": 1.4, "listener_per_s": 1000.0}},
            "connect": {"seconds": 1.0, "figures": {"sdk_p50_ms": 3.0, "sdk_over_raw_p50": 1.25}},
        },
    }
    block = run_all.table(results)
    assert "SDK listener ÷ raw `websockets`" in block
    assert "1.40×" in block and "1.25×" in block
    assert "✅" in block and "❌" in block  # 1.4 ≥ 1.3; 1.25 > 1.1
    assert "separate runs" not in block and "(total 2 s)" in block
    results["benchmarks"]["ingest"]["date"] = "2026-01-02 00:00 UTC"  # re-run alone (--only ingest)
    assert (
        "Measured in separate runs (`run_all.py --only`): ingest at 2026-01-02 00:00 UTC; "
        "connect at 2026-01-01 00:00 UTC." in run_all.table(results)
    )
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\nText.\n", encoding="utf-8")
    run_all.write_readme(block, readme)
    first = readme.read_text(encoding="utf-8")
    assert first.startswith("# Title\n\nText.\n\n## Performance\n\n<!-- bench:start -->\n")
    run_all.write_readme("new table", readme)
    second = readme.read_text(encoding="utf-8")
    assert second.count("## Performance") == 1
    assert "<!-- bench:start -->\nnew table\n<!-- bench:end -->" in second
    assert "1.40×" not in second


def test_conversations() -> None:
    figures = smoke("bench_conversations.py")
    for key in (
        "list_p50_ms_small",
        "list_p50_ms_large",
        "count_p50_ms_small",
        "count_p50_ms_large",
        "growth",
    ):
        assert figures[key] > 0, key
    assert figures["large_messages"] == 10 * figures["small_messages"]
    assert "conversations" in run_all.BENCHMARKS
