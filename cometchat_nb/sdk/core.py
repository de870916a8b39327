"""The facade's session, connection and listener calls (``init``, ``login``, ``connect`` …)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..client.catchup import CatchupResult
from ..client.client import Client
from ..client.dispatch import Sink
from ..client.store import SessionStore
from ..listeners import (
    ConnectionListener,
    GroupListener,
    Listener,
    LoginListener,
    MessageListener,
    UserListener,
    check_listener,
)
from ..models import User
from ..protocol.states import ConnectionState, ConnectionStateChange
from ..settings import AppSettings
from .state import NETWORK_TIMEOUT, current_client, run, state

__all__ = ["CoreFacade"]


class CoreFacade:
    """Session, connection and listeners of the default client (static methods)."""

    # init ---------------------------------------------------------------------------
    @staticmethod
    def init(
        appId: str,
        appSettings: AppSettings | None = None,
        *,
        store: SessionStore | None = None,
        backoff: Callable[[int], float] | None = None,
    ) -> bool:
        """Initialise for ``appId``; restores a saved session (auto mode reconnects by itself).

        Calling it again replaces the default client (its session stays saved).
        ``store``/``backoff`` are Python extras (tests: ``MemorySessionStore()``, ``lambda n: 0``).
        """
        with state.lock:
            old = state.client
            client = Client(appId, appSettings, store=store, backoff=backoff, name="default")
            runtime = state.runtime
            if old is not None:
                runtime.remove_closer(old.close)
                runtime.run(
                    old.close(wait_listeners=not old.on_listener_thread()),
                    NETWORK_TIMEOUT,
                    what="closing the previous client",
                )
            for (kind, listener_id), listener in state.listeners.items():
                client.add_listener(kind, listener_id, listener)
            for sink, inline in state.sinks.items():
                client.add_event_sink(sink, inline=inline)
            state.client = client
            runtime.add_closer(client.close)
            result: bool = runtime.run(client.init(), NETWORK_TIMEOUT, what="CometChat.init()")
            return result

    @staticmethod
    def is_initialized() -> bool:
        return state.client is not None

    @staticmethod
    def client() -> Client:
        """The default async :class:`Client` behind the facade (raises before init)."""
        return current_client()

    @staticmethod
    def shutdown() -> None:
        """Close the default client (the session stays saved) and stop the SDK loop thread."""
        with state.lock:
            client, state.client = state.client, None
            if client is not None:
                state.runtime.remove_closer(client.close)
                if state.runtime.running:
                    state.runtime.run(
                        client.close(wait_listeners=not client.on_listener_thread()),
                        NETWORK_TIMEOUT,
                        what="CometChat.shutdown()",
                    )
            state.runtime.shutdown()

    # session ----------------------------------------------------------------------------
    @staticmethod
    def login(uid: str | None = None, authKey: str | None = None, *, authToken: str | None = None) -> User:
        """``login(uid, authKey)`` or ``login(authToken)``; returns the :class:`User`."""
        user: User = run(lambda c: c.login(uid, authKey, auth_token=authToken), "CometChat.login()")
        return user

    @staticmethod
    def get_logged_in_user() -> User | None:
        """The logged-in user or None (no network call)."""
        client = state.client
        return client.get_logged_in_user() if client is not None else None

    @staticmethod
    def logout() -> None:
        """Log out and forget the saved session."""
        run(lambda c: c.logout(), "CometChat.logout()")

    # connection -------------------------------------------------------------------------
    @staticmethod
    def connect(timeout: float | None = None) -> None:
        """Open the socket and block until connected; raises if nobody is logged in,
        on a terminal failure, or after ``timeout`` seconds (retrying continues)."""
        client = current_client()
        limit = client.settings.connect_timeout if timeout is None else timeout
        run(lambda c: c.connect(limit), "CometChat.connect()", timeout=limit + 5)

    @staticmethod
    def disconnect() -> None:
        """Close the socket and stop reconnecting; blocks until closed. Idempotent."""
        run(lambda c: c.disconnect(), "CometChat.disconnect()")

    @staticmethod
    def get_connection_status() -> str:
        """``"connected"``, ``"connecting"`` or ``"disconnected"``."""
        client = state.client
        return client.get_connection_status() if client is not None else "disconnected"

    @staticmethod
    def status() -> dict[str, Any]:
        """State, attempt, retry delay, last error, rtt … of the default client."""
        return current_client().status()

    @staticmethod
    def state_log() -> list[ConnectionStateChange]:
        """Every connection state change so far."""
        return current_client().state_log

    @staticmethod
    def wait_for_state(*states: ConnectionState, timeout: float = 10.0) -> ConnectionState:
        """Block until the connection is in one of ``states``; raises ``TimeoutError``."""
        result: ConnectionState = run(
            lambda c: c.wait_for_state(*states, timeout=timeout), "waitForState()", timeout + 5
        )
        return result

    @staticmethod
    def wait_for_catchup(timeout: float = 10.0) -> CatchupResult | None:
        """Block until pending catch-up finished; returns its result."""
        result: CatchupResult | None = run(
            lambda c: c.wait_for_catchup(timeout), "waitForCatchup()", timeout + 5
        )
        return result

    @staticmethod
    def wait_listeners_idle(timeout: float = 5.0) -> bool:
        """Block until every received event reached the listeners."""
        return current_client().wait_listeners_idle(timeout)

    # listeners --------------------------------------------------------------------------
    @staticmethod
    def add_listener(kind: str, listenerId: str, listener: Listener) -> None:
        """Register ``listener`` for ``kind`` events (see :meth:`Client.add_listener`);
        kept across re-init. Before init it is checked now and attached at init."""
        with state.lock:
            client = state.client
            if client is not None:
                client.add_listener(kind, listenerId, listener)
            else:
                check_listener(kind, listenerId, listener)
            state.listeners[(kind, listenerId)] = listener

    @staticmethod
    def remove_listener(kind: str, listenerId: str) -> None:
        """Unregister the ``kind`` listener ``listenerId`` (now and for later re-inits)."""
        with state.lock:
            state.listeners.pop((kind, listenerId), None)
            if state.client is not None:
                state.client.remove_listener(kind, listenerId)

    @staticmethod
    def add_connection_listener(listenerId: str, listener: ConnectionListener) -> None:
        CoreFacade.add_listener("connection", listenerId, listener)

    @staticmethod
    def remove_connection_listener(listenerId: str) -> None:
        CoreFacade.remove_listener("connection", listenerId)

    @staticmethod
    def add_message_listener(listenerId: str, listener: MessageListener) -> None:
        CoreFacade.add_listener("message", listenerId, listener)

    @staticmethod
    def remove_message_listener(listenerId: str) -> None:
        CoreFacade.remove_listener("message", listenerId)

    @staticmethod
    def add_user_listener(listenerId: str, listener: UserListener) -> None:
        CoreFacade.add_listener("user", listenerId, listener)

    @staticmethod
    def remove_user_listener(listenerId: str) -> None:
        CoreFacade.remove_listener("user", listenerId)

    @staticmethod
    def add_group_listener(listenerId: str, listener: GroupListener) -> None:
        CoreFacade.add_listener("group", listenerId, listener)

    @staticmethod
    def remove_group_listener(listenerId: str) -> None:
        CoreFacade.remove_listener("group", listenerId)

    @staticmethod
    def add_login_listener(listenerId: str, listener: LoginListener) -> None:
        CoreFacade.add_listener("login", listenerId, listener)

    @staticmethod
    def remove_login_listener(listenerId: str) -> None:
        CoreFacade.remove_listener("login", listenerId)

    @staticmethod
    def add_event_sink(sink: Sink, inline: bool | None = None) -> None:
        """Receive every event (the notebook's LiveFrame uses this); survives re-init.

        ``inline``: see :meth:`cometchat_nb.Client.add_event_sink`.
        """
        with state.lock:
            state.sinks[sink] = inline
            if state.client is not None:
                state.client.add_event_sink(sink, inline=inline)

    @staticmethod
    def remove_event_sink(sink: Sink) -> None:
        with state.lock:
            state.sinks.pop(sink, None)
            if state.client is not None:
                state.client.remove_event_sink(sink)

    # camelCase aliases -------------------------------------------------------------
    isInitialized = is_initialized
    getLoggedInUser = get_logged_in_user
    getLoggedinUser = get_logged_in_user  # the JS SDK has both spellings
    getConnectionStatus = get_connection_status
    stateLog = state_log
    waitForState = wait_for_state
    waitForCatchup = wait_for_catchup
    waitListenersIdle = wait_listeners_idle
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
    addEventSink = add_event_sink
    removeEventSink = remove_event_sink
