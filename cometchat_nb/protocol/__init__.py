"""CometChat's wire protocol, sans-I/O: frames, REST conventions, states, retry policy.

Nothing here does I/O, reads a clock, or imports asyncio; the client and the
embedded server drive it with explicit calls.
"""

from __future__ import annotations

from . import codec as codec
from . import frames as frames
from . import rest as rest
from . import retry as retry
from . import states as states
from .codec import decode as decode
from .codec import encode as encode
from .frames import CloseCode as CloseCode
from .states import ConnectionState as ConnectionState
from .states import ConnectionStateChange as ConnectionStateChange

__all__ = [
    "CloseCode",
    "ConnectionState",
    "ConnectionStateChange",
    "codec",
    "decode",
    "encode",
    "frames",
    "rest",
    "retry",
    "states",
]
