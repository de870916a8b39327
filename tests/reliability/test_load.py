"""Load: many concurrent sockets across several client processes (real SDK clients and
light raw sockets), many messages across users and groups — 0 lost, 0 duplicated —
with the server's memory reported and bounded.

The server is a separate process (the CLI, on a SQLite file). Each worker process
(:mod:`.load_worker`) holds a share of the users, sends a share of the messages over
REST once every socket is up, and reports what each user received.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from .procs import ServerProcess

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Scale:
    users: int
    workers: int
    messages: int
    sdk_share: float  # fraction of users that are real SDK clients
    group_size: int = 10
    group_share: float = 0.2
    rss_limit_mb: float = 400.0
    timeout: float = 600.0


SMALL = Scale(users=100, workers=2, messages=5_000, sdk_share=0.5, rss_limit_mb=200.0, timeout=120.0)
FULL = Scale(users=1_000, workers=4, messages=100_000, sdk_share=0.25, rss_limit_mb=500.0, timeout=900.0)


class Worker:
    def __init__(self, index: int, cfg: dict[str, Any], tmp: Path) -> None:
        self.index = index
        self.out = str(tmp / f"worker{index}")
        cfg = {**cfg, "out": self.out}
        path = tmp / f"worker{index}.json"
        path.write_text(json.dumps(cfg))
        self.stderr = open(tmp / f"worker{index}.stderr", "w")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.load_worker", str(path)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def expect(self, word: str, deadline: float) -> list[str]:
        assert self.proc.stdout is not None
        while True:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(remaining, 0))
            if not ready:
                raise TimeoutError(f"worker {self.index} did not say {word} in time")
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(
                    f"worker {self.index} exited: {Path(self.stderr.name).read_text()[-3000:]}"
                )
            parts = line.split()
            if parts and parts[0] == word:
                return parts[1:]

    def say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.say("EXIT")
                self.proc.wait(30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(30)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        self.stderr.close()


class RssSampler:
    """Samples the server's RSS every 0.2 s on a thread (bounded by stop())."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                self.samples.append(self.proc.memory_info().rss)
            except psutil.Error:
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def _ws_sockets(pid: int, ws_port: int) -> int:
    conns = psutil.Process(pid).net_connections(kind="tcp")
    return sum(
        1 for c in conns if c.laddr and c.laddr.port == ws_port and c.status == psutil.CONN_ESTABLISHED
    )


