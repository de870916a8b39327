"""Conversations over REST and the socket, with the parameters the official JS
SDK sends: the list and its query flags, one conversation, tags, deletion, the
conversation marks (read, delivered, unread), the unread counts of the history
routes, message receipts and the group "read by all" frame."""

from __future__ import annotations

from typing import Any

import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Login, Rest, Sock, data, error_code

JSON = dict[str, Any]


@pytest.fixture
def one(rest: Rest) -> Login:
    return rest.login("superhero1")


@pytest.fixture
def two(rest: Rest) -> Login:
    return rest.login("superhero2")


def listing(rest: Rest, who: Login, query: str = "per_page=30&page=1") -> JSON:
    body = rest.call("GET", f"/conversations?{query}", token=who.token).json()
    assert "data" in body, body
    return dict(body)


def test_the_list_as_the_official_sdk_asks_for_it(rest: Rest, one: Login, two: Login) -> None:
    rest.send_text(two, "superhero1", "hello")
    last = rest.send_text(two, "superhero1", "there")
    rest.send_text(one, "supergroup", "to the group", "group")
    body = listing(rest, one, "per_page=30&page=1")
    assert body["meta"] == {
        "pagination": {"total": 2, "count": 2, "per_page": 30, "current_page": 1, "total_pages": 1}
    }
    group, direct = body["data"]
    assert (group["conversationId"], group["conversationType"]) == ("group_supergroup", "group")
    assert (
        group["conversationWith"]["guid"] == "supergroup" and group["conversationWith"]["hasJoined"] is True
    )
    assert group["unreadMessageCount"] == "0"
    assert direct["conversationId"] == "superhero1_user_superhero2" and direct["unreadMessageCount"] == "2"
    assert direct["conversationWith"]["uid"] == "superhero2" and direct["lastMessage"]["id"] == last["id"]
    assert direct["lastMessage"]["data"]["entities"]["sender"]["entity"]["uid"] == "superhero2"
    # every flag the SDK may send is accepted; page 2 is empty
    flags = (
        "per_page=1&page=2&conversationType=user&searchKey=Captain&withUserAndGroupTags=true"
        "&includeBlockedUsers=true&withBlockedInfo=true&unread=true&hideAgentic=true&pinnedBy=x"
    )
    assert listing(rest, one, flags)["data"] == []
    assert [c["conversationId"] for c in listing(rest, one, flags.replace("page=2", "page=1"))["data"]] == [
        "superhero1_user_superhero2"
    ]
    # a page holds at most 50
    assert listing(rest, one, "per_page=500&page=1")["meta"]["pagination"]["per_page"] == 50
    assert error_code(rest.call("GET", "/conversations?conversationType=room", token=one.token)) == (
        ErrorCode.BAD_REQUEST
    )


def test_tags_are_sent_encoded_and_comma_joined(rest: Rest, one: Login, two: Login) -> None:
    rest.send_text(two, "superhero1", "hello")
    rest.send_text(rest.login("superhero3"), "superhero1", "hi")
    put = rest.call("PUT", "/users/superhero2/conversation", token=one.token, json={"tags": ["a b", "c,d"]})
    assert data(put)["tags"] == ["a b", "c,d"]
    # the SDK sends tags=encodeURIComponent(t) joined by "," (no further encoding)
    body = listing(rest, one, "per_page=30&page=1&tags=a%20b&withTags=true")
    assert [(c["conversationId"], c.get("tags")) for c in body["data"]] == [
        ("superhero1_user_superhero2", ["a b", "c,d"])
    ]
    assert "tags" not in listing(rest, one)["data"][1]


def test_one_conversation_get_tag_delete(rest: Rest, one: Login, two: Login) -> None:
    said = rest.send_text(two, "superhero1", "hello")
    got = data(rest.call("GET", "/users/superhero2/conversation", token=one.token))
    assert got["conversationId"] == "superhero1_user_superhero2" and got["lastMessage"]["id"] == said["id"]
    got = data(
        rest.call("GET", "/users/SuperHero2/conversation", token=one.token)
    )  # the SDK lowercases; any case
    assert got["conversationWith"]["uid"] == "superhero2"
    assert error_code(rest.call("GET", "/users/superhero3/conversation", token=one.token)) == (
        ErrorCode.CONVERSATION_NOT_FOUND
    )
    assert (
        error_code(rest.call("GET", "/groups/nowhere/conversation", token=one.token))
        == ErrorCode.GUID_NOT_FOUND
    )
    assert error_code(
        rest.call("PUT", "/users/superhero2/conversation", token=one.token, json={"tags": "x"})
    ) == (ErrorCode.BAD_REQUEST)
    assert data(rest.call("DELETE", "/users/superhero2/conversation", token=one.token))["success"] is True
    assert listing(rest, one)["data"] == []
    assert len(listing(rest, two)["data"]) == 1


