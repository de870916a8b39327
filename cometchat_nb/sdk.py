"""``CometChat``: the sync facade that mirrors the CometChat JS SDK.

A snippet from the CometChat docs ports line by line::

    from cometchat_nb import CometChat

    settings = (CometChat.AppSettingsBuilder()
                .subscribePresenceForAllUsers()
                .setRegion(region)
                .autoEstablishSocketConnection(False)
                .build())
    CometChat.init(app_id, settings)
    CometChat.login(uid, auth_key)
    CometChat.addConnectionListener("conn", CometChat.ConnectionListener(
        onConnected=lambda: print("connected"),
        inConnecting=lambda: print("connecting"),
        onDisconnected=lambda: print("disconnected"),
    ))
    CometChat.connect()          # blocks until connected (or raises)
    CometChat.disconnect()       # blocks until closed

Every method delegates to one default :class:`~cometchat_nb.client.Client`
running on the SDK's own loop thread (:mod:`cometchat_nb.runtime`), so calls
are plain blocking functions in scripts and notebooks alike. Each has a
snake_case twin (``get_logged_in_user``, ``add_message_listener`` …).
Listeners may be added before :meth:`CometChat.init`; they survive re-init.
Sync listener callbacks run on the client's dispatch thread, where calling
back into ``CometChat`` is fine; coroutine listeners run on the SDK loop,
where blocking calls raise ``ERR_WRONG_THREAD`` (await the Client instead).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar, Final, TypeVar

from .client import requests as _req
from .client.client import CatchupResult, Client
from .client.dispatch import Sink
from .client.store import SessionStore
from .errors import CometChatException, ErrorCode, StateError
from .listeners import (
    ConnectionListener,
    GroupListener,
    Listener,
    LoginListener,
    MessageListener,
    UserListener,
)
from .models import (
    CATEGORY,
    RECEIVER_TYPE,
    Action,
    BaseMessage,
    Call,
    CustomMessage,
    Group,
    GroupMember,
    MediaMessage,
    MessageReceipt,
    TextMessage,
    TransientMessage,
    TypingIndicator,
    User,
)
from .protocol.states import ConnectionState, ConnectionStateChange
from .runtime import SdkRuntime, get_runtime
from .settings import AppSettings, AppSettingsBuilder

__all__ = ["CometChat"]

T = TypeVar("T")


class _MessageType:
    TEXT: Final = "text"
    IMAGE: Final = "image"
    VIDEO: Final = "video"
    AUDIO: Final = "audio"
    FILE: Final = "file"
    CUSTOM: Final = "custom"


class _GroupType:
    PUBLIC: Final = "public"
    PRIVATE: Final = "private"
    PASSWORD: Final = "password"


class _GroupMemberScope:
    ADMIN: Final = "admin"
    MODERATOR: Final = "moderator"
    PARTICIPANT: Final = "participant"


class _ConnectionStatus:
    CONNECTED: Final = "connected"
    CONNECTING: Final = "connecting"
    DISCONNECTED: Final = "disconnected"


class _Facade:
    """State behind the facade: the default client and listeners kept across re-init."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.client: Client | None = None
        self.listeners: dict[tuple[str, str], Listener] = {}
        self.sinks: dict[Sink, bool | None] = {}  # sink -> its ``inline`` argument
        self.runtime: SdkRuntime = get_runtime()


_facade = _Facade()

#: default timeouts (seconds) of blocking calls; connect adds the settings' connect timeout
NETWORK_TIMEOUT = 30.0


def _client() -> Client:
    client = _facade.client
    if client is None:
        raise StateError(
            "Please call CometChat.init(appId, appSettings) before using CometChat.",
            code=ErrorCode.NOT_INITIALIZED,
        )
    return client


def _run(coro_factory: Callable[[Client], Any], what: str, timeout: float | None = NETWORK_TIMEOUT) -> Any:
    client = _client()
    return _facade.runtime.run(coro_factory(client), timeout, what=what)


