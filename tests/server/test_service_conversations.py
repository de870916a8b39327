"""The conversation rules of cometchat_nb.server.service.conversations, socket-free:
the list and its unread counts as messages are posted, edited, deleted and
read, members join late and leave, and the database restarts; conversation
marks, tags, deletion, receipts and the "read/delivered by all" frames."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server.config import ServerConfig
from cometchat_nb.server.service import (
    Service,
    blocking,
    conversations,
    group_admin,
    groups,
    messages,
    relays,
    users,
)
from cometchat_nb.server.service.conversations import BlockedOptions, ConversationQuery
from cometchat_nb.server.store import GroupFields, Store, UserFields
from cometchat_nb.server.store.conversations import UNREAD_SQL

from ..support.schema import V1_SCHEMA
from .helpers import NOW, RecordingNotifier, memory_service

JSON = dict[str, Any]


@dataclass
class World:
    svc: Service
    sent: RecordingNotifier

    def say(self, sender: str, receiver: str, body: str = "hi", receiver_type: str = "user") -> JSON:
        return messages.post_message(
            self.svc, sender, {"receiver": receiver, "receiverType": receiver_type, "data": {"text": body}}
        )

    def listed(self, uid: str, **query: Any) -> list[JSON]:
        found, total = conversations.list_conversations(self.svc, uid, ConversationQuery(**query))
        assert total >= len(found)
        return found

    def unread(self, uid: str) -> dict[str, int]:
        """``with id → unread`` of every listed conversation of ``uid``."""
        return {c["conversationId"]: int(c["unreadMessageCount"]) for c in self.listed(uid, limit=50)}

    def read(self, uid: str, message: JSON) -> bool:
        return relays.record_receipt(self.svc, uid, message["id"], "read", f"dev-{uid}")


@pytest.fixture
def world() -> Iterator[World]:
    """alice, bob, carol, dave (carol tagged ``vip``); ``club`` (public: alice
    owner, bob; tagged ``team``)."""
    svc, sent = memory_service()
    for uid in ("alice", "bob", "carol", "dave"):
        users.create_user(svc, uid, uid.title(), UserFields(tags=["vip"] if uid == "carol" else None))
    groups.create_group(
        svc, "club", "Club", owner="alice", members=["bob"], fields=GroupFields(tags=["team"])
    )
    yield World(svc, sent)
    svc.store.close()


def code_of(info: pytest.ExceptionInfo[ApiError]) -> str:
    return info.value.code


def direct_unread(store: Store) -> dict[tuple[str, str], int]:
    """Unread counts recounted from the messages (what the counters must equal)."""
    rows = store._db.execute(
        "SELECT p.uid, p.conversation_id, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id ="
        " p.conversation_id AND m.id > p.read_id AND m.sender != p.uid AND m.category != 'action'"
        " AND m.deleted_at IS NULL) FROM participants p JOIN conversations c USING(conversation_id)"
    ).fetchall()
    return {(r[0], r[1]): int(r[2]) for r in rows}


def kept_unread(store: Store) -> dict[tuple[str, str], int]:
    rows = store._db.execute(
        f"SELECT p.uid, p.conversation_id, {UNREAD_SQL} FROM participants p JOIN conversations c"
        " USING(conversation_id)"
    ).fetchall()
    return {(r[0], r[1]): int(r[2]) for r in rows}


# -- the list -----------------------------------------------------------------------
def test_a_direct_conversation_counts_what_the_other_side_sent(world: World) -> None:
    world.say("alice", "bob", "one")
    world.say("alice", "bob", "two")
    last = world.say("bob", "alice", "three")
    [mine] = world.listed("bob")
    assert mine["conversationId"] == "alice_user_bob" and mine["conversationType"] == "user"
    assert mine["unreadMessageCount"] == "2" and mine["unreadMentionsCount"] == 0
    assert mine["conversationWith"]["uid"] == "alice" and mine["conversationWith"]["name"] == "Alice"
    assert mine["lastMessage"]["id"] == last["id"] and mine["lastMessage"]["data"]["text"] == "three"
    assert mine["latestMessageId"] == last["id"] and "lastReadMessageId" not in mine
    assert mine["createdAt"] == mine["updatedAt"] == NOW and "tags" not in mine
    [theirs] = world.listed("alice")
    assert theirs["unreadMessageCount"] == "1" and theirs["conversationWith"]["uid"] == "bob"
    assert world.listed("carol") == []


def test_the_list_is_newest_first_and_paged(world: World) -> None:
    for other in ("bob", "carol", "dave"):
        world.say(other, "alice")
    world.say("alice", "club", "group", "group")
    world.say("carol", "alice", "again")
    order = [c["conversationId"] for c in world.listed("alice")]
    assert order == ["alice_user_carol", "group_club", "alice_user_dave", "alice_user_bob"]
    page2, total = conversations.list_conversations(world.svc, "alice", ConversationQuery(limit=3, offset=3))
    assert [c["conversationId"] for c in page2] == ["alice_user_bob"] and total == 4


def test_filters_type_unread_search_and_user_or_group_tags(world: World) -> None:
    world.say("bob", "alice")
    world.say("alice", "carol")
    world.say("dave", "alice")
    world.say("bob", "club", "g", "group")

    def ids(**query: Any) -> list[str]:
        return [c["conversationId"] for c in world.listed("alice", **query)]

    assert ids(conversation_type="group") == ["group_club"]
    assert ids(conversation_type="user") == ["alice_user_dave", "alice_user_carol", "alice_user_bob"]
    assert ids(unread_only=True) == ["group_club", "alice_user_dave", "alice_user_bob"]
    assert ids(search="car") == ["alice_user_carol"]
    assert ids(search="CLU") == ["group_club"]  # names, any case
    assert ids(search="100%") == []
    assert ids(user_tags=("vip",)) == ["alice_user_carol"]
    assert ids(group_tags=("team",)) == ["group_club"]
    assert ids(user_tags=("vip",), group_tags=("team",)) == ["group_club", "alice_user_carol"]
    # blocking's hook (a no-op so far) decides hidden_with; the store honours it
    rows, total = world.svc.store.conversations_page(
        "alice", ConversationQuery(hidden_with=frozenset({"dave", "bob"}))
    )
    assert [r.conversation_id for r in rows] == ["group_club", "alice_user_carol"] and total == 2
    assert ids(hidden_with=frozenset({"dave"}))[1] == "alice_user_dave"


def test_conversation_tags_are_the_participants_own(world: World) -> None:
    world.say("bob", "alice")
    tagged = conversations.tag_conversation(world.svc, "alice", "bob", "user", ["work", "work", "later"])
    assert tagged["tags"] == ["work", "later"]
    assert conversations.get_conversation(world.svc, "alice", "bob", "user")["tags"] == ["work", "later"]
    assert "tags" not in conversations.get_conversation(world.svc, "bob", "alice", "user")
    assert [c["conversationId"] for c in world.listed("alice", tags=("later",))] == ["alice_user_bob"]
    assert world.listed("bob", tags=("later",)) == []
    found, _ = conversations.list_conversations(world.svc, "alice", ConversationQuery(), with_tags=True)
    assert found[0]["tags"] == ["work", "later"]
    assert "tags" not in world.listed("alice")[0]  # only withTags lists them
    for bad in ("work", [1], ["x" * 101], ["t"] * 26, [""]):
        with pytest.raises(ApiError) as info:
            conversations.tag_conversation(world.svc, "alice", "bob", "user", bad)
        assert code_of(info) == ErrorCode.BAD_REQUEST
    assert conversations.tag_conversation(world.svc, "alice", "bob", "user", [])["conversationId"]
    assert "tags" not in conversations.get_conversation(world.svc, "alice", "bob", "user")


def test_get_conversation_finds_ids_in_any_case_and_refuses_what_is_not_there(world: World) -> None:
    world.say("bob", "alice")
    assert (
        conversations.get_conversation(world.svc, "alice", "BOB", "user")["conversationId"]
        == "alice_user_bob"
    )
    for with_id, kind, code in (
        ("carol", "user", ErrorCode.CONVERSATION_NOT_FOUND),  # no message yet
        ("ghost", "user", ErrorCode.UID_NOT_FOUND),
        ("club", "group", ErrorCode.CONVERSATION_NOT_FOUND),  # a member, but no message yet
        ("nowhere", "group", ErrorCode.GUID_NOT_FOUND),
        ("bob", "channel", ErrorCode.BAD_REQUEST),
    ):
        with pytest.raises(ApiError) as info:
            conversations.get_conversation(world.svc, "alice", with_id, kind)
        assert code_of(info) == code, with_id
    world.say("alice", "club", "g", "group")
    with pytest.raises(ApiError) as info:
        conversations.get_conversation(world.svc, "carol", "club", "group")
    assert code_of(info) == ErrorCode.NOT_A_MEMBER


# -- bookkeeping: edits, deletes, own messages ---------------------------------------
def test_edits_keep_the_count_and_show_in_the_last_message(world: World) -> None:
    first = world.say("alice", "bob", "tpyo")
    messages.edit_message(world.svc, "alice", first["id"], {"data": {"text": "typo"}})
    [conv] = world.listed("bob")
    assert conv["unreadMessageCount"] == "1"
    assert conv["lastMessage"]["id"] == first["id"] and conv["lastMessage"]["data"]["text"] == "typo"
    assert (
        conv["latestMessageId"] == first["id"]
    )  # the "edited" notice is not the conversation's last message


def test_deleting_an_unread_message_uncounts_it_and_a_deleted_last_message_is_not_shown(world: World) -> None:
    one = world.say("alice", "bob", "one")
    two = world.say("alice", "bob", "two")
    assert world.unread("bob") == {"alice_user_bob": 2}
    messages.delete_message(world.svc, "alice", one["id"])
    assert world.unread("bob") == {"alice_user_bob": 1}
    messages.delete_message(world.svc, "alice", two["id"])
    messages.delete_message(world.svc, "alice", two["id"])  # twice: once
    [conv] = world.listed("bob")
    assert conv["unreadMessageCount"] == "0" and "lastMessage" not in conv
    assert conv["latestMessageId"] == two["id"]
    assert world.unread("alice") == {"alice_user_bob": 0}


def test_deleting_a_message_already_read_changes_nothing(world: World) -> None:
    one = world.say("alice", "bob", "one")
    world.say("alice", "bob", "two")
    assert world.read("bob", one)
    messages.delete_message(world.svc, "alice", one["id"])
    assert world.unread("bob") == {"alice_user_bob": 1}


def test_own_messages_and_actions_never_count(world: World) -> None:
    world.say("alice", "club", "mine", "group")
    groups.join_group(world.svc, "carol", "club")
    assert world.unread("alice") == {"group_club": 0}
    assert world.unread("bob") == {"group_club": 1}
    [conv] = world.listed("alice")
    assert conv["lastMessage"]["category"] == "action"  # group actions do update the conversation
    assert conv["lastMessage"]["data"]["action"] == "joined"


# -- reading --------------------------------------------------------------------------
def test_a_read_receipt_reads_everything_up_to_that_message(world: World) -> None:
    one = world.say("alice", "bob", "one")
    two = world.say("alice", "bob", "two")
    world.say("alice", "bob", "three")
    assert world.read("bob", two)
    [conv] = world.listed("bob")
    assert conv["unreadMessageCount"] == "1" and conv["lastReadMessageId"] == two["id"]
    assert world.read("bob", one)  # an older receipt moves nothing back
    assert world.unread("bob") == {"alice_user_bob": 1}


def test_mark_conversation_as_read_tells_the_sender_and_clears_the_count(world: World) -> None:
    world.say("alice", "bob", "one")
    last = world.say("alice", "bob", "two")
    mine = world.say("bob", "alice", "mine")
    world.sent.take()
    relays.mark_conversation(world.svc, "bob", "alice", "user", "read", "dev-bob")
    [(uids, frame)] = world.sent.take()
    assert (
        uids == ["alice"] and frame["body"]["action"] == "read" and frame["body"]["messageId"] == last["id"]
    )
    conv = conversations.get_conversation(world.svc, "bob", "alice", "user")
    assert conv["unreadMessageCount"] == "0" and conv["lastReadMessageId"] == mine["id"]
    relays.mark_conversation(world.svc, "bob", "alice", "user", "read", "dev-bob")  # again: nothing to say
    assert world.sent.take() == []
    stored = world.svc.store.message(int(last["id"]))
    assert stored is not None and stored["readAt"] == NOW


def test_mark_conversation_as_delivered_does_not_read(world: World) -> None:
    sent = world.say("alice", "bob", "one")
    world.sent.take()
    relays.mark_conversation(world.svc, "bob", "alice", "user", "delivery", "dev-bob")
    [(uids, frame)] = world.sent.take()
    assert (
        uids == ["alice"]
        and frame["body"]["action"] == "delivered"
        and frame["body"]["messageId"] == sent["id"]
    )
    assert world.unread("bob") == {"alice_user_bob": 1}


def test_mark_unread_makes_that_message_and_the_newer_ones_unread(world: World) -> None:
    one = world.say("alice", "bob", "one")
    two = world.say("alice", "bob", "two")
    world.say("bob", "alice", "mine")
    world.say("alice", "bob", "three")
    relays.mark_conversation(world.svc, "bob", "alice", "user", "read", "dev-bob")
    answer = conversations.mark_unread(world.svc, "bob", "alice", "user", two["id"])
    conv = answer["conversation"]
    assert conv["unreadMessageCount"] == "2" and conv["lastReadMessageId"] == one["id"]
    with pytest.raises(ApiError) as info:
        conversations.mark_unread(world.svc, "bob", "alice", "user", "999")
    assert code_of(info) == ErrorCode.MESSAGE_ID_NOT_FOUND
    other = world.say("carol", "bob", "elsewhere")
    with pytest.raises(ApiError) as info:
        conversations.mark_unread(world.svc, "bob", "alice", "user", other["id"])
    assert code_of(info) == ErrorCode.BAD_REQUEST
    assert world.read("bob", two)  # a receipt moves the mark forward again, already recorded or not
    assert world.unread("bob")["alice_user_bob"] == 1


def test_delete_conversation_hides_it_until_a_newer_message(world: World) -> None:
    world.say("alice", "bob", "one")
    answer = conversations.delete_conversation(world.svc, "bob", "alice", "user")
    assert answer == {"conversationId": "alice_user_bob", "success": True}
    assert world.listed("bob") == []
    with pytest.raises(ApiError) as info:
        conversations.get_conversation(world.svc, "bob", "alice", "user")
    assert code_of(info) == ErrorCode.CONVERSATION_NOT_FOUND
    assert len(world.listed("alice")) == 1  # only for bob
    world.say("alice", "bob", "two")
    assert world.unread("bob") == {"alice_user_bob": 1}


# -- unread counts --------------------------------------------------------------------
def test_unread_counts_by_entity(world: World) -> None:
    world.say("alice", "bob")
    world.say("carol", "bob")
    world.say("carol", "bob")
    world.say("alice", "club", "g", "group")
    world.say("dave", "alice")  # bob not in it
    counts = conversations.unread_counts(world.svc, "bob")
    assert counts == [
        {"entityId": "club", "entityType": "group", "count": 1},
        {"entityId": "carol", "entityType": "user", "count": 2},
        {"entityId": "alice", "entityType": "user", "count": 1},
    ]
    assert conversations.unread_counts(world.svc, "bob", conversation_type="group") == counts[:1]
    assert conversations.unread_counts(world.svc, "bob", conversation_id="bob_user_carol") == [counts[1]]
    relays.mark_conversation(world.svc, "bob", "carol", "user", "read", "dev-bob")
    assert conversations.unread_counts(world.svc, "bob", conversation_id="bob_user_carol") == []


# -- groups: late joiners, leavers, read by all ----------------------------------------
def test_a_late_joiner_counts_only_what_arrived_after_joining_but_reads_the_history(world: World) -> None:
    early = world.say("alice", "club", "before carol", "group")
    groups.join_group(world.svc, "carol", "club")
    assert world.unread("carol") == {"group_club": 0}
    history = messages.history(world.svc, messages.HistoryQuery(limit=10), conversation="group_club")
    assert early["id"] in [str(i) for i in history.ids]  # the older history stays readable
    world.say("bob", "club", "after", "group")
    assert world.unread("carol") == {"group_club": 1}
    # a member added when the group is created starts at zero too
    groups.create_group(world.svc, "later", owner="dave", members=["carol"])
    world.say("dave", "later", "hello", "group")
    assert world.unread("carol") == {"group_club": 1, "group_later": 1}


def test_a_member_who_leaves_loses_the_conversation_and_starts_over_on_return(world: World) -> None:
    world.say("alice", "club", "one", "group")
    assert world.unread("bob") == {"group_club": 1}
    groups.leave_group(world.svc, "bob", "club")
    assert world.listed("bob") == []
    assert conversations.unread_counts(world.svc, "bob") == []
    world.say("alice", "club", "while away", "group")
    groups.join_group(world.svc, "bob", "club")
    assert world.unread("bob") == {"group_club": 0}
    group_admin.kick_member(world.svc, "alice", "club", "bob")
    assert world.listed("bob") == []


def test_read_by_all_goes_to_the_sender_when_the_last_member_reads(world: World) -> None:
    groups.join_group(world.svc, "carol", "club")
    first = world.say("alice", "club", "one", "group")
    second = world.say("alice", "club", "two", "group")
    world.sent.take()
    assert world.read("bob", second)
    [(uids, frame)] = world.sent.take()  # the read receipt only: carol has not read
    assert frame["body"]["action"] == "read"
    assert world.read("carol", first)
    pushed = world.sent.take()  # what is read is delivered: to all, now, as well
    assert [f["body"]["action"] for _, f in pushed] == ["read", "readByAll", "deliveredToAll"]
    uids, by_all = pushed[1]
    assert uids == ["alice"] and by_all["body"]["messageId"] == first["id"]
    assert by_all["receiver"] == "club" and by_all["receiverType"] == "group"
    assert by_all["body"]["user"]["uid"] == "carol" and by_all["messageSender"] == "alice"
    relays.mark_conversation(world.svc, "carol", "club", "group", "read", "dev-carol")
    pushed = world.sent.take()
    assert [f["body"]["action"] for _, f in pushed] == ["read", "readByAll", "deliveredToAll"]
    assert {f["body"]["messageId"] for _, f in pushed} == {second["id"]}


def test_delivered_to_all_and_a_read_counts_as_delivered(world: World) -> None:
    mine = world.say("bob", "club", "from bob", "group")
    world.sent.take()
    assert relays.record_receipt(world.svc, "alice", mine["id"], "delivery", "dev-alice")
    pushed = world.sent.take()
    assert [(u, f["body"]["action"]) for u, f in pushed] == [
        (["bob"], "delivered"),
        (["bob"], "deliveredToAll"),
    ]
    again = world.say("bob", "club", "again", "group")
    world.sent.take()
    assert world.read("alice", again)
    pushed = world.sent.take()
    assert [f["body"]["action"] for _, f in pushed] == ["read", "readByAll", "deliveredToAll"]


def test_direct_conversations_have_no_by_all_receipts(world: World) -> None:
    said = world.say("alice", "bob")
    world.sent.take()
    assert world.read("bob", said)
    assert [f["body"]["action"] for _, f in world.sent.take()] == ["read"]


def test_message_receipts_are_for_the_sender(world: World) -> None:
    groups.join_group(world.svc, "carol", "club")
    said = world.say("alice", "club", "one", "group")
    later = world.say("alice", "club", "two", "group")
    assert world.read("bob", said)
    assert relays.record_receipt(world.svc, "carol", said["id"], "delivery", "dev-carol")
    relays.mark_conversation(world.svc, "carol", "club", "group", "read", "dev-carol")
    receipts = conversations.message_receipts(world.svc, "alice", said)
    assert receipts is not None
    assert [(r["recipient"]["uid"], r.get("deliveredAt"), r.get("readAt")) for r in receipts["data"]] == [
        ("bob", NOW, NOW),
        ("carol", NOW, NOW),
    ]
    assert conversations.message_receipts(world.svc, "bob", said) is None
    receipts = conversations.message_receipts(world.svc, "alice", later)
    assert receipts is not None and [r["recipient"]["uid"] for r in receipts["data"]] == ["carol"]
    groups.join_group(world.svc, "dave", "club")  # joined after: read nothing of it
    receipts = conversations.message_receipts(world.svc, "alice", later)
    assert receipts is not None and [r["recipient"]["uid"] for r in receipts["data"]] == ["carol"]


# -- the counters hold --------------------------------------------------------------------
def test_counters_equal_a_recount_after_random_traffic(world: World) -> None:
    """Posts, edits, deletes, receipts, marks, joins and leaves in a seeded random
    order: every participant's kept unread count equals a count of the messages."""
    svc = world.svc
    rng = random.Random(13)
    people = ["alice", "bob", "carol", "dave"]
    sent: list[JSON] = []
    for _ in range(400):
        who = rng.choice(people)
        roll = rng.random()
        members = svc.store.member_uids("club")
        if roll < 0.45:
            if who in members and rng.random() < 0.4:
                sent.append(world.say(who, "club", "g", "group"))
            else:
                sent.append(world.say(who, rng.choice([p for p in people if p != who])))
        elif roll < 0.55 and sent:
            mine = [m for m in sent if m["sender"] == who and "deletedAt" not in m and svc.can_read(who, m)]
            if mine:
                gone = rng.choice(mine)
                messages.delete_message(svc, who, gone["id"])
                gone["deletedAt"] = NOW
        elif roll < 0.6 and sent:
            mine = [m for m in sent if m["sender"] == who and "deletedAt" not in m and svc.can_read(who, m)]
            if mine:
                messages.edit_message(svc, who, rng.choice(mine)["id"], {"data": {"text": "e"}})
        elif roll < 0.8 and sent:
            theirs = [m for m in sent if m["sender"] != who and svc.can_read(who, m)]
            if theirs:
                kind = rng.choice(["read", "delivery"])
                relays.record_receipt(svc, who, rng.choice(theirs)["id"], kind, "dev")
        elif roll < 0.88:
            rows = svc.store.conversations_page(who, ConversationQuery(limit=50))[0]
            if rows:
                row = rng.choice(rows)
                kind = rng.choice(["read", "delivery"])
                relays.mark_conversation(svc, who, row.with_id, row.conversation_type, kind, "dev")
        elif roll < 0.93 and sent:
            theirs = [m for m in sent if svc.store.participant(who, m["conversationId"]) is not None]
            if theirs:
                m = rng.choice(theirs)
                with_id = (
                    m["receiver"]
                    if m["receiverType"] == "group"
                    else (m["receiver"] if m["sender"] == who else m["sender"])
                )
                try:
                    conversations.mark_unread(svc, who, with_id, m["receiverType"], m["id"])
                except ApiError as exc:
                    assert exc.code == ErrorCode.CONVERSATION_NOT_FOUND  # deleted by them meanwhile
        elif roll < 0.97:
            if who in members and who != "alice":
                groups.leave_group(svc, who, "club")
            elif who not in members:
                groups.join_group(svc, who, "club")
        else:
            rows = svc.store.conversations_page(who, ConversationQuery(limit=50))[0]
            if rows:
                row = rng.choice(rows)
                conversations.delete_conversation(svc, who, row.with_id, row.conversation_type)
        assert kept_unread(svc.store) == direct_unread(svc.store)
    assert sum(direct_unread(svc.store).values()) > 0


