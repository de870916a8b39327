"""The OFFICIAL JS SDK and the Python SDK see the same conversations and unread
numbers: messages both ways between a JS user and a Python user, then
``markConversationAsRead`` from either side; the Python SDK logged in as the JS
user (a second device) lists exactly what the JS SDK lists."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cometchat_nb import Client, Conversation, TextMessage
from cometchat_nb.server import EmbeddedServer

from .node_driver import MakePy, NodeDriver, python_clients, require_node
from .support import Recorder

pytestmark = pytest.mark.node

JS_UID = "superhero1"
PY_UID = "superhero2"


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(auth_timeout=5.0) as srv:
        yield srv


@pytest.fixture
async def make_py(server: EmbeddedServer) -> AsyncIterator[MakePy]:
    async with python_clients(server) as make:
        yield make


@pytest.fixture
def js(server: EmbeddedServer, tmp_path: Path) -> Iterator[NodeDriver]:
    driver = NodeDriver(server, "login", tmp_path / "localStorage.json", uid=JS_UID)
    try:
        driver.wait("ready")
        yield driver
        assert not driver.seen("error")
        assert driver.exit_code() == 0
    finally:
        driver.close()


def received(message_id: str) -> Callable[[Recorder], bool]:
    return lambda r: any(m.id == message_id for m in r.args("onTextMessageReceived"))


def conversation(with_id: str, kind: str) -> dict[str, Any]:
    return {"with": with_id, "type": kind}


def py_rows(found: list[Conversation]) -> list[tuple[Any, ...]]:
    return [
        (
            c.conversation_id,
            c.conversation_type,
            c.with_id,
            c.unread_message_count,
            c.last_message.id if c.last_message else None,
            c.last_read_message_id,
        )
        for c in found
    ]


def js_rows(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            c["conversationId"],
            c["conversationType"],
            c["with"],
            c["unreadMessageCount"],
            c["lastMessage"]["id"] if c["lastMessage"] else None,
            c["lastReadMessageId"] or None,  # the official SDK says "" for "none"
        )
        for c in found
    ]


async def same_view(py: Client, js: NodeDriver) -> list[tuple[Any, ...]]:
    """The JS user's conversations and unread counts, as both SDKs see them (asserted equal)."""
    listing = js_rows((await js.call("fetchConversations", limit=30))["conversations"])
    request = py.conversations_request().set_limit(30).build()
    assert py_rows(await request.fetch_next()) == listing
    assert (await js.call("getUnreadMessageCount"))["counts"] == await py.get_unread_message_count()
    assert (await js.call("getUnreadMessageCountForAllUsers"))["counts"] == (
        await py.get_unread_message_count_for_all_users()
    )
    assert (await js.call("getUnreadMessageCountForUser", uid=PY_UID))["counts"] == (
        await py.get_unread_message_count_for_user(PY_UID)
    )
    assert (await js.call("getUnreadMessageCountForGroup", guid="supergroup"))["counts"] == (
        await py.get_unread_message_count_for_group("supergroup")
    )
    return listing


async def test_python_and_official_js_sdk_see_the_same_conversations(
    server: EmbeddedServer, js: NodeDriver, make_py: MakePy
) -> None:
    py, rec = await make_py(PY_UID)
    twin, _ = await make_py(JS_UID)  # the JS user, on a second (Python) device

    # Python → JS, twice; JS → Python, three times; a group message from someone else
    for text in ("py one", "py two"):
        sent = await py.send_message(TextMessage(JS_UID, text, "user"))
        await js.expect("onTextMessageReceived", id=sent.id)
    for text in ("js one", "js two", "js three"):
        reply = (await js.call("sendMessage", to=PY_UID, text=text))["message"]
        await rec.wait(received(reply["id"]))
    group_msg = server.send_message("superhero4", "supergroup", "to all", receiver_type="group")
    await js.expect("onTextMessageReceived", id=group_msg["id"])

    listing = await same_view(twin, js)
    assert [(row[2], row[3]) for row in listing] == [("supergroup", 1), (PY_UID, 2)]
    # (replying does not read: the two Python messages stay unread for the JS user)
    # the other side: the Python user has the three JS messages unread
    assert await py.get_unread_message_count_for_user(JS_UID) == {JS_UID: 3}
    mine = await py.get_conversation(JS_UID, "user")
    assert mine.unread_message_count == 3 and mine.last_message is not None
    assert mine.last_message.id == reply["id"]

    # the JS SDK reads the group; both SDKs see it drop to zero
    await js.call("markConversationAsRead", **conversation("supergroup", "group"))
    listing = await same_view(twin, js)
    assert [(row[2], row[3]) for row in listing] == [("supergroup", 0), (PY_UID, 2)]
    assert (await js.call("getUnreadMessageCount"))["counts"] == {"users": {PY_UID: 2}, "groups": {}}

    # the Python user reads the JS conversation: the JS author gets the read receipt
    assert await py.mark_conversation_as_read(JS_UID, "user") == "Conversation marked as read successfully."
    receipt = await js.expect("onMessagesRead", sender=PY_UID)
    assert receipt["messageId"] == reply["id"]
    assert await py.get_unread_message_count() == {"users": {}, "groups": {"supergroup": 1}}

    # a new Python message is unread for the JS user in both SDKs; the JS SDK marks it read
    late = await py.send_message(TextMessage(JS_UID, "py three", "user"))
    await js.expect("onTextMessageReceived", id=late.id)
    listing = await same_view(twin, js)
    assert [(row[2], row[3], row[4]) for row in listing] == [
        (PY_UID, 3, late.id),
        ("supergroup", 0, group_msg["id"]),
    ]
    await js.call("markConversationAsRead", **conversation(PY_UID, "user"))
    listing = await same_view(twin, js)
    assert [(row[2], row[3]) for row in listing] == [(PY_UID, 0), ("supergroup", 0)]
    assert listing[0][5] == late.id  # both SDKs: read up to the newest message
