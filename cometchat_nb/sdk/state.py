"""The facade's state: the default client, the listeners kept across re-init, blocking calls.

Every ``CometChat`` method runs its coroutine on the SDK loop thread through
:func:`run` (:meth:`cometchat_nb.runtime.SdkRuntime.run`), with a bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Final

from ..client.client import Client
from ..client.dispatch import Sink
from ..errors import ErrorCode, StateError
from ..listeners import Listener
from ..runtime import SdkRuntime, get_runtime

__all__ = ["NETWORK_TIMEOUT", "FacadeState", "current_client", "run", "state"]

#: default timeout (seconds) of blocking calls; connect adds the settings' connect timeout
NETWORK_TIMEOUT: Final = 30.0


class FacadeState:
    """State behind the facade: the default client and listeners kept across re-init."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.client: Client | None = None
        self.listeners: dict[tuple[str, str], Listener] = {}
        self.sinks: dict[Sink, bool | None] = {}  # sink -> its ``inline`` argument
        self.runtime: SdkRuntime = get_runtime()


#: the one facade state of the process
state = FacadeState()


def current_client() -> Client:
    """The default client; ``StateError`` (``COMETCHAT_INITIALIZATION_NOT_DONE``) before init."""
    client = state.client
    if client is None:
        raise StateError(
            "Please call CometChat.init(appId, appSettings) before using CometChat.",
            code=ErrorCode.NOT_INITIALIZED,
        )
    return client


def run(coro_factory: Callable[[Client], Any], what: str, timeout: float | None = NETWORK_TIMEOUT) -> Any:
    """Run ``coro_factory(client)`` on the SDK loop and return its result (``what`` names it in errors)."""
    client = current_client()
    return state.runtime.run(coro_factory(client), timeout, what=what)
