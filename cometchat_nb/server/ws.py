"""The WebSocket side of the embedded server (protocol.md §4): socket auth,
app-level pings, relaying, presence, and the fan-out door of the rules.

It runs on a websockets server on its own port (websockets parses only GET
requests). The first frame must be ``auth`` (JWT from ``PUT me``) within
``auth_timeout`` seconds; then app-level pings are answered, typing/transient
frames relayed and receipts stored and relayed. Messages are never sent over
the socket by clients: ``POST messages`` stores them and the rules fan a
``message`` frame out to every socket of every recipient through
:meth:`SocketServer.push` (one encoding, :func:`websockets.asyncio.server.broadcast`).
A user's first authenticated socket announces ``online``, the last one to close
``offline`` (:mod:`.service.presence` says to whom).

WebSocket close codes (see :class:`~cometchat_nb.protocol.frames.CloseCode`):
1001 shutdown, 1008 too many malformed frames or a client too slow to read,
1009 frame over ``max_frame_bytes``, 1013 auth refused by the
``refuse_next_auths`` fault hook (retry later), 4000 asked to reconnect
(``drop_all_sockets``), 4001 bad credentials, 4002 no auth frame in time, 4003
session revoked (logout or token revocation).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Literal

import orjson
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from ..errors import ApiError, ErrorCode, ProtocolError
from ..models import User
from ..protocol import codec, frames
from ..protocol.frames import CloseCode
from .config import MAX_BAD_FRAMES, ServerConfig
from .faults import Faults
from .hub import Hub, Session
from .service import Service, auth, presence, relays
from .service.core import frame_bytes

__all__ = ["QuietLogger", "SocketServer"]

log = logging.getLogger(__name__)

JSON = dict[str, Any]
#: An error to answer a refused frame with: (code, message).
Problem = tuple[str, str]


class QuietLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """websockets logs every connection opening and closing at INFO; for a chat
    server that is per-connection noise, so it goes to DEBUG. Warnings and
    errors are kept."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        super().log(logging.DEBUG if level == logging.INFO else level, msg, *args, **kwargs)


def _parse(raw: str | bytes) -> tuple[JSON | None, str | None]:
    """A text frame's JSON object, or ``None`` and why not."""
    if isinstance(raw, bytes):
        return None, "binary frames are not supported; send JSON text frames"
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None, "frame is not valid JSON"
    if not isinstance(obj, dict):
        return None, "a frame must be a JSON object"
    return obj, None


