"""Run ``tests/js/driver.js`` (the official CometChat JS SDK in Node) from a test.

The driver speaks a line protocol (described at the top of ``driver.js``):
one JSON event per stdout line, one JSON command per stdin line, and one
``{"event": "result", "step": <cmd>, "ok": ...}`` answer per command.

:class:`NodeDriver` starts it against an :class:`EmbeddedServer` (plain:
``CC_PLAIN=1`` rewrites https/wss to http/ws; TLS: ``NODE_EXTRA_CA_CERTS`` is
the server's certificate, and ``NODE_TLS_REJECT_UNAUTHORIZED`` is removed).
A reader thread feeds a :class:`queue.Queue`; :meth:`NodeDriver.wait` takes
the first event matching a name and fields, with a bound, keeping the others
for later waits. Nothing sleeps. Async tests use :meth:`expect`/:meth:`call`,
which wait in a worker thread so the test's event loop (and the Python
clients on it) keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from cometchat_nb import Client, ConnectionState, MemorySessionStore
from cometchat_nb.server import EmbeddedServer

from .support import WAIT, Recorder, settings_for

__all__ = ["JS_DIR", "WAIT", "MakePy", "NodeDriver", "python_clients", "require_node"]

JS_DIR = Path(__file__).parent / "js"
DRIVER = JS_DIR / "driver.js"
_EXIT_WAIT = 5.0

Event = dict[str, Any]
MakePy = Callable[[str], Awaitable[tuple[Client, Recorder]]]


def require_node() -> str:
    """The ``node`` executable, or skip the test saying what is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the official CometChat JS SDK tests need Node.js 20+")
    for package in ("@cometchat/chat-sdk-javascript", "ws"):
        if not (JS_DIR / "node_modules" / package / "package.json").is_file():
            pytest.skip(
                f"tests/js/node_modules/{package} is missing: run `make node` "
                "(npm ci --prefix tests/js) to install the official CometChat JS SDK"
            )
    return node


