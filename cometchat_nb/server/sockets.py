"""The server's accepted sockets, so that stopping it closes every one of them.

aiohttp and websockets close the connections they know about, but a
connection only becomes theirs once its handshake is done: with TLS, a
client that connected and has not finished (or never starts) the TLS
handshake belongs to neither, and a plain socket that has not sent its
HTTP upgrade yet waits for websockets' opening-handshake timeout. Left
alone, such a socket outlives ``stop()`` — open until the loop is garbage
collected (``ResourceWarning: unclosed <socket.socket …>``).

:func:`tracking_listener` turns a listening socket into one whose
``accept()`` hands out sockets that report their ``close()`` to an
:class:`AcceptedSockets` registry. After the graceful part of a stop,
:meth:`AcceptedSockets.close_all` shuts the remaining ones down
(``shutdown(SHUT_RDWR)``: the transport that owns each one reads EOF and
closes it itself, on the loop — the file descriptor is never pulled from
under it) and waits until every one is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Any

__all__ = ["AcceptedSockets", "tracking_listener"]

log = logging.getLogger(__name__)


class AcceptedSockets:
    """Open accepted sockets of one server. Used on the server's loop thread only."""

    def __init__(self) -> None:
        self._open: set[socket.socket] = set()
        self._all_closed: asyncio.Event | None = None

    def __len__(self) -> int:
        return len(self._open)

    def _accepted(self, sock: socket.socket) -> None:
        self._open.add(sock)

    def _closed(self, sock: socket.socket) -> None:
        self._open.discard(sock)
        if not self._open and self._all_closed is not None:
            self._all_closed.set()

    async def close_all(self, timeout: float) -> int:
        """Shut down every socket still open and wait (at most ``timeout`` s) until
        their transports closed them; returns how many had to be shut down."""
        left = list(self._open)
        for sock in left:
            with contextlib.suppress(OSError):  # already disconnected: EOF is on its way anyway
                sock.shutdown(socket.SHUT_RDWR)
        if self._open:
            self._all_closed = asyncio.Event()
            try:
                async with asyncio.timeout(timeout):
                    await self._all_closed.wait()
            except TimeoutError:
                log.warning("%d accepted socket(s) still open %g s after shutdown", len(self._open), timeout)
            finally:
                self._all_closed = None
        return len(left)


class _AcceptedSocket(socket.socket):
    """An accepted socket that reports its ``close()`` (asyncio transports call it)."""

    _registry: AcceptedSockets | None = None

    def close(self) -> None:
        super().close()
        registry, self._registry = self._registry, None
        if registry is not None:
            registry._closed(self)


class _TrackingListener(socket.socket):
    """A listening socket whose ``accept()`` registers what it accepts."""

    _registry: AcceptedSockets

    def accept(self) -> tuple[socket.socket, Any]:
        plain, address = super().accept()
        timeout = plain.gettimeout()
        # the same descriptor, in the subclass that reports its close
        conn = _AcceptedSocket(plain.family, plain.type, plain.proto, fileno=plain.detach())
        conn.settimeout(timeout)
        conn._registry = self._registry
        self._registry._accepted(conn)
        return conn, address


def tracking_listener(family: int, proto: int, registry: AcceptedSockets) -> socket.socket:
    """A new stream socket (not yet bound) whose accepted sockets ``registry`` tracks."""
    sock = _TrackingListener(family, socket.SOCK_STREAM, proto)
    sock._registry = registry
    return sock