def _setup(srv: ServerProcess, scale: Scale) -> tuple[list[str], dict[str, str]]:
    """Users and groups over REST (admin key, then each group's owner)."""
    uids = [f"load{i:05d}" for i in range(scale.users)]
    groups = max(1, scale.users // scale.group_size)
    group_of = {uid: f"lg{i % groups:04d}" for i, uid in enumerate(uids)}
    admin = {"appId": srv.app_id, "apiKey": srv.auth_key}
    with httpx.Client(base_url=srv.url + "/v3.0", timeout=60) as http:
        tokens = {}
        for uid in uids:
            r = http.post("/users", headers=admin, json={"uid": uid, "name": uid, "withAuthToken": True})
            tokens[uid] = r.json()["data"]["authToken"]
        owners: set[str] = set()
        for uid in uids:
            guid = group_of[uid]
            h = {"appId": srv.app_id, "authToken": tokens[uid]}
            if guid not in owners:
                owners.add(guid)
                r = http.post("/groups", headers=h, json={"guid": guid, "name": guid, "type": "public"})
            else:
                r = http.post(f"/groups/{guid}/members", headers=h, json={})
            assert "data" in r.json(), r.json()
    return uids, group_of


def run_load(tmp_path: Path, scale: Scale) -> dict[str, Any]:
    srv = ServerProcess(tmp_path / "load.sqlite", extra=("--no-seed",))
    workers: list[Worker] = []
    sampler: RssSampler | None = None
    try:
        srv.start()
        assert srv.pid is not None
        t0 = time.monotonic()
        uids, group_of = _setup(srv, scale)
        setup_s = time.monotonic() - t0
        rss_idle = srv.rss_bytes()
        sampler = RssSampler(srv.pid)
        per_worker = [uids[w :: scale.workers] for w in range(scale.workers)]
        sdk_every = round(1 / scale.sdk_share) if scale.sdk_share else 0
        base = {
            "url": srv.url,
            "ws_url": f"ws://127.0.0.1:{srv.ws_port}",
            "app_id": srv.app_id,
            "auth_key": srv.auth_key,
            "all_uids": uids,
            "group_share": scale.group_share,
            "concurrency": 8,
            "drain_timeout": scale.timeout / 3,
        }
        for w, mine in enumerate(per_worker):
            users = [
                (uid, bool(sdk_every) and i % sdk_every == 0, group_of[uid]) for i, uid in enumerate(mine)
            ]
            share = scale.messages // scale.workers + (w < scale.messages % scale.workers)
            cfg = {**base, "worker": w, "users": users, "seed": 1000 + w, "messages": share}
            workers.append(Worker(w, cfg, tmp_path))
        deadline = time.monotonic() + scale.timeout
        t0 = time.monotonic()
        for wk in workers:
            wk.expect("READY", deadline)
        connect_s = time.monotonic() - t0
        sockets = _ws_sockets(srv.pid, srv.ws_port)
        rss_connected = srv.rss_bytes()

        t0 = time.monotonic()
        for wk in workers:
            wk.say("GO")
        failed = 0
        for wk in workers:
            failed += int(wk.expect("SENT", deadline)[1])
        send_s = time.monotonic() - t0
        sent: list[dict[str, str]] = []
        for wk in workers:
            sent += json.loads(Path(wk.out + ".sent.json").read_text())

        members: dict[str, list[str]] = {}
        for uid, guid in group_of.items():
            members.setdefault(guid, []).append(uid)
        expected: dict[str, list[str]] = {uid: [] for uid in uids}
        for m in sent:
            audience = members[m["receiver"]] if m["type"] == "group" else [m["receiver"]]
            for uid in audience:
                if uid != m["sender"]:
                    expected[uid].append(m["id"])
        t0 = time.monotonic()
        for w, wk in enumerate(workers):
            path = tmp_path / f"expected{w}.json"
            path.write_text(json.dumps({uid: expected[uid] for uid in per_worker[w]}))
            wk.say(f"CHECK {path}")
        got: dict[str, list[str]] = {}
        sdk_stats: dict[str, Any] = {}
        for wk in workers:
            wk.expect("DONE", deadline)
            report = json.loads(Path(wk.out + ".got.json").read_text())
            got.update(report["got"])
            sdk_stats.update(report["sdk"])
        drain_s = time.monotonic() - t0
        sampler.stop()
        lost = sum(len(set(expected[u]) - set(got[u])) for u in uids)
        duplicated = sum(len(got[u]) - len(set(got[u])) for u in uids)
        unexpected = sum(len(set(got[u]) - set(expected[u])) for u in uids)
        result = {
            "users": scale.users,
            "sockets": sockets,
            "sdk_clients": len(sdk_stats),
            "worker_processes": scale.workers,
            "messages_sent": len(sent),
            "send_failures": failed,
            "deliveries_expected": sum(len(v) for v in expected.values()),
            "deliveries": sum(len(v) for v in got.values()),
            "lost": lost,
            "duplicated": duplicated,
            "unexpected": unexpected,
            "sdk_reconnects": sum(s["reconnects"] for s in sdk_stats.values()),
            "rss_idle_mb": round(rss_idle / 2**20, 1),
            "rss_connected_mb": round(rss_connected / 2**20, 1),
            "rss_peak_mb": round(max(sampler.samples, default=rss_connected) / 2**20, 1),
            "rss_final_mb": round(srv.rss_bytes() / 2**20, 1),
            "setup_s": round(setup_s, 1),
            "connect_s": round(connect_s, 1),
            "send_s": round(send_s, 1),
            "send_rate_per_s": round(len(sent) / send_s) if send_s else None,
            "drain_s": round(drain_s, 1),
        }
        (tmp_path / "load_report.json").write_text(json.dumps(result, indent=1))
        print("LOAD", json.dumps(result))
        return result
    finally:
        if sampler is not None:
            sampler.stop()
        for wk in workers:
            wk.close()
        srv.kill()


def _check(result: dict[str, Any], scale: Scale) -> None:
    assert result["send_failures"] == 0
    assert result["messages_sent"] == scale.messages
    assert result["sockets"] >= scale.users, result
    assert result["lost"] == 0 and result["duplicated"] == 0 and result["unexpected"] == 0, result
    assert result["deliveries"] == result["deliveries_expected"]
    assert result["sdk_reconnects"] == 0, result
    assert result["rss_peak_mb"] < scale.rss_limit_mb, result


def test_load_small(tmp_path: Path) -> None:
    """100 sockets (half real SDK clients) in 2 processes, 5 000 messages."""
    _check(run_load(tmp_path, SMALL), SMALL)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_load_full(tmp_path: Path) -> None:
    """1 000 sockets (250 real SDK clients) in 4 processes, 100 000 messages."""
    _check(run_load(tmp_path, FULL), FULL)
