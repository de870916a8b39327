"""Loopback only: no test process connects to, or looks up, anything but this machine.

``tests/conftest.py`` installs the guard for the whole session: a ``*.cometchat.io`` name
in a test is a string to compare (URL templates), never a place to go. Processes the
tests start (servers, kernels, node) set host overrides themselves.
"""

from __future__ import annotations

import socket
from typing import Any

__all__ = ["OffLoopbackError", "install_loopback_guard", "is_loopback"]


_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: object) -> bool:
    """True for 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost; False for anything else."""
    if not isinstance(host, str):
        return False
    host = host.lower().removeprefix("::ffff:")
    return host.startswith("127.") or host == "::1" or host in _LOOPBACK_NAMES


class OffLoopbackError(ConnectionRefusedError):
    """A test tried to leave 127.0.0.1 (a connect, or a name lookup)."""


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
        raise OffLoopbackError(f"tests stay on 127.0.0.1: refused a connection to {address[0]!r}")


def _connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name not in (None, "") and not is_loopback(name):
        try:  # an IP address is not a lookup: connect() decides about it
            return _real_getaddrinfo(host, *args, **{**kwargs, "flags": socket.AI_NUMERICHOST})
        except socket.gaierror:
            raise OffLoopbackError(f"tests stay on 127.0.0.1: refused to look up {name!r}") from None
    return _real_getaddrinfo(host, *args, **kwargs)


def install_loopback_guard() -> None:
    """Refuse, in this process, every connect and name lookup that would leave 127.0.0.1."""
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo
