"""CometChat's constant namespaces: ``CometChat.RECEIVER_TYPE``, ``CATEGORY_*``, ``MESSAGE_TYPE`` …"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CATEGORY",
    "CONNECTION_STATUS",
    "GROUP_MEMBER_SCOPE",
    "GROUP_TYPE",
    "MESSAGE_TYPE",
    "REACTION_ACTION",
    "RECEIVER_TYPE",
    "RECEIVER_TYPES",
    "SORT_BY",
    "SORT_ORDER",
    "USER_STATUS",
]


class RECEIVER_TYPE:
    """``CometChat.RECEIVER_TYPE``: who a message is addressed to."""

    USER: Final = "user"
    GROUP: Final = "group"


class CATEGORY:
    """``CometChat.CATEGORY_*``: message categories."""

    MESSAGE: Final = "message"
    CUSTOM: Final = "custom"
    ACTION: Final = "action"
    CALL: Final = "call"
    INTERACTIVE: Final = "interactive"


class MESSAGE_TYPE:
    """``CometChat.MESSAGE_TYPE``: message types of the ``message`` category."""

    TEXT: Final = "text"
    IMAGE: Final = "image"
    VIDEO: Final = "video"
    AUDIO: Final = "audio"
    FILE: Final = "file"
    CUSTOM: Final = "custom"


class GROUP_TYPE:
    """``CometChat.GROUP_TYPE``."""

    PUBLIC: Final = "public"
    PRIVATE: Final = "private"
    PASSWORD: Final = "password"


class GROUP_MEMBER_SCOPE:
    """``CometChat.GROUP_MEMBER_SCOPE``."""

    ADMIN: Final = "admin"
    MODERATOR: Final = "moderator"
    PARTICIPANT: Final = "participant"


class CONNECTION_STATUS:
    """``CometChat.CONNECTION_STATUS``: what ``getConnectionStatus()`` returns."""

    CONNECTED: Final = "connected"
    CONNECTING: Final = "connecting"
    DISCONNECTED: Final = "disconnected"


class USER_STATUS:
    """``CometChat.USER_STATUS``: presence (list filters send ``online`` as ``available``)."""

    ONLINE: Final = "online"
    OFFLINE: Final = "offline"


class SORT_BY:
    """``CometChat.SORT_BY``: ``UsersRequestBuilder.sortBy`` keys."""

    NAME: Final = "name"
    STATUS: Final = "status"


class SORT_ORDER:
    """``CometChat.SORT_ORDER``: ``UsersRequestBuilder.sortByOrder`` values."""

    ASCENDING: Final = "asc"
    DESCENDING: Final = "desc"


#: The receiver types a message may have.
RECEIVER_TYPES: Final = frozenset({RECEIVER_TYPE.USER, RECEIVER_TYPE.GROUP})


class REACTION_ACTION:
    """``CometChat.REACTION_ACTION``: what a reaction event did (the socket's ``action``)."""

    REACTION_ADDED: Final = "message_reaction_added"
    REACTION_REMOVED: Final = "message_reaction_removed"