class NodeDriver:
    """One ``node driver.js <scenario>`` process (see the module docstring).

    ``env`` entries override the computed environment (``None`` removes a
    variable). Always :meth:`close` it (in a ``finally``): it asks the driver
    to exit, then kills the process if it does not.
    """

    def __init__(
        self,
        server: EmbeddedServer,
        scenario: str,
        storage: Path,
        *,
        uid: str | None = None,
        watchdog: float = 60.0,
        env: dict[str, str | None] | None = None,
    ) -> None:
        node = require_node()
        full = dict(os.environ)
        full.pop("NODE_TLS_REJECT_UNAUTHORIZED", None)
        full.pop("NODE_OPTIONS", None)
        full.update(
            CC_APP_ID=server.app_id,
            CC_REGION=server.region,
            CC_HOST=server.client_host,
            CC_AUTH_KEY=server.auth_key,
            CC_STORAGE=str(storage),
            CC_WATCHDOG_MS=str(int(watchdog * 1000)),
        )
        if uid is not None:
            full["CC_UID"] = uid
        if server.tls:
            assert server.ca_file is not None
            full["NODE_EXTRA_CA_CERTS"] = server.ca_file
        else:
            full["CC_PLAIN"] = "1"
        for key, value in (env or {}).items():
            if value is None:
                full.pop(key, None)
            else:
                full[key] = value
        self.scenario = scenario
        self.events: list[Event] = []  # everything seen, in order (for assertions and failure reports)
        self._pending: list[Event] = []  # seen but not yet taken by wait()
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._stderr: list[str] = []
        self._eof = False
        self.proc = subprocess.Popen(
            [node, str(DRIVER), scenario],
            cwd=JS_DIR,
            env=full,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._threads = [
            threading.Thread(target=self._read_stdout, name=f"node-{scenario}-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, name=f"node-{scenario}-stderr", daemon=True),
        ]
        for t in self._threads:
            t.start()

    # -- reading ------------------------------------------------------------------
    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                event = {"event": "stdout", "line": line}
            self._queue.put(event)
        self._queue.put(None)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line.rstrip("\n"))

    def _report(self) -> str:
        lines = [json.dumps(e)[:400] for e in self.events]
        return (
            f"node driver ({self.scenario}) events:\n  "
            + "\n  ".join(lines)
            + ("\nstderr:\n  " + "\n  ".join(self._stderr[-40:]) if self._stderr else "")
        )

    def wait(
        self,
        name: str,
        timeout: float = WAIT,
        where: Callable[[Event], bool] | None = None,
        **fields: Any,
    ) -> Event:
        """Take the first event named ``name`` whose ``fields`` match (and
        ``where(event)`` holds), waiting at most ``timeout`` seconds."""

        def matches(e: Event) -> bool:
            return (
                e.get("event") == name
                and all(e.get(k) == v for k, v in fields.items())
                and (where is None or where(e))
            )

        for i, e in enumerate(self._pending):
            if matches(e):
                return self._pending.pop(i)
        deadline = time.monotonic() + timeout
        while not self._eof:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                e = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            if e is None:
                self._eof = True
                break
            self.events.append(e)
            if matches(e):
                return e
            self._pending.append(e)
        why = "the driver exited" if self._eof else f"timed out after {timeout}s"
        raise AssertionError(f"{why} waiting for {name} {fields or ''}\n{self._report()}")

    def result(self, step: str, timeout: float = WAIT) -> Event:
        """The ``result`` event of ``step``; fails the test unless it is ok."""
        res = self.wait("result", timeout, step=step)
        assert res.get("ok") is True, f"{step} failed: {res}\n{self._report()}"
        return res

    def send(self, cmd: str, **args: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.proc.stdin.flush()

    def seen(self, name: str) -> list[Event]:
        """Every event named ``name`` received so far (taken or not)."""
        return [e for e in self.events if e.get("event") == name]

    # -- async helpers (keep the test's loop running while waiting) -----------------
    async def expect(
        self,
        name: str,
        timeout: float = WAIT,
        where: Callable[[Event], bool] | None = None,
        **fields: Any,
    ) -> Event:
        return await asyncio.to_thread(self.wait, name, timeout, where, **fields)

    async def step(self, step: str, timeout: float = WAIT) -> Event:
        return await asyncio.to_thread(self.result, step, timeout)

    async def call(self, cmd: str, timeout: float = WAIT, **args: Any) -> Event:
        """Send a command and return its (ok) result."""
        self.send(cmd, **args)
        return await self.step(cmd, timeout)

    # -- ending ---------------------------------------------------------------------
    def exit_code(self, timeout: float = _EXIT_WAIT) -> int:
        """Ask the driver to exit and return its exit code."""
        if self.proc.poll() is None:
            try:
                self.send("exit")
            except (BrokenPipeError, OSError, ValueError):
                pass
        return self.proc.wait(timeout)

    def close(self) -> None:
        """Stop the process (politely, then by force) and join the readers."""
        try:
            if self.proc.poll() is None:
                try:
                    self.exit_code()
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(_EXIT_WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(_EXIT_WAIT)
            for t in self._threads:  # they end at EOF, now that the process is gone
                t.join(_EXIT_WAIT)
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass


@contextlib.asynccontextmanager
async def python_clients(server: EmbeddedServer) -> AsyncIterator[MakePy]:
    """``client, rec = await make(uid)``: a logged-in, connected Python client
    (auto mode, presence for all users, zero backoff); all closed on exit."""
    made: list[Client] = []

    async def make(uid: str) -> tuple[Client, Recorder]:
        client = Client(
            server.app_id,
            settings_for(server),
            store=MemorySessionStore(),
            backoff=lambda attempt: 0.0,
        )
        made.append(client)
        rec = Recorder()
        client.add_event_sink(rec)
        await client.init()
        await client.login(uid, server.auth_key)
        await client.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
        await client.wait_for_catchup()
        return client, rec

    try:
        yield make
    finally:
        for client in made:
            await client.close()
