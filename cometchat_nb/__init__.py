"""cometchat_nb: CometChat real-time chat in Jupyter.

* :class:`CometChat` — the sync SDK facade mirroring the CometChat JS SDK.
* :class:`Client` — the async API (many independent users per process).
* :class:`EmbeddedServer` — a CometChat-compatible server for offline use.
* ``%load_ext cometchat_nb`` — IPython magics, a control panel and a live DataFrame.

Importing this package does not import pandas, ipywidgets or IPython.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__
from .client import CatchupResult as CatchupResult
from .client import Client as Client
from .client import Event as Event
from .client import FileSessionStore as FileSessionStore
from .client import MemorySessionStore as MemorySessionStore
from .client import SessionStore as SessionStore
from .errors import ApiError as ApiError
from .errors import AuthError as AuthError
from .errors import CometChatException as CometChatException
from .errors import ErrorCode as ErrorCode
from .errors import InvalidArgumentError as InvalidArgumentError
from .errors import NotConnectedError as NotConnectedError
from .errors import ProtocolError as ProtocolError
from .errors import StateError as StateError
from .errors import TimeoutError as TimeoutError
from .errors import TransportError as TransportError
from .listeners import ConnectionListener as ConnectionListener
from .listeners import GroupListener as GroupListener
from .listeners import Listener as Listener
from .listeners import LoginListener as LoginListener
from .listeners import MessageListener as MessageListener
from .listeners import UserListener as UserListener
from .models import CATEGORY as CATEGORY
from .models import CONNECTION_STATUS as CONNECTION_STATUS
from .models import GROUP_MEMBER_SCOPE as GROUP_MEMBER_SCOPE
from .models import GROUP_TYPE as GROUP_TYPE
from .models import MESSAGE_TYPE as MESSAGE_TYPE
from .models import REACTION_ACTION as REACTION_ACTION
from .models import RECEIVER_TYPE as RECEIVER_TYPE
from .models import Action as Action
from .models import Attachment as Attachment
from .models import BaseMessage as BaseMessage
from .models import Call as Call
from .models import CometChatHelper as CometChatHelper
from .models import Conversation as Conversation
from .models import CustomMessage as CustomMessage
from .models import Group as Group
from .models import GroupMember as GroupMember
from .models import MediaFile as MediaFile
from .models import MediaMessage as MediaMessage
from .models import MessageReceipt as MessageReceipt
from .models import Reaction as Reaction
from .models import ReactionCount as ReactionCount
from .models import ReactionEvent as ReactionEvent
from .models import TextMessage as TextMessage
from .models import TransientMessage as TransientMessage
from .models import TypingIndicator as TypingIndicator
from .models import User as User
from .protocol.states import ConnectionState as ConnectionState
from .protocol.states import ConnectionStateChange as ConnectionStateChange
from .sdk import CometChat as CometChat
from .settings import PRESENCE as PRESENCE
from .settings import AppSettings as AppSettings
from .settings import AppSettingsBuilder as AppSettingsBuilder

if TYPE_CHECKING:
    from .server import EmbeddedServer as EmbeddedServer

__all__ = [
    "CATEGORY",
    "CONNECTION_STATUS",
    "GROUP_MEMBER_SCOPE",
    "GROUP_TYPE",
    "MESSAGE_TYPE",
    "PRESENCE",
    "REACTION_ACTION",
    "RECEIVER_TYPE",
    "Action",
    "ApiError",
    "AppSettings",
    "AppSettingsBuilder",
    "Attachment",
    "AuthError",
    "BaseMessage",
    "Call",
    "CatchupResult",
    "Client",
    "CometChat",
    "CometChatException",
    "CometChatHelper",
    "ConnectionListener",
    "ConnectionState",
    "ConnectionStateChange",
    "Conversation",
    "CustomMessage",
    "EmbeddedServer",
    "ErrorCode",
    "Event",
    "FileSessionStore",
    "Group",
    "GroupListener",
    "GroupMember",
    "InvalidArgumentError",
    "Listener",
    "LoginListener",
    "MediaFile",
    "MediaMessage",
    "MemorySessionStore",
    "MessageListener",
    "MessageReceipt",
    "NotConnectedError",
    "ProtocolError",
    "Reaction",
    "ReactionCount",
    "ReactionEvent",
    "SessionStore",
    "StateError",
    "TextMessage",
    "TimeoutError",
    "TransientMessage",
    "TransportError",
    "TypingIndicator",
    "User",
    "UserListener",
    "__version__",
    "load_ipython_extension",
    "unload_ipython_extension",
]


def __getattr__(name: str) -> Any:
    # the embedded server (aiohttp) is imported only when asked for
    if name == "EmbeddedServer":
        from .server import EmbeddedServer

        return EmbeddedServer
    raise AttributeError(f"module 'cometchat_nb' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext cometchat_nb``: register the magics (imports the notebook layer lazily)."""
    from .notebook.magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext cometchat_nb``: stop what the extension started."""
    from .notebook.magics import unload_ipython_extension as _unload

    _unload(ipython)
