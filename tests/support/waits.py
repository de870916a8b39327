"""The bounds of every wait in the tests (seconds). A bound only delays the report of a
failure: a passing test waits for its event, never for the bound."""

from __future__ import annotations

from typing import Final

__all__ = ["KERNEL_WAIT", "RESTART_WAIT", "WAIT"]

#: any wait on an event: a frame, a listener call, a state, an idle dispatcher
WAIT: Final = 10.0
#: a server process killed, frozen or restarted, a reconnect through injected faults
#: (the reliability tests: a subprocess start plus backoff on a loaded 2-core machine)
RESTART_WAIT: Final = 15.0
#: a real Jupyter kernel starting and answering over ZMQ
KERNEL_WAIT: Final = 60.0