class _SyncMessagesRequest:
    """``MessagesRequest`` with blocking ``fetchPrevious()``/``fetchNext()``."""

    def __init__(self, request: _req.MessagesRequest) -> None:
        self._request = request

    def fetchPrevious(self) -> list[BaseMessage]:  # noqa: N802
        result: list[BaseMessage] = _facade.runtime.run(
            self._request.fetch_previous(), NETWORK_TIMEOUT, what="fetchPrevious()"
        )
        return result

    def fetchNext(self) -> list[BaseMessage]:  # noqa: N802
        result: list[BaseMessage] = _facade.runtime.run(
            self._request.fetch_next(), NETWORK_TIMEOUT, what="fetchNext()"
        )
        return result

    fetch_previous = fetchPrevious
    fetch_next = fetchNext


class _SyncPagedRequest:
    def __init__(self, request: Any) -> None:
        self._request = request

    def fetchNext(self) -> list[Any]:  # noqa: N802
        result: list[Any] = _facade.runtime.run(
            self._request.fetch_next(), NETWORK_TIMEOUT, what="fetchNext()"
        )
        return result

    fetch_next = fetchNext


class MessagesRequestBuilder(_req.MessagesRequestBuilder):
    """``CometChat.MessagesRequestBuilder()`` bound to the default client (blocking fetches)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> _SyncMessagesRequest:  # type: ignore[override]
        return _SyncMessagesRequest(_req.MessagesRequest(_client()._call, dict(self._params)))


class UsersRequestBuilder(_req.UsersRequestBuilder):
    """``CometChat.UsersRequestBuilder()`` (blocking ``fetchNext()``)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> _SyncPagedRequest:  # type: ignore[override]
        return _SyncPagedRequest(_req.UsersRequest(_client()._call, dict(self._params)))


