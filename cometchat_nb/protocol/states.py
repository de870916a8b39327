"""Connection states, the transition table, and the state-change event (sans-I/O).

States (Ably's set, mapped onto CometChat's three callbacks)::

    INITIALIZED ──connect──► CONNECTING ──auth OK──► CONNECTED
         ▲                      │  ▲                    │
         │                 fail │  │ retry timer        │ drop / dead link
         │                      ▼  │                    ▼
       (new)               DISCONNECTED ◄───────────────┘
                                │ after ``suspend_after`` seconds of failures
                                ▼
                           SUSPENDED (slower retries)

    CONNECTING/CONNECTED/DISCONNECTED/SUSPENDED ──disconnect()──► CLOSING ──► CLOSED
                                                   (the app asked; no retry; FAILED → CLOSED directly)
    any but CLOSED ──auth refused / gave up──► FAILED   (terminal until the next connect())

A change to the same state is an *update* (new retry delay or attempt) and
is not checked against the table.

:data:`TRANSITIONS` is the whole table; :func:`check_transition` raises a
:class:`~cometchat_nb.errors.StateError` naming both states for anything
else, so a bug in the supervisor shows up as a sentence, not a stuck client.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from ..errors import ErrorCode, StateError

__all__ = [
    "COMETCHAT_STATUS",
    "TRANSITIONS",
    "ConnectionState",
    "ConnectionStateChange",
    "check_transition",
]


class ConnectionState(enum.Enum):
    """Where a client's web-socket is in its life."""

    INITIALIZED = "initialized"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    SUSPENDED = "suspended"
    CLOSING = "closing"
    CLOSED = "closed"
    FAILED = "failed"

    @property
    def cometchat_status(self) -> str:
        """The value ``CometChat.getConnectionStatus()`` reports for this state."""
        return COMETCHAT_STATUS[self]

    def __str__(self) -> str:
        return self.value


_S = ConnectionState

#: ``getConnectionStatus()`` speaks only "connecting", "connected", "disconnected".
COMETCHAT_STATUS: Final = {
    _S.INITIALIZED: "disconnected",
    _S.CONNECTING: "connecting",
    _S.CONNECTED: "connected",
    _S.DISCONNECTED: "disconnected",
    _S.SUSPENDED: "disconnected",
    _S.CLOSING: "disconnected",
    _S.CLOSED: "disconnected",
    _S.FAILED: "disconnected",
}

#: Allowed transitions: state → states it may move to.
TRANSITIONS: Final[dict[ConnectionState, frozenset[ConnectionState]]] = {
    _S.INITIALIZED: frozenset({_S.CONNECTING, _S.CLOSED, _S.FAILED}),
    _S.CONNECTING: frozenset({_S.CONNECTED, _S.DISCONNECTED, _S.SUSPENDED, _S.CLOSING, _S.CLOSED, _S.FAILED}),
    _S.CONNECTED: frozenset({_S.DISCONNECTED, _S.CLOSING, _S.CLOSED, _S.FAILED}),
    _S.DISCONNECTED: frozenset({_S.CONNECTING, _S.SUSPENDED, _S.CLOSING, _S.CLOSED, _S.FAILED}),
    _S.SUSPENDED: frozenset({_S.CONNECTING, _S.CLOSING, _S.CLOSED, _S.FAILED}),
    _S.CLOSING: frozenset({_S.CLOSED, _S.FAILED}),
    _S.CLOSED: frozenset({_S.CONNECTING}),
    _S.FAILED: frozenset({_S.CONNECTING, _S.CLOSED}),
}


def check_transition(current: ConnectionState, new: ConnectionState) -> None:
    """Raise :class:`StateError` unless ``current → new`` is in :data:`TRANSITIONS`."""
    if new not in TRANSITIONS[current]:
        raise StateError(
            f"Cannot move the connection from {current.value!r} to {new.value!r}.",
            code=ErrorCode.INVALID_STATE_TRANSITION,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionStateChange:
    """One state change, with why it happened and what comes next.

    ``reason_code`` is a CometChat-style code (or a close code as a string)
    and ``reason`` a sentence; ``attempt`` counts consecutive connection
    attempts (1 for the first); ``retry_in`` is the delay in seconds before
    the next attempt when one is scheduled; ``at`` is the wall-clock time
    (epoch seconds) of the change.
    """

    previous: ConnectionState
    current: ConnectionState
    reason_code: str | None = None
    reason: str | None = None
    attempt: int = 0
    retry_in: float | None = None
    at: float = 0.0

    @property
    def is_update(self) -> bool:
        """True when the state did not change, only the conditions (e.g. a new retry delay)."""
        return self.previous is self.current

    def __str__(self) -> str:
        parts = [f"{self.previous.value} → {self.current.value}"]
        if self.reason:
            parts.append(f"reason={self.reason!r}")
        if self.reason_code:
            parts.append(f"code={self.reason_code}")
        if self.attempt:
            parts.append(f"attempt={self.attempt}")
        if self.retry_in is not None:
            parts.append(f"retry_in={self.retry_in:.2f}s")
        return " ".join(parts)
