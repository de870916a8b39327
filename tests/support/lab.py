"""A JupyterLab server started by a test, ready when it says so (nothing polls).

Jupyter Server logs ``Use Control-C to stop this server`` once its socket is bound and
just before its event loop starts; a request sent then waits in the listen backlog and
is answered as soon as the loop runs. :func:`start_lab` reads the server's output on a
thread (copying it to the log file) and waits for that line, or for the end of the
output if the server exits first, with a bound.
"""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

__all__ = ["READY_LINE", "free_port", "start_lab"]

#: What Jupyter Server logs when it accepts connections (jupyter_server ``ServerApp.start_app``).
READY_LINE = b"Use Control-C to stop this server"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_lab(
    cmd: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log: Path,
    timeout: float,
    new_session: bool = False,
) -> subprocess.Popen[bytes]:
    """Start ``cmd`` (a ``jupyter lab`` command line) and return once it accepts
    connections; the test fails with the log's tail if it exits first or is not ready
    within ``timeout`` seconds (the process is then stopped)."""
    proc = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )
    ready = threading.Event()
    ended = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        with log.open("wb") as out:
            for line in proc.stdout:  # ends at EOF: the server (and its children) closed it
                out.write(line)
                out.flush()
                if READY_LINE in line:
                    ready.set()
        ended.set()
        ready.set()

    threading.Thread(target=pump, name="lab-log", daemon=True).start()
    if ready.wait(timeout) and not ended.is_set():
        return proc
    reason = (
        f"JupyterLab exited with {proc.wait(timeout=10)}"
        if ended.is_set()
        else f"JupyterLab not ready within {timeout:g} s"
    )
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)
    tail = log.read_bytes()[-3000:].decode(errors="replace") if log.exists() else ""
    pytest.fail(f"{reason}:\n{tail}")