def test_counts_survive_a_restart_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"

    def open_service() -> Service:
        store = Store(path)
        return Service(
            store, ServerConfig(), notifier=RecordingNotifier(), secret=b"s" * 32, port=1, ws_port=2
        )

    svc = open_service()
    try:
        users.create_user(svc, "ann")
        users.create_user(svc, "ben")
        groups.create_group(svc, "crew", owner="ann", members=["ben"])
        for text in ("one", "two", "three"):
            messages.post_message(svc, "ann", {"receiver": "ben", "data": {"text": text}})
        said = messages.post_message(
            svc, "ann", {"receiver": "crew", "receiverType": "group", "data": {"text": "g"}}
        )
        relays.record_receipt(svc, "ben", str(int(said["id"]) - 2), "read", "dev")  # "two"
        conversations.tag_conversation(svc, "ben", "ann", "user", ["kept"])
        before = conversations.list_conversations(svc, "ben", ConversationQuery(), with_tags=True)
    finally:
        svc.store.close()
    svc = open_service()
    try:
        assert conversations.list_conversations(svc, "ben", ConversationQuery(), with_tags=True) == before
        assert [c["unreadMessageCount"] for c in before[0]] == ["1", "1"]
        messages.post_message(svc, "ann", {"receiver": "ben", "data": {"text": "four"}})
        assert conversations.unread_counts(svc, "ben", conversation_type="user")[0]["count"] == 2
    finally:
        svc.store.close()


