"""In a real Jupyter kernel the notebook layer shortens Python's thread switch interval
(so the kernel thread is not kept waiting for the GIL behind the SDK's socket thread),
``%config CometChatMagics.switch_interval`` controls it, and unloading gives Python's
value back. In a plain InteractiveShell nothing changes.

The effect on cell latency while events stream in is measured by
``bench/bench_kernel.py`` (README, Performance), not here.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from cometchat_nb import InvalidArgumentError
from cometchat_nb.notebook import session
from cometchat_nb.notebook.kernel import KERNEL_SWITCH_INTERVAL, SwitchInterval, in_kernel

from ..support import KERNEL_WAIT


class Kernel:
    """A real ipykernel driven over ZMQ (jupyter_client)."""

    def __init__(self, tmp: Path) -> None:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp / "kernel"))
        env = dict(
            os.environ,
            COMETCHAT_NB_DATA_DIR=str(tmp / "data"),
            COMETCHAT_NB_CONFIG=str(tmp / "config.ini"),
            IPYTHONDIR=str(tmp / "ipython"),
            PYDEVD_DISABLE_FILE_VALIDATION="1",
        )
        self.km.start_kernel(cwd=str(tmp), env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=KERNEL_WAIT)

    def run(self, code: str) -> dict[str, Any]:
        """Execute ``code``; the reply's content (status ok or error)."""
        msg_id = self.kc.execute(code, store_history=False)
        deadline = time.monotonic() + KERNEL_WAIT
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                content: dict[str, Any] = reply["content"]
                return content

    def value(self, expression: str) -> Any:
        msg_id = self.kc.execute("", store_history=False, user_expressions={"x": f"repr({expression})"})
        deadline = time.monotonic() + KERNEL_WAIT
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                x = reply["content"]["user_expressions"]["x"]
                assert x["status"] == "ok", x
                return json.loads(x["data"]["text/plain"].strip("'\""))

    def output(self, code: str) -> str:
        """Execute ``code``; the stream output it produced (e.g. what %config logged), read
        from IOPub up to the kernel's ``idle`` status for this request."""
        msg_id = self.kc.execute(code, store_history=False)
        deadline = time.monotonic() + KERNEL_WAIT
        out: list[str] = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)

    def close(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=False)


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[Kernel]:
    k = Kernel(tmp_path)
    try:
        yield k
    finally:
        k.close()


def near(value: float) -> Any:
    """Python keeps the interval in whole microseconds."""
    return pytest.approx(value, abs=2e-6)


def switch(k: Kernel) -> float:
    return float(k.value("__import__('sys').getswitchinterval()"))


def test_kernel_switch_interval_follows_the_setting(kernel: Kernel) -> None:
    python_default = switch(kernel)
    assert python_default == near(0.005)

    assert kernel.run("%load_ext cometchat_nb")["status"] == "ok"
    assert switch(kernel) == near(KERNEL_SWITCH_INTERVAL)

    assert kernel.run("%config CometChatMagics.switch_interval = 0.002")["status"] == "ok"
    assert switch(kernel) == near(0.002)

    # out of range: refused, nothing changes
    logged = kernel.output("%config CometChatMagics.switch_interval = 5")
    assert "switch_interval must be a number of seconds within (0, 1] or None, got 5" in logged
    assert switch(kernel) == near(0.002)

    # None: Python's own value comes back, and using the layer does not lower it again
    assert kernel.run("%config CometChatMagics.switch_interval = None")["status"] == "ok"
    assert switch(kernel) == near(python_default)
    assert kernel.run("from cometchat_nb.notebook import session; session.live_frame()")["status"] == "ok"
    assert switch(kernel) == near(python_default)

    # never raised above a shorter interval the user chose
    assert kernel.run("import sys; sys.setswitchinterval(0.0001)")["status"] == "ok"
    assert kernel.run("%config CometChatMagics.switch_interval = 0.001")["status"] == "ok"
    assert switch(kernel) == near(0.0001)
    assert kernel.run("%config CometChatMagics.switch_interval = None")["status"] == "ok"
    assert switch(kernel) == near(0.0001)

    # a value the user sets after ours is left alone (until an explicit %config)
    assert kernel.run("sys.setswitchinterval(0.005)")["status"] == "ok"
    assert kernel.run("%config CometChatMagics.switch_interval = 0.002")["status"] == "ok"
    assert switch(kernel) == near(0.002)
    assert kernel.run("sys.setswitchinterval(0.003); session.live_frame()")["status"] == "ok"
    assert switch(kernel) == near(0.003)
    assert kernel.run("%config CometChatMagics.switch_interval = 0.001")["status"] == "ok"
    assert switch(kernel) == near(0.001)

    # unloading gives back the value from before the layer lowered it
    assert kernel.run("%unload_ext cometchat_nb")["status"] == "ok"
    assert switch(kernel) == near(python_default)


def test_plain_shell_keeps_pythons_switch_interval(ip: InteractiveShell) -> None:
    before = sys.getswitchinterval()
    session.live_frame()
    ip.run_line_magic("config", "CometChatMagics.switch_interval = 0.001")
    assert sys.getswitchinterval() == before


def test_configure_refuses_a_bad_switch_interval() -> None:
    for bad in (0, -1, 2, True, "fast", float("nan")):
        with pytest.raises(InvalidArgumentError, match="switch_interval must be a number of seconds"):
            session.configure(switch_interval=bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgumentError):
            SwitchInterval(bad)  # type: ignore[arg-type]


def test_switch_interval_outside_a_kernel_changes_nothing() -> None:
    assert not in_kernel()
    before = sys.getswitchinterval()
    switch = SwitchInterval(0.001)
    switch.apply(force=True)
    assert sys.getswitchinterval() == before
    switch.configure(None)
    assert switch.target is None and sys.getswitchinterval() == before
    switch.restore()  # nothing saved: nothing to give back
    assert sys.getswitchinterval() == before
