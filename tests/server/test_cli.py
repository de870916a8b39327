"""``cometchat-nb serve`` / ``python -m cometchat_nb.server``: READY line, signals, exit codes."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from cometchat_nb.server.cli import READY_PREFIX, build_parser, main

READY = re.compile(
    re.escape(READY_PREFIX)
    + r" url=(?P<url>\S+) ws=(?P<ws>\S+) app_id=(?P<app_id>\S+)"
    + r" auth_key=(?P<auth_key>\S+) region=(?P<region>\S+)"
)
TIMEOUT = 20.0


def _readline(proc: subprocess.Popen[str], deadline: float) -> str:
    assert proc.stdout is not None
    remaining = deadline - time.monotonic()
    ready, _, _ = select.select([proc.stdout], [], [], max(remaining, 0))
    if not ready:
        raise TimeoutError("the server printed nothing in time")
    return proc.stdout.readline()


@contextmanager
def _serve(*args: str) -> Iterator[tuple[subprocess.Popen[str], re.Match[str]]]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cometchat_nb.server", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        line = _readline(proc, deadline)
        match = READY.match(line)
        assert match, (
            f"unexpected first line {line!r}; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
        )  # type: ignore[union-attr]
        yield proc, match
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_until_signal(sig: signal.Signals) -> None:
    with _serve("--port", "0", "--app-id", "cli-app", "--auth-key", "cli-key", "--region", "us") as (
        proc,
        ready,
    ):
        assert ready["app_id"] == "cli-app" and ready["auth_key"] == "cli-key" and ready["region"] == "us"
        url, ws = ready["url"], ready["ws"]
        assert (
            url.startswith("http://127.0.0.1:")
            and ws.startswith("ws://127.0.0.1:")
            and url.split(":")[-1] != "0"
        )
        r = httpx.post(
            f"{url}/users/superhero1/auth_tokens", headers={"appId": "cli-app", "apiKey": "cli-key"}, json={}
        )
        assert r.json()["data"]["uid"] == "superhero1"
        proc.send_signal(sig)
        assert proc.wait(TIMEOUT) == 0
        assert proc.stdout is not None and "stopped" in proc.stdout.read()


def test_serve_tls_with_db(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    with _serve("--port", "0", "--tls", "--db", str(db), "--no-seed") as (proc, ready):
        assert ready["url"].startswith("https://")
        line = ready.string
        ca_file = re.search(r"ca_file=(\S+)", line)
        assert ca_file is not None and os.path.exists(ca_file[1])
        r = httpx.post(
            f"{ready['url']}/users",
            headers={"appId": ready["app_id"], "apiKey": ready["auth_key"]},
            json={"uid": "cliuser"},
            verify=ssl.create_default_context(cafile=ca_file[1]),
        )
        assert r.json()["data"]["uid"] == "cliuser"
        proc.terminate()
        assert proc.wait(TIMEOUT) == 0
    assert db.exists()


def test_port_in_use_exits_1() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cometchat_nb.server", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"cometchat-nb: error: cannot listen on 127.0.0.1:{port}: address already in use"
    )
    assert READY_PREFIX not in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["serve", "--port", "99999"],
        ["serve", "--port", "http"],
        ["serve", "--max-frame-bytes", "0"],
        ["serve", "--cert", "c.pem"],
        ["serve", "--port", "65535"],
        ["serve", "--chat-host-port", "70000"],
        ["bogus"],
    ],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_default_ws_port() -> None:
    parser = build_parser()
    args = parser.parse_args(["serve"])
    assert args.port == 8080 and args.ws_port is None and args.host == "127.0.0.1"
    assert args.chat_host_port is None
    assert parser.parse_args(["serve", "--chat-host-port", "443"]).chat_host_port == 443
