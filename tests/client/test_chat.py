"""Two Python clients chatting through the embedded server: text, custom,
typing, receipts, presence, groups, edits/deletes, history, outbound queue."""

from __future__ import annotations

import httpx
import pytest

from cometchat_nb import (
    Client,
    ConnectionState,
    CustomMessage,
    Group,
    InvalidArgumentError,
    MemorySessionStore,
    StateError,
    TextMessage,
    TypingIndicator,
)
from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient, Recorder, settings_for


async def pair(make_client: MakeClient) -> tuple[Client, Recorder, Client, Recorder]:
    alice, arec = await make_client("superhero1")
    bob, brec = await make_client("superhero2")
    for c in (alice, bob):
        await c.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
        await c.wait_for_catchup()
    return alice, arec, bob, brec


async def test_text_and_custom_both_ways_without_echo(make_client: MakeClient) -> None:
    alice, arec, bob, brec = await pair(make_client)
    sent = await alice.send_message(TextMessage("superhero2", "hi bob", "user"))
    assert sent.id and sent.getSender().getUid() == "superhero1" and sent.source == "sent"
    (got,) = await brec.wait_for("onTextMessageReceived")
    assert got.id == sent.id and got.getText() == "hi bob"
    assert got.getConversationId() == sent.getConversationId()

    custom = CustomMessage("superhero1", "user", "location", {"lat": 52.5, "lng": 13.4})
    custom.setMetadata({"k": "v"})
    reply = await bob.send_custom_message(custom)
    (got_custom,) = await arec.wait_for("onCustomMessageReceived")
    assert got_custom.id == reply.id
    assert got_custom.getCustomData() == {"lat": 52.5, "lng": 13.4}
    assert got_custom.getType() == "location" and got_custom.getMetadata() == {"k": "v"}
    # the sender's own socket filters its echo (deviceId), so nobody got their own message
    alice.wait_listeners_idle()
    assert arec.count("onTextMessageReceived") == 0


async def test_typing_and_receipts_flow_over_the_socket(make_client: MakeClient) -> None:
    alice, arec, bob, brec = await pair(make_client)
    await alice.start_typing(TypingIndicator("superhero2", "user", {"draft": True}))
    (typing,) = await brec.wait_for("onTypingStarted")
    assert typing.getSender().getUid() == "superhero1" and typing.getMetadata() == {"draft": True}
    await alice.end_typing(TypingIndicator("superhero2", "user"))
    await brec.wait_for("onTypingEnded")

    sent = await alice.send_message(TextMessage("superhero2", "read me", "user"))
    (msg,) = await brec.wait_for("onTextMessageReceived")
    await bob.mark_as_delivered(msg)
    (delivered,) = await arec.wait_for("onMessagesDelivered")
    assert delivered.getMessageId() == sent.id and delivered.getSender().getUid() == "superhero2"
    assert delivered.getReceiptType() == "delivery"
    await bob.mark_as_read(msg.id, "superhero1", "user", "superhero1")
    (read,) = await arec.wait_for("onMessagesRead")
    assert read.getMessageId() == sent.id and read.getReceiptType() == "read"


async def test_presence_online_and_offline(make_client: MakeClient) -> None:
    alice, arec = await make_client("superhero1")
    await alice.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    carol, _ = await make_client("superhero3")
    online = await arec.wait(lambda r: any(u.uid == "superhero3" for u in r.args("onUserOnline")))
    del online
    await carol.disconnect()
    await arec.wait(lambda r: any(u.uid == "superhero3" for u in r.args("onUserOffline")))
    offline = [u for u in arec.args("onUserOffline") if u.uid == "superhero3"][-1]
    assert offline.getStatus() == "offline" and offline.getLastActiveAt()


async def test_group_messages_join_leave(server: EmbeddedServer, make_client: MakeClient) -> None:
    server.create_group("readers", "Readers", members=["superhero1"])
    alice, arec, bob, brec = await pair(make_client)
    with pytest.raises(ApiError) as info:
        await bob.send_message(TextMessage("readers", "let me in", "group"))
    assert info.value.code == ErrorCode.NOT_A_MEMBER
    group = await bob.join_group("readers")
    assert group.getGuid() == "readers"
    joined = await arec.wait_for("onGroupMemberJoined")
    action, user, joined_group = joined[0]
    assert action.getAction() == "joined" and user.uid == "superhero2" and joined_group.guid == "readers"

    sent = await alice.send_message(TextMessage("readers", "hello readers", "group"))
    (got,) = await brec.wait_for("onTextMessageReceived")
    assert got.id == sent.id and got.getReceiverType() == "group" and got.getReceiverId() == "readers"
    assert await bob.leave_group("readers") is True
    await arec.wait_for("onGroupMemberLeft")


