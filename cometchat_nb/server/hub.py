"""The registry of live, authenticated WebSocket sessions and frame fan-out.

Contract:

* Only authenticated sockets are registered (:meth:`Hub.add`); a user is
  *online* while at least one of their sessions is registered. ``add`` and
  ``remove`` report the first/last transitions so the caller can announce
  presence exactly once.
* :meth:`Hub.send` pushes one pre-encoded UTF-8 JSON frame to many sessions
  with :func:`websockets.asyncio.server.broadcast` (one encoding, no awaiting).
  Sockets that are not open are skipped. A socket whose write buffer grew
  beyond :data:`MAX_WRITE_BUFFER` (a client that stopped reading) is closed
  with 1008 through the ``on_slow`` callback rather than let it eat memory; it
  reconnects and catches up over REST.
* Everything runs on the server's event loop thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.protocol import State

__all__ = ["MAX_WRITE_BUFFER", "Hub", "Session"]

log = logging.getLogger(__name__)

#: Bytes queued for one socket beyond which the client is considered stuck.
MAX_WRITE_BUFFER = 32 * 1024 * 1024


@dataclass(eq=False, slots=True)
class Session:
    """One authenticated socket.

    ``device_id`` is the client's sessionId (the ``deviceId`` of its frames;
    frames it causes carry it so the client can drop its own echo);
    ``token_hash`` names the auth token its JWT was issued for (revoking that
    token closes the socket); ``subscription``/``roles`` are its presence
    subscription (``NONE``, ``ALL_USERS``, ``ROLES``, ``FRIENDS``).
    """

    ws: ServerConnection
    uid: str
    device_id: str
    token_hash: str
    subscription: str = "NONE"
    roles: frozenset[str] = field(default_factory=frozenset)
    frames_in: int = 0


class Hub:
    """uid → live sessions, plus fan-out counters."""

    def __init__(self, on_slow: Callable[[Session], None] | None = None) -> None:
        self._by_uid: dict[str, set[Session]] = {}
        self._on_slow = on_slow
        self.frames_out = 0

    def add(self, session: Session) -> bool:
        """Register ``session``; ``True`` if it is its user's first."""
        sessions = self._by_uid.setdefault(session.uid, set())
        first = not sessions
        sessions.add(session)
        return first

    def remove(self, session: Session) -> bool:
        """Unregister ``session`` (idempotent); ``True`` if it was its user's last."""
        sessions = self._by_uid.get(session.uid)
        if sessions is None or session not in sessions:
            return False
        sessions.discard(session)
        if sessions:
            return False
        del self._by_uid[session.uid]
        return True

    def is_registered(self, session: Session) -> bool:
        return session in self._by_uid.get(session.uid, ())

    def sessions_of(self, uid: str) -> frozenset[Session]:
        return frozenset(self._by_uid.get(uid, ()))

    def sessions_of_many(self, uids: Iterable[str]) -> list[Session]:
        out: list[Session] = []
        for uid in uids:
            out.extend(self._by_uid.get(uid, ()))
        return out

    def all_sessions(self) -> Iterator[Session]:
        for sessions in list(self._by_uid.values()):
            yield from list(sessions)

    def is_online(self, uid: str) -> bool:
        return uid in self._by_uid

    def online_uids(self) -> list[str]:
        return list(self._by_uid)

    def connection_count(self, uid: str | None = None) -> int:
        """Open sockets (of ``uid``): one whose close handshake has begun is not
        counted, so a client that saw the server's close frame sees the count drop
        (the session itself leaves when its socket is gone)."""
        if uid is not None:
            sessions: Iterable[Session] = self._by_uid.get(uid, ())
        else:
            sessions = (s for group in self._by_uid.values() for s in group)
        return sum(1 for s in sessions if s.ws.protocol.state is State.OPEN)

    def send(self, sessions: Iterable[Session], frame: bytes, *, guard: bool = True) -> int:
        """Push one UTF-8 JSON text frame to ``sessions``; returns sockets reached."""
        targets = []
        for s in sessions:
            if s.ws.protocol.state is not State.OPEN:
                continue
            if guard and s.ws.transport.get_write_buffer_size() > MAX_WRITE_BUFFER:
                log.warning("closing a socket of %s: %d bytes unread", s.uid, MAX_WRITE_BUFFER)
                if self._on_slow is not None:
                    self._on_slow(s)
                continue
            targets.append(s.ws)
        if targets:
            broadcast(targets, frame, text=True)
            self.frames_out += len(targets)
        return len(targets)
