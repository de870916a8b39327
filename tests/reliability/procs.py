"""Processes the reliability tests start: the server CLI and load-client workers.

Every process is started with :class:`subprocess.Popen`, remembered by its
handle, and ended by that handle only (``kill()``/``terminate()`` on our own
PID) — never by name. Every wait is bounded.
"""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from cometchat_nb.server.cli import READY_PREFIX

READY = re.compile(re.escape(READY_PREFIX) + r" url=(?P<url>\S+) ws=(?P<ws>\S+) app_id=(?P<app_id>\S+)")
START_TIMEOUT = 30.0


def free_ports(n: int) -> list[int]:
    """``n`` distinct free TCP ports on 127.0.0.1 (picked up front so a restart can reuse them)."""
    socks = [socket.create_server(("127.0.0.1", 0)) for _ in range(n)]
    try:
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def read_line(proc: subprocess.Popen[str], deadline: float) -> str:
    """One line of ``proc``'s stdout, or TimeoutError at ``deadline`` (monotonic)."""
    assert proc.stdout is not None
    remaining = deadline - time.monotonic()
    ready, _, _ = select.select([proc.stdout], [], [], max(remaining, 0))
    if not ready:
        raise TimeoutError("the process printed nothing in time")
    return proc.stdout.readline()


class ServerProcess:
    """``python -m cometchat_nb.server serve`` on fixed ports and a SQLite file.

    ``start()`` waits for the READY line; ``kill()`` sends SIGKILL to the PID
    this object started; ``start()`` again restarts on the same file and ports.
    """

    def __init__(
        self,
        db: Path,
        *,
        app_id: str = "reliability-app",
        auth_key: str = "rel-key-0123456789",
        extra: tuple[str, ...] = (),
    ) -> None:
        self.db = db
        self.port, self.ws_port = free_ports(2)
        self.app_id = app_id
        self.auth_key = auth_key
        self.extra = extra
        self.proc: subprocess.Popen[str] | None = None
        self.url = f"http://127.0.0.1:{self.port}"
        self.starts = 0
        self.stderr_path = db.with_suffix(".stderr")

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self) -> float:
        """Start (or restart) and wait for READY; returns the monotonic time it was ready."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self._reap()
        argv = [
            sys.executable, "-m", "cometchat_nb.server", "serve",
            "--host", "127.0.0.1", "--port", str(self.port), "--ws-port", str(self.ws_port),
            "--db", str(self.db), "--app-id", self.app_id, "--auth-key", self.auth_key,
            "--log-level", "warning", *self.extra,
        ]  # fmt: skip
        stderr = open(self.stderr_path, "a")  # noqa: SIM115 - closed by _reap via the Popen handle
        deadline = time.monotonic() + START_TIMEOUT
        # The ports were just released (by us or by a killed server): retry a
        # bounded number of times if the kernel has not freed them yet.
        for _ in range(50):
            self.proc = subprocess.Popen(
                argv,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            try:
                line = read_line(self.proc, deadline)
            except TimeoutError:
                self.kill()
                raise
            if READY.match(line):
                stderr.close()
                self.starts += 1
                return time.monotonic()
            self.proc.wait(START_TIMEOUT)
            if self.proc.returncode == 1 and time.monotonic() < deadline:
                self._reap()
                continue  # address in use for a moment: try again
            break
        stderr.close()
        raise RuntimeError(f"server did not start: {line!r}; stderr: {self.stderr_path.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL our server process (by its PID) and reap it."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)  # also ends a SIGSTOPped process
            proc.wait(START_TIMEOUT)
        self._reap()

    def freeze(self, frozen: bool = True) -> None:
        """SIGSTOP (or SIGCONT) our server process: a peer that is there but silent."""
        assert self.proc is not None and self.proc.poll() is None
        os.kill(self.proc.pid, signal.SIGSTOP if frozen else signal.SIGCONT)

    def stop(self) -> None:
        """SIGTERM (clean shutdown), then SIGKILL if it does not exit in time."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)  # in case a test froze it
            proc.terminate()
            try:
                proc.wait(START_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(START_TIMEOUT)
        self._reap()

    def _reap(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is not None and proc.stdout is not None:
            proc.stdout.close()

    def rss_bytes(self) -> int:
        """Resident set size of the server process (psutil if installed, else /proc)."""
        assert self.proc is not None
        try:
            import psutil
        except ImportError:  # pragma: no cover - psutil is in the [test] extra
            with open(f"/proc/{self.proc.pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        return int(psutil.Process(self.proc.pid).memory_info().rss)

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
