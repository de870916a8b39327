"""The listener API: ``add_listener(kind, id, listener)`` and its typed one-liners, event sinks."""

from __future__ import annotations

import asyncio
import contextlib

from ...errors import ErrorCode, InvalidArgumentError
from ...listeners import (
    LISTENERS,
    ConnectionListener,
    GroupListener,
    Listener,
    LoginListener,
    MessageListener,
    UserListener,
    check_listener,
)
from ..dispatch import Sink
from .base import ApiBase

__all__ = ["ListenersApi"]


class ListenersApi(ApiBase):
    """Listeners by kind (``connection``, ``message``, ``user``, ``group``, ``login``) and event sinks.

    Callbacks never run on the socket reader: the dispatcher (:mod:`..dispatch`)
    calls them on its own thread, each isolated.
    """

    def add_listener(self, kind: str, listener_id: str, listener: Listener) -> None:
        """Register ``listener`` for events of ``kind`` under ``listener_id`` (replacing
        one with the same id). ``kind`` is a key of :data:`cometchat_nb.listeners.LISTENERS`
        (``"connection"``, ``"message"``, ``"user"``, ``"group"``, ``"login"``) and
        ``listener`` an instance of its class; anything else raises ``InvalidArgumentError``."""
        check_listener(kind, listener_id, listener)
        with contextlib.suppress(RuntimeError):  # outside a loop: bound by the first call on one
            self._dispatcher.bind_loop(self._loop or asyncio.get_running_loop())
        self._dispatcher.add(kind, listener_id, listener)

    def remove_listener(self, kind: str, listener_id: str) -> bool:
        """Unregister the ``kind`` listener ``listener_id``; True if there was one."""
        if kind not in LISTENERS:
            raise InvalidArgumentError(
                f"unknown listener kind {kind!r}; expected one of {', '.join(LISTENERS)}",
                code=ErrorCode.INVALID_PARAMETER,
            )
        return self._dispatcher.remove(kind, listener_id)

    def add_connection_listener(self, listener_id: str, listener: ConnectionListener) -> None:
        self.add_listener("connection", listener_id, listener)

    def remove_connection_listener(self, listener_id: str) -> None:
        self.remove_listener("connection", listener_id)

    def add_message_listener(self, listener_id: str, listener: MessageListener) -> None:
        self.add_listener("message", listener_id, listener)

    def remove_message_listener(self, listener_id: str) -> None:
        self.remove_listener("message", listener_id)

    def add_user_listener(self, listener_id: str, listener: UserListener) -> None:
        self.add_listener("user", listener_id, listener)

    def remove_user_listener(self, listener_id: str) -> None:
        self.remove_listener("user", listener_id)

    def add_group_listener(self, listener_id: str, listener: GroupListener) -> None:
        self.add_listener("group", listener_id, listener)

    def remove_group_listener(self, listener_id: str) -> None:
        self.remove_listener("group", listener_id)

    def add_login_listener(self, listener_id: str, listener: LoginListener) -> None:
        self.add_listener("login", listener_id, listener)

    def remove_login_listener(self, listener_id: str) -> None:
        self.remove_listener("login", listener_id)

    def add_event_sink(self, sink: Sink, *, inline: bool | None = None) -> None:
        """Receive every event as an :class:`~cometchat_nb.client.dispatch.Event` (LiveFrame uses this).

        ``inline``: call ``sink`` where the event is emitted instead of on the
        dispatch thread — only for thread-safe sinks that never block (default:
        the sink's ``inline_sink`` attribute; see :mod:`cometchat_nb.client.dispatch`).
        """
        self._dispatcher.add_sink(sink, inline=inline)

    def remove_event_sink(self, sink: Sink) -> None:
        self._dispatcher.remove_sink(sink)

    def wait_listeners_idle(self, timeout: float | None = 5.0) -> bool:
        """Block until every queued event reached the listeners (for tests and scripts)."""
        return self._dispatcher.wait_idle(timeout)

    def on_listener_thread(self) -> bool:
        """Whether the caller is a sync listener of this client (on its dispatch thread)."""
        return self._dispatcher.on_dispatch_thread()

    # camelCase aliases -------------------------------------------------------------
    addListener = add_listener
    removeListener = remove_listener
    addConnectionListener = add_connection_listener
    removeConnectionListener = remove_connection_listener
    addMessageListener = add_message_listener
    removeMessageListener = remove_message_listener
    addUserListener = add_user_listener
    removeUserListener = remove_user_listener
    addGroupListener = add_group_listener
    removeGroupListener = remove_group_listener
    addLoginListener = add_login_listener
    removeLoginListener = remove_login_listener
