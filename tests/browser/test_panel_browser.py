"""The control panel in a real JupyterLab, driven by a real headless Chromium.

JupyterLab runs on 127.0.0.1 (a free port, a random token) on a temporary copy
of ``notebooks/``, with every Jupyter, IPython and cometchat_nb directory in a
temporary directory and nothing fetched from the network (no news, no update
check). Playwright opens ``01_quickstart.ipynb``, runs all cells, then in the
control panel clicks **Disconnect** (badge: ``closed``), re-runs the notebook's
last cell — Captain America sends three messages while we are offline — and
clicks **Connect**: the badge turns ``connected`` and the three messages show
up in the live tail with ``source = catchup``. A screenshot of the connected
panel is saved to ``tests/artifacts/panel_connected.png``.

Skipped (reason printed by ``-ra``) only when Chromium (``/usr/bin/chromium``)
or the playwright package is missing; ``.ci/run`` installs Chromium.
Every wait is bounded; the only polling is for JupyterLab's readiness.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..support.jupyter import start_lab

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path(os.environ.get("COMETCHAT_NB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_TIMEOUT = 60.0  # JupyterLab start-up
UI_TIMEOUT_MS = 30_000  # one UI step (a click's effect, a cell's output)
RUN_ALL_TIMEOUT_MS = 60_000  # all cells of the quickstart


def _requirements() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium; .ci/run does it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the playwright package is not installed: {exc}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    log: Path


def _write_settings(settings_dir: Path) -> None:
    """User settings: start the notebook's kernel without asking, render every cell (no
    windowing, so off-screen outputs exist in the DOM), no news or update notifications."""
    tracker = settings_dir / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}))
    notes = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notes.parent.mkdir(parents=True, exist_ok=True)
    notes.write_text(json.dumps({"checkForUpdates": False, "fetchNews": "false"}))


def _clear_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def _status(url: str, token: str) -> int | None:
    request = urllib.request.Request(f"{url}api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            code: int = response.status
            return code
    except (urllib.error.URLError, OSError):
        return None


def _stop(proc: subprocess.Popen[bytes], url: str, token: str) -> None:
    """Shut JupyterLab (and its kernels) down: the REST shutdown, then SIGTERM, then SIGKILL of
    the process group we started (the server and its kernels, nothing else)."""
    if proc.poll() is None:
        request = urllib.request.Request(
            f"{url}api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
        )
        try:
            urllib.request.urlopen(request, timeout=5).close()
        except (urllib.error.URLError, OSError):
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    try:  # kernels the server could not stop (its own session: the group id is its pid)
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    _requirements()
    root = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    _clear_outputs(root / "01_quickstart.ipynb")  # every output the test sees is from this run
    home = tmp_path / "home"
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "jupyter-config",
        "JUPYTER_DATA_DIR": home / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
        "COMETCHAT_NB_DATA_DIR": home / "cometchat-data",
    }
    for path in dirs.values():
        path.mkdir(parents=True)
    _write_settings(dirs["JUPYTERLAB_SETTINGS_DIR"])
    env = {k: v for k, v in os.environ.items() if k != "COMETCHAT_AUTH_KEY"}
    env.update({k: str(v) for k, v in dirs.items()})
    env["COMETCHAT_NB_CONFIG"] = str(home / "no-config.ini")
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    port = _free_port()
    token = os.urandom(16).hex()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "jupyterlab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    proc = start_lab(cmd, log, READY_TIMEOUT, cwd=root, env=env, start_new_session=True)
    try:
        assert _status(url, token) == 200, log.read_text()[-3000:]  # bound: its port is
        yield Lab(url=url, token=token, root=root, log=log)
    finally:
        _stop(proc, url, token)


def test_connect_button_turns_badge_connected_and_rows_arrive(lab: Lab, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "panel_connected.png"
    shot.unlink(missing_ok=True)
    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1800},
        )
        context.set_default_timeout(UI_TIMEOUT_MS)
        page = context.pages[0] if context.pages else context.new_page()
        try:
            page.goto(f"{lab.url}lab/tree/01_quickstart.ipynb?token={lab.token}")
            notebook = page.locator(".jp-NotebookPanel:visible")
            expect(notebook.locator(".jp-CodeCell")).not_to_have_count(0)
            # the kernel starts by itself (autoStartDefaultKernel): wait until it is idle
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(
                1, timeout=RUN_ALL_TIMEOUT_MS
            )

            # Run → Run All Cells; the last cell prints once Captain America's messages are sent
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            last_cell = notebook.locator(".jp-CodeCell").last
            expect(last_cell.locator(".jp-OutputArea-output")).to_contain_text(
                "has sent 9 messages", timeout=RUN_ALL_TIMEOUT_MS
            )

            panel = notebook.locator(".jp-OutputArea-output:has(.cometchat-badge)")
            expect(panel).to_have_count(1)
            badge = panel.locator(".cometchat-badge")
            expect(badge).to_have_attribute("data-state", "connected")
            connect = panel.locator("button.widget-button", has_text=re.compile(r"^\s*Connect\s*$"))
            disconnect = panel.locator("button.widget-button", has_text=re.compile(r"^\s*Disconnect\s*$"))

            # the notebook leaves the client connected: Disconnect first (the badge says closed)
            disconnect.click()
            expect(badge).to_have_attribute("data-state", "closed")
            expect(connect).to_be_enabled()

            # offline, Captain America sends three more messages: re-run the last cell
            last_cell.locator(".jp-InputArea-editor").click()
            page.keyboard.press("Control+Enter")
            expect(last_cell.locator(".jp-OutputArea-output")).to_contain_text("has sent 12 messages")
            tail = panel.locator(".cometchat-tail")
            caught_up = tail.locator("tr", has_text="text_message_received").filter(has_text="catchup")
            expect(caught_up).to_have_count(0)

            # Connect: the badge turns connected and the missed messages arrive as catch-up rows
            connect.click()
            expect(badge).to_have_attribute("data-state", "connected")
            expect(caught_up).to_have_count(3)
            for i in (1, 2, 3):
                expect(tail).to_contain_text(f"({i}/3)")
            expect(panel).to_contain_text("caught up: 3 messages")
            expect(disconnect).to_be_enabled()
            panel.scroll_into_view_if_needed()
            panel.screenshot(path=str(shot))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "panel_failure.png"), full_page=True)
            print(f"JupyterLab log (tail):\n{lab.log.read_text(errors='replace')[-4000:]}")
            raise
        finally:
            context.close()
    assert shot.stat().st_size > 10_000