async def test_edit_and_delete_announced(make_client: MakeClient) -> None:
    alice, _arec, _bob, brec = await pair(make_client)
    sent = await alice.send_message(TextMessage("superhero2", "tpyo", "user"))
    await brec.wait_for("onTextMessageReceived")
    sent.setText("typo")
    edited = await alice.edit_message(sent)
    assert edited.getText() == "typo" and edited.getEditedAt()
    (on_edit,) = await brec.wait_for("onMessageEdited")
    assert on_edit.id == sent.id and on_edit.getText() == "typo"
    deleted = await alice.delete_message(sent.id)
    assert deleted.getDeletedAt()
    (on_delete,) = await brec.wait_for("onMessageDeleted")
    assert on_delete.id == sent.id


async def test_history_fetch_previous_and_next(server: EmbeddedServer, make_client: MakeClient) -> None:
    ids = [server.send_message("superhero1", "superhero2", f"m{i}")["id"] for i in range(25)]
    bob, _ = await make_client("superhero2", manual=True)
    request = bob.messages_request().setUID("superhero1").setLimit(10).build()
    pages = [await request.fetch_previous() for _ in range(4)]
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    assert [m.id for p in reversed(pages) for m in p] == ids
    assert all(m.source == "history" for p in pages for m in p)
    forward = bob.messages_request().set_uid("superhero1").set_message_id(ids[19]).set_limit(30).build()
    assert [m.id for m in await forward.fetchNext()] == ids[20:]
    with pytest.raises(InvalidArgumentError):
        bob.messages_request().setLimit(1000)
    users = await bob.users_request().setLimit(3).build().fetch_next()
    assert len(users) == 3


async def test_typing_while_disconnected_is_queued_and_flushed(make_client: MakeClient) -> None:
    alice, _arec, _bob, brec = await pair(make_client)
    await alice.disconnect()
    await alice.start_typing(TypingIndicator("superhero2", "user"))
    assert alice.status()["queued_out"] == 1
    await alice.connect()
    await alice.wait_for_catchup()
    await brec.wait_for("onTypingStarted")
    assert alice.status()["queued_out"] == 0
    await alice.logout()
    with pytest.raises(StateError):
        await alice.start_typing(TypingIndicator("superhero2", "user"))


async def test_send_works_over_rest_while_socket_is_down(make_client: MakeClient) -> None:
    alice, _ = await make_client("superhero1", manual=True)
    bob, brec = await make_client("superhero2")
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await bob.wait_for_catchup()
    assert alice.connection_state is ConnectionState.INITIALIZED
    await alice.send_message(TextMessage("superhero2", "no socket needed", "user"))
    await brec.wait_for("onTextMessageReceived")


async def test_group_creation_and_bad_arguments(make_client: MakeClient) -> None:
    alice, _ = await make_client("superhero1", manual=True)
    group = await alice.create_group(Group("book-club", "Book club", "public"))
    assert group.getGuid() == "book-club" and group.getOwner() == "superhero1"
    with pytest.raises(InvalidArgumentError) as info:
        TextMessage("superhero2", "x", "chatroom")
    assert info.value.code == ErrorCode.INVALID_RECEIVER_TYPE
    with pytest.raises(ApiError) as info2:
        await alice.send_message(TextMessage("no-such-user", "x", "user"))
    assert info2.value.code == ErrorCode.UID_NOT_FOUND


class _Recording(httpx.AsyncBaseTransport):
    """A real HTTP transport that remembers every request URL."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.urls: list[httpx.URL] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_users_status_filter_sends_the_clouds_values(server: EmbeddedServer) -> None:
    """``setStatus("online")`` asks for ``status=available``, as the official SDKs
    send ``USER_STATUS.ONLINE`` and the cloud takes it; a bad status is refused here."""
    transport = _Recording()
    client = Client(
        server.app_id, settings_for(server), store=MemorySessionStore(), backoff=lambda _n: 0.0,
        transport=transport,
    )  # fmt: skip
    try:
        await client.init()
        await client.login("superhero1", server.auth_key)
        await client.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
        for word, wire, online in (("online", "available", True), ("offline", "offline", False)):
            users = await client.users_request().setStatus(word).build().fetch_next()
            (url,) = [u for u in transport.urls if u.path == "/v3.0/users"][-1:]
            assert url.params["status"] == wire
            assert users and {u.getStatus() for u in users} == {"online" if online else "offline"}
            assert ("superhero1" in {u.uid for u in users}) is online
        assert client.users_request().set_status("available").set_status("OFFLINE") is not None
        with pytest.raises(InvalidArgumentError):
            client.users_request().setStatus("busy")
    finally:
        await client.close()
