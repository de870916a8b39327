"""Shared pieces of the benchmarks (not a benchmark).

* :func:`message_frame` / :func:`message_frames`: realistic CometChat ``message``
  frames (≈530–580 bytes: the ≈380-byte payload of perf-limits.md plus data.entities) as the
  embedded server pushes them.
* :class:`Child`: a subprocess speaking one JSON object per line on stdin and
  stdout (the bench server, the bench clients, the Node driver), read by a
  thread into a queue so every wait is bounded; stopped by its own PID.
* :class:`BenchServer`: ``bench/_server.py`` (the embedded server, and a bare
  ``websockets`` server for baselines) in a separate process.
* statistics helpers and :func:`result_line` (the ``RESULT name=value …`` line
  every script ends with).

Every benchmark script runs sender and receiver in separate processes (the
machine has two cores), bounds every loop in count and time, and reports
ratios measured side by side in the same run.
"""

from __future__ import annotations

import json
import math
import os
import queue
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
JS_DIR = ROOT / "tests" / "js"
DRIVER_JS = JS_DIR / "driver.js"
PYTHON = sys.executable

TEXTS = (
    "hi",
    "hey, how are you?",
    "good morning team",
    "can you review my PR when you get a chance?",
    "lunch at 12:30?",
    "sure, sounds good",
    "I'll be 5 minutes late",
    "did the deploy go through?",
    "yes, all green on CI",
    "thanks!",
    "let's sync tomorrow about the roadmap",
    "ok 👍",
    "where is the meeting room?",
    "the build is broken again, looking into it",
    "see you later",
    "can someone share the notebook link?",
    "pushed a fix, please pull",
    "who's on call this weekend?",
    "happy birthday!! 🎉",
)
SENDERS = tuple(f"superhero{i}" for i in range(1, 51))


def message_frame(mid: int, receiver: str, rnd: random.Random, *, app_id: str, now: int | None = None) -> str:
    """One ``message`` frame addressed to ``receiver`` (a text message with its entities, ≈530–580 bytes)."""
    sender = rnd.choice(SENDERS)
    a, b = sorted((sender, receiver))
    ts = int(time.time()) if now is None else now
    body = {
        "id": str(mid),
        "conversationId": f"{a}_user_{b}",
        "sender": sender,
        "receiver": receiver,
        "receiverType": "user",
        "type": "text",
        "category": "message",
        "data": {
            "text": rnd.choice(TEXTS),
            # CometChat always sends the entities; the official JS SDK throws (and
            # catches, slowly) on every message without them.
            "entities": {
                "sender": {"entity": {"uid": sender, "name": sender.title()}, "entityType": "user"},
                "receiver": {"entity": {"uid": receiver, "name": receiver.title()}, "entityType": "user"},
            },
        },
        "sentAt": ts,
    }
    frame = {
        "type": "message",
        "appId": app_id,
        "receiver": receiver,
        "receiverType": "user",
        "deviceId": "bench-server",
        "sender": sender,
        "body": body,
    }
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def message_frames(n: int, receiver: str, *, start_id: int, seed: int, app_id: str) -> list[str]:
    """``n`` frames with ids ``start_id`` … ``start_id + n - 1``."""
    rnd = random.Random(seed)
    now = int(time.time())
    return [message_frame(start_id + i, receiver, rnd, app_id=app_id, now=now) for i in range(n)]


# ----------------------------------------------------------------------------------------
# statistics


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0–100) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def spread(values: Sequence[float], fmt: str = "{:,.0f}") -> str:
    """``median (min–max)`` of ``values``."""
    if not values:
        return "n/a"
    return f"{fmt.format(median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan


def result_line(**figures: float | int | str | None) -> str:
    """``RESULT name=value …`` (floats with 4 significant digits; None/NaN as ``nan``)."""
    parts = []
    for name, value in figures.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            text = "nan"
        elif isinstance(value, float):
            text = f"{value:.4g}"
        else:
            text = str(value)
        parts.append(f"{name}={text}")
    return "RESULT " + " ".join(parts)


