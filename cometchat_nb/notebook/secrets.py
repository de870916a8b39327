"""Secrets seen in this kernel, and the one way errors are shown: :func:`one_line`.

Auth keys and tokens are never echoed by the notebook layer. Every key or token
that reaches it (an argument, the environment, the config file, the local
server's key) is remembered here (:func:`remember_secret`), and every message
shown to the user — a magic's ``UsageError``, the panel's log, the status
table — goes through :func:`scrub`, which replaces them by ``***``.
"""

from __future__ import annotations

import threading

from ..errors import CometChatException

__all__ = ["one_line", "remember_secret", "scrub"]

# shorter "secrets" would blank out ordinary words in every message
_MIN_LENGTH = 4

_lock = threading.Lock()  # panel actions remember secrets on a worker thread
_secrets: set[str] = set()
_longest_first: tuple[str, ...] = ()  # a secret containing another is replaced first


def remember_secret(value: str | None) -> None:
    """Never show ``value`` again in this process (no-op for None or fewer than 4 characters)."""
    global _longest_first
    if not value or len(value) < _MIN_LENGTH:
        return
    with _lock:
        if value not in _secrets:
            _secrets.add(value)
            _longest_first = tuple(sorted(_secrets, key=len, reverse=True))


def scrub(text: str) -> str:
    """``text`` with every secret seen in this process replaced by ``***``."""
    for secret in _longest_first:
        text = text.replace(secret, "***")
    return text


def one_line(exc: BaseException) -> str:
    """``exc`` as one scrubbed line: ``[CODE] message`` for SDK errors, ``Type: message``
    for anything else (the magics' ``UsageError`` and the panel's log)."""
    text = str(exc) if isinstance(exc, CometChatException) else f"{type(exc).__name__}: {exc}"
    return scrub(" ".join(text.split()))
