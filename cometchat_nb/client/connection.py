"""One authenticated web-socket session: open + auth, frame reader, keepalive.

The socket is a `picows <https://github.com/tarasko/picows>`_ client: its
frame parser is Cython, and it hands every frame to :meth:`Connection.on_ws_frame`
synchronously from the transport's ``buffer_updated`` — no task switch and no
queue per frame (README "Performance" has the comparison with ``websockets``
and ``aiohttp`` that chose it). picows leaves the message layer to its user,
so this module owns it: fragmented messages are reassembled (up to
``max_size``), a close frame from the server is answered, writes respect the
transport's flow control, and a handshake that is cancelled or times out
closes its socket.

:meth:`Connection.open` connects to the chat host (through a proxy when the
environment names one, see :func:`.dialing.proxy_for`), sends the auth frame and waits
for the server's answer (all within ``open_timeout``). It returns a running
connection or raises:

* :class:`~cometchat_nb.errors.AuthError` — the server refused the JWT
  (terminal: the supervisor refreshes credentials once, then fails);
* :class:`~cometchat_nb.errors.TransportError` /
  :class:`~cometchat_nb.errors.TimeoutError` — anything retryable;
* :class:`~cometchat_nb.errors.InvalidArgumentError` — an invalid URL or proxy.

A running connection decodes every frame on the loop, as it arrives, and
hands it to ``on_frame`` (a plain function that must not block — it only
routes to the dispatcher); its *keepalive* task sends ``{"action":"ping"}``
every ``ping_interval`` seconds and declares the link dead when neither the
``pong`` nor any other frame arrives within ``pong_timeout``. :attr:`closed`
is a future resolved with a :class:`CloseInfo` when the session ends, whoever
ended it; ``on_lost`` (if set) is called with the same kind of :class:`CloseInfo`
*synchronously*, once, the moment the connection learns the link is gone (the
keepalive declares it dead, a send finds it closed, or the socket is gone), so
its owner never reports ``connected`` for a link already known dead. Transport
objects are never reused: each reconnect builds a new
``Connection`` (the stale-session bug class of other SDKs cannot happen).
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
import picows
from picows import WSCloseCode, WSFrame, WSMsgType, WSTransport
from python_socks import ProxyError

from ..errors import AuthError, ErrorCode, InvalidArgumentError, ProtocolError, TransportError
from ..errors import TimeoutError as SdkTimeoutError
from ..protocol import codec
from ..protocol.frames import AuthRequest, AuthResult, CloseCode, Frame, Pong
from . import wire
from .dialing import Dialer, proxy_for, proxy_url
from .wire import TextFrame

__all__ = ["CloseInfo", "Connection"]

log = logging.getLogger(__name__)

# asyncio.timeout() raises the builtin; ours (a subclass) carries a CometChat code.
_BuiltinTimeoutError = builtins.TimeoutError
_PING = orjson.dumps({"action": "ping", "ack": "true"})
_TEXT, _BINARY, _CONTINUATION, _CLOSE = (
    WSMsgType.TEXT,
    WSMsgType.BINARY,
    WSMsgType.CONTINUATION,
    WSMsgType.CLOSE,
)
_CLOSE_TIMEOUT = 2.0  # how long close() waits for the server's close frame


@dataclass(frozen=True, slots=True)
class CloseInfo:
    """How a session ended.

    ``code``/``reason``: the close frame (``1006`` when the link broke without
    one); ``by_client``: we closed it (``disconnect()``, logout, dead link, a
    frame over ``max_size``); ``dead_link``: no pong in time.
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
    if close_code is None and result is None:
        return TransportError("socket closed during authentication", code=ErrorCode.WS_CONNECTION_FAIL)
    return AuthError(message, code=code)