def parse_result(text: str) -> dict[str, float | str]:
    """The figures of the last ``RESULT`` line of ``text`` (numbers as floats)."""
    out: dict[str, float | str] = {}
    for line in text.splitlines():
        if line.startswith("RESULT "):
            out = {}
            for item in line.split()[1:]:
                name, _, value = item.partition("=")
                try:
                    out[name] = float(value)
                except ValueError:
                    out[name] = value
    return out


# ----------------------------------------------------------------------------------------
# child processes


class ChildError(RuntimeError):
    """A child process answered an error, exited, or did not answer in time."""


class Child:
    """A subprocess speaking JSON lines (see the module docstring).

    ``recv(timeout)`` returns the next JSON object (non-JSON lines are kept in
    :attr:`log`); :meth:`close` asks politely (stdin EOF), then kills its own
    PID. Always close it in a ``finally``.
    """

    def __init__(
        self, argv: Sequence[str], *, name: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> None:
        self.name = name
        self.log: list[str] = []
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
            env=env,
            cwd=cwd,
        )
        self._threads = [
            threading.Thread(target=self._read_stdout, name=f"{name}-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, name=f"{name}-stderr", daemon=True),
        ]
        for t in self._threads:
            t.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            if line.startswith("{"):
                try:
                    self._queue.put(json.loads(line))
                    continue
                except ValueError:
                    pass
            self.log.append(line)
        self._queue.put(None)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append("stderr: " + line.rstrip("\n"))

    def send(self, obj: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(obj) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise ChildError(f"{self.name} is gone: {exc}\n{self.tail()}") from None

    def recv(self, timeout: float) -> dict[str, Any]:
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise ChildError(f"{self.name}: no answer within {timeout:g} s\n{self.tail()}") from None
        if item is None:
            self._queue.put(None)
            raise ChildError(f"{self.name} exited (code {self.proc.poll()})\n{self.tail()}")
        return item

    def wait_for(self, event: str, timeout: float) -> dict[str, Any]:
        """The next object whose ``event`` is ``event`` (others are dropped); raises on ``error``."""
        deadline = time.monotonic() + timeout
        while True:
            item = self.recv(max(0.0, deadline - time.monotonic()))
            if item.get("event") == event:
                return item
            if item.get("event") == "error" or (item.get("event") == "result" and item.get("ok") is False):
                raise ChildError(f"{self.name}: {item}\n{self.tail()}")

    def call(self, timeout: float = 60.0, **cmd: Any) -> dict[str, Any]:
        """Send ``cmd`` and return the answer ``{"event": "reply", ...}``."""
        self.send(cmd)
        reply = self.wait_for("reply", timeout)
        if reply.get("ok") is False:
            raise ChildError(f"{self.name}: {cmd.get('cmd')} failed: {reply.get('error')}")
        return reply

    def tail(self, n: int = 30) -> str:
        return "\n".join(f"    {line}" for line in self.log[-n:])

    def close(self, timeout: float = 10.0) -> None:
        proc = self.proc
        try:
            if proc.poll() is None and proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()  # our own child, by its PID
                proc.wait(timeout)
        finally:
            for t in self._threads:
                t.join(timeout)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def python_child(script: str, *args: str, name: str) -> Child:
    """``python bench/<script> <args>`` as a :class:`Child` (unbuffered output)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return Child([PYTHON, str(BENCH_DIR / script), *args], name=name, env=env, cwd=ROOT)


class BenchServer(Child):
    """``bench/_server.py`` in its own process; :attr:`info` is its ready line."""

    def __init__(self, *args: str, name: str = "server", timeout: float = 60.0) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        super().__init__([PYTHON, str(BENCH_DIR / "_server.py"), *args], name=name, env=env, cwd=ROOT)
        self.info = self.wait_for("ready", timeout)

    @property
    def url(self) -> str:
        return str(self.info["url"])

    @property
    def ws_url(self) -> str:
        return str(self.info["ws"])


# ----------------------------------------------------------------------------------------
# Node (the official CometChat JS SDK through tests/js/driver.js)


def node_available() -> str | None:
    """Why the Node parts cannot run (None if they can)."""
    if shutil.which("node") is None:
        return "node is not installed"
    for package in ("@cometchat/chat-sdk-javascript", "ws"):
        if not (JS_DIR / "node_modules" / package / "package.json").is_file():
            return f"tests/js/node_modules/{package} is missing (run `make node`)"
    return None


def node_driver(
    scenario: str, *, info: dict[str, Any], uid: str, storage: Path, watchdog: float = 600.0
) -> Child:
    """``node tests/js/driver.js <scenario>`` against the bench server (plain ws)."""
    env = dict(os.environ)
    env.pop("NODE_OPTIONS", None)
    env.pop("NODE_TLS_REJECT_UNAUTHORIZED", None)
    env.update(
        CC_APP_ID=str(info["app_id"]),
        CC_REGION=str(info["region"]),
        CC_HOST=str(info["client_host"]),
        CC_AUTH_KEY=str(info["auth_key"]),
        CC_UID=uid,
        CC_STORAGE=str(storage),
        CC_PLAIN="1",
        CC_WATCHDOG_MS=str(int(watchdog * 1000)),
    )
    node = shutil.which("node") or "node"
    return Child([node, str(DRIVER_JS), scenario], name=f"node-{scenario}", env=env, cwd=JS_DIR)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def versions() -> dict[str, str]:
    """Versions of what the figures depend on (python, picows, websockets, aiohttp, orjson, pandas, pyarrow,
    node, the official JS SDK)."""
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for dist in ("picows", "websockets", "aiohttp", "orjson", "pandas", "pyarrow"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    node = shutil.which("node")
    if node is not None:
        try:
            out["node"] = subprocess.run(
                [node, "--version"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    pkg = JS_DIR / "node_modules" / "@cometchat" / "chat-sdk-javascript" / "package.json"
    if pkg.is_file():
        out["official JS SDK"] = json.loads(pkg.read_text(encoding="utf-8")).get("version", "?")
    return out


def machine() -> dict[str, Any]:
    """CPU count and model (from /proc/cpuinfo)."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count() or 0, "cpu_model": model}


def batched(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ----------------------------------------------------------------------------------------
# the login flow for bare websockets clients (real JWTs from the server)


async def login_jwt(http: Any, info: dict[str, Any], uid: str, resource: str) -> str:
    """``POST users/{uid}/auth_tokens`` (auth key) then ``PUT me``: the socket JWT of ``uid``.

    ``http`` is an ``httpx.AsyncClient``; this is the SDK's own login flow, by hand.
    """
    from cometchat_nb.protocol import rest

    app_id, url = str(info["app_id"]), str(info["url"])
    hosts = rest.initial_hosts(app_id, str(info["region"]), url, url)
    body = {"platform": "bench", "deviceId": resource}
    answer = await http.post(
        hosts.url("authToken", uid=uid),
        headers=rest.admin_headers(app_id, resource, str(info["auth_key"])),
        json=body,
    )
    data, _ = rest.parse_envelope(answer.json())
    token = data["authToken"]
    answer = await http.put(
        hosts.url("updateMyDetails"), headers=rest.client_headers(app_id, resource, token), json=body
    )
    me, _ = rest.parse_envelope(answer.json())
    return str(me["jwt"])


def auth_frame(info: dict[str, Any], uid: str, jwt: str, resource: str) -> str:
    """The socket's auth frame as the SDK sends it (the same fields and parameters)."""
    from cometchat_nb.client.client import auth_params
    from cometchat_nb.protocol import codec, frames

    request = frames.AuthRequest(
        app_id=str(info["app_id"]),
        device_id=resource,
        sender=uid,
        jwt=jwt,
        params=auth_params(f"{info['app_id']}_bench_{resource}"),
    )
    return codec.encode(request)
