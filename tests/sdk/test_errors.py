"""The sync facade hands every error raised inside a call to the caller unchanged
(type, code, message, ``__cause__``); only its own wait running out becomes
``ERR_TIMEOUT``.

The SDK's ``TimeoutError`` subclasses the builtin one, which is what a
``concurrent.futures`` wait raises on Python >= 3.11, so a bridge that catches
the latter turned e.g. a REST call that got no answer (``FAILED_TO_FETCH``) or
``connect(timeout=…)`` (``WS_CONNECTION_FAIL``) into ``[ERR_TIMEOUT] … did not
finish within 30 s``. Every blocking call of :class:`CometChat` is made to fail
here with real parts: a silent listener on 127.0.0.1 (accepts TCP, never
answers), a closed port, a wrong key, a full outbound queue.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cometchat_nb import (
    AuthError,
    CometChat,
    CometChatException,
    MemorySessionStore,
    TransportError,
)
from cometchat_nb.errors import ErrorCode
from cometchat_nb.errors import TimeoutError as SdkTimeoutError
from cometchat_nb.runtime import SdkRuntime
from cometchat_nb.server import EmbeddedServer
from cometchat_nb.settings import AppSettings

from ..support import WAIT

REQUEST_TIMEOUT = 0.25


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that accepts TCP connections (kernel backlog) and never answers."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as sock:
        yield int(sock.getsockname()[1])


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def facade() -> Iterator[None]:
    try:
        yield
    finally:
        CometChat.shutdown()


def settings(
    url: str, *, manual: bool = True, queue: int = 100, request: float = REQUEST_TIMEOUT
) -> AppSettings:
    return (
        CometChat.AppSettingsBuilder()
        .setRegion("eu")
        .autoEstablishSocketConnection(not manual)
        .overrideClientHost(url)
        .overrideAdminHost(url)
        .setTimeouts(connect=WAIT, request=request)
        .setOutboundQueueSize(queue)
        .build()
    )


def restore_pointing_at(
    server: EmbeddedServer, *, rest_port: int | None = None, ws_port: int | None = None
) -> Any:
    """Log superhero1 in for real, then restart on its saved session with the
    server's advertised REST and/or socket address replaced; returns a message it sent.
    The real calls get the usual bound (a loaded machine may take over 0.25 s); only the
    restarted client has the short one the tests wait out."""
    store = MemorySessionStore()
    CometChat.init(server.app_id, settings(server.url, request=WAIT), store=store, backoff=lambda n: 0)
    CometChat.login("superhero1", server.auth_key)
    sent = CometChat.sendMessage(CometChat.TextMessage("superhero2", "before", "user"))
    CometChat.shutdown()  # closing saves the session: edit it after that
    saved = store.load()
    assert saved is not None and saved["settings"]
    if rest_port is not None:
        saved["settings"]["CLIENT_API_HOST"] = saved["settings"]["ADMIN_API_HOST"] = f"127.0.0.1:{rest_port}"
    if ws_port is not None:
        saved["settings"]["CHAT_WSS_PORT"] = ws_port
    store.save(saved)
    CometChat.init(server.app_id, settings(server.url), store=store, backoff=lambda n: 0)
    assert CometChat.getLoggedInUser() is not None
    return sent


def assert_unmasked(exc: BaseException) -> None:
    assert "() did not finish within" not in str(exc), f"the facade replaced the call's error: {exc!r}"


# -- REST calls that get no answer: SdkTimeoutError FAILED_TO_FETCH, as the Client raises it --------

RestCall = Callable[[Any], object]
REST_CALLS: dict[str, RestCall] = {
    "sendMessage": lambda sent: CometChat.sendMessage(CometChat.TextMessage("superhero2", "hi", "user")),
    "sendCustomMessage": lambda sent: CometChat.sendCustomMessage(
        CometChat.CustomMessage("superhero2", "user", "poll", {"q": "?"})
    ),
    "editMessage": lambda sent: CometChat.editMessage(sent),
    "deleteMessage": lambda sent: CometChat.deleteMessage(sent.getId()),
    "getMessageDetails": lambda sent: CometChat.getMessageDetails(sent.getId()),
    "getUser": lambda sent: CometChat.getUser("superhero2"),
    "getGroup": lambda sent: CometChat.getGroup("supergroup"),
    "createGroup": lambda sent: CometChat.createGroup(CometChat.Group("new-group", "New", "public")),
    "joinGroup": lambda sent: CometChat.joinGroup("supergroup"),
    "leaveGroup": lambda sent: CometChat.leaveGroup("supergroup"),
    "MessagesRequest.fetchPrevious": lambda sent: (
        CometChat.MessagesRequestBuilder().setUID("superhero2").setLimit(10).build().fetchPrevious()
    ),
    "MessagesRequest.fetchNext": lambda sent: (
        CometChat.MessagesRequestBuilder().setUID("superhero2").setLimit(10).build().fetchNext()
    ),
    "UsersRequest.fetchNext": lambda sent: CometChat.UsersRequestBuilder().setLimit(10).build().fetchNext(),
    "GroupsRequest.fetchNext": lambda sent: CometChat.GroupsRequestBuilder().setLimit(10).build().fetchNext(),
    "GroupMembersRequest.fetchNext": lambda sent: (
        CometChat.GroupMembersRequestBuilder("supergroup").setLimit(10).build().fetchNext()
    ),
}


@pytest.mark.parametrize("call", list(REST_CALLS))
def test_a_rest_call_without_answer_raises_the_clients_error(
    call: str, server: EmbeddedServer, silent: int, facade: None
) -> None:
    sent = restore_pointing_at(server, rest_port=silent)
    with pytest.raises(SdkTimeoutError) as info:
        REST_CALLS[call](sent)
    assert_unmasked(info.value)
    assert info.value.code == ErrorCode.FAILED_TO_FETCH
    assert f"got no answer within {REQUEST_TIMEOUT:g} s" in info.value.message
    assert info.value.__cause__ is None and info.value.__suppress_context__  # as RestApi raises it


def test_logout_without_answer_drops_the_session_locally(
    server: EmbeddedServer, silent: int, facade: None
) -> None:
    restore_pointing_at(server, rest_port=silent)
    CometChat.logout()  # documented: never stuck logged in when the server is unreachable
    assert CometChat.getLoggedInUser() is None


# -- login ---------------------------------------------------------------------------------------


def test_login_without_answer_raises_failed_to_fetch(silent: int, facade: None) -> None:
    CometChat.init("app", settings(f"http://127.0.0.1:{silent}"), store=MemorySessionStore())
    with pytest.raises(SdkTimeoutError) as info:
        CometChat.login("superhero1", "key")
    assert_unmasked(info.value)
    assert info.value.code == ErrorCode.FAILED_TO_FETCH
    assert info.value.message == f"POST users/{{uid}}/auth_tokens got no answer within {REQUEST_TIMEOUT:g} s"


def test_login_against_a_closed_port_raises_failed_to_fetch(closed_port: int, facade: None) -> None:
    CometChat.init("app", settings(f"http://127.0.0.1:{closed_port}"), store=MemorySessionStore())
    with pytest.raises(TransportError) as info:
        CometChat.login("superhero1", "key")
    assert info.value.code == ErrorCode.FAILED_TO_FETCH
    assert f"127.0.0.1:{closed_port}" in info.value.message
    assert info.value.__cause__ is None


def test_login_with_a_wrong_key_raises_the_servers_code(server: EmbeddedServer, facade: None) -> None:
    CometChat.init(server.app_id, settings(server.url, request=WAIT), store=MemorySessionStore())
    with pytest.raises(AuthError) as info:
        CometChat.login("superhero1", "wrong-key")
    assert info.value.code == ErrorCode.APIKEY_NOT_FOUND


def test_login_after_the_server_stopped_raises_failed_to_fetch(facade: None) -> None:
    with EmbeddedServer() as server:
        url, app_id, key = server.url, server.app_id, server.auth_key
    CometChat.init(app_id, settings(url), store=MemorySessionStore())
    with pytest.raises(TransportError) as info:
        CometChat.login("superhero1", key)
    assert info.value.code == ErrorCode.FAILED_TO_FETCH


# -- init: an error from the session store -------------------------------------------------------


class SlowServiceStore(MemorySessionStore):
    """A session store backed by a service that timed out (a user's own store)."""

    def load(self) -> dict[str, Any] | None:
        try:
            raise TimeoutError("session service: no answer")
        except TimeoutError as exc:
            raise SdkTimeoutError("the session service did not answer", code="SESSION_SERVICE") from exc


def test_init_passes_the_stores_error_through(facade: None) -> None:
    with pytest.raises(SdkTimeoutError) as info:
        CometChat.init("app", settings("http://127.0.0.1:9"), store=SlowServiceStore())
    assert_unmasked(info.value)
    assert (info.value.code, info.value.message) == ("SESSION_SERVICE", "the session service did not answer")
    assert type(info.value.__cause__) is TimeoutError
    assert str(info.value.__cause__) == "session service: no answer"


# -- the socket ------------------------------------------------------------------------------------


def test_connect_with_a_timeout_keeps_ws_connection_fail_and_its_cause(
    server: EmbeddedServer, silent: int, facade: None
) -> None:
    restore_pointing_at(server, ws_port=silent)  # the socket's handshake is never answered
    with pytest.raises(SdkTimeoutError) as info:
        CometChat.connect(timeout=0.3)
    assert_unmasked(info.value)
    assert info.value.code == ErrorCode.WS_CONNECTION_FAIL
    assert info.value.message.startswith("not connected after 0.3 s")
    assert type(info.value.__cause__) is TimeoutError
    CometChat.disconnect()


def test_connect_with_nobody_logged_in(server: EmbeddedServer, facade: None) -> None:
    CometChat.init(server.app_id, settings(server.url), store=MemorySessionStore())
    with pytest.raises(CometChatException) as info:
        CometChat.connect()
    assert info.value.code == ErrorCode.USER_NOT_LOGGED_IN


def test_wait_for_state_reports_the_state_it_was_in(server: EmbeddedServer, facade: None) -> None:
    CometChat.init(server.app_id, settings(server.url, request=WAIT), store=MemorySessionStore())
    CometChat.login("superhero1", server.auth_key)  # manual mode: the socket stays closed
    with pytest.raises(SdkTimeoutError) as info:
        CometChat.waitForState(CometChat.ConnectionState.CONNECTED, timeout=0.2)
    assert_unmasked(info.value)
    assert info.value.code == ErrorCode.TIMEOUT
    assert info.value.message.startswith("state 'initialized' did not become one of ['connected']")
    assert type(info.value.__cause__) is TimeoutError


def test_wait_for_catchup_reports_the_catchup(server: EmbeddedServer, silent: int, facade: None) -> None:
    restore_pointing_at(server, rest_port=silent)  # the socket works, the catch-up's REST gets no answer
    CometChat.connect()
    with pytest.raises(SdkTimeoutError) as info:
        CometChat.waitForCatchup(timeout=REQUEST_TIMEOUT / 5)
    assert_unmasked(info.value)
    assert info.value.message == f"catch-up did not finish within {REQUEST_TIMEOUT / 5} s"
    assert type(info.value.__cause__) is TimeoutError


TRANSIENT_CALLS: dict[str, Callable[[], object]] = {
    "startTyping": lambda: CometChat.startTyping(CometChat.TypingIndicator("superhero2", "user")),
    "endTyping": lambda: CometChat.endTyping(CometChat.TypingIndicator("superhero2", "user")),
    "markAsDelivered": lambda: CometChat.markAsDelivered("1", "superhero2", "user", "superhero2"),
    "markAsRead": lambda: CometChat.markAsRead("1", "superhero2", "user", "superhero2"),
}


@pytest.mark.parametrize("call", list(TRANSIENT_CALLS))
def test_a_transient_frame_that_cannot_be_queued(call: str, server: EmbeddedServer, facade: None) -> None:
    CometChat.init(server.app_id, settings(server.url, queue=0), store=MemorySessionStore())
    CometChat.login("superhero1", server.auth_key)  # manual mode, never connected, no queue
    with pytest.raises(CometChatException) as info:
        TRANSIENT_CALLS[call]()
    assert info.value.code == ErrorCode.QUEUE_FULL


# -- the bridge itself -------------------------------------------------------------------------------


def test_only_the_bridges_own_wait_becomes_err_timeout() -> None:
    runtime = SdkRuntime(name="test-bridge")
    try:
        cancelled: list[bool] = []

        async def forever() -> None:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                cancelled.append(True)
                raise

        with pytest.raises(SdkTimeoutError) as info:
            runtime.run(forever(), 0.05, what="forever()")
        assert (info.value.code, info.value.message) == (
            ErrorCode.TIMEOUT,
            "forever() did not finish within 0.05 s",
        )

        async def was_cancelled() -> bool:
            await asyncio.sleep(0)  # the cancellation is delivered on the next iteration
            return bool(cancelled)

        assert runtime.run(was_cancelled(), WAIT), "the timed-out call kept running"

        original = SdkTimeoutError("inner", code=ErrorCode.WS_CONNECTION_FAIL)

        async def fails() -> None:
            raise original from KeyError("why")

        with pytest.raises(SdkTimeoutError) as inner:
            runtime.run(fails(), WAIT, what="fails()")
        assert inner.value is original and isinstance(inner.value.__cause__, KeyError)
    finally:
        runtime.shutdown()
