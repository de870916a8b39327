"""Fixtures for the notebook layer: a real InteractiveShell with the extension loaded,
an isolated environment (no real config file, key or data directory), and clean-up
that leaves no SDK, server or panel behind.

Nothing here sleeps: waits are bounded waits on events (LiveFrame.wait_for,
CometChat.waitForState, ControlPanel.wait_idle).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from cometchat_nb.notebook import session

WAIT = 10.0


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
        session.configure(
            max_rows=100_000, keep_raw=False, ui_hz=4.0, switch_interval=session.KERNEL_SWITCH_INTERVAL
        )


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
