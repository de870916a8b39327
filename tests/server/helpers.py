"""Helpers for the embedded-server tests: the socket-free service (an in-memory
store, a fixed clock, a recording notifier). REST and socket helpers shared with
the reliability tests are in :mod:`tests.support.raw`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from cometchat_nb.server.config import ServerConfig
from cometchat_nb.server.service import Service
from cometchat_nb.server.store import Store

from ..support.raw import JSON

# -- the service without sockets -------------------------------------------------------
#: The fixed time of :func:`memory_service` (epoch seconds).
NOW = 1_700_000_000


@dataclass
class RecordingNotifier:
    """The :class:`~cometchat_nb.server.service.Notifier` of socket-free tests: it
    records what the rules push (decoded) and which sessions they end."""

    pushed: list[tuple[list[str], JSON]] = field(default_factory=list)
    ended: list[tuple[str, str | None, str]] = field(default_factory=list)

    def push(self, uids: Iterable[str], frame: bytes) -> int:
        targets = sorted(uids)
        self.pushed.append((targets, orjson.loads(frame)))
        return len(targets)

    def end_sessions(self, uid: str, token_hash: str | None, reason: str) -> int:
        self.ended.append((uid, token_hash, reason))
        return 0

    def take(self) -> list[tuple[list[str], JSON]]:
        """What was pushed since the last call."""
        out, self.pushed = self.pushed, []
        return out


def memory_service(**config: Any) -> tuple[Service, RecordingNotifier]:
    """A :class:`Service` over an in-memory store (unseeded) at :data:`NOW`; the
    caller closes ``svc.store``."""
    notifier = RecordingNotifier()
    svc = Service(
        Store(":memory:"),
        ServerConfig(**config),
        notifier=notifier,
        secret=b"s" * 32,
        port=8080,
        ws_port=8081,
        clock=lambda: NOW,
    )
    return svc, notifier
