"""Listener objects, as in the CometChat JS SDK.

Give callbacks by their docs names or their snake_case twins::

    CometChat.addMessageListener("id", CometChat.MessageListener(
        onTextMessageReceived=lambda m: print(m.getText()),
        on_typing_started=lambda t: ...,
    ))

or subclass and define the methods (either spelling)::

    class Mine(MessageListener):
        def onTextMessageReceived(self, message): ...

Unknown callback names raise :class:`~cometchat_nb.errors.InvalidArgumentError`
listing the valid ones, so a typo never goes silent. Callbacks may be plain
functions or coroutine functions (awaited on the SDK loop). They never run on
the socket reader, and one that raises is logged without stopping the others.

Extensions beyond the JS SDK (all optional):

* ``ConnectionListener(onStateChange=fn)`` receives every
  :class:`~cometchat_nb.protocol.states.ConnectionStateChange` (reason,
  attempt, retry delay) — the three CometChat callbacks keep their shapes;
* ``onCatchupStarted()`` / ``onCatchupFinished(result)`` bracket the delivery
  of messages missed while disconnected;
* ``onGaveUp(error)`` fires when reconnecting stops for good.

A few events have no listener callback (the JS SDK has none) and reach only
event sinks such as the notebook's LiveFrame:
:data:`cometchat_nb.client.routing.SINK_ONLY_EVENTS`.

:data:`LISTENERS` maps each listener *kind* (the first argument of
:meth:`Client.add_listener <cometchat_nb.client.Client.add_listener>`) to its class.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from .errors import ErrorCode, InvalidArgumentError

__all__ = [
    "LISTENERS",
    "ConnectionListener",
    "GroupListener",
    "Listener",
    "LoginListener",
    "MessageListener",
    "UserListener",
    "check_listener",
    "snake_case",
]

Callback = Callable[..., Any]


def snake_case(name: str) -> str:
    """``onTextMessageReceived`` → ``on_text_message_received``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Listener:
    """Base of every listener: a table of named callbacks."""

    EVENTS: ClassVar[tuple[str, ...]] = ()
    _ALIASES: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        aliases = {}
        for name in cls.EVENTS:
            aliases[name] = name
            aliases[snake_case(name)] = name
        cls._ALIASES = aliases

    def __init__(self, **callbacks: Callback | None) -> None:
        table: dict[str, Callback] = {}
        for key, fn in callbacks.items():
            name = self._ALIASES.get(key)
            if name is None:
                valid = ", ".join(self.EVENTS)
                raise InvalidArgumentError(
                    f"{type(self).__name__} has no callback {key!r}; valid names: {valid} "
                    "(or their snake_case forms)",
                    code=ErrorCode.INVALID_PARAMETER,
                )
            if fn is None:
                continue
            if not callable(fn):
                raise InvalidArgumentError(f"{type(self).__name__}.{key} must be callable, got {fn!r}")
            table[name] = fn
        # subclass methods (either spelling) fill what the keywords did not give
        for name in self.EVENTS:
            if name in table:
                continue
            for attr in (name, snake_case(name)):
                method = getattr(self, attr, None)
                if callable(method):
                    table[name] = method
                    break
        self._callbacks = table

    def callback(self, name: str) -> Callback | None:
        """The callback registered for event ``name`` (camelCase), if any."""
        return self._callbacks.get(name)

    def handles(self, name: str) -> bool:
        return name in self._callbacks

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(sorted(self._callbacks))})"


class ConnectionListener(Listener):
    """Web-socket connection events (``CometChat.ConnectionListener``)."""

    EVENTS = (
        "onConnected",
        "inConnecting",
        "onDisconnected",
        "onFeatureThrottled",
        "onConnectionError",
        "onStateChange",
        "onCatchupStarted",
        "onCatchupFinished",
        "onGaveUp",
    )


class MessageListener(Listener):
    """Messages, typing, receipts, edits/deletes (``CometChat.MessageListener``)."""

    EVENTS = (
        "onTextMessageReceived",
        "onMediaMessageReceived",
        "onCustomMessageReceived",
        "onInteractiveMessageReceived",
        "onTypingStarted",
        "onTypingEnded",
        "onMessagesDelivered",
        "onMessagesRead",
        "onMessagesDeliveredToAll",
        "onMessagesReadByAll",
        "onMessageEdited",
        "onMessageDeleted",
        "onTransientMessageReceived",
        "onMessageReactionAdded",
        "onMessageReactionRemoved",
    )


class UserListener(Listener):
    """Presence of other users (``CometChat.UserListener``)."""

    EVENTS = ("onUserOnline", "onUserOffline")


class GroupListener(Listener):
    """Group membership actions (``CometChat.GroupListener``).

    Callbacks receive ``(action, user, group)`` as in the JS SDK, e.g.
    ``onGroupMemberJoined(action, joinedUser, joinedGroup)``.
    """

    EVENTS = (
        "onGroupMemberJoined",
        "onGroupMemberLeft",
        "onGroupMemberKicked",
        "onGroupMemberBanned",
        "onGroupMemberUnbanned",
        "onGroupMemberScopeChanged",
        "onMemberAddedToGroup",
    )


class LoginListener(Listener):
    """Login/logout outcomes (``CometChat.LoginListener``)."""

    EVENTS = ("loginSuccess", "loginFailure", "logoutSuccess", "logoutFailure")


#: Listener kind → its class: the kinds ``add_listener(kind, id, listener)`` takes.
LISTENERS: dict[str, type[Listener]] = {
    "connection": ConnectionListener,
    "message": MessageListener,
    "user": UserListener,
    "group": GroupListener,
    "login": LoginListener,
}


def check_listener(kind: str, listener_id: str, listener: Listener) -> None:
    """Raise :class:`~cometchat_nb.errors.InvalidArgumentError` unless ``listener`` is a
    listener of ``kind`` and ``listener_id`` a non-empty string."""
    expected = LISTENERS.get(kind) if isinstance(kind, str) else None
    if expected is None:
        raise InvalidArgumentError(
            f"unknown listener kind {kind!r}; expected one of {', '.join(LISTENERS)}",
            code=ErrorCode.INVALID_PARAMETER,
        )
    if not isinstance(listener, expected):
        raise InvalidArgumentError(f"expected a {expected.__name__}, got {type(listener).__name__}")
    if not isinstance(listener_id, str) or not listener_id:
        raise InvalidArgumentError("listener id must be a non-empty string")
