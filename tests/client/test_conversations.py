"""Conversations through the embedded server with the async ``Client``: the list
(page-based, every filter), one conversation, tags, deletion, the read/delivered/
unread marks, unread counts, message receipts, and the group "read by all" /
"delivered to all" receipts as listener events."""

from __future__ import annotations

from typing import Any

import pytest

from cometchat_nb import (
    Client,
    ConnectionState,
    Conversation,
    Group,
    InvalidArgumentError,
    TextMessage,
    User,
)
from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient

ME = "superhero1"


def listing(found: list[Conversation]) -> list[tuple[str, int]]:
    return [(c.with_id, c.unread_message_count) for c in found]


async def seeded(server: EmbeddedServer, make_client: MakeClient) -> tuple[Client, dict[str, dict[str, Any]]]:
    """``ME`` logged in, with 3 unread from superhero2, 1 from superhero3, 1 in supergroup
    and one own message to superhero5 (newest conversation)."""
    sent = {
        "one": server.send_message("superhero2", ME, "one"),
        "two": server.send_message("superhero2", ME, "two"),
        "three": server.send_message("superhero2", ME, "three"),
        "hello": server.send_message("superhero3", ME, "hello"),
        "group": server.send_message("superhero4", "supergroup", "to all", receiver_type="group"),
        "mine": server.send_message(ME, "superhero5", "mine"),
    }
    client, _ = await make_client(ME, manual=True)
    return client, sent


