"""bench/bench_liveframe.py runs end to end on a tiny N and prints its RESULT line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_liveframe.py"


def test_bench_liveframe_smoke() -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--n", "2000", "--block", "500"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    match = re.search(
        r"^RESULT liveframe_bytes_per_event=([\d.]+) append_ratio_last_first=([\d.]+)( \w+=\S+)*$",
        out,
        re.M,
    )
    assert match, out
    assert 0 < float(match.group(1)) < 400 and float(match.group(2)) > 0
