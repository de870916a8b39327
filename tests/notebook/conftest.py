"""Fixtures for the notebook layer: a real InteractiveShell with the extension loaded,
an isolated environment (no real config file, key or data directory), a control panel
that is closed afterwards, and clean-up that leaves no SDK, server or panel behind.

Nothing here sleeps: waits are bounded waits on events (LiveFrame.wait_for,
CometChat.waitForState, ControlPanel.wait_idle).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from cometchat_nb.notebook import ControlPanel, session
from cometchat_nb.notebook.config import DEFAULT_MAX_ROWS, DEFAULT_UI_HZ
from cometchat_nb.notebook.kernel import KERNEL_SWITCH_INTERVAL


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No user config, no auth key from the environment, sessions saved under tmp_path;
    and whatever the test started is shut down afterwards."""
    monkeypatch.setenv("COMETCHAT_NB_CONFIG", str(tmp_path / "config.ini"))
    monkeypatch.setenv("COMETCHAT_NB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMETCHAT_AUTH_KEY", raising=False)
    try:
        yield tmp_path
    finally:
        session.shutdown()
        session.configure(max_rows=DEFAULT_MAX_ROWS, keep_raw=False, switch_interval=KERNEL_SWITCH_INTERVAL)
        ControlPanel.set_default_ui_hz(DEFAULT_UI_HZ)


@pytest.fixture
def make_panel() -> Iterator[Callable[..., ControlPanel]]:
    """``make_panel(**kwargs)`` builds a ControlPanel; every panel built is closed afterwards."""
    made: list[ControlPanel] = []

    def make(**kwargs: Any) -> ControlPanel:
        panel = ControlPanel(**kwargs)
        made.append(panel)
        return panel

    try:
        yield make
    finally:
        for panel in made:
            panel.close()


@pytest.fixture
def panel(make_panel: Callable[..., ControlPanel]) -> ControlPanel:
    """A ControlPanel without the plot (closed afterwards)."""
    return make_panel(plot=False)


@pytest.fixture(scope="session")
def ipython(tmp_path_factory: pytest.TempPathFactory) -> InteractiveShell:
    """The process's InteractiveShell (a singleton: IPython keeps global hooks), with its
    profile in a temporary directory and history in memory."""
    os.environ["IPYTHONDIR"] = str(tmp_path_factory.mktemp("ipython"))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    return InteractiveShell.instance(config=config)


@pytest.fixture
def ip(ipython: InteractiveShell) -> Iterator[InteractiveShell]:
    """The shell with ``%load_ext cometchat_nb``; unloaded (SDK shut down) afterwards."""
    ipython.run_line_magic("load_ext", "cometchat_nb")
    try:
        yield ipython
    finally:
        ipython.run_line_magic("unload_ext", "cometchat_nb")
        # %config settings live in the shell's config (and would apply to the next load)
        ipython.config.pop("CometChatMagics", None)
        for name in [n for n in ipython.user_ns if n.startswith("ev")]:
            del ipython.user_ns[name]
