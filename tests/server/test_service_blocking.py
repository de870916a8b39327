"""Blocking over the service rules, without sockets: what a block refuses, what it
stops relaying, what it hides, and that unblocking restores what is sent after."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server.service import Service, blocking, groups, messages, presence, relays, users
from cometchat_nb.server.store import HistoryQuery, UserQuery

from .helpers import RecordingNotifier, memory_service

JSON = dict[str, object]


@dataclass
class World:
    svc: Service
    sent: RecordingNotifier


@pytest.fixture
def world() -> Iterator[World]:
    """alice blocked bob; carol and dave are free; group ``club`` holds all four."""
    svc, sent = memory_service()
    for uid in ("alice", "bob", "carol", "dave"):
        users.create_user(svc, uid, uid.title())
    groups.create_group(svc, "club", owner="alice", members=["bob", "carol", "dave"])
    assert blocking.block_users(svc, "alice", ["bob"])["bob"]["success"] is True
    sent.take()
    yield World(svc, sent)
    svc.store.close()


def text(receiver: str, body: str, receiver_type: str = "user") -> JSON:
    return {"receiver": receiver, "receiverType": receiver_type, "data": {"text": body}}


@pytest.mark.parametrize(
    ("sender", "receiver", "code"),
    [
        ("alice", "bob", ErrorCode.BLOCKED_RECEIVER),  # alice blocked the receiver
        ("bob", "alice", ErrorCode.BLOCKED_SENDER),  # the receiver blocked bob
    ],
)
def test_a_direct_message_between_a_blocked_pair_is_refused_and_not_stored(
    world: World, sender: str, receiver: str, code: str
) -> None:
    before = world.svc.store.message_count()
    with pytest.raises(ApiError) as info:
        messages.post_message(world.svc, sender, text(receiver, "hi"))
    assert info.value.code == code
    assert world.svc.store.message_count() == before and world.sent.take() == []


def test_unblocking_restores_messages_sent_afterwards_only(world: World) -> None:
    svc = world.svc
    with pytest.raises(ApiError):
        messages.post_message(svc, "bob", text("alice", "during"))
    assert blocking.unblock_users(svc, "alice", ["bob"])["bob"]["success"] is True
    after = messages.post_message(svc, "bob", text("alice", "after"))
    [(uids, _)] = world.sent.take()
    assert uids == ["alice", "bob"]
    page = messages.history(svc, HistoryQuery(), conversation=after["conversationId"])
    assert page.ids == [int(after["id"])]  # "during" was never stored


def test_block_results_per_uid_and_refusals(world: World) -> None:
    svc = world.svc
    result = blocking.block_users(svc, "carol", ["dave", "carol", "ghost", "dave"][:3])
    assert result["dave"]["success"] is True and "dave" in result["dave"]["message"]
    assert result["carol"] == {
        "success": False,
        "error": {"code": ErrorCode.CANNOT_BLOCK_SELF, "message": "The user carol cannot block themselves."},
    }
    assert result["ghost"]["error"]["code"] == ErrorCode.UID_NOT_FOUND
    assert svc.store.blocked_by("carol") == {"dave"}
    assert blocking.block_users(svc, "carol", ["dave"])["dave"]["success"] is True  # again: no change
    assert svc.store.blocked_by("carol") == {"dave"}
    assert blocking.unblock_users(svc, "carol", ["bob"])["bob"]["success"] is True  # not blocked: fine
    for bad in (None, [], "dave", [1], [""], [f"u{i}" for i in range(26)]):
        with pytest.raises(ApiError) as info:
            blocking.uids_or_fail(bad)
        assert info.value.code == ErrorCode.BAD_REQUEST
    with pytest.raises(ApiError):
        blocking.direction_or_fail("sideways")


def test_blocked_lists_in_every_direction(world: World) -> None:
    svc = world.svc
    blocking.block_users(svc, "carol", ["alice"])
    page = blocking.blocked_users
    mine, total = page(svc, "alice", "blockedByMe", search=None, limit=10, offset=0)
    assert [(u["uid"], u["blockedByMe"], u["hasBlockedMe"]) for u in mine] == [
        ("bob", True, False)
    ] and total == 1
    theirs, _ = page(svc, "alice", "hasBlockedMe", search=None, limit=10, offset=0)
    assert [(u["uid"], u["blockedByMe"], u["hasBlockedMe"]) for u in theirs] == [("carol", False, True)]
    both, total = page(svc, "alice", "both", search=None, limit=10, offset=0)
    assert [u["uid"] for u in both] == ["bob", "carol"] and total == 2
    found, _ = page(svc, "alice", "both", search="car", limit=10, offset=0)
    assert [u["uid"] for u in found] == ["carol"]


def test_group_messages_skip_a_blocked_pair_and_history_hides_them_on_request(world: World) -> None:
    svc = world.svc
    said = messages.post_message(svc, "bob", text("club", "hello all", "group"))
    [(uids, _)] = world.sent.take()
    assert uids == ["bob", "carol", "dave"]  # alice blocked bob: not pushed to her
    mine = messages.post_message(svc, "alice", text("club", "hi", "group"))
    [(uids, _)] = world.sent.take()
    assert uids == ["alice", "carol", "dave"]  # nor hers to him
    conversation = said["conversationId"]
    full = messages.history(svc, HistoryQuery(), conversation=conversation)
    assert int(said["id"]) in full.ids and int(mine["id"]) in full.ids  # stored: the others see it
    hidden = messages.history(svc, HistoryQuery(hide_blocked_for="alice"), conversation=conversation)
    assert int(said["id"]) not in hidden.ids and int(mine["id"]) in hidden.ids
    hidden = messages.history(svc, HistoryQuery(hide_blocked_for="carol"), conversation=conversation)
    assert int(said["id"]) in hidden.ids  # carol is in no block
    # edits travel like the message
    messages.edit_message(svc, "bob", said["id"], {"data": {"text": "edited"}})
    [(uids, frame)] = world.sent.take()
    assert uids == ["bob", "carol", "dave"] and frame["body"]["data"]["action"] == "edited"


def test_typing_receipts_and_presence_are_not_relayed_between_them(world: World) -> None:
    svc = world.svc
    assert relays.relay_audience(svc, "bob", "alice", "user") == []
    assert relays.relay_audience(svc, "alice", "bob", "user") == []
    assert relays.relay_audience(svc, "carol", "bob", "user") == ["bob"]
    assert sorted(relays.relay_audience(svc, "bob", "club", "group")) == ["bob", "carol", "dave"]
    said = messages.post_message(svc, "bob", text("club", "x", "group"))
    world.sent.take()
    assert relays.record_receipt(svc, "alice", said["id"], "read", "dev") is True  # stored ...
    assert world.sent.take() == []  # ... not told to bob
    assert relays.record_receipt(svc, "carol", said["id"], "read", "dev") is True
    [(uids, _)] = world.sent.take()
    assert uids == ["bob"]

    @dataclass(frozen=True)
    class Socket:
        uid: str
        subscription: str = "ALL_USERS"
        roles: frozenset[str] = frozenset()

    watchers = [Socket("alice"), Socket("carol")]
    targets, _ = presence.announce(svc, "bob", "online", watchers)
    assert targets == [watchers[1]]


def test_user_lists_mark_and_hide_blocked_users(world: World) -> None:
    svc = world.svc
    listed, _ = users.list_users(svc, limit=10, offset=0, search=None, status=None, viewer="alice")
    flags = {u["uid"]: (u.get("blockedByMe", False), u.get("hasBlockedMe", False)) for u in listed}
    assert flags == {
        "alice": (False, False),
        "bob": (True, False),
        "carol": (False, False),
        "dave": (False, False),
    }
    listed, _ = users.list_users(svc, limit=10, offset=0, search=None, status=None, viewer="bob")
    assert [u["uid"] for u in listed if u.get("hasBlockedMe")] == ["alice"]
    hidden, total = users.list_users(
        svc,
        limit=10,
        offset=0,
        search=None,
        status=None,
        viewer="alice",
        query=UserQuery(hide_blocked_by="alice"),
    )
    assert [u["uid"] for u in hidden] == ["alice", "carol", "dave"] and total == 3
    # hideBlockedUsers hides whom *I* blocked: bob still sees alice
    shown, _ = users.list_users(
        svc,
        limit=10,
        offset=0,
        search=None,
        status=None,
        viewer="bob",
        query=UserQuery(hide_blocked_by="bob"),
    )
    assert "alice" in {u["uid"] for u in shown}
    assert users.get_user(svc, "bob", viewer="alice")["blockedByMe"] is True
    assert "blockedByMe" not in users.get_user(svc, "bob", viewer="carol")


def test_user_list_filters_and_order(world: World) -> None:
    svc = world.svc
    users.update_user(svc, "carol", {"role": "vip", "tags": ["red", "blue"]})
    users.update_user(svc, "dave", {"role": "staff", "tags": ["blue"]})
    users.add_friends(svc, "alice", ["dave"])
    svc.store.set_presence("dave", "online", 5)

    def uids(search: str | None = None, **kw: object) -> list[str]:
        found, total = users.list_users(
            svc,
            limit=10,
            offset=0,
            search=search,
            status=None,
            query=UserQuery(**kw),  # type: ignore[arg-type]
        )
        assert total == len(found)
        return [u["uid"] for u in found]

    assert uids() == ["dave", "alice", "bob", "carol"]  # online first, then by name
    assert uids(sort_by="name") == ["alice", "bob", "carol", "dave"]
    assert uids(sort_by="name", sort_order="desc") == ["dave", "carol", "bob", "alice"]
    assert uids(sort_order="desc") == ["carol", "bob", "alice", "dave"]
    assert uids(roles=("vip", "staff")) == ["dave", "carol"]
    assert uids(tags=("red",)) == ["carol"] and uids(tags=("blue",)) == ["dave", "carol"]
    assert uids(uids=("bob", "carol", "ghost")) == ["bob", "carol"]
    assert uids(friends_of="alice") == ["dave"]
    assert uids("Car", search_in=("name",)) == ["carol"]
    users.update_user(svc, "bob", {"name": "Xavier"})
    assert uids("bob", search_in=("name",)) == [] and uids("bob", search_in=("uid",)) == ["bob"]
    found, _ = users.list_users(svc, limit=10, offset=0, search=None, status=None, with_tags=False)
    assert all("tags" not in u for u in found)


def test_update_me_changes_the_profile_but_not_the_role(world: World) -> None:
    svc = world.svc
    me = users.update_me(
        svc, "carol", {"name": "Caz", "statusMessage": "busy", "role": "admin", "tags": ["a"]}
    )
    assert (me["name"], me["statusMessage"], me["role"], me["tags"]) == ("Caz", "busy", "default", ["a"])
    assert users.update_me(svc, "carol", {}) == me


def test_conversation_effects_for_the_conversations_hook(world: World) -> None:
    svc = world.svc
    blocking.block_users(svc, "carol", ["alice"])

    def effects(**kw: bool) -> tuple[frozenset[str], dict[str, object]]:
        options = {
            "include_blocked_users": False,
            "with_blocked_info": False,
            "hide_messages_from_blocked": False,
        }
        hidden, info = blocking.conversation_effects(svc, "alice", **(options | kw))
        return hidden, dict(info)

    assert effects() == (frozenset({"bob"}), {})  # whom alice blocked, by default
    assert effects(include_blocked_users=True) == (frozenset(), {})
    assert effects(include_blocked_users=True, hide_messages_from_blocked=True)[0] == {"bob", "carol"}
    assert effects(with_blocked_info=True)[1] == {
        "bob": {"blockedByMe": True, "hasBlockedMe": False},
        "carol": {"blockedByMe": False, "hasBlockedMe": True},
    }
