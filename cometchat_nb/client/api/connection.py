"""The connection, as the app sees it: connect, disconnect, wait, state, status.

The supervisor (:mod:`..supervisor`) owns the state machine; these methods
start/stop it and report what it, the catch-up runner and the ledger know.
"""

from __future__ import annotations

import asyncio
import builtins
from typing import Any

from ...errors import CometChatException, ErrorCode, StateError
from ...errors import TimeoutError as SdkTimeoutError
from ...protocol.states import ConnectionState, ConnectionStateChange
from ..catchup import CatchupResult
from .base import ApiBase

__all__ = ["ConnectionApi"]

_BuiltinTimeoutError = builtins.TimeoutError  # what asyncio.timeout() raises


class ConnectionApi(ApiBase):
    """``connect``, ``disconnect``, ``getConnectionStatus``, waits and ``status()``."""

    async def connect(self, timeout: float | None = None) -> None:
        """Open the socket and wait until it is connected (``CometChat.connect``).

        Idempotent. Raises ``StateError`` (USER_NOT_LOGGED_IN) with nobody
        logged in, the terminal error if the connection failed (e.g. refused
        credentials), or ``TimeoutError`` if not connected within ``timeout``
        (default: the settings' connect timeout) — in which case the client
        keeps retrying in the background; :meth:`disconnect` stops it.
        Cancelling it abandons the attempt it is making (its socket is closed)
        and the client starts over in the background, until :meth:`disconnect`.
        """
        loop = self._bind()
        self._need_session("connect()")
        limit = self.settings.connect_timeout if timeout is None else timeout
        deadline = loop.time() + limit
        if limit >= self.settings.connect_timeout:
            # The first attempt is made on this task (no task to start, no wake-up: ≈50 µs of a
            # loopback connect); it ends within connect_timeout, so it cannot outlast the wait.
            await self._supervisor.connect_here()
        else:
            await self._supervisor.start()
        await self._wait_connected(limit, max(0.0, deadline - loop.time()))

    async def _wait_connected(self, limit: float, remaining: float) -> None:
        ending = {ConnectionState.CONNECTED, ConnectionState.FAILED, ConnectionState.CLOSED}
        try:
            state = await self._supervisor.wait_for(ending, remaining)
        except _BuiltinTimeoutError as exc:
            sup = self._supervisor
            raise SdkTimeoutError(
                f"not connected after {limit:g} s (state {sup.state.value}, attempt {sup.attempt}"
                f"{', last error: ' + str(sup.last_error) if sup.last_error else ''}); still retrying",
                code=ErrorCode.WS_CONNECTION_FAIL,
            ) from exc
        if state is ConnectionState.FAILED:
            err = self._supervisor.last_error
            if isinstance(err, CometChatException):
                raise err
            raise CometChatException(f"connection failed: {err}", code=ErrorCode.WS_CONNECTION_FAIL)
        if state is ConnectionState.CLOSED:
            raise StateError(
                "disconnect() was called while connecting", code=ErrorCode.NO_WEBSOCKET_CONNECTION
            )

    async def disconnect(self) -> None:
        """Close the socket and stop reconnecting (``CometChat.disconnect``); idempotent.

        Ends in state CLOSED, reported as "disconnected" with ``onDisconnected``.
        Messages that arrive meanwhile are delivered by the next ``connect()``.
        """
        self._bind()
        await self._supervisor.stop("disconnect() called")
        self._saver.save_now()

    async def wait_for_state(self, *states: ConnectionState, timeout: float | None = None) -> ConnectionState:
        """Wait until the connection is in one of ``states``; raises ``TimeoutError``."""
        self._bind()
        try:
            return await self._supervisor.wait_for(set(states), timeout)
        except _BuiltinTimeoutError as exc:
            raise SdkTimeoutError(
                f"state {self._supervisor.state.value!r} did not become one of "
                f"{sorted(s.value for s in states)} within {timeout} s"
            ) from exc

    async def wait_for_catchup(self, timeout: float | None = 10.0) -> CatchupResult | None:
        """Wait until no catch-up is pending; returns the last result (None if none ran)."""
        self._bind()
        try:
            async with asyncio.timeout(timeout):
                await self._catchup.done.wait()
        except _BuiltinTimeoutError as exc:
            raise SdkTimeoutError(f"catch-up did not finish within {timeout} s") from exc
        return self._catchup.last

    @property
    def last_catchup(self) -> CatchupResult | None:
        """What the last catch-up run did (None before the first one finished)."""
        return self._catchup.last

    @property
    def connection_state(self) -> ConnectionState:
        return self._supervisor.state

    def get_connection_status(self) -> str:
        """``"connecting"``, ``"connected"`` or ``"disconnected"`` (CometChat's vocabulary)."""
        return self._supervisor.state.cometchat_status

    @property
    def state_log(self) -> list[ConnectionStateChange]:
        """Every state change so far (most recent last; the oldest are trimmed past 1000)."""
        return list(self._supervisor.history)

    def get_last_delivered_message_id(self) -> str | None:
        """The highest message id delivered to listeners (``getLastDeliveredMessageId``)."""
        return str(self._ledger.last_id) if self._ledger.last_id else None

    @property
    def duplicates_dropped(self) -> int:
        """Messages not delivered because they already were (live and catch-up overlapping)."""
        return self._ledger.duplicates_dropped

    @property
    def echoes_dropped(self) -> int:
        """Our own frames the server sent back (same ``deviceId``), not delivered."""
        return self._router.echoes_dropped

    def status(self) -> dict[str, Any]:
        """A snapshot for humans and dashboards (``%cometchat_status`` renders it)."""
        sup = self._supervisor
        conn = sup.connection
        ledger = self._ledger
        return {
            "app_id": self.app_id,
            "uid": self.uid,
            "state": sup.state.value,
            "status": sup.state.cometchat_status,
            "since": sup.since,
            "attempt": sup.attempt,
            "retry_in": sup.retry_in,
            "last_error": str(sup.last_error) if sup.last_error else None,
            "last_error_code": getattr(sup.last_error, "code", None),
            "reconnects": sup.reconnects,
            "rtt_ms": round(conn.rtt * 1000, 3) if conn is not None and conn.rtt is not None else None,
            "frames_in": conn.frames_in if conn is not None else 0,
            "queued_out": len(self._outbound),
            "dispatch_backlog": self._dispatcher.backlog,
            "last_message_id": str(ledger.last_id) if ledger.last_id else None,
            "catchup_pending": ledger.catching_up,
            "catchup_gap": ledger.gap,
            "duplicates_dropped": ledger.duplicates_dropped,
            "mode": "auto" if self.settings.auto_establish_socket_connection else "manual",
        }

    # camelCase aliases -------------------------------------------------------------
    getConnectionStatus = get_connection_status
    getLastDeliveredMessageId = get_last_delivered_message_id
