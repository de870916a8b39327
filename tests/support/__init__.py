"""Helpers shared by the test directories (plain modules, not conftests: a test never
imports another directory's conftest).

==============  ===================================================================
``waits``       ``WAIT`` (every wait), ``RESTART_WAIT`` (faults), ``KERNEL_WAIT``
``events``      ``Recorder`` (an event sink to wait on), ``idle``, ``check_truthful``
``clients``     ``settings_for(server)``, ``settings_at(url)``, ``new_client``, ``FlakyTransport``
``raw``         the wire below the SDK: ``Rest``, ``Sock``, ``Login``, ``auth_frame``
``wire``        sample wire objects (users, the text message of protocol.md §3.5)
``sans_io``     driving the client's engines with no socket and no loop
``jupyter``     ``start_lab``: a JupyterLab process, returned once its port is bound
``loopback``    the session's guard: no connect or name lookup leaves 127.0.0.1
==============  ===================================================================

Fixtures stay in the conftests (the root one has ``server``); helpers go here.
"""

from __future__ import annotations

from .clients import FlakyTransport as FlakyTransport
from .clients import MakeClient as MakeClient
from .clients import new_client as new_client
from .clients import settings_at as settings_at
from .clients import settings_for as settings_for
from .events import Recorder as Recorder
from .events import check_truthful as check_truthful
from .events import idle as idle
from .waits import KERNEL_WAIT as KERNEL_WAIT
from .waits import RESTART_WAIT as RESTART_WAIT
from .waits import WAIT as WAIT

__all__ = [
    "KERNEL_WAIT",
    "RESTART_WAIT",
    "WAIT",
    "FlakyTransport",
    "MakeClient",
    "Recorder",
    "check_truthful",
    "idle",
    "new_client",
    "settings_at",
    "settings_for",
]
