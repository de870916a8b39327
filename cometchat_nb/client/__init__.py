"""The asyncio client: REST over httpx, the socket over picows, the reconnect loop."""

from __future__ import annotations

from .client import CatchupResult as CatchupResult
from .client import Client as Client
from .dispatch import Event as Event
from .store import FileSessionStore as FileSessionStore
from .store import MemorySessionStore as MemorySessionStore
from .store import SessionStore as SessionStore

__all__ = ["CatchupResult", "Client", "Event", "FileSessionStore", "MemorySessionStore", "SessionStore"]