def test_the_migration_fills_the_conversations_of_an_existing_database(tmp_path: Path) -> None:
    """A database from before conversations (schema version 1, with messages,
    members and receipts) opens with its conversations and unread counts: read
    marks from read receipts, a member's from when they joined."""
    path = tmp_path / "v1.sqlite"
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.executescript(V1_SCHEMA)
        db.executescript(
            """
            INSERT INTO meta VALUES('schema_version', '1');
            INSERT INTO users(uid, name, role, created_at)
                VALUES('a', 'A', 'default', 1), ('b', 'B', 'default', 1), ('c', 'C', 'default', 1);
            INSERT INTO chat_groups VALUES('g', 'G', 'public', NULL, NULL, NULL, 'a', NULL, NULL, 1, 1);
            INSERT INTO members VALUES('g', 'a', 'admin', 1), ('g', 'b', 'participant', 1),
                ('g', 'c', 'participant', 25);
            INSERT INTO receipts VALUES(2, 'b', 'read', 30), (1, 'b', 'delivered', 29);
            """
        )
        rows = [
            (1, "a_user_b", "a", "b", "user", "message", 10, None),
            (2, "a_user_b", "a", "b", "user", "message", 11, None),
            (3, "a_user_b", "a", "b", "user", "message", 12, None),
            (4, "a_user_b", "b", "a", "user", "message", 13, None),
            (5, "group_g", "a", "g", "group", "message", 20, None),
            (6, "group_g", "a", "g", "group", "message", 30, None),
            (7, "group_g", "a", "g", "group", "message", 31, 32),
            (8, "group_g", "a", "g", "group", "action", 32, None),
        ]
        for mid, cid, sender, receiver, kind, category, at, deleted in rows:
            body = {
                "id": str(mid),
                "conversationId": cid,
                "sender": sender,
                "receiver": receiver,
                "receiverType": kind,
                "category": category,
                "type": "text" if category == "message" else "groupMember",
                "data": {"text": f"m{mid}"},
                "sentAt": at,
                "updatedAt": at,
            }
            if deleted:
                body["deletedAt"] = deleted
            db.execute(
                "INSERT INTO messages(id, conversation_id, sender, receiver, receiver_type, category, type,"
                " json, sent_at, updated_at, deleted_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    mid,
                    cid,
                    sender,
                    receiver,
                    kind,
                    category,
                    body["type"],
                    orjson.dumps(body),
                    at,
                    at,
                    deleted,
                ),
            )
    store = Store(path)
    try:
        svc = Service(
            store, ServerConfig(), notifier=RecordingNotifier(), secret=b"s" * 32, port=1, ws_port=2
        )
        assert conversations.unread_counts(svc, "b") == [
            {"entityId": "g", "entityType": "group", "count": 2},  # 5 and 6 (7 is deleted, 8 an action)
            {"entityId": "a", "entityType": "user", "count": 1},  # 3, after the read receipt of 2
        ]
        assert conversations.unread_counts(svc, "c") == [{"entityId": "g", "entityType": "group", "count": 1}]
        assert conversations.unread_counts(svc, "a") == [{"entityId": "b", "entityType": "user", "count": 1}]
        [group] = conversations.list_conversations(svc, "a", ConversationQuery(conversation_type="group"))[0]
        assert group["latestMessageId"] == "8" and group["updatedAt"] == 32
        assert group["lastMessage"]["id"] == "8"
        row = store.participant("b", "a_user_b")
        assert row is not None and (row.read_id, row.read_at, row.delivered_id) == (2, 30, 2)
        assert kept_unread(store) == direct_unread(store)
    finally:
        store.close()


