"""How the socket reaches the chat host: the proxy, the TCP connect.

:func:`proxy_for` finds the proxy for a socket URL in the environment and
:func:`proxy_url` checks it is one picows can use; :class:`Dialer` makes the
TCP sockets of one :meth:`~cometchat_nb.client.connection.Connection.open`
attempt — starting the connect before anything else when the host is an IP
address, so that the server accepts while the attempt is prepared — and
shuts them down when the attempt fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import urllib.parse
import urllib.request
from collections.abc import Sequence

import picows
from picows.url import parse_url

from ..errors import InvalidArgumentError

__all__ = ["Dialer", "proxy_for", "proxy_url"]

# proxy schemes a socket can go through (python-socks, which picows uses, names SOCKS ones without h/a)
_PROXY_SCHEMES = {"http": "http", "https": "https", "socks5": "socks5", "socks5h": "socks5"}
_PROXY_SCHEMES |= {"socks4": "socks4", "socks4a": "socks4"}


def proxy_for(url: str) -> str | None:
    """The proxy for a socket to ``url`` from the environment (``*_proxy`` / ``no_proxy``), or None.

    The order is the one ``websockets`` (the SDK's earlier transport) and
    RFC 6455 use: ``wss_proxy``/``ws_proxy`` first, then a SOCKS proxy, then
    ``https_proxy``, then (plain ``ws://`` only) ``http_proxy``. Reading the
    environment takes about 0.25 ms (a tenth of a loopback connect), so a
    client asks once per URL, as httpx does once per client. None for a URL
    it cannot parse (:meth:`Connection.open` reports that one).
    """
    try:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme not in ("ws", "wss") or not host:
        return None
    secure = parts.scheme == "wss"
    if urllib.request.proxy_bypass(f"{host}:{port or (443 if secure else 80)}"):
        return None
    proxies = urllib.request.getproxies()
    for scheme in ("wss", "socks", "https") if secure else ("ws", "socks", "https", "http"):
        proxy = proxies.get(scheme)
        if proxy:
            # getproxies() gives a SOCKS proxy declared by the OS as {"socks": "http://host:port"}
            return "socks5h://" + proxy[7:] if scheme == "socks" and proxy.startswith("http://") else proxy
    return None


def proxy_url(proxy: str) -> str:
    """``proxy`` with a scheme picows takes; InvalidArgumentError for one it cannot use."""
    parts = urllib.parse.urlsplit(proxy)
    scheme = _PROXY_SCHEMES.get(parts.scheme)
    if scheme is None or not parts.hostname:
        shown = parts._replace(netloc=parts.hostname or "").geturl()  # no credentials in messages
        raise InvalidArgumentError(
            f"unsupported proxy {shown!r} for the web-socket: use http://, https://, socks5:// or socks4://"
        )
    return parts._replace(scheme=scheme).geturl()


_Address = tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes]  # as typeshed has it
_AddrInfo = tuple[socket.AddressFamily, socket.SocketKind, int, str, _Address]


def _numeric(host: str, port: int) -> Sequence[_AddrInfo] | None:
    """The addresses of ``host`` when it is an IP address (no lookup); None for a name."""
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None


async def _connect_socket(host: str, port: int) -> socket.socket:
    """A TCP socket connected to ``host``:``port`` (each resolved address in turn)."""
    loop = asyncio.get_running_loop()
    # an IP address needs no lookup (the loop's getaddrinfo is a thread hop, ~0.2 ms)
    infos = _numeric(host, port) or await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    error: OSError | None = None
    for family, type_, proto, _, address in infos:
        sock = socket.socket(family, type_, proto)
        try:
            sock.setblocking(False)
            await loop.sock_connect(sock, address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
    raise error or OSError(f"{host!r} resolves to no address")


def _dial(url: str) -> tuple[socket.socket, str, int] | None:
    """Start a non-blocking TCP connect to ``url``'s host now, if it is an IP address.

    :meth:`Connection.open` calls this first: the server accepts the socket while the
    rest of the attempt is prepared (≈40 µs of Python, a tenth of a loopback connect),
    and by the time picows asks for the socket it is usually connected. None when
    there is nothing to start early (a host name, resolved later on the usual path;
    an invalid URL or an immediate failure, which the usual path reports).
    """
    try:
        target = parse_url(url)
    except (picows.WSError, ValueError):
        return None
    infos = _numeric(target.host, target.port)
    if not infos:
        return None
    family, type_, proto, _, address = infos[0]
    sock = socket.socket(family, type_, proto)
    try:
        sock.setblocking(False)
        sock.connect(address)
    except BlockingIOError:
        pass  # in progress: the usual case
    except OSError:
        sock.close()
        return None
    return sock, target.host, target.port


async def _connected(sock: socket.socket) -> None:
    """Wait until ``sock``'s connect (started by :func:`_dial`) is over; OSError if it failed."""
    try:
        sock.getpeername()
        return  # connected already
    except OSError:
        pass
    loop = asyncio.get_running_loop()
    writable = loop.create_future()
    fd = sock.fileno()
    loop.add_writer(fd, _resolve, writable)
    try:
        await writable
    finally:
        loop.remove_writer(fd)
    error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if error:
        raise OSError(error, f"connect failed: {os.strerror(error)}")


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Dialer:
    """The sockets of one :meth:`Connection.open` attempt (its ``socket_factory``).

    With ``early`` it starts the TCP connect at once (:func:`_dial`), before the
    rest of the attempt is prepared. picows leaves the socket of a cancelled
    handshake open, so the sockets are made here: :meth:`abort` shuts them down
    (their transports then see EOF and close themselves).
    """

    def __init__(self, url: str, *, early: bool) -> None:
        self._early = _dial(url) if early else None
        self._made: list[socket.socket] = []

    async def socket_for(self, target: picows.WSParsedURL) -> socket.socket:
        """A connected socket to ``target`` (the early one when it goes there)."""
        early, self._early = self._early, None
        if early is not None:
            sock, host, port = early
            if (host, port) == (target.host, target.port):  # else a redirect went elsewhere
                try:
                    await _connected(sock)
                except BaseException:
                    sock.close()
                    raise
                self._made.append(sock)
                return sock
            sock.close()
        sock = await _connect_socket(target.host, target.port)
        self._made.append(sock)
        return sock

    def abort(self) -> None:
        """The attempt failed: shut down every socket handed to picows."""
        for sock in self._made:
            with contextlib.suppress(OSError):  # closed already: its transport is gone
                sock.shutdown(socket.SHUT_RDWR)

    def close_unused(self) -> None:
        """Close the early socket if picows never asked for it (it failed before)."""
        if self._early is not None:
            self._early[0].close()
            self._early = None