class SocketServer:
    """Handles every socket (:meth:`handle` is the websockets handler) and keeps
    the registry of authenticated ones (:attr:`hub`).

    ``spawn`` runs a coroutine as a task the server cancels on stop. :attr:`service`
    is set once the store is open; it is also the :class:`~.service.Notifier` the
    rules push frames and end sessions through.
    """

    def __init__(
        self, config: ServerConfig, faults: Faults, spawn: Callable[[Coroutine[Any, Any, Any]], None]
    ) -> None:
        self.config = config
        self.hub = Hub(on_slow=self._close_slow)
        self.service: Service | None = None
        self.frames_in = 0
        self._faults = faults
        self._spawn = spawn
        self._pong_frame = orjson.dumps(frames.Pong().to_wire())

    @property
    def _svc(self) -> Service:
        if self.service is None:
            raise RuntimeError("the server is not running")
        return self.service

    # -- the Notifier of the rules ------------------------------------------------------
    def push(self, uids: Iterable[str], frame: bytes) -> int:
        """Send one encoded frame to every socket of ``uids``; returns sockets reached."""
        return self.hub.send(self.hub.sessions_of_many(uids), frame)

    def end_sessions(self, uid: str, token_hash: str | None, reason: str) -> int:
        """Close (4003) ``uid``'s sockets, those of one auth token or all; returns how many."""
        if token_hash is None:
            return self._close_sessions(lambda s: s.uid == uid, reason)
        return self._close_sessions(lambda s: s.uid == uid and s.token_hash == token_hash, reason)

    def _close_sessions(self, which: Callable[[Session], bool], reason: str) -> int:
        victims = [s for s in self.hub.all_sessions() if which(s)]
        gone = {s.uid for s in victims if self.hub.remove(s)}
        self.went_offline(gone)
        for s in victims:
            self._spawn(s.ws.close(CloseCode.SESSION_REVOKED, reason))
        return len(victims)

    def _close_slow(self, session: Session) -> None:
        if self.hub.remove(session):
            self.went_offline({session.uid})
        self._spawn(session.ws.close(CloseCode.POLICY_VIOLATION, "client too slow: frames unread"))

    def forget_all(self) -> None:
        """Unregister every session at once (their users go offline); the caller closes the sockets."""
        sessions = list(self.hub.all_sessions())
        for s in sessions:
            self.hub.remove(s)
        self.went_offline({s.uid for s in sessions})

    # -- presence ----------------------------------------------------------------------
    def went_offline(self, uids: Iterable[str]) -> None:
        """Announce ``offline`` for each of ``uids`` with no socket left (nothing once the store closed)."""
        if self.service is None or self.service.store.closed:
            return
        for uid in uids:
            if not self.hub.is_online(uid):
                self.announce(uid, "offline")

    def announce(self, uid: str, action: Literal["online", "offline"]) -> None:
        targets, frame = presence.announce(self._svc, uid, action, self.hub.all_sessions())
        if targets:
            self.hub.send(targets, frame)

    # -- one socket ------------------------------------------------------------------
    async def handle(self, ws: ServerConnection) -> None:
        """The websockets handler: authenticate, then serve frames until the socket closes."""
        session: Session | None = None
        try:
            session = await self._authenticate(ws)
            if session is not None:
                await self._serve(session)
        except ConnectionClosed:
            pass
        finally:
            if session is not None and self.hub.remove(session):
                self.went_offline({session.uid})

    async def _send_error(self, ws: ServerConnection, code: str, message: str) -> None:
        error = frames.ErrorFrame(app_id=self.config.app_id, code=code, message=message)
        await ws.send(frame_bytes(error), text=True)

    async def _pong(self, ws: ServerConnection) -> None:
        if not self._faults.stall_pongs:
            await ws.send(self._pong_frame, text=True)

    async def _authenticate(self, ws: ServerConnection) -> Session | None:
        """Wait for the auth frame (answering pings meanwhile); ``None`` if the
        socket was refused and closed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.auth_timeout
        bad = 0
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    raw = await ws.recv()
            except TimeoutError:
                await ws.close(CloseCode.AUTH_TIMEOUT, "no auth frame in time")
                return None
            self.frames_in += 1
            obj, problem = _parse(raw)
            if obj is not None and obj.get("type") == "auth":
                return await self._auth(ws, obj)
            if obj is not None and obj.get("action") == "ping" and "type" not in obj:
                await self._pong(ws)
                continue
            bad += 1
            if bad > MAX_BAD_FRAMES:
                await ws.close(CloseCode.POLICY_VIOLATION, "too many frames before auth")
                return None
            await self._send_error(
                ws, ErrorCode.PROTOCOL_ERROR, problem or "authenticate first: send an auth frame with the JWT"
            )

    async def _refuse(self, ws: ServerConnection, code: str, message: str) -> None:
        log.info("socket auth refused (%s): %s", code, message)
        result = frames.AuthResult(
            app_id=self.config.app_id, code="401", status="ERROR", error={"code": code, "message": message}
        )
        await ws.send(frame_bytes(result), text=True)
        await ws.close(CloseCode.AUTH_FAILED, "authentication failed")

    async def _auth(self, ws: ServerConnection, obj: JSON) -> Session | None:
        app_id = self.config.app_id
        if self._faults.take_auth_refusal():
            busy = {"code": ErrorCode.SERVICE_UNAVAILABLE, "message": "The server is busy; try again later."}
            result = frames.AuthResult(app_id=app_id, code="503", status="ERROR", error=busy)
            await ws.send(frame_bytes(result), text=True)
            await ws.close(1013, "try again later")  # 1013: try again later (RFC 6455 registry)
            return None
        try:
            frame = codec.decode_object(obj)
        except ProtocolError as exc:
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, exc.message)
            return None
        if not isinstance(frame, frames.AuthRequest):
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, "the auth frame has no 'body.auth' JWT")
            return None
        try:
            uid, tid = auth.socket_identity(self._svc, frame.jwt)
        except ApiError as exc:
            await self._refuse(ws, exc.code, exc.message)
            return None
        if frame.app_id is not None and frame.app_id != app_id:
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, "The frame's appId does not match the server's.")
            return None
        if frame.sender is not None and frame.sender != uid:
            await self._refuse(ws, ErrorCode.WS_AUTH_FAIL, "The frame's sender does not match the JWT.")
            return None
        session = Session(
            ws=ws,
            uid=uid,
            device_id=frame.device_id or f"srv-{secrets.token_hex(8)}",
            token_hash=tid,
            subscription=frame.presence_subscription,
            roles=frozenset(frame.roles),
        )
        first = self.hub.add(session)
        # Sent synchronously right after registration, so no message frame can
        # overtake the auth answer (and none is missed in between).
        ok = frames.AuthResult(app_id=app_id, sender=uid, device_id=session.device_id)
        self.hub.send([session], frame_bytes(ok), guard=False)
        if first:
            self.announce(uid, "online")
        log.debug("socket authenticated: %s (%s)", uid, session.subscription)
        return session

    async def _serve(self, session: Session) -> None:
        bad = 0
        async for raw in session.ws:
            session.frames_in += 1
            self.frames_in += 1
            try:
                problem = await self._frame(session, raw)
            except ConnectionClosed:
                raise
            except Exception:
                # A bug must not cost the client its socket: log it, answer, go on.
                log.exception("internal error while handling a frame from %s", session.uid)
                problem = (ErrorCode.INTERNAL, "The server could not process the frame.")
            if problem is None:
                bad = 0
                continue
            bad += 1
            if bad > MAX_BAD_FRAMES:
                await session.ws.close(CloseCode.POLICY_VIOLATION, "too many malformed frames")
                return
            await self._send_error(session.ws, *problem)

    async def _frame(self, session: Session, raw: str | bytes) -> Problem | None:
        """Handle one frame of an authenticated socket; ``(code, message)`` if refused."""
        obj, problem = _parse(raw)
        if obj is None:
            return ErrorCode.PROTOCOL_ERROR, problem or "malformed frame"
        if "type" in obj and obj.get("sender") is None:
            obj["sender"] = session.uid  # the socket knows who is speaking
        try:
            frame = codec.decode_object(obj)
        except ProtocolError as exc:
            return ErrorCode.PROTOCOL_ERROR, exc.message
        if isinstance(frame, frames.Ping):
            await self._pong(session.ws)
            return None
        if isinstance(frame, frames.Pong):
            return None
        if isinstance(frame, (frames.AuthRequest, frames.AuthResult)):
            return ErrorCode.BAD_REQUEST, "this socket is already authenticated"
        if frame.sender is not None and frame.sender != session.uid:
            return ErrorCode.PERMISSION_DENIED, "the frame's sender is not the authenticated user"
        try:
            if isinstance(frame, (frames.TypingFrame, frames.TransientFrame)):
                self.relay(session, frame)
            elif isinstance(frame, frames.ReceiptFrame):
                relays.record_receipt(
                    self._svc, session.uid, frame.message_id, frame.receipt_type, session.device_id
                )
            else:
                frame_type = obj.get("type")
                return (
                    ErrorCode.BAD_REQUEST,
                    f"clients may not send {frame_type!r} frames (send messages over REST)",
                )
        except ApiError as exc:
            return exc.code, exc.message
        return None

    def relay(self, session: Session, frame: frames.TypingFrame | frames.TransientFrame) -> None:
        """Pass a typing indicator or transient message on to its audience's other sockets."""
        svc = self._svc
        uid = session.uid
        receiver_type = frame.receiver_type or "user"
        audience = relays.relay_audience(svc, uid, frame.receiver, receiver_type)
        targets = [s for s in self.hub.sessions_of_many(audience) if s is not session]
        if not targets:
            return
        me = User.from_wire(svc.user_or_fail(uid))
        envelope: JSON = {
            "app_id": self.config.app_id,
            "receiver": frame.receiver,
            "receiver_type": receiver_type,
            "device_id": session.device_id,
            "sender": uid,
        }
        out: frames.Frame
        if isinstance(frame, frames.TypingFrame):
            out = frames.TypingFrame(action=frame.action, user=me, metadata=frame.metadata, **envelope)
        else:
            out = frames.TransientFrame(user=me, data=frame.data, **envelope)
        self.hub.send(targets, frame_bytes(out))
