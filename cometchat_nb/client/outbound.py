"""Typing indicators and receipts: socket frames, queued while they cannot go out.

As in the JS SDK, ``startTyping``/``endTyping`` and ``markAsDelivered``/
``markAsRead`` are socket frames, not REST calls. :class:`OutboundQueue`
sends one at once when the socket is connected and nothing is queued or held;
otherwise it queues it, up to ``outbound_queue_size`` frames
(``ERR_QUEUE_FULL`` beyond; ``NO_WEBSOCKET_CONNECTION`` once the client has
given up reconnecting). The queue is flushed, in order:

* when any catch-up run ends, whatever its outcome (frames sent during a run
  wait for it, so a receipt never overtakes the messages it is about), and
  after a connect that needed no catch-up;
* never while connected with nothing in flight: then nothing is held at all.

The frames are built by :mod:`cometchat_nb.protocol.frames` (:func:`typing_frame`,
:func:`receipt_frame`), the codec the embedded server reads them with.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from typing import Any, Literal

import orjson

from ..errors import CometChatException, ErrorCode, NotConnectedError, TransportError
from ..models import User
from ..protocol.frames import ReceiptFrame, TypingFrame
from ..protocol.states import ConnectionState
from .supervisor import Supervisor

__all__ = ["OutboundQueue", "receipt_frame", "typing_frame"]


def typing_frame(
    *,
    app_id: str,
    device_id: str,
    user: User,
    receiver: str,
    receiver_type: str,
    action: Literal["started", "ended"],
    metadata: dict[str, Any] | None,
) -> str:
    """The text of a ``typing_indicator`` frame from ``user``."""
    frame = TypingFrame(
        app_id=app_id,
        device_id=device_id,
        sender=user.uid,
        receiver=receiver,
        receiver_type=receiver_type,
        action=action,
        user=user,
        metadata=metadata,
    )
    return orjson.dumps(frame.to_wire()).decode()


def receipt_frame(
    *,
    app_id: str,
    device_id: str,
    user: User,
    receiver: str,
    receiver_type: str,
    receipt_type: str,
    message_id: str,
    message_sender: str,
    timestamp: int | None = None,
) -> str:
    """The text of a ``receipts`` frame: ``user`` got (``delivery``) or read (``read``) a message."""
    frame = ReceiptFrame(
        app_id=app_id,
        device_id=device_id,
        sender=user.uid,
        receiver=receiver,
        receiver_type=receiver_type,
        receipt_type=receipt_type,
        message_id=message_id,
        user=user,
        message_sender=message_sender,
        timestamp=int(time.time()) if timestamp is None else timestamp,
    )
    return orjson.dumps(frame.to_wire()).decode()


class OutboundQueue:
    """The bounded queue of one client's transient frames (see the module docstring).

    ``holding()``: True while frames must wait although the socket is up (a
    catch-up run is in flight).
    """

    def __init__(self, supervisor: Supervisor, *, limit: int, holding: Callable[[], bool]) -> None:
        self._supervisor = supervisor
        self._limit = limit
        self._holding = holding
        self._queue: collections.deque[str] = collections.deque()

    def __len__(self) -> int:
        return len(self._queue)

    async def send(self, text: str) -> None:
        """Send ``text`` now if nothing stands in the way, else queue it (see the module docstring)."""
        sup = self._supervisor
        conn = sup.connection
        if (
            conn is not None
            and sup.state is ConnectionState.CONNECTED
            and not self._queue
            and not self._holding()
        ):
            try:
                await conn.send(text)
                return
            except TransportError:
                pass
        if sup.state is ConnectionState.FAILED:
            raise NotConnectedError(f"the web-socket failed and is not retrying: {sup.last_error}")
        if len(self._queue) >= self._limit:
            raise CometChatException(
                f"not connected and the outbound queue is full ({self._limit} frames)",
                code=ErrorCode.QUEUE_FULL,
            )
        self._queue.append(text)

    async def flush(self) -> None:
        """Send what is queued, oldest first, while the socket stays connected."""
        queue = self._queue
        while queue:
            conn = self._supervisor.connection
            if conn is None or self._supervisor.state is not ConnectionState.CONNECTED:
                return
            try:
                await conn.send(queue[0])
            except TransportError:
                return
            queue.popleft()

    def clear(self) -> int:
        """Drop every queued frame (logout); how many there were."""
        dropped = len(self._queue)
        self._queue.clear()
        return dropped
