"""The logged-in session and how it is saved between runs.

:class:`Session` is what ``login`` gets (the user, ``authToken``, the socket
JWT). The saved form — a JSON object in a
:class:`~cometchat_nb.client.store.SessionStore` — adds the app id, the
install ``deviceId``, the server's settings and the delivery ledger's cursor
(:meth:`~cometchat_nb.client.delivery.DeliveryLedger.to_saved`), so that
``init()`` on the next start restores the user and catches up exactly where
the last run stopped (:func:`saved_session`, :func:`restore_session`).

:class:`SessionSaver` writes it: at once on login, logout, disconnect and
close (on the loop), and at most once a second while the cursor moves (in an
executor thread, since the write ends with an fsync). Snapshots are numbered
and the store keeps only the newest, so a background save that finishes late
never overwrites a newer state, nor brings a session back after logout.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..models import User
from ..protocol import rest
from .delivery import DeliveryLedger
from .store import SessionStore

__all__ = ["SAVE_INTERVAL", "Session", "SessionSaver", "restore_session", "saved_session"]

log = logging.getLogger(__name__)

#: Seconds between background saves while the session changes.
SAVE_INTERVAL = 1.0


@dataclass(slots=True)
class Session:
    """A logged-in user's credentials (the secrets stay out of the repr)."""

    uid: str
    user: User
    auth_token: str = field(repr=False)  # credentials: never in a repr
    jwt: str = field(repr=False)
    logged_in_at: float = 0.0


def saved_session(
    *,
    app_id: str,
    device_id: str | None,
    session: Session | None,
    ledger: DeliveryLedger,
    server_settings: rest.ServerSettings | None,
) -> dict[str, Any]:
    """The saved form of a client's session (the keys ``init()`` reads back)."""
    out: dict[str, Any] = {"appId": app_id}
    if device_id:
        out["deviceId"] = device_id
    if session is not None:
        out.update(
            user=session.user.to_wire(),
            authToken=session.auth_token,
            jwt=session.jwt,
            loggedInAt=session.logged_in_at,
        )
        out.update(ledger.to_saved())
        if server_settings is not None:
            out["settings"] = server_settings.raw
    return out


def restore_session(saved: Mapping[str, Any]) -> tuple[Session, rest.ServerSettings | None] | None:
    """The session and server settings of a saved form; None if it holds no session.

    Raises ``ProtocolError``, ``KeyError`` or ``TypeError`` for one that cannot be read.
    """
    if not (saved.get("authToken") and saved.get("user")):
        return None
    user = User.from_wire(saved["user"])
    settings = rest.ServerSettings.from_wire(saved["settings"]) if saved.get("settings") else None
    session = Session(
        uid=user.uid,
        user=user,
        auth_token=str(saved["authToken"]),
        jwt=str(saved.get("jwt") or ""),
        logged_in_at=float(saved.get("loggedInAt") or time.time()),
    )
    return session, settings


class SessionSaver:
    """Writes one client's session to its store (see the module docstring).

    ``build()`` gives the current saved form (:func:`saved_session`);
    ``ledger.dirty`` says whether it changed since the last write.
    """

    def __init__(
        self, store: SessionStore, build: Callable[[], dict[str, Any]], ledger: DeliveryLedger
    ) -> None:
        self.store = store
        self._build = build
        self._ledger = ledger
        self._lock = threading.Lock()
        self._seq = 0  # the newest snapshot taken
        self._saved_seq = 0  # the newest snapshot written (or the logout that cleared the store)

    def snapshot(self) -> tuple[int, dict[str, Any]]:
        """The session to save and its sequence number (on the loop)."""
        self._seq += 1
        return self._seq, self._build()

    def write(self, seq: int, data: dict[str, Any]) -> None:
        """Save snapshot ``seq`` unless a newer one (or a logout) already reached the store.

        Runs on the loop (:meth:`save_now`) or in an executor thread
        (:meth:`run`): an older snapshot never overwrites a newer one.
        """
        with self._lock:
            if seq <= self._saved_seq:
                return
            self.store.save(data)
            self._saved_seq = seq

    def save_now(self) -> None:
        """Write the current state now (on the loop); an OSError is logged, not raised.

        With nobody logged in only the install ``deviceId`` is saved, and never
        over a session another run saved in the same store.
        """
        try:
            seq, data = self.snapshot()
            if "authToken" not in data:
                if "deviceId" not in data:
                    return
                if (self.store.load() or {}).get("authToken"):
                    return  # never overwrite another run's session with an empty one
            self.write(seq, data)
            self._ledger.dirty = False
        except OSError as exc:
            log.warning("could not save the session: %s", exc)

    def forget(self) -> None:
        """Clear the store (logout); a save still in flight does not bring the session back."""
        with self._lock:
            self._seq += 1
            self._saved_seq = self._seq
            self.store.clear()

    async def run(self) -> None:
        """Save at most once every :data:`SAVE_INTERVAL` seconds while the state changes,
        off the loop (the client cancels this task on close and writes the final state itself)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(SAVE_INTERVAL)
            if not self._ledger.dirty:
                continue
            seq, data = self.snapshot()
            if "authToken" not in data:
                continue
            self._ledger.dirty = False
            try:
                save = loop.run_in_executor(None, self.write, seq, data)
            except RuntimeError:
                # The interpreter is exiting: its executors take no more work. close(),
                # called by the SDK runtime at exit, saves on the loop thread instead.
                self._ledger.dirty = True
                return
            try:
                await save
            except OSError as exc:
                log.warning("could not save the session: %s", exc)