class GroupsRequestBuilder(_req.GroupsRequestBuilder):
    """``CometChat.GroupsRequestBuilder()`` (blocking ``fetchNext()``)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> _SyncPagedRequest:  # type: ignore[override]
        return _SyncPagedRequest(_req.GroupsRequest(_client()._call, dict(self._params)))


class GroupMembersRequestBuilder(_req.GroupMembersRequestBuilder):
    """``CometChat.GroupMembersRequestBuilder(guid)`` (blocking ``fetchNext()``)."""

    def __init__(self, guid: str) -> None:
        super().__init__(guid, None)

    def build(self) -> _SyncPagedRequest:  # type: ignore[override]
        return _SyncPagedRequest(
            _req.GroupMembersRequest(_client()._call, dict(self._params), {"guid": self._guid})
        )


class _Namespace:
    """Classes and constants reachable as ``CometChat.X``, as in the JS SDK."""

    AppSettings = AppSettings
    AppSettingsBuilder = AppSettingsBuilder
    BaseMessage = BaseMessage
    TextMessage = TextMessage
    CustomMessage = CustomMessage
    MediaMessage = MediaMessage
    Action = Action
    Call = Call
    User = User
    Group = Group
    GroupMember = GroupMember
    TypingIndicator = TypingIndicator
    MessageReceipt = MessageReceipt
    TransientMessage = TransientMessage
    MessageListener = MessageListener
    ConnectionListener = ConnectionListener
    UserListener = UserListener
    GroupListener = GroupListener
    LoginListener = LoginListener
    CometChatException = CometChatException
    MessagesRequestBuilder = MessagesRequestBuilder
    UsersRequestBuilder = UsersRequestBuilder
    GroupsRequestBuilder = GroupsRequestBuilder
    GroupMembersRequestBuilder = GroupMembersRequestBuilder
    ConnectionState = ConnectionState
    ConnectionStateChange = ConnectionStateChange
    RECEIVER_TYPE = RECEIVER_TYPE
    MESSAGE_TYPE = _MessageType
    GROUP_TYPE = _GroupType
    GROUP_MEMBER_SCOPE = _GroupMemberScope
    CONNECTION_STATUS = _ConnectionStatus
    CATEGORY_MESSAGE: ClassVar[str] = CATEGORY.MESSAGE
    CATEGORY_CUSTOM: ClassVar[str] = CATEGORY.CUSTOM
    CATEGORY_ACTION: ClassVar[str] = CATEGORY.ACTION
    CATEGORY_CALL: ClassVar[str] = CATEGORY.CALL


class CometChat(_Namespace):
    """The CometChat SDK, sync flavour (all static methods; see the module docstring)."""

    # init ---------------------------------------------------------------------------
    @staticmethod
    def init(
        appId: str,  # noqa: N803
        appSettings: AppSettings | None = None,  # noqa: N803
        *,
        store: SessionStore | None = None,
        backoff: Callable[[int], float] | None = None,
    ) -> bool:
        """Initialise for ``appId``; restores a saved session (auto mode reconnects by itself).

        Calling it again replaces the default client (its session stays saved).
        ``store``/``backoff`` are Python extras (tests: ``MemorySessionStore()``, ``lambda n: 0``).
        """
        with _facade.lock:
            old = _facade.client
            client = Client(appId, appSettings, store=store, backoff=backoff, name="default")
            runtime = _facade.runtime
            if old is not None:
                runtime.remove_closer(old.close)
                runtime.run(old.close(), NETWORK_TIMEOUT, what="closing the previous client")
            for (kind, listener_id), listener in _facade.listeners.items():
                client._add_listener(kind, listener_id, listener)
            for sink, inline in _facade.sinks.items():
                client.add_event_sink(sink, inline=inline)
            _facade.client = client
            runtime.add_closer(client.close)
            result: bool = runtime.run(client.init(), NETWORK_TIMEOUT, what="CometChat.init()")
            return result

    @staticmethod
    def isInitialized() -> bool:  # noqa: N802
        return _facade.client is not None

    @staticmethod
    def client() -> Client:
        """The default async :class:`Client` behind the facade (raises before init)."""
        return _client()

    @staticmethod
    def shutdown() -> None:
        """Close the default client (the session stays saved) and stop the SDK loop thread."""
        with _facade.lock:
            client, _facade.client = _facade.client, None
            if client is not None:
                _facade.runtime.remove_closer(client.close)
                if _facade.runtime.running:
                    _facade.runtime.run(client.close(), NETWORK_TIMEOUT, what="CometChat.shutdown()")
            _facade.runtime.shutdown()

    # session ----------------------------------------------------------------------------
    @staticmethod
    def login(uid: str | None = None, authKey: str | None = None, *, authToken: str | None = None) -> User:  # noqa: N803
        """``login(uid, authKey)`` or ``login(authToken)``; returns the :class:`User`."""
        user: User = _run(lambda c: c.login(uid, authKey, auth_token=authToken), "CometChat.login()")
        return user

    @staticmethod
    def getLoggedInUser() -> User | None:  # noqa: N802
        """The logged-in user or None (no network call)."""
        client = _facade.client
        return client.get_logged_in_user() if client is not None else None

    @staticmethod
    def logout() -> None:
        """Log out and forget the saved session."""
        _run(lambda c: c.logout(), "CometChat.logout()")

    # connection -------------------------------------------------------------------------
    @staticmethod
    def connect(timeout: float | None = None) -> None:
        """Open the socket and block until connected; raises if nobody is logged in,
        on a terminal failure, or after ``timeout`` seconds (retrying continues)."""
        client = _client()
        limit = client.settings.connect_timeout if timeout is None else timeout
        _run(lambda c: c.connect(limit), "CometChat.connect()", timeout=limit + 5)

    @staticmethod
    def disconnect() -> None:
        """Close the socket and stop reconnecting; blocks until closed. Idempotent."""
        _run(lambda c: c.disconnect(), "CometChat.disconnect()")

    @staticmethod
    def getConnectionStatus() -> str:  # noqa: N802
        """``"connected"``, ``"connecting"`` or ``"disconnected"``."""
        client = _facade.client
        return client.get_connection_status() if client is not None else "disconnected"

    @staticmethod
    def status() -> dict[str, Any]:
        """State, attempt, retry delay, last error, rtt … of the default client."""
        return _client().status()

    @staticmethod
    def stateLog() -> list[ConnectionStateChange]:  # noqa: N802
        """Every connection state change so far."""
        return _client().state_log

    @staticmethod
    def waitForState(*states: ConnectionState, timeout: float = 10.0) -> ConnectionState:  # noqa: N802
        state: ConnectionState = _run(
            lambda c: c.wait_for_state(*states, timeout=timeout), "waitForState()", timeout + 5
        )
        return state

    @staticmethod
    def waitForCatchup(timeout: float = 10.0) -> CatchupResult | None:  # noqa: N802
        """Block until pending catch-up finished; returns its result."""
        result: CatchupResult | None = _run(
            lambda c: c.wait_for_catchup(timeout), "waitForCatchup()", timeout + 5
        )
        return result

    @staticmethod
    def waitListenersIdle(timeout: float = 5.0) -> bool:  # noqa: N802
        """Block until every received event reached the listeners."""
        return _client().wait_listeners_idle(timeout)

    # listeners --------------------------------------------------------------------------
    @staticmethod
    def _add(kind: str, listener_id: str, listener: Listener) -> None:
        with _facade.lock:
            client = _facade.client
            if client is not None:
                client._add_listener(kind, listener_id, listener)
            else:  # validate now, attach at init
                Client._check_listener(kind, listener_id, listener)
            _facade.listeners[(kind, listener_id)] = listener

    @staticmethod
    def _remove(kind: str, listener_id: str) -> None:
        with _facade.lock:
            _facade.listeners.pop((kind, listener_id), None)
            if _facade.client is not None:
                _facade.client._dispatcher.remove(kind, listener_id)

    @staticmethod
    def addConnectionListener(listenerId: str, listener: ConnectionListener) -> None:  # noqa: N802, N803
        CometChat._add("connection", listenerId, listener)

    @staticmethod
    def removeConnectionListener(listenerId: str) -> None:  # noqa: N802, N803
        CometChat._remove("connection", listenerId)

    @staticmethod
    def addMessageListener(listenerId: str, listener: MessageListener) -> None:  # noqa: N802, N803
        CometChat._add("message", listenerId, listener)

    @staticmethod
    def removeMessageListener(listenerId: str) -> None:  # noqa: N802, N803
        CometChat._remove("message", listenerId)

    @staticmethod
    def addUserListener(listenerId: str, listener: UserListener) -> None:  # noqa: N802, N803
        CometChat._add("user", listenerId, listener)

    @staticmethod
    def removeUserListener(listenerId: str) -> None:  # noqa: N802, N803
        CometChat._remove("user", listenerId)

    @staticmethod
    def addGroupListener(listenerId: str, listener: GroupListener) -> None:  # noqa: N802, N803
        CometChat._add("group", listenerId, listener)

    @staticmethod
    def removeGroupListener(listenerId: str) -> None:  # noqa: N802, N803
        CometChat._remove("group", listenerId)

    @staticmethod
    def addLoginListener(listenerId: str, listener: LoginListener) -> None:  # noqa: N802, N803
        CometChat._add("login", listenerId, listener)

    @staticmethod
    def removeLoginListener(listenerId: str) -> None:  # noqa: N802, N803
        CometChat._remove("login", listenerId)

    @staticmethod
    def addEventSink(sink: Sink, inline: bool | None = None) -> None:  # noqa: N802
        """Receive every event (the notebook's LiveFrame uses this); survives re-init.

        ``inline``: see :meth:`cometchat_nb.Client.add_event_sink`.
        """
        with _facade.lock:
            _facade.sinks[sink] = inline
            if _facade.client is not None:
                _facade.client.add_event_sink(sink, inline=inline)

    @staticmethod
    def removeEventSink(sink: Sink) -> None:  # noqa: N802
        with _facade.lock:
            _facade.sinks.pop(sink, None)
            if _facade.client is not None:
                _facade.client.remove_event_sink(sink)

    # messages ---------------------------------------------------------------------------
    @staticmethod
    def sendMessage(message: BaseMessage) -> BaseMessage:  # noqa: N802
        """Send over REST; returns the stored message (id, sentAt, sender)."""
        sent: BaseMessage = _run(lambda c: c.send_message(message), "CometChat.sendMessage()")
        return sent

    @staticmethod
    def sendCustomMessage(message: CustomMessage) -> BaseMessage:  # noqa: N802
        sent: BaseMessage = _run(lambda c: c.send_custom_message(message), "CometChat.sendCustomMessage()")
        return sent

    @staticmethod
    def editMessage(message: BaseMessage) -> BaseMessage:  # noqa: N802
        edited: BaseMessage = _run(lambda c: c.edit_message(message), "CometChat.editMessage()")
        return edited

    @staticmethod
    def deleteMessage(messageId: str | int) -> BaseMessage:  # noqa: N802, N803
        deleted: BaseMessage = _run(lambda c: c.delete_message(messageId), "CometChat.deleteMessage()")
        return deleted

    @staticmethod
    def getMessageDetails(messageId: str | int) -> BaseMessage:  # noqa: N802, N803
        message: BaseMessage = _run(lambda c: c.get_message(messageId), "CometChat.getMessageDetails()")
        return message

    @staticmethod
    def getLastDeliveredMessageId() -> str | None:  # noqa: N802
        return _client().get_last_delivered_message_id()

    @staticmethod
    def startTyping(typingIndicator: TypingIndicator) -> None:  # noqa: N802, N803
        _run(lambda c: c.start_typing(typingIndicator), "CometChat.startTyping()")

    @staticmethod
    def endTyping(typingIndicator: TypingIndicator) -> None:  # noqa: N802, N803
        _run(lambda c: c.end_typing(typingIndicator), "CometChat.endTyping()")

    @staticmethod
    def markAsDelivered(message: BaseMessage | str, *args: str) -> None:  # noqa: N802
        _run(lambda c: c.mark_as_delivered(message, *args), "CometChat.markAsDelivered()")

    @staticmethod
    def markAsRead(message: BaseMessage | str, *args: str) -> None:  # noqa: N802
        _run(lambda c: c.mark_as_read(message, *args), "CometChat.markAsRead()")

    # users and groups -------------------------------------------------------------------
    @staticmethod
    def getUser(uid: str) -> User:  # noqa: N802
        user: User = _run(lambda c: c.get_user(uid), "CometChat.getUser()")
        return user

    @staticmethod
    def getGroup(guid: str) -> Group:  # noqa: N802
        group: Group = _run(lambda c: c.get_group(guid), "CometChat.getGroup()")
        return group

    @staticmethod
    def createGroup(group: Group) -> Group:  # noqa: N802
        created: Group = _run(lambda c: c.create_group(group), "CometChat.createGroup()")
        return created

    @staticmethod
    def joinGroup(guid: str, groupType: str = "public", password: str | None = None) -> Group:  # noqa: N802, N803
        group: Group = _run(lambda c: c.join_group(guid, groupType, password), "CometChat.joinGroup()")
        return group

    @staticmethod
    def leaveGroup(guid: str) -> bool:  # noqa: N802
        left: bool = _run(lambda c: c.leave_group(guid), "CometChat.leaveGroup()")
        return left

    # snake_case twins -------------------------------------------------------------------
    is_initialized = isInitialized
    get_logged_in_user = getLoggedInUser
    getLoggedinUser = getLoggedInUser  # the JS SDK has both spellings  # noqa: N815
    get_connection_status = getConnectionStatus
    state_log = stateLog
    wait_for_state = waitForState
    wait_for_catchup = waitForCatchup
    wait_listeners_idle = waitListenersIdle
    add_connection_listener = addConnectionListener
    remove_connection_listener = removeConnectionListener
    add_message_listener = addMessageListener
    remove_message_listener = removeMessageListener
    add_user_listener = addUserListener
    remove_user_listener = removeUserListener
    add_group_listener = addGroupListener
    remove_group_listener = removeGroupListener
    add_login_listener = addLoginListener
    remove_login_listener = removeLoginListener
    add_event_sink = addEventSink
    remove_event_sink = removeEventSink
    send_message = sendMessage
    send_custom_message = sendCustomMessage
    edit_message = editMessage
    delete_message = deleteMessage
    get_message_details = getMessageDetails
    get_last_delivered_message_id = getLastDeliveredMessageId
    start_typing = startTyping
    end_typing = endTyping
    mark_as_delivered = markAsDelivered
    mark_as_read = markAsRead
    get_user = getUser
    get_group = getGroup
    create_group = createGroup
    join_group = joinGroup
    leave_group = leaveGroup
