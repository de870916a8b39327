"""``make demo`` (and Binder) open JupyterLab without the "get notified about official
Jupyter news?" prompt.

JupyterLab's announcements plugin asks that question whenever the setting ``fetchNews``
of ``@jupyterlab/apputils-extension:notification`` is ``"none"``, its default (the
``--LabApp.news_url=None`` flag stops the fetching, not the question). ``make venv`` —
so ``make demo`` and ``make test`` — installs ``binder/lab-overrides.json`` (``fetchNews``
``"false"``, no update check) into the venv's JupyterLab ``settings/overrides.d/``;
``binder/postBuild`` installs the same file on Binder. These tests check the file, that
the demo target installs it before starting JupyterLab, and what a JupyterLab started
from this venv (with empty user settings) serves to the browser.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support.jupyter import start_lab

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "binder" / "lab-overrides.json"
PLUGIN = "@jupyterlab/apputils-extension:notification"
INSTALLED = Path("share", "jupyter", "lab", "settings", "overrides.d", "cometchat-nb.json")
READY_TIMEOUT = 60.0


def test_the_overrides_say_never_fetch_news() -> None:
    settings = json.loads(OVERRIDES.read_text(encoding="utf-8"))
    assert settings == {PLUGIN: {"fetchNews": "false", "checkForUpdates": False}}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_the_overrides_before_starting_jupyterlab(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    dry = subprocess.run(
        ["make", "-n", "--always-make", f"VENV={venv}", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    copy = f"cp binder/lab-overrides.json {venv / INSTALLED}"
    assert copy in dry, "\n".join(dry)
    (lab,) = [i for i, line in enumerate(dry) if " lab " in line and "jupyter" in line]
    assert dry.index(copy) < lab
    # the rule itself, for real, into a throw-away prefix
    subprocess.run(["make", "-s", f"VENV={venv}", str(venv / INSTALLED)], cwd=ROOT, timeout=60, check=True)
    assert (venv / INSTALLED).read_bytes() == OVERRIDES.read_bytes()


def test_binder_post_build_installs_the_same_overrides() -> None:
    post_build = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    assert "cp binder/lab-overrides.json" in post_build
    assert "share/jupyter/lab/settings/overrides.d" in post_build


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str, token: str) -> tuple[int, bytes] | None:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except (urllib.error.URLError, OSError):
        return None


@pytest.fixture
def lab_url(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """JupyterLab from this venv, user directories empty and private, on a free port."""
    home = tmp_path / "home"
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "jupyter-config",
        "JUPYTER_DATA_DIR": home / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
    }
    for path in dirs.values():
        path.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("COMETCHAT_AUTH_KEY", "JUPYTERLAB_DIR")}
    env.update({k: str(v) for k, v in dirs.items()})
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    port, token = _free_port(), os.urandom(16).hex()
    url = f"http://127.0.0.1:{port}/"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={tmp_path}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.news_url=None",  # nothing fetched from the network by this test
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    log = tmp_path / "jupyterlab.log"
    proc = start_lab(cmd, log, READY_TIMEOUT, cwd=tmp_path, env=env)
    try:
        assert _get(f"{url}api/status", token) is not None, log.read_text()[-3000:]  # bound: its port is
        yield url, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_jupyterlab_from_this_venv_never_asks_for_news(lab_url: tuple[str, str]) -> None:
    """What the browser gets: the announcements plugin prompts only when the composite
    ``fetchNews`` is ``"none"``."""
    installed = Path(sys.prefix) / INSTALLED
    assert installed.is_file(), f"{installed} is missing: run `make venv`"
    url, token = lab_url
    reply = _get(f"{url}lab/api/settings/{PLUGIN}", token)
    assert reply is not None and reply[0] == 200
    body = json.loads(reply[1])
    # The front end composes the user's settings (none here) over the schema's defaults,
    # into which the server has merged the overrides.
    assert body["settings"] == {}
    defaults = {k: v.get("default") for k, v in body["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
