"""A JupyterLab server process for the tests, ready when its port is (no polling).

Jupyter Server binds its port in a callback of its event loop, after it has
logged its URL ("Use Control-C …"), so that line comes too early. The first
thing the loop runs after the bind is starting the server extensions, and
with ``--ServerApp.log_level=DEBUG`` it logs
``jupyterlab | extension was successfully started`` then: :func:`start_lab`
reads the process's output as it comes and returns once that line was
written (or fails at once when the process exits, or after ``timeout``).
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

__all__ = ["READY_LINE", "start_lab"]

READY_LINE = b"jupyterlab | extension was successfully started"


def start_lab(cmd: list[str], log: Path, timeout: float, **popen: Any) -> subprocess.Popen[bytes]:
    """Start ``cmd`` (a ``jupyter lab`` command line; DEBUG logging is added), its output
    copied to ``log``; return the process once its port is bound."""
    cmd = [*cmd, "--ServerApp.log_level=DEBUG"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen)
    assert proc.stdout is not None
    ready = threading.Event()
    ended = threading.Event()

    def copy(stream: Any) -> None:  # until the process closes its output (it exits)
        with log.open("wb") as out:
            for line in stream:
                out.write(line)
                out.flush()
                if READY_LINE in line:
                    ready.set()
        ended.set()
        ready.set()  # wakes the waiter: it tells "exited" from "ready" by ended

    threading.Thread(target=copy, args=(proc.stdout,), name="jupyterlab-log", daemon=True).start()
    if not ready.wait(timeout) or ended.is_set():
        proc.kill()
        proc.wait(timeout=10)
        what = f"exited with {proc.returncode}" if ended.is_set() else f"not ready within {timeout:g} s"
        pytest.fail(f"JupyterLab {what}:\n{log.read_text(errors='replace')[-3000:]}")
    return proc