async def test_list_pages_and_filters_as_the_official_sdk(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    client, _ = await seeded(server, make_client)
    found = await client.conversations_request().set_limit(30).build().fetch_next()
    assert listing(found) == [("superhero5", 0), ("supergroup", 1), ("superhero3", 1), ("superhero2", 3)]
    two = found[3]
    assert (two.conversation_id, two.getConversationType()) == ("superhero1_user_superhero2", "user")
    assert isinstance(two.getConversationWith(), User) and two.conversation_with.name == "Captain America"
    last = two.getLastMessage()
    assert isinstance(last, TextMessage) and last.getText() == "three" and last.sender is not None
    assert last.sender.uid == "superhero2"
    assert two.getUnreadMentionsCount() == 0 and two.getLatestMessageId() == last.id
    assert two.updated_at is not None and two.getTags() == []
    group = found[1]
    assert isinstance(group.conversation_with, Group) and group.conversation_with.guid == "supergroup"
    assert group.conversation_type == "group" and group.conversation_id == "group_supergroup"

    # page by page: 3, 1, then empty; an empty page does not advance (asks the same page again)
    request = client.conversations_request().setLimit(3).build()
    pages = [await request.fetchNext() for _ in range(3)]
    assert [len(p) for p in pages] == [3, 1, 0] and request.get_page() == 2
    assert listing([c for p in pages for c in p]) == listing(found)
    assert await request.fetch_next() == [] and request.get_page() == 2

    started = await client.conversations_request().set_limit(2).set_page(1).build().fetch_next()
    assert listing(started) == [("superhero3", 1), ("superhero2", 3)]  # page 2 of size 2

    async def first(builder: object) -> list[tuple[str, int]]:
        return listing(await builder.build().fetch_next())  # type: ignore[attr-defined]

    b = client.conversations_request
    assert await first(b().set_conversation_type("group")) == [("supergroup", 1)]
    assert [w for w, _ in await first(b().set_unread(True))] == ["supergroup", "superhero3", "superhero2"]
    assert [w for w, _ in await first(b().set_search_keyword("  Spider "))] == ["superhero3"]
    # accepted and sent (no effect on this server): agentic, pins, user/group tags in conversationWith
    flags = (
        b()
        .set_hide_agentic(True)
        .set_only_agentic(False)
        .set_pinned_by(["me"])
        .with_user_and_group_tags(True)
    )
    assert len(await first(flags.include_blocked_users(True).with_blocked_info(True))) == 4

    with pytest.raises(InvalidArgumentError):
        b().set_limit(51)
    with pytest.raises(InvalidArgumentError):
        b().set_conversation_type("room")
    with pytest.raises(InvalidArgumentError):
        b().set_tags("later")  # type: ignore[arg-type]


async def test_get_tag_delete_and_conversation_from_message(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    client, sent = await seeded(server, make_client)
    got = await client.get_conversation("superhero2", "user")
    assert (
        got.unread_message_count == 3
        and got.last_message is not None
        and got.last_message.id == sent["three"]["id"]
    )
    assert (
        await client.getConversation("SUPERGROUP", "Group")
    ).with_id == "supergroup"  # the SDK lower-cases

    tagged = await client.tag_conversation("superhero3", "user", ["later", "work"])
    assert tagged.get_tags() == ["later", "work"]
    with_tags = await client.conversations_request().set_tags(["later"]).with_tags(True).build().fetch_next()
    assert [(c.with_id, c.tags) for c in with_tags] == [("superhero3", ["later", "work"])]
    assert await client.conversations_request().set_user_tags(["nobody-has-it"]).build().fetch_next() == []
    assert await client.conversations_request().set_group_tags(["nobody-has-it"]).build().fetch_next() == []

    assert await client.delete_conversation("superhero5", "user") == "Conversation deleted successfully."
    remaining = await client.conversations_request().build().fetch_next()
    assert "superhero5" not in [c.with_id for c in remaining]
    with pytest.raises(ApiError) as refused:
        await client.get_conversation("superhero5", "user")
    assert refused.value.code == ErrorCode.CONVERSATION_NOT_FOUND

    message = await client.get_message(sent["group"]["id"])
    built = await client.get_conversation_from_message(message)
    assert (built.conversation_id, built.conversation_type, built.with_id) == (
        "group_supergroup",
        "group",
        "supergroup",
    )
    assert built.last_message is message and built.unread_message_count == 0
    mine = await client.getConversationFromMessage(await client.get_message(sent["mine"]["id"]))
    assert mine.with_id == "superhero5"  # my own message: the other end is its receiver
    theirs = await client.get_conversation_from_message(await client.get_message(sent["one"]["id"]))
    assert theirs.with_id == "superhero2" and theirs.conversation_id == "superhero1_user_superhero2"

    for bad in (("superhero2", "room"), ("", "user"), (None, "user")):
        with pytest.raises(InvalidArgumentError):
            await client.get_conversation(*bad)
    with pytest.raises(InvalidArgumentError):
        await client.tag_conversation("superhero3", "user", "later")  # type: ignore[arg-type]


async def test_unread_counts_and_read_marks(server: EmbeddedServer, make_client: MakeClient) -> None:
    client, sent = await seeded(server, make_client)
    assert await client.get_unread_message_count() == {
        "users": {"superhero2": 3, "superhero3": 1},
        "groups": {"supergroup": 1},
    }
    assert await client.getUnreadMessageCount(True) == await client.get_unread_message_count()
    assert await client.get_unread_message_count_for_all_users() == {"superhero2": 3, "superhero3": 1}
    assert await client.get_unread_message_count_for_all_groups() == {"supergroup": 1}
    assert await client.get_unread_message_count_for_user("superhero2") == {"superhero2": 3}
    assert await client.get_unread_message_count_for_user("superhero5") == {}
    assert await client.get_unread_message_count_for_group("supergroup") == {"supergroup": 1}
    with pytest.raises(InvalidArgumentError):
        await client.get_unread_message_count("yes")  # type: ignore[arg-type]

    done = await client.mark_conversation_as_read("superhero2", "user")
    assert done == "Conversation marked as read successfully."
    assert await client.get_unread_message_count_for_user("superhero2") == {}
    assert (await client.get_conversation("superhero2", "user")).unread_message_count == 0
    assert await client.mark_conversation_as_read("supergroup", "group") == done
    assert await client.get_unread_message_count() == {"users": {"superhero3": 1}, "groups": {}}
    unread_only = await client.conversations_request().set_unread(True).build().fetch_next()
    assert listing(unread_only) == [("superhero3", 1)]

    two = await client.get_message(sent["two"]["id"])
    again = await client.mark_message_as_unread(two)
    assert again.unread_message_count == 2 and again.last_read_message_id == sent["one"]["id"]
    assert await client.get_unread_message_count_for_all_users() == {"superhero2": 2, "superhero3": 1}
    with pytest.raises(InvalidArgumentError) as bad:
        await client.mark_message_as_unread(TextMessage("superhero2", "never sent", "user"))
    assert bad.value.code == ErrorCode.INVALID_PARAMETER

    delivered = await client.mark_conversation_as_delivered("superhero3", "user")
    assert delivered == "Conversation marked as delivered successfully."
    assert await client.get_unread_message_count_for_user("superhero3") == {
        "superhero3": 1
    }  # delivered ≠ read


async def test_group_read_by_all_receipts_and_message_receipts(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    server.create_group("trio", "Trio", members=[ME, "superhero2", "superhero3"])
    author, rec = await make_client(ME)
    await author.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    sent = await author.send_message(TextMessage("trio", "all read?", "group"))
    readers = [(await make_client(uid, manual=True))[0] for uid in ("superhero2", "superhero3")]

    assert await readers[0].get_unread_message_count_for_group("trio") == {"trio": 1}
    await readers[0].mark_conversation_as_read("trio", "group")
    (first,) = await rec.wait_for("onMessagesRead")
    assert (first.message_id, first.sender.uid, first.receiver_type) == (sent.id, "superhero2", "group")
    assert rec.count("onMessagesReadByAll") == 0
    await readers[1].markConversationAsRead("trio", "group")
    (by_all,) = await rec.wait_for("onMessagesReadByAll")
    assert (by_all.message_id, by_all.receipt_type, by_all.receiver_id) == (sent.id, "readByAll", "trio")
    assert by_all.sender.uid == "superhero3" and by_all.read_at
    (delivered_all,) = await rec.wait_for("onMessagesDeliveredToAll")
    assert delivered_all.message_id == sent.id and delivered_all.delivered_at

    assert sent.id is not None
    receipts = await author.get_message_receipts(sent.id)
    assert sorted((r.sender.uid, r.receipt_type) for r in receipts) == [
        ("superhero2", "read"),
        ("superhero3", "read"),
    ]
    assert all(r.read_at and r.delivered_at and r.receiver_id == "trio" for r in receipts)
    assert await readers[0].getMessageReceipts(sent.id) == []  # not the author's: nothing
    with pytest.raises(InvalidArgumentError):
        await author.get_message_receipts("")