def test_unread_mentions_count_from_the_same_read_mark(world: World) -> None:
    world.say("alice", "club", "hey <@uid:bob>, look", "group")
    world.say("alice", "club", "and <@uid:carol> (not in it)", "group")
    [conv] = world.listed("bob")
    assert (conv["unreadMessageCount"], conv["unreadMentionsCount"]) == ("2", 1)
    assert world.listed("alice")[0]["unreadMentionsCount"] == 0  # her own messages
    relays.mark_conversation(world.svc, "bob", "club", "group", "read", "dev-bob")
    [conv] = world.listed("bob")
    assert (conv["unreadMessageCount"], conv["unreadMentionsCount"]) == ("0", 0)
    mention = world.say("alice", "club", "<@uid:bob> again", "group")
    assert world.listed("bob")[0]["unreadMentionsCount"] == 1
    messages.delete_message(world.svc, "alice", mention["id"])
    assert world.listed("bob")[0]["unreadMentionsCount"] == 0


# -- blocking (issue 15's rules through the hook) -------------------------------------
def test_blocking_hides_the_blocked_users_conversation_unless_asked_and_tells_who_blocked(
    world: World,
) -> None:
    world.say("bob", "alice", "before")
    world.say("carol", "alice", "hello")
    blocking.block_users(world.svc, "alice", ["bob"])
    assert [c["conversationId"] for c in world.listed("alice")] == ["alice_user_carol"]
    shown, _ = conversations.list_conversations(
        world.svc,
        "alice",
        ConversationQuery(),
        blocked=BlockedOptions(include_blocked_users=True, with_blocked_info=True),
    )
    by_id = {c["conversationId"]: c["conversationWith"] for c in shown}
    assert by_id["alice_user_bob"]["blockedByMe"] is True and by_id["alice_user_bob"]["hasBlockedMe"] is False
    assert "blockedByMe" not in by_id["alice_user_carol"]
    # bob still lists alice (he did not block), but hideMessagesFromBlockedUsers hides her
    assert [c["conversationId"] for c in world.listed("bob")] == ["alice_user_bob"]
    hide = BlockedOptions(hide_messages_from_blocked=True)
    assert conversations.unread_counts(world.svc, "bob", blocked=hide) == []
    assert conversations.unread_counts(world.svc, "alice", blocked=hide) == [
        {"entityId": "carol", "entityType": "user", "count": 1}
    ]
    blocking.unblock_users(world.svc, "alice", ["bob"])
    assert {c["conversationId"] for c in world.listed("alice")} == {"alice_user_bob", "alice_user_carol"}