class Connection(picows.WSListener):
    """A live, authenticated socket. Build with :meth:`open`.

    It is also the picows listener of its socket: ``on_ws_frame``,
    ``on_ws_disconnected``, ``pause_writing`` and ``resume_writing`` are
    picows's callbacks, run on the loop.
    """

    def __init__(
        self,
        *,
        on_frame: Callable[[Frame | TextFrame], None],
        ping_interval: float,
        pong_timeout: float,
        max_size: int,
    ) -> None:
        super().__init__()
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._on_frame = on_frame
        self._ping_interval = ping_interval
        self._pong_timeout = pong_timeout
        self._max_size = max_size
        self._transport: WSTransport | None = None
        self._pong = asyncio.Event()
        self._closing_by_client = False
        self._dead_link = False
        self._disconnected = False
        # Until the connection goes live (the loop iteration after open() returned) frames are
        # kept here in order: the auth answer first, then whatever the server sent right after it.
        self._live = False
        self._early: list[bytes] = []
        self._early_arrived: asyncio.Event | None = asyncio.Event()
        self._fragments: list[bytes] | None = None
        self._fragments_size = 0
        self._write_paused = False
        self._drained: asyncio.Future[None] | None = None
        self.closed: asyncio.Future[CloseInfo] = loop.create_future()
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
        on_frame: Callable[[Frame | TextFrame], None],
        ping_interval: float,
        pong_timeout: float,
        max_size: int = 4 * 1024 * 1024,
        proxy: str | Literal[True] | None = True,
    ) -> Connection:
        """Connect, authenticate, start the keepalive. See the module doc for errors.

        ``proxy``: a proxy URL (``http``, ``https``, ``socks5``, ``socks4``),
        None for a direct connection, True to look it up in the environment now
        (:func:`.dialing.proxy_for`). ``max_size``: the largest message accepted from
        the server; a larger one closes the socket with 1009 (and reconnects).
        """
        if proxy is True:
            proxy = proxy_for(url)
        dialer = Dialer(url, early=proxy is None)  # the TCP connect starts now
        conn = cls(
            on_frame=on_frame, ping_interval=ping_interval, pong_timeout=pong_timeout, max_size=max_size
        )
        try:
            async with asyncio.timeout(open_timeout):
                transport, _ = await picows.ws_connect(
                    conn._listener_factory,
                    url,
                    ssl_context=ssl_context if url.startswith("wss://") else None,
                    websocket_handshake_timeout=None,  # bounded by open_timeout
                    enable_auto_ping=False,  # CometChat keepalive is app-level (see _keepalive)
                    enable_auto_pong=True,  # protocol pings from the server are answered
                    max_frame_size=max_size,
                    max_redirects=5,
                    proxy=proxy_url(proxy) if proxy is not None else None,
                    socket_factory=dialer.socket_for,
                    use_aiofastnet=False,  # asyncio's own transports and TLS (see README)
                )
                if conn._transport is None:  # the server closed the socket during the upgrade
                    raise ConnectionResetError("the server closed the socket during the web-socket upgrade")
                transport.send(_TEXT, orjson.dumps(auth.to_wire()))
                await conn._await_auth()
        except BaseException as exc:
            if conn._transport is not None:
                conn._transport.disconnect(False)
            dialer.abort()
            raise _open_error(exc, url, open_timeout) from None
        finally:
            dialer.close_unused()
        conn._start()
        log.debug("web-socket authenticated at %s", url)
        return conn

    def _listener_factory(self, request: object, response: object) -> Connection:
        return self

    async def _await_auth(self) -> AuthResult:
        arrived = self._early_arrived
        assert arrived is not None
        while True:
            while not self._early:
                if self._disconnected:
                    raise _auth_error(None, self._close_code_received())
                arrived.clear()
                await arrived.wait()
            raw = self._early.pop(0)
            try:
                frame = codec.decode(raw, loads=orjson.loads)
            except ProtocolError as exc:
                raise ProtocolError(f"bad answer to the auth frame: {exc.message}") from None
            if isinstance(frame, AuthResult):
                if frame.ok:
                    return frame
                raise _auth_error(frame, None)
            # anything before the auth answer is ignored (the JS SDK does the same)

    def _start(self) -> None:
        self._early_arrived = None
        # Frames start flowing to on_frame, and the keepalive starts, on the next loop iteration,
        # after the caller of open() has taken the connection (the supervisor reports CONNECTED
        # first) — and after connect() has returned to its caller: a task made here would cost
        # that caller ≈10 µs.
        self._loop.call_soon(self._go_live)

    def _go_live(self) -> None:
        early, self._early = self._early, []
        self._live = True
        for data in early:
            self._handle(data)
        if self._disconnected:
            self._finish()
        elif not self.closed.done():
            task = self._loop.create_task(self._keepalive(), name="cometchat-keepalive")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # -- picows callbacks (on the loop) -------------------------------------------
    def on_ws_connected(self, transport: WSTransport) -> None:
        self._transport = transport

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        # Nearly every frame is one whole text message. After a close frame for a protocol error
        # data frames are dropped: picows goes on parsing (and delivers) a frame it refused for
        # max_size until its disconnect, a moment later. After our own close (disconnect(),
        # logout) they are still delivered until the server's close frame: the server sent them
        # before it knew, and the catch-up cursor counts them as seen.
        if (
            frame.msg_type is _TEXT
            and frame.fin
            and (not transport.is_close_frame_sent or self._closing_by_client)
        ):
            data = frame.get_payload_as_bytes()
            if not self._live:
                self._keep_early(data)
                return
            # the body of _handle, inlined (this runs once per frame)
            self.frames_in += 1
            try:
                decoded = wire.decode(data)
            except ProtocolError as exc:
                self.bad_frames += 1
                log.warning("dropped a malformed frame from the server: %s", exc.message)
                return
            if type(decoded) is Pong:
                self._pong.set()
                return
            try:
                self._on_frame(decoded)
            except Exception:
                log.exception("internal error while routing a %s frame", type(decoded).__name__)
            return
        try:
            self._other_frame(transport, frame)
        except Exception:
            log.exception("web-socket reader failed")
            transport.disconnect(False)

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self._disconnected = True
        # picows keeps the error that made it disconnect (a protocol error, a frame over
        # max_size) for wait_disconnected(); take it, or asyncio logs it as never retrieved
        # (not one of self._tasks, which _finish() cancels at once)
        reap = self._loop.create_task(_reap(transport))
        _REAPING.add(reap)
        reap.add_done_callback(_REAPING.discard)
        self._wake_writers()
        if self._early_arrived is not None:
            self._early_arrived.set()  # open() is waiting for the auth answer
        elif self._live:
            self._finish()
        # else: _go_live() delivers what arrived before it, then finishes

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._wake_writers()

    # -- frames -------------------------------------------------------------------
    def _keep_early(self, data: bytes) -> None:
        self._early.append(data)
        if self._early_arrived is not None:
            self._early_arrived.set()

    def _handle(self, data: bytes) -> None:
        """One whole text (or binary) message from the server."""
        self.frames_in += 1
        try:
            decoded = wire.decode(data)
        except ProtocolError as exc:
            self.bad_frames += 1
            log.warning("dropped a malformed frame from the server: %s", exc.message)
            return
        if type(decoded) is Pong:
            self._pong.set()
            return
        try:
            self._on_frame(decoded)
        except Exception:
            log.exception("internal error while routing a %s frame", type(decoded).__name__)

    def _message(self, data: bytes) -> None:
        if self._live:
            self._handle(data)
        else:
            self._keep_early(data)

    def _other_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        """Everything but a whole text frame: fragments, binary, close (picows answers pings)."""
        kind = frame.msg_type
        if transport.is_close_frame_sent and not self._closing_by_client and kind is not _CLOSE:
            return  # closed for a protocol error: only the server's close frame matters now
        if kind is _TEXT or kind is _BINARY:
            if self._fragments is not None:
                self._fail(
                    transport, WSCloseCode.PROTOCOL_ERROR, "a new message began inside a fragmented one"
                )
            elif frame.fin:
                self._message(frame.get_payload_as_bytes())  # binary: CometChat sends text, decode anyway
            else:
                self._fragments = [frame.get_payload_as_bytes()]
                self._fragments_size = frame.payload_size
        elif kind is _CONTINUATION:
            if self._fragments is None:
                self._fail(transport, WSCloseCode.PROTOCOL_ERROR, "a continuation frame without a message")
                return
            self._fragments_size += frame.payload_size
            if self._fragments_size > self._max_size:
                self._fragments = None
                self._fail(transport, WSCloseCode.MESSAGE_TOO_BIG, f"message over {self._max_size} bytes")
                return
            self._fragments.append(frame.get_payload_as_bytes())
            if frame.fin:
                data, self._fragments = b"".join(self._fragments), None
                self._message(data)
        elif kind is _CLOSE:
            if not transport.is_close_frame_sent:
                # answer with the server's code, as RFC 6455 §5.5.1 asks, then end the TCP connection
                code = frame.get_close_code()
                transport.send_close(code if code is not WSCloseCode.NO_INFO else WSCloseCode.OK)
            transport.disconnect()
        # PONG (an answer to a protocol ping we never send): ignored

    def _fail(self, transport: WSTransport, code: WSCloseCode, reason: str) -> None:
        log.warning("closing the web-socket (%d): %s", code.value, reason)
        self._fragments = None
        transport.send_close(code, reason.encode())
        transport.disconnect()

    def _close_code_received(self) -> int | None:
        handshake = self._transport.close_handshake if self._transport is not None else None
        received = handshake.recv if handshake is not None else None
        return received.code.value if received is not None else None

    # -- running ----------------------------------------------------------------
    async def _keepalive(self) -> None:
        while True:
            await asyncio.sleep(self._ping_interval)
            self._pong.clear()
            sent = time.monotonic()
            if not await self._await_pong():
                log.warning("no pong within %.3g s: the link is dead, reconnecting", self._pong_timeout)
                self._dead_link = True
                if self._transport is not None:
                    self._transport.disconnect(False)
                self._report_lost()
                return
            self.rtt = time.monotonic() - sent

    async def _await_pong(self) -> bool:
        """Send a ping and wait for its pong; False when the link is dead.

        The ping is queued even when the socket's send buffers are full (a
        frozen peer): it then never leaves, and no pong comes. Frames received
        while waiting prove the link alive — the pong may be queued behind a
        burst still being read — so the link is dead only after a whole
        ``pong_timeout`` with neither.
        """
        transport = self._transport
        if transport is None or self._disconnected:
            return True  # ending anyway: on_ws_disconnected reports how
        seen = self.frames_in
        transport.send(_TEXT, _PING)
        while True:
            try:
                async with asyncio.timeout(self._pong_timeout):
                    await self._pong.wait()
                return True
            except _BuiltinTimeoutError:
                if self.frames_in == seen:
                    return False
                seen = self.frames_in

    def _finish(self) -> None:
        if self.closed.done():
            return
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        self._report_lost()
        self.closed.set_result(self._close_info())

    def _close_info(self) -> CloseInfo:
        handshake = self._transport.close_handshake if self._transport is not None else None
        received = handshake.recv if handshake is not None else None
        sent = handshake.sent if handshake is not None else None
        if self._dead_link:
            info = CloseInfo(1006, f"no pong within {self._pong_timeout:g} s", by_client=True, dead_link=True)
        elif self._closing_by_client:
            info = CloseInfo(
                sent.code.value if sent else 1000, sent.reason if sent else "closed by client", True
            )
        elif received is not None and (sent is None or (handshake is not None and handshake.recv_then_sent)):
            code = received.code.value
            info = CloseInfo(code, received.reason or f"server closed the socket (code {code})")
        elif sent is not None:  # we ended it: a protocol error or a message over max_size
            info = CloseInfo(
                sent.code.value, sent.reason or f"closed by the client (code {sent.code.value})", True
            )
        else:
            info = CloseInfo(1006, "the connection broke without a close frame")
        return info

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

    def _wake_writers(self) -> None:
        waiter, self._drained = self._drained, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- public -------------------------------------------------------------------
    async def send(self, text: str) -> None:
        """Send one frame; raises :class:`TransportError` (after ``on_lost``) if the socket is gone.

        Waits while the socket's send buffer is over its high-water mark (a
        slow or frozen server), as ``websockets`` and asyncio streams do.
        """
        transport = self._transport
        if transport is None or self._disconnected or transport.is_close_frame_sent:
            raise self._lost_while_sending()
        transport.send(_TEXT, text.encode())
        while self._write_paused and not self._disconnected:
            if self._drained is None:
                self._drained = self._loop.create_future()
            await asyncio.shield(self._drained)
        if self._disconnected:
            raise self._lost_while_sending()

    def _lost_while_sending(self) -> TransportError:
        self._report_lost()
        return TransportError("the web-socket closed while sending", code=ErrorCode.NO_WEBSOCKET_CONNECTION)

    async def close(self, code: int = CloseCode.NORMAL, reason: str = "User logged out") -> CloseInfo:
        """Close cleanly (the server's close frame awaited for 2 s at most) and wait until the
        socket is closed."""
        self._closing_by_client = True
        transport = self._transport
        if transport is not None and not self._disconnected:
            if not transport.is_close_frame_sent:
                transport.send_close(WSCloseCode(code), reason.encode())
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(transport.wait_disconnected()), _CLOSE_TIMEOUT)
            transport.disconnect(False)
            # disconnect(False) closes the socket on a later loop iteration: return once it has
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(transport.wait_disconnected()), 1.0)
        if not self.closed.done():
            # a socket that never went live finishes here (nothing else will)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self.closed), _CLOSE_TIMEOUT)
        if not self.closed.done():
            self._finish()
        return self.closed.result()

    def abort(self) -> None:
        """Drop the link at once (no close handshake)."""
        self._closing_by_client = True
        if self._transport is not None:
            self._transport.disconnect(False)


