"""The reconnect loop: owns the connection state machine of one client.

:class:`Supervisor` keeps at most one :class:`~cometchat_nb.client.connection.Connection`
alive while the app *wants* a socket (:meth:`start`), and none after
:meth:`stop`. Its policy is two injectable pure functions (design.md §5.5):

* ``backoff(attempt) -> seconds`` — default full jitter between the settings'
  ``reconnect_min_delay`` and ``reconnect_max_delay``
  (:meth:`cometchat_nb.protocol.retry.BackoffPolicy.delay`); tests inject ``lambda n: 0``;
* ``is_retryable(exc) -> bool`` — default :func:`default_is_retryable`:
  credentials refused, bad TLS configuration and invalid URLs are terminal;
  network trouble, timeouts and server restarts are retried.

Every state change goes through :meth:`_set`, which checks the transition
table (:mod:`cometchat_nb.protocol.states`) and reports a
:class:`~cometchat_nb.protocol.states.ConnectionStateChange` with the reason,
attempt number and retry delay. When a WS authentication is refused the
supervisor asks ``refresh_credentials()`` once (a new JWT via ``GET me``)
before giving up, like the JS SDK's ``ERR_NO_AUTH`` path.

:meth:`start` makes every attempt on the supervisor's own task.
:meth:`connect_here` (what ``connect()`` uses) makes the first attempt on the
*calling* task and hands over to the supervisor's task after it: a caller that
waits for the result anyway then needs no loop iteration to start a task and
none to be woken (≈50 µs of a 0.6 ms loopback connect). Everything after the
first attempt — watching the connection, backoff, credential refresh, giving
up — is the supervisor task's, as with :meth:`start`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable

from ..errors import AuthError, CometChatException, ErrorCode, InvalidArgumentError, StateError
from ..protocol.frames import CloseCode
from ..protocol.retry import BackoffPolicy
from ..protocol.states import ConnectionState, ConnectionStateChange, check_transition
from .connection import CloseInfo, Connection

__all__ = ["Supervisor", "default_is_retryable"]

log = logging.getLogger(__name__)


def default_is_retryable(exc: BaseException) -> bool:
    """Retry network trouble and server-side restarts; never retry refused credentials."""
    if isinstance(exc, (AuthError, InvalidArgumentError, StateError, ssl.SSLCertVerificationError)):
        return False
    if isinstance(exc, CometChatException):
        return exc.code != ErrorCode.TLS_VERIFY
    return isinstance(exc, (OSError, TimeoutError))


class Supervisor:
    """Connect, watch, reconnect. All methods run on the client's event loop."""

    def __init__(
        self,
        *,
        open_connection: Callable[[], Awaitable[Connection]],
        on_state: Callable[[ConnectionStateChange], None],
        on_connected: Callable[[Connection], None],
        policy: BackoffPolicy,
        backoff: Callable[[int], float] | None = None,
        is_retryable: Callable[[BaseException], bool] = default_is_retryable,
        refresh_credentials: Callable[[], Awaitable[bool]] | None = None,
        on_failure: Callable[[ConnectionStateChange, BaseException, bool], None] | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._open = open_connection
        self._on_state = on_state
        self._on_connected = on_connected
        self._policy = policy
        self._backoff = backoff or (lambda attempt: policy.delay(attempt, rand))
        self._is_retryable = is_retryable
        self._refresh = refresh_credentials
        self._on_failure = on_failure
        self.state = ConnectionState.INITIALIZED
        self.since = time.time()
        self.attempt = 0
        self.retry_in: float | None = None
        self.last_error: BaseException | None = None
        self.last_close: CloseInfo | None = None
        self.connection: Connection | None = None
        self.history: list[ConnectionStateChange] = []
        self.reconnects = 0
        self._want = False
        self._task: asyncio.Task[None] | None = None
        # a first attempt made on a caller's task (connect_here), and whether stop() cancelled it
        self._attempt: asyncio.Task[object] | None = None
        self._attempt_over = asyncio.Event()
        self._attempt_stopped = False
        self._wake = asyncio.Event()
        self._changed = asyncio.Event()
        self._lock = asyncio.Lock()

    # -- public -----------------------------------------------------------------
    def backoff_delay(self, attempt: int) -> float:
        """The (injectable) backoff delay before retry ``attempt`` (1-based)."""
        return self._backoff(attempt)

    @property
    def wanted(self) -> bool:
        """True while the app wants a socket (between start() and stop())."""
        return self._want

    async def start(self) -> None:
        """Want a socket: start connecting (or retry now if waiting for a backoff)."""
        async with self._lock:
            if self._begin():
                self._spawn()

    async def connect_here(self) -> None:
        """:meth:`start`, making the first attempt on the calling task.

        Returns when that attempt is over: connected (reported CONNECTED; the
        supervisor's task watches the connection from now on), or failed (the
        supervisor's task goes on from that failure as if it had made the
        attempt: backoff, refresh, giving up). Returns at once when the
        supervisor is connected, connecting or waiting to retry already (that
        wait is cut short, as by :meth:`start`). :meth:`stop` during the attempt
        cancels it and this returns (the state is then CLOSING or CLOSED, never
        CONNECTED). If the caller is cancelled, the attempt is abandoned and the
        supervisor's task starts over, in the background.
        """
        async with self._lock:
            if not self._begin():
                return
            me = asyncio.current_task()
            assert me is not None, "connect_here() runs in a task"
            self._attempt = me
            self._attempt_over.clear()
        try:
            conn = await self._open()
        except asyncio.CancelledError:
            if not self._attempt_stopped:
                self._spawn()  # the caller gave up waiting, the app still wants a socket
                raise
            if me.uncancel() > 0:  # cancelled by stop() *and* by someone else
                raise
            return
        except Exception as exc:
            self._spawn(exc)
            return
        finally:
            self._attempt = None
            self._attempt_stopped = False
            self._attempt_over.set()
        self._report_connected(conn, again=bool(self.reconnects))
        self._spawn(conn)

    def _begin(self) -> bool:
        """Want a socket; True if a new attempt must start (CONNECTING reported)."""
        self._want = True
        if self._attempt is not None:
            return False  # a caller's first attempt is under way
        if self._task is not None and not self._task.done():
            self._wake.set()  # cut a backoff wait short
            return False
        # report "connecting" now, so callers waiting for a result never see the old state
        self._set(ConnectionState.CONNECTING, attempt=1, reason="connect requested")
        return True

    def _spawn(self, first: Connection | Exception | None = None) -> None:
        """The supervisor's task: from ``first`` (a reported connection or a first attempt's
        failure), else from a new attempt."""
        if self._want:
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(self._run(first), name="cometchat-supervisor")

    async def stop(
        self,
        reason: str = "disconnect() called",
        *,
        code: int = CloseCode.NORMAL,
        error: BaseException | None = None,
    ) -> None:
        """Stop wanting a socket: close it (code ``code``), cancel retries, end in CLOSED. Idempotent.

        With ``error`` (the session became invalid, not the app's choice) it ends in FAILED instead.
        """
        async with self._lock:
            self._want = False
            task, self._task = self._task, None
            attempt = self._attempt
            idle = (task is None or task.done()) and attempt is None
            if idle and (
                self.state in (ConnectionState.INITIALIZED, ConnectionState.CLOSED)
                or (error is None and self.state is ConnectionState.FAILED)
            ):
                return
            if self.state not in (ConnectionState.CLOSING, ConnectionState.CLOSED, ConnectionState.FAILED):
                self._set(ConnectionState.CLOSING, reason=reason)
            conn = self.connection
            if conn is not None:
                await conn.close(code, "User logged out")
            if attempt is not None and attempt is not asyncio.current_task():
                self._attempt_stopped = True
                attempt.cancel()
                await self._attempt_over.wait()
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            self.connection = None
            self.retry_in = None
            if error is not None:
                if self.state is not ConnectionState.FAILED:
                    self._fail(error, 0)
            elif self.state is not ConnectionState.CLOSED:
                self._set(ConnectionState.CLOSED, reason=reason)

    async def wait_for(self, states: set[ConnectionState], timeout: float | None) -> ConnectionState:
        """Wait until the state is one of ``states``; returns it (raises builtin TimeoutError)."""
        if self.state in states:  # e.g. connect_here() connected: no timer to set up
            return self.state
        async with asyncio.timeout(timeout):
            while self.state not in states:
                self._changed.clear()
                await self._changed.wait()
        return self.state

    # -- the loop ------------------------------------------------------------------
    async def _run(self, first: Connection | Exception | None = None) -> None:
        """Connect, watch, reconnect while wanted. ``first``: a connection reported
        CONNECTED already (watch it), or how a first attempt failed (go on from there)."""
        attempt = 0
        outage_started: float | None = None
        refreshed = False
        while self._want:
            attempt += 1
            outcome: Connection | Exception
            if first is not None:
                outcome, first = first, None
            else:
                if self.state is not ConnectionState.CONNECTING:
                    self._set(ConnectionState.CONNECTING, attempt=attempt, reason="opening the web-socket")
                try:
                    outcome = await self._open()
                except asyncio.CancelledError:
                    raise
                except Exception as open_exc:
                    outcome = open_exc
                else:
                    self._report_connected(
                        outcome, again=outage_started is not None or bool(self.reconnects) or attempt > 1
                    )
            if isinstance(outcome, Exception):
                exc: BaseException = outcome
                if not self.wanted:
                    return
                if isinstance(exc, AuthError) and self._refresh is not None and not refreshed:
                    refreshed = True
                    log.info("web-socket auth refused (%s); refreshing credentials once", exc.code)
                    try:
                        if await self._refresh():
                            attempt -= 1
                            continue
                    except Exception as refresh_exc:
                        exc = refresh_exc
                if not self._is_retryable(exc):
                    self._fail(exc, attempt)
                    return
                limit = self._policy.max_attempts
                if limit is not None and attempt >= limit:
                    self._fail(
                        CometChatException(
                            f"gave up reconnecting after {attempt} attempts; last error: {exc}",
                            code=ErrorCode.GAVE_UP,
                            details={"last_error": getattr(exc, "code", type(exc).__name__)},
                        ),
                        attempt,
                        gave_up=True,
                    )
                    return
                now = time.monotonic()
                outage_started = outage_started if outage_started is not None else now
                suspended = now - outage_started >= self._policy.suspend_after
                delay = self._policy.suspended_retry if suspended else self._backoff(attempt)
                self.last_error = exc
                self._set(
                    ConnectionState.SUSPENDED if suspended else ConnectionState.DISCONNECTED,
                    reason=str(exc),
                    code=getattr(exc, "code", type(exc).__name__),
                    attempt=attempt,
                    retry_in=delay,
                )
                await self._sleep(delay)
                continue

            # connected (and reported)
            conn = outcome
            attempt = 0
            outage_started = None
            refreshed = False
            info = await asyncio.shield(conn.closed)
            self.connection = None
            self.last_close = info
            if not self.wanted:
                return
            if CloseCode.is_terminal(info.code):
                failure: BaseException = AuthError(
                    info.reason or "the server ended this session",
                    code=ErrorCode.AUTH_TOKEN_NOT_FOUND
                    if info.code == CloseCode.SESSION_REVOKED
                    else ErrorCode.WS_AUTH_FAIL,
                    details={"close_code": info.code},
                )
                if info.code == CloseCode.AUTH_FAILED and self._refresh is not None:
                    refreshed = True
                    try:
                        if await self._refresh():
                            continue
                    except Exception as refresh_exc:
                        failure = refresh_exc
                self._fail(failure, 0)
                return
            outage_started = time.monotonic()
            if self.state is ConnectionState.CONNECTED:  # else _link_lost reported the drop already
                self._report_drop(info)
            await self._sleep(self.retry_in or 0.0)

    def _report_connected(self, conn: Connection, *, again: bool) -> None:
        """``conn`` is up: report CONNECTED. ``again``: it replaces a lost one (a reconnect)."""
        self.connection = conn
        conn.on_lost = functools.partial(self._link_lost, conn)
        self.last_error = None
        if again:
            self.reconnects += 1
        self._set(ConnectionState.CONNECTED, reason="authenticated")
        self._on_connected(conn)

    def _link_lost(self, conn: Connection, info: CloseInfo) -> None:
        """``conn`` learnt its link is gone (called synchronously by it): report the drop
        now, before any other task runs; a close that ends the session (4001/4003) is
        left to the loop, which refreshes credentials or fails."""
        if (
            conn is self.connection
            and self.state is ConnectionState.CONNECTED
            and self._want
            and not CloseCode.is_terminal(info.code)
        ):
            self._report_drop(info)

    def _report_drop(self, info: CloseInfo) -> None:
        self._set(
            ConnectionState.DISCONNECTED,
            reason=info.reason,
            code=str(info.code),
            attempt=0,
            retry_in=self._backoff(1),
        )

    async def _sleep(self, delay: float) -> None:
        """Wait ``delay`` seconds, or less if start() asks to retry now."""
        self._wake.clear()
        if delay <= 0:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._wake.wait()

    def _fail(self, exc: BaseException, attempt: int, *, gave_up: bool = False) -> None:
        self._want = False
        self.last_error = exc
        self._set(
            ConnectionState.FAILED,
            reason=str(exc),
            code=getattr(exc, "code", type(exc).__name__),
            attempt=attempt,
            error=exc,
            gave_up=gave_up,
        )

    # -- state ---------------------------------------------------------------------
    def _set(
        self,
        new: ConnectionState,
        *,
        reason: str | None = None,
        code: str | None = None,
        attempt: int = 0,
        retry_in: float | None = None,
        error: BaseException | None = None,
        gave_up: bool = False,
    ) -> None:
        old = self.state
        if new is not old:
            check_transition(old, new)
        change = ConnectionStateChange(
            previous=old,
            current=new,
            reason_code=code,
            reason=reason,
            attempt=attempt,
            retry_in=retry_in,
            at=time.time(),
        )
        self.state = new
        self.since = change.at
        self.attempt = attempt
        self.retry_in = retry_in
        self.history.append(change)
        if len(self.history) > 1000:
            del self.history[:100]
        self._changed.set()
        log.debug("connection %s", change)
        self._on_state(change)
        if error is not None and self._on_failure is not None:
            self._on_failure(change, error, gave_up)