def test_mark_read_delivered_and_unread(server: EmbeddedServer, rest: Rest, one: Login, two: Login) -> None:
    first = rest.send_text(two, "superhero1", "one")
    rest.send_text(two, "superhero1", "two")
    rest.send_text(two, "supergroup", "group", "group")
    read = rest.call("POST", "/users/superhero2/conversation/read", token=one.token, json={})
    assert data(read)["unreadMessageCount"] == "0"
    delivered = rest.call("POST", "/groups/supergroup/conversation/delivered", token=one.token, json={})
    assert data(delivered)["unreadMessageCount"] == "1"
    # markMessageAsUnread: DELETE …/conversation/read with a JSON body
    unread = rest.call(
        "DELETE", "/users/superhero2/conversation/read", token=one.token, json={"messageId": first["id"]}
    )
    assert data(unread)["conversation"]["unreadMessageCount"] == "2"
    assert "lastReadMessageId" not in data(unread)["conversation"]  # back to before the first message
    missing = rest.call("DELETE", "/users/superhero2/conversation/read", token=one.token, json={})
    assert error_code(missing) == ErrorCode.BAD_REQUEST
    outsider = rest.login("superhero3")
    assert error_code(
        rest.call("POST", "/users/superhero2/conversation/read", token=outsider.token, json={})
    ) == (ErrorCode.CONVERSATION_NOT_FOUND)


def test_unread_counts_on_the_history_routes(rest: Rest, one: Login, two: Login) -> None:
    three = rest.login("superhero3")
    rest.send_text(two, "superhero1", "a")
    rest.send_text(two, "superhero1", "b")
    rest.send_text(three, "superhero1", "c")
    rest.send_text(two, "supergroup", "g", "group")

    def counts(path: str, query: str) -> Any:
        return data(rest.call("GET", f"{path}?{query}", token=one.token))

    flags = "unread=1&count=1&hideMessagesFromBlockedUsers=0"
    assert counts("/messages", flags) == [
        {"entityId": "supergroup", "entityType": "group", "count": 1},
        {"entityId": "superhero3", "entityType": "user", "count": 1},
        {"entityId": "superhero2", "entityType": "user", "count": 2},
    ]
    assert counts("/messages", "hideMessagesFromBlockedUsers=1&receiverType=user&unread=1&count=1") == [
        {"entityId": "superhero3", "entityType": "user", "count": 1},
        {"entityId": "superhero2", "entityType": "user", "count": 2},
    ]
    assert [c["entityId"] for c in counts("/messages", f"{flags}&receiverType=group")] == ["supergroup"]
    assert counts("/users/superhero2/messages", f"{flags}&uid=superhero2") == [
        {"entityId": "superhero2", "entityType": "user", "count": 2}
    ]
    assert counts("/users/superhero4/messages", f"{flags}&uid=superhero4") == []
    assert counts("/groups/supergroup/messages", f"{flags}&guid=supergroup") == [
        {"entityId": "supergroup", "entityType": "group", "count": 1}
    ]
    # without count=1 the routes still answer history
    history = counts("/users/superhero2/messages", "unread=1&per_page=30")
    assert [m["data"]["text"] for m in history] == ["a", "b"]


def test_message_receipts_for_the_sender(rest: Rest, one: Login, two: Login) -> None:
    said = rest.send_text(one, "superhero2", "hello")
    assert "receipts" not in data(rest.call("GET", f"/messages/{said['id']}", token=two.token))
    assert data(rest.call("GET", f"/messages/{said['id']}", token=one.token))["receipts"] == {"data": []}
    rest.call("POST", "/users/superhero1/conversation/read", token=two.token, json={})
    receipts = data(rest.call("GET", f"/messages/{said['id']}", token=one.token))["receipts"]["data"]
    assert [(r["recipient"]["uid"], bool(r["deliveredAt"]), bool(r["readAt"])) for r in receipts] == [
        ("superhero2", True, True)
    ]


async def test_read_receipts_frames_and_read_by_all(server: EmbeddedServer, rest: Rest) -> None:
    """A read mark over REST and a read receipt over the socket move the same mark;
    when the last member of the group reads, the sender hears ``readByAll``."""
    logins = {uid: rest.login(uid) for uid in ("superhero1", "superhero2", "superhero3", "superhero4")}
    author = logins["superhero1"]
    sock = await Sock.login(server, author)
    try:
        said = rest.send_text(author, "supergroup", "everyone", "group")
        await sock.sync()
        for uid in ("superhero2", "superhero3", "superhero4"):
            rest.call("POST", "/groups/supergroup/conversation/read", token=logins[uid].token, json={})
        frames = [f for f in await sock.sync() if f.get("type") == "receipts"]
        assert [f["body"]["action"] for f in frames] == ["read", "read", "read"]  # superhero5 has not read
        reader = await Sock.login(server, rest.login("superhero5"))
        try:
            await reader.send(
                {
                    "appId": server.app_id,
                    "type": "receipts",
                    "receiver": "supergroup",
                    "receiverType": "group",
                    "sender": "superhero5",
                    "messageSender": "superhero1",
                    "deviceId": "dev-superhero5",
                    "body": {"action": "read", "messageId": said["id"], "user": {"uid": "superhero5"}},
                }
            )
            by_all = await sock.expect(lambda f: f.get("body", {}).get("action") == "readByAll")
        finally:
            await reader.close()
        assert by_all["body"]["messageId"] == said["id"] and by_all["receiverType"] == "group"
        assert by_all["body"]["user"]["uid"] == "superhero5" and by_all["messageSender"] == "superhero1"
        assert [c["unreadMessageCount"] for c in listing(rest, logins["superhero2"])["data"]] == ["0"]
    finally:
        await sock.close()