_REAPING: set[asyncio.Task[None]] = set()  # strong references to the running _reap tasks


async def _reap(transport: WSTransport) -> None:
    with contextlib.suppress(Exception):
        await transport.wait_disconnected()


def _open_error(exc: BaseException, url: str, open_timeout: float) -> BaseException:
    """The CometChat error for a failed :meth:`Connection.open` (others pass through)."""
    if isinstance(
        exc, (AuthError, TransportError, InvalidArgumentError, ProtocolError, asyncio.CancelledError)
    ):
        return exc
    if isinstance(exc, _BuiltinTimeoutError):
        return SdkTimeoutError(
            f"the web-socket at {url} did not open and authenticate within {open_timeout:g} s",
            code=ErrorCode.WS_CONNECTION_FAIL,
        )
    if isinstance(exc, (picows.WSInvalidURL, ValueError)):  # ValueError: e.g. a port out of range
        return InvalidArgumentError(f"invalid web-socket URL {url!r}: {exc}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TransportError(
            f"TLS certificate of {url} is not trusted ({exc.verify_message}); "
            "pass the server's CA file with AppSettingsBuilder().setVerify(path)",
            code=ErrorCode.TLS_VERIFY,
        )
    if isinstance(exc, (OSError, picows.WSError, ProxyError, EOFError)):
        return TransportError(
            f"cannot open the web-socket at {url}: {type(exc).__name__}: {exc}",
            code=ErrorCode.WS_CONNECTION_FAIL,
        )
    return exc
