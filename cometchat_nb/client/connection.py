"""One authenticated web-socket session: open + auth, reader task, keepalive.

:meth:`Connection.open` connects to the chat host, sends the auth frame and
waits for the server's answer (all within ``open_timeout``). It returns a
running connection or raises:

* :class:`~cometchat_nb.errors.AuthError` — the server refused the JWT
  (terminal: the supervisor refreshes credentials once, then fails);
* :class:`~cometchat_nb.errors.TransportError` /
  :class:`~cometchat_nb.errors.TimeoutError` — anything retryable.

A running connection has two tasks: the *reader*, which decodes every frame
and hands it to ``on_frame`` (a plain function that must not block — it only
routes to the dispatcher), and the *keepalive*, which sends
``{"action":"ping"}`` every ``ping_interval`` seconds and declares the link
dead when no ``pong`` arrives within ``pong_timeout``. :attr:`closed` is a
future resolved with a :class:`CloseInfo` when the session ends, whoever
ended it; ``on_lost`` (if set) is called with the same kind of :class:`CloseInfo`
*synchronously*, once, the moment the connection learns the link is gone (the
keepalive declares it dead, a send finds it closed, or the reader ends), so its
owner never reports ``connected`` for a link already known dead. Transport
objects are never reused: each reconnect builds a new ``Connection`` (the
stale-session bug class of other SDKs cannot happen).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.proxy import get_proxy
from websockets.uri import parse_uri

from ..errors import AuthError, ErrorCode, InvalidArgumentError, ProtocolError, TransportError
from ..errors import TimeoutError as SdkTimeoutError
from ..protocol import frames
from ..protocol.frames import AuthRequest, AuthResult, CloseCode, Frame, Pong

__all__ = ["CloseInfo", "Connection"]

log = logging.getLogger(__name__)

# asyncio.timeout() raises the builtin; ours (a subclass) carries a CometChat code.
_BuiltinTimeoutError = builtins.TimeoutError
_PING = orjson.dumps({"action": "ping", "ack": "true"}).decode()


@dataclass(frozen=True, slots=True)
class CloseInfo:
    """How a session ended.

    ``code``/``reason``: the close frame (``1006`` when the link broke without
    one); ``by_client``: we closed it (``disconnect()``, logout, dead link);
    ``dead_link``: no pong in time.
    """

    code: int | None
    reason: str
    by_client: bool = False
    dead_link: bool = False


def _auth_error(result: AuthResult | None, close_code: int | None) -> Exception:
    err = result.error if result is not None and result.error else {}
    code = str(err.get("code") or ErrorCode.WS_AUTH_FAIL)
    message = str(err.get("message") or "The server refused the web-socket authentication.")
    if (result is not None and result.code.startswith("5")) or code == ErrorCode.SERVICE_UNAVAILABLE:
        return TransportError(message, code=code)  # server busy: retry
    if close_code is not None and not CloseCode.is_terminal(close_code) and result is None:
        return TransportError(f"socket closed during authentication (code {close_code})")
    return AuthError(message, code=code)


def proxy_for(url: str) -> str | Literal[True] | None:
    """The proxy for a socket to ``url`` from the environment (``*_proxy`` / ``no_proxy``).

    ``websockets.connect`` looks this up on every connect, which reads and
    decodes the whole environment twice (about 0.25 ms, a tenth of a loopback
    connect); a client asks once per URL instead, as httpx does once per
    client. True (let ``connect`` decide, and report) for a URL it cannot parse.
    """
    try:
        return get_proxy(parse_uri(url))
    except (InvalidURI, ValueError):
        return True


class Connection:
    """A live, authenticated socket. Build with :meth:`open`."""

    def __init__(
        self,
        ws: ClientConnection,
        *,
        on_frame: Callable[[Frame], None],
        ping_interval: float,
        pong_timeout: float,
    ) -> None:
        self._ws = ws
        self._on_frame = on_frame
        self._ping_interval = ping_interval
        self._pong_timeout = pong_timeout
        self._pong = asyncio.Event()
        self._closing_by_client = False
        self._dead_link = False
        self.closed: asyncio.Future[CloseInfo] = asyncio.get_running_loop().create_future()
        self.opened_at = time.time()
        self.last_rx = time.monotonic()
        self.rtt: float | None = None
        self.frames_in = 0
        self.bad_frames = 0
        self.on_lost: Callable[[CloseInfo], None] | None = None
        self._lost = False
        self._tasks: set[asyncio.Task[None]] = set()

    # -- opening ----------------------------------------------------------------
    @classmethod
    async def open(
        cls,
        url: str,
        auth: AuthRequest,
        *,
        ssl_context: ssl.SSLContext | None,
        open_timeout: float,
        on_frame: Callable[[Frame], None],
        ping_interval: float,
        pong_timeout: float,
        max_size: int = 4 * 1024 * 1024,
        proxy: str | Literal[True] | None = True,
    ) -> Connection:
        """Connect, authenticate, start the reader and keepalive. See the module doc for errors.

        ``proxy``: as ``websockets.connect`` takes it (True: look it up in the
        environment now; see :func:`proxy_for`).
        """
        try:
            async with asyncio.timeout(open_timeout):
                ws = await connect(
                    url,
                    ssl=ssl_context if url.startswith("wss://") else None,
                    compression=None,
                    ping_interval=None,  # CometChat keepalive is app-level (see _keepalive)
                    open_timeout=None,
                    close_timeout=2,
                    max_size=max_size,
                    max_queue=64,
                    user_agent_header=None,
                    proxy=proxy,
                )
                try:
                    await ws.send(orjson.dumps(auth.to_wire()).decode())
                    result = await cls._await_auth(ws)
                except BaseException:
                    ws.transport.abort()
                    raise
        except _BuiltinTimeoutError:
            raise SdkTimeoutError(
                f"the web-socket at {url} did not open and authenticate within {open_timeout:g} s",
                code=ErrorCode.WS_CONNECTION_FAIL,
            ) from None
        except InvalidURI as exc:
            raise InvalidArgumentError(f"invalid web-socket URL {url!r}: {exc}") from None
        except ssl.SSLCertVerificationError as exc:
            raise TransportError(
                f"TLS certificate of {url} is not trusted ({exc.verify_message}); "
                "pass the server's CA file with AppSettingsBuilder().setVerify(path)",
                code=ErrorCode.TLS_VERIFY,
            ) from None
        except (OSError, InvalidHandshake) as exc:
            raise TransportError(
                f"cannot open the web-socket at {url}: {type(exc).__name__}: {exc}",
                code=ErrorCode.WS_CONNECTION_FAIL,
            ) from None
        conn = cls(ws, on_frame=on_frame, ping_interval=ping_interval, pong_timeout=pong_timeout)
        conn._start()
        log.debug("web-socket authenticated at %s", url)
        del result
        return conn

    @staticmethod
    async def _await_auth(ws: ClientConnection) -> AuthResult:
        while True:
            try:
                raw = await ws.recv()
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else None
                raise _auth_error(None, code) from None
            try:
                frame = frames.decode(raw, loads=orjson.loads)
            except ProtocolError as exc:
                raise ProtocolError(f"bad answer to the auth frame: {exc.message}") from None
            if isinstance(frame, AuthResult):
                if frame.ok:
                    return frame
                raise _auth_error(frame, None)
            # anything before the auth answer is ignored (the JS SDK does the same)

    def _start(self) -> None:
        for coro, name in ((self._reader(), "reader"), (self._keepalive(), "keepalive")):
            task = asyncio.get_running_loop().create_task(coro, name=f"cometchat-{name}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # -- running ----------------------------------------------------------------
    async def _reader(self) -> None:
        ws = self._ws
        on_frame = self._on_frame
        decode = frames.decode
        loads = orjson.loads
        try:
            async for data in ws:
                self.frames_in += 1
                try:
                    frame = decode(data, loads=loads)
                except ProtocolError as exc:
                    self.bad_frames += 1
                    log.warning("dropped a malformed frame from the server: %s", exc.message)
                    continue
                if type(frame) is Pong:
                    self._pong.set()
                    continue
                try:
                    on_frame(frame)
                except Exception:
                    log.exception("internal error while routing a %s frame", type(frame).__name__)
        except ConnectionClosed:
            pass
        except Exception:
            log.exception("web-socket reader failed")
            self._ws.transport.abort()
        finally:
            self._finish()

    async def _keepalive(self) -> None:
        try:
            while True:
                await asyncio.sleep(self._ping_interval)
                self._pong.clear()
                sent = time.monotonic()
                if not await self._await_pong():
                    log.warning("no pong within %.3g s: the link is dead, reconnecting", self._pong_timeout)
                    self._dead_link = True
                    self._ws.transport.abort()
                    self._report_lost()
                    return
                self.rtt = time.monotonic() - sent
        except ConnectionClosed:
            return

    async def _await_pong(self) -> bool:
        """Send a ping and wait for its pong; False when the link is dead.

        The send has its own deadline: on a link whose send buffers are full
        (a frozen peer) the write itself blocks, and that counts as a missing
        pong. Frames received while waiting prove the link alive — the pong
        may be queued behind a burst the reader is still working through — so
        the link is dead only after a whole ``pong_timeout`` with neither.
        """
        seen = self.frames_in
        try:
            async with asyncio.timeout(self._pong_timeout):
                await self._ws.send(_PING)
        except _BuiltinTimeoutError:
            return False
        while True:
            try:
                async with asyncio.timeout(self._pong_timeout):
                    await self._pong.wait()
                return True
            except _BuiltinTimeoutError:
                if self.frames_in == seen:
                    return False
                seen = self.frames_in

    def _close_info(self) -> CloseInfo:
        ws = self._ws
        rcvd = ws.protocol.close_rcvd
        sent = ws.protocol.close_sent
        if self._dead_link:
            return CloseInfo(1006, f"no pong within {self._pong_timeout:g} s", by_client=True, dead_link=True)
        if self._closing_by_client:
            return CloseInfo(sent.code if sent else 1000, sent.reason if sent else "closed by client", True)
        if rcvd is not None:
            return CloseInfo(rcvd.code, rcvd.reason or f"server closed the socket (code {rcvd.code})")
        return CloseInfo(1006, "the connection broke without a close frame")

    def _report_lost(self) -> None:
        # Synchronously, not through the ``closed`` future: a future's waiters run a
        # loop turn later, and a caller that does not yield between sends (on Python
        # >= 3.12 ``asyncio.wait_for`` runs its coroutine inline) would meanwhile see
        # ``connected`` over a dead link.
        if self._lost:
            return
        self._lost = True
        if self.on_lost is not None:
            self.on_lost(self._close_info())

    def _finish(self) -> None:
        if self.closed.done():
            return
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        self._report_lost()
        self.closed.set_result(self._close_info())

    # -- public -------------------------------------------------------------------
    async def send(self, text: str) -> None:
        """Send one frame; raises :class:`TransportError` (after ``on_lost``) if the socket is gone."""
        try:
            await self._ws.send(text)
        except ConnectionClosed:
            self._report_lost()
            raise TransportError(
                "the web-socket closed while sending", code=ErrorCode.NO_WEBSOCKET_CONNECTION
            ) from None

    async def close(self, code: int = CloseCode.NORMAL, reason: str = "User logged out") -> CloseInfo:
        """Close cleanly (bounded by the close timeout) and wait for the reader to finish
        and the socket to be closed."""
        self._closing_by_client = True
        with contextlib.suppress(Exception):
            await self._ws.close(code, reason)
        if not self.closed.done():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self.closed), 2.0)
        if not self.closed.done():
            self._ws.transport.abort()
            self._finish()
            # abort() closes the socket on a later loop iteration: return once it has
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.wait_closed(), 1.0)
        return self.closed.result()

    def abort(self) -> None:
        """Drop the link at once (no close handshake)."""
        self._closing_by_client = True
        self._ws.transport.abort()
