"""The embedded CometChat-compatible server (REST v3 + WebSocket + SQLite).

Depends on :mod:`cometchat_nb.protocol`, models, errors and settings only,
never on the client. Start it from Python with :class:`EmbeddedServer` or
from a shell with ``cometchat-nb serve`` (``python -m cometchat_nb.server serve``).
"""

from __future__ import annotations

from .embedded import EmbeddedServer as EmbeddedServer

__all__ = ["EmbeddedServer"]
