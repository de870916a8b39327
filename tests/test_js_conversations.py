"""The OFFICIAL CometChat JS SDK's conversation calls against the embedded server
(``tests/js/commands/conversations.js``): the conversation list with unread
counts after messages from other users, every ``getUnreadMessageCount*``,
``getConversation``, ``markConversationAsRead`` to zero, ``markAsRead`` of a
live group message, ``markMessageAsUnread``, tags, deletion,
``getConversationFromMessage``; group receipts (``onMessagesReadByAll``,
``getMessageReceipts``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cometchat_nb.server import EmbeddedServer

from .node_driver import NodeDriver, require_node
from .support.raw import Rest

pytestmark = pytest.mark.node

JS_UID = "superhero1"


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(auth_timeout=5.0) as srv:
        yield srv


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


def ids(listing: list[dict[str, object]]) -> list[object]:
    return [(c["with"], c["unreadMessageCount"]) for c in listing]


async def test_conversations_and_unread_counts_as_the_official_sdk_sees_them(
    server: EmbeddedServer, js: NodeDriver
) -> None:
    one = server.send_message("superhero2", JS_UID, "one")
    two = server.send_message("superhero2", JS_UID, "two")
    server.send_message("superhero2", JS_UID, "three")
    server.send_message("superhero3", JS_UID, "hello")
    group_msg = server.send_message("superhero4", "supergroup", "to all", receiver_type="group")
    server.send_message(JS_UID, "superhero5", "mine")  # own messages are never unread
    await js.expect("onTextMessageReceived", id=group_msg["id"])

    listing = (await js.call("fetchConversations", limit=30))["conversations"]
    assert ids(listing) == [("superhero5", 0), ("supergroup", 1), ("superhero3", 1), ("superhero2", 3)]
    by_with = {c["with"]: c for c in listing}
    assert by_with["superhero2"]["conversationType"] == "user" and by_with["superhero2"]["withName"] == (
        "Captain America"
    )
    assert by_with["superhero2"]["lastMessage"]["text"] == "three"
    assert by_with["superhero2"]["conversationId"] == "superhero1_user_superhero2"
    assert by_with["supergroup"]["conversationType"] == "group"
    assert by_with["supergroup"]["lastMessage"]["sender"] == "superhero4"
    assert by_with["superhero2"]["unreadMentionsCount"] == 0

    # page by page, as fetchNext does it (page=1, 2, 3 …)
    paged = await js.call("fetchConversations", limit=3, pages=3)
    assert paged["pages"] == [3, 1, 0] and ids(paged["conversations"]) == ids(listing)
    assert ids((await js.call("fetchConversations", type="group"))["conversations"]) == [("supergroup", 1)]
    unread = (await js.call("fetchConversations", unread=True))["conversations"]
    assert [c["with"] for c in unread] == ["supergroup", "superhero3", "superhero2"]
    found = (await js.call("fetchConversations", search="Spider"))["conversations"]
    assert [c["with"] for c in found] == ["superhero3"]

    assert (await js.call("getUnreadMessageCount"))["counts"] == {
        "users": {"superhero2": 3, "superhero3": 1},
        "groups": {"supergroup": 1},
    }
    assert (await js.call("getUnreadMessageCount", hideBlocked=True))["counts"]["users"] == {
        "superhero2": 3,
        "superhero3": 1,
    }
    assert (await js.call("getUnreadMessageCountForAllUsers"))["counts"] == {"superhero2": 3, "superhero3": 1}
    assert (await js.call("getUnreadMessageCountForAllGroups"))["counts"] == {"supergroup": 1}
    assert (await js.call("getUnreadMessageCountForUser", uid="superhero2"))["counts"] == {"superhero2": 3}
    assert (await js.call("getUnreadMessageCountForUser", uid="superhero5"))["counts"] == {}
    assert (await js.call("getUnreadMessageCountForGroup", guid="supergroup"))["counts"] == {"supergroup": 1}

    got = (await js.call("getConversation", **{"with": "superhero2", "type": "user"}))["conversation"]
    assert got["unreadMessageCount"] == 3 and got["lastMessage"]["text"] == "three"

    # read: the whole conversation, then one live group message
    read = await js.call("markConversationAsRead", **{"with": "superhero2", "type": "user"})
    assert read["value"] == "Conversation marked as read successfully."
    got = (await js.call("getConversation", **{"with": "superhero2", "type": "user"}))["conversation"]
    assert got["unreadMessageCount"] == 0 and got["lastReadMessageId"] == str(int(two["id"]) + 1)
    await js.call("markAsRead", id=group_msg["id"])
    assert (await js.call("getUnreadMessageCount"))["counts"] == {"users": {"superhero3": 1}, "groups": {}}

    # unread again from the second message on
    again = (await js.call("markMessageAsUnread", id=two["id"]))["conversation"]
    assert again["unreadMessageCount"] == 2 and again["lastReadMessageId"] == one["id"]
    assert (await js.call("getUnreadMessageCountForUser", uid="superhero2"))["counts"] == {"superhero2": 2}

    delivered = await js.call("markConversationAsDelivered", **{"with": "superhero3", "type": "user"})
    assert delivered["value"] == "Conversation marked as delivered successfully."

    # tags, deletion, a conversation built from a message
    tagged = await js.call("tagConversation", **{"with": "superhero3", "type": "user", "tags": ["later"]})
    assert tagged["conversation"]["tags"] == ["later"]
    with_tag = (await js.call("fetchConversations", tags=["later"], withTags=True))["conversations"]
    assert [(c["with"], c["tags"]) for c in with_tag] == [("superhero3", ["later"])]
    gone = await js.call("deleteConversation", **{"with": "superhero5", "type": "user"})
    assert gone["value"] == "Conversation deleted successfully."
    assert "superhero5" not in [c["with"] for c in (await js.call("fetchConversations"))["conversations"]]
    js.send("getConversation", **{"with": "superhero5", "type": "user"})
    refused = js.wait("result", step="getConversation")
    assert refused["ok"] is False and refused["code"] == "ERR_CONVERSATION_NOT_FOUND"
    built = (await js.call("getConversationFromMessage", id=group_msg["id"]))["conversation"]
    assert (built["conversationId"], built["with"]) == ("group_supergroup", "supergroup")


async def test_group_receipts_read_by_all_and_message_receipts(
    server: EmbeddedServer, js: NodeDriver
) -> None:
    server.create_group("trio", "Trio", members=[JS_UID, "superhero2", "superhero3"])
    sent = (await js.call("sendMessage", to="trio", text="all read?", receiverType="group"))["message"]
    with Rest(server) as rest:
        for uid in ("superhero2", "superhero3"):
            reader = rest.login(uid)
            reply = rest.call("POST", "/groups/trio/conversation/read", token=reader.token, json={})
            assert reply.json()["data"]["unreadMessageCount"] == "0"
    first = await js.expect("onMessagesRead", sender="superhero2")
    assert (first["messageId"], first["receiver"], first["receiverType"]) == (sent["id"], "trio", "group")
    await js.expect("onMessagesRead", sender="superhero3")
    by_all = await js.expect("onMessagesReadByAll")
    assert (by_all["messageId"], by_all["receiptType"], by_all["receiver"]) == (
        sent["id"],
        "readByAll",
        "trio",
    )
    assert by_all["sender"] == "superhero3" and by_all["readAt"]
    delivered_all = await js.expect("onMessagesDeliveredToAll")
    assert delivered_all["messageId"] == sent["id"] and delivered_all["receiptType"] == "deliveredToAll"

    receipts = (await js.call("getMessageReceipts", id=sent["id"]))["receipts"]
    assert sorted((r["sender"], r["receiptType"]) for r in receipts) == [
        ("superhero2", "read"),
        ("superhero3", "read"),
    ]
    assert all(r["readAt"] for r in receipts)
