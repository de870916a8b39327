"""The domain rules of cometchat_nb.server.service, with no socket, no HTTP and no
event loop: an in-memory store, a fixed clock and a recording notifier."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server.service import Service, auth, group_admin, groups, messages, presence, relays, users
from cometchat_nb.server.store import GroupFields, HistoryQuery, UserFields

from .helpers import NOW, RecordingNotifier, memory_service

JSON = dict[str, object]


@dataclass
class World:
    svc: Service
    sent: RecordingNotifier


@pytest.fixture
def world() -> Iterator[World]:
    """alice, bob, carol, dave; ``club`` (public: alice owner, bob), ``secret`` (private:
    alice), ``vault`` (password ``pw``: alice)."""
    svc, sent = memory_service(max_text_chars=50)
    for uid in ("alice", "bob", "carol", "dave"):
        users.create_user(svc, uid, uid.title(), UserFields(role="vip" if uid == "carol" else None))
    groups.create_group(svc, "club", "Club", owner="alice", members=["bob"])
    groups.create_group(svc, "secret", group_type="private", owner="alice")
    groups.create_group(svc, "vault", group_type="password", owner="alice", password="pw")
    yield World(svc, sent)
    svc.store.close()


def code_of(info: pytest.ExceptionInfo[ApiError]) -> str:
    return info.value.code


def text(receiver: str, body: str, receiver_type: str = "user") -> JSON:
    return {"receiver": receiver, "receiverType": receiver_type, "data": {"text": body}}


# -- users ---------------------------------------------------------------------------
def test_create_user_checks_the_uid_and_refuses_duplicates(world: World) -> None:
    svc = world.svc
    made = users.create_user(svc, "erin", fields=UserFields(link="https://x", tags=["t"], metadata={"a": 1}))
    assert made == {
        "uid": "erin",
        "name": "erin",
        "link": "https://x",
        "role": "default",
        "status": "offline",
        "metadata": {"a": 1},
        "tags": ["t"],
    }
    with pytest.raises(ApiError) as info:
        users.create_user(svc, "erin", "again")
    assert code_of(info) == ErrorCode.UID_ALREADY_EXISTS
    with pytest.raises(ApiError) as info:
        users.create_user(svc, "no spaces")
    assert code_of(info) == ErrorCode.BAD_REQUEST
    assert svc.store.user_count() == 5


def test_add_friends_reports_unknown_uids_and_befriends_both_ways(world: World) -> None:
    result = users.add_friends(world.svc, "alice", ["bob", "ghost", "bob"])
    assert result["accepted"]["bob"]["success"] is True
    assert result["accepted"]["ghost"]["error"]["code"] == ErrorCode.UID_NOT_FOUND
    assert world.svc.store.friends_of("bob") == {"alice"}
    with pytest.raises(ApiError) as info:
        users.add_friends(world.svc, "ghost", ["bob"])
    assert code_of(info) == ErrorCode.UID_NOT_FOUND


# -- auth ----------------------------------------------------------------------------
def test_me_issues_a_jwt_the_socket_accepts_until_logout(world: World) -> None:
    svc = world.svc
    token = auth.issue_auth_token(svc, "bob")
    me = auth.me(svc, "bob", token)
    assert me["uid"] == "bob" and me["wsChannel"]["port"] == 8081
    assert me["settings"]["settingsHashReceivedAt"] == NOW
    uid, tid = auth.socket_identity(svc, me["jwt"])
    assert uid == "bob"
    auth.logout(svc, "bob", tid)
    assert world.sent.ended == [("bob", tid, "logged out")]
    with pytest.raises(ApiError) as info:
        auth.socket_identity(svc, me["jwt"])
    assert code_of(info) == ErrorCode.AUTH_TOKEN_NOT_FOUND
    with pytest.raises(ApiError) as info:
        head, body, sig = me["jwt"].split(".")
        auth.socket_identity(svc, f"{head}.{body}.{'A' if sig[0] != 'A' else 'B'}{sig[1:]}")
    assert code_of(info) == ErrorCode.WS_AUTH_FAIL
    with pytest.raises(ApiError) as info:
        auth.issue_auth_token(svc, "ghost")
    assert code_of(info) == ErrorCode.UID_NOT_FOUND


def test_revoke_tokens_revokes_all_and_ends_every_session(world: World) -> None:
    svc = world.svc
    tokens = [auth.issue_auth_token(svc, "bob") for _ in range(3)]
    assert auth.revoke_tokens(svc, "bob") == 3
    assert world.sent.ended == [("bob", None, "auth token revoked")]
    jwt = auth.me(svc, "bob", tokens[0])["jwt"]
    with pytest.raises(ApiError):
        auth.socket_identity(svc, jwt)


# -- groups --------------------------------------------------------------------------
def test_create_group_refusals_change_nothing(world: World) -> None:
    svc = world.svc
    for kwargs, code in (
        ({"group_type": "hidden"}, ErrorCode.BAD_REQUEST),
        ({"group_type": "password"}, ErrorCode.BAD_REQUEST),
        ({"owner": "alice", "members": ["ghost"]}, ErrorCode.UID_NOT_FOUND),
    ):
        with pytest.raises(ApiError) as info:
            groups.create_group(svc, "new", **kwargs)  # type: ignore[arg-type]
        assert code_of(info) == code, kwargs
    with pytest.raises(ApiError) as info:
        groups.create_group(svc, "club")
    assert code_of(info) == ErrorCode.GUID_ALREADY_EXISTS
    assert svc.store.group("new") is None
    made = groups.create_group(svc, "new", owner="bob", fields=GroupFields(description="d", tags=["x"]))
    assert made["scope"] == "admin" and made["description"] == "d" and made["membersCount"] == 1


def test_private_groups_are_invisible_and_closed_to_non_members(world: World) -> None:
    svc = world.svc
    assert groups.get_group(svc, "alice", "secret")["hasJoined"] is True
    with pytest.raises(ApiError) as info:
        groups.get_group(svc, "bob", "secret")
    assert code_of(info) == ErrorCode.GUID_NOT_FOUND
    with pytest.raises(ApiError) as info:
        groups.join_group(svc, "bob", "secret")
    assert code_of(info) == ErrorCode.GROUP_JOIN_NOT_ALLOWED
    listed, total = groups.list_groups(svc, "bob", limit=10, offset=0, search=None, joined_only=False)
    assert [g["guid"] for g in listed] == ["club", "vault"] and total == 2


def test_join_checks_the_password_and_tells_every_member(world: World) -> None:
    svc = world.svc
    with pytest.raises(ApiError) as info:
        groups.join_group(svc, "bob", "vault", "wrong")
    assert code_of(info) == ErrorCode.WRONG_GROUP_PASSWORD
    assert world.sent.take() == []
    action = groups.join_group(svc, "bob", "vault", "pw", device_id="dev-bob")
    assert action["data"]["action"] == "joined"
    assert action["data"]["entities"]["for"]["entity"]["hasJoined"] is True
    [(uids, frame)] = world.sent.take()
    assert uids == ["alice", "bob"] and frame["deviceId"] == "dev-bob" and frame["body"]["id"] == action["id"]
    with pytest.raises(ApiError) as info:
        groups.join_group(svc, "bob", "vault", "pw")
    assert code_of(info) == ErrorCode.ALREADY_JOINED


@pytest.mark.parametrize(
    ("actor", "target", "code"),
    [
        ("bob", "carol", ErrorCode.GROUP_NO_CLEARANCE),  # a participant kicks nobody
        ("bob", "alice", ErrorCode.GROUP_NO_CLEARANCE),  # nobody kicks the owner
        ("dave", "bob", ErrorCode.NOT_A_MEMBER),  # the actor is no member
        ("alice", "dave", ErrorCode.NOT_A_MEMBER),  # the target is no member
    ],
)
def test_kick_refusals(world: World, actor: str, target: str, code: str) -> None:
    groups.join_group(world.svc, "carol", "club")
    world.sent.take()
    with pytest.raises(ApiError) as info:
        group_admin.kick_member(world.svc, actor, "club", target)
    assert code_of(info) == code
    assert world.sent.take() == []
    assert set(world.svc.store.member_uids("club")) == {"alice", "bob", "carol"}


def test_an_admin_kicks_and_the_kicked_member_hears_it(world: World) -> None:
    group_admin.kick_member(world.svc, "alice", "club", "bob")
    [(uids, frame)] = world.sent.take()
    assert uids == ["alice", "bob"] and frame["body"]["data"]["action"] == "kicked"
    assert frame["body"]["data"]["entities"]["on"]["entity"]["uid"] == "bob"
    assert world.svc.store.member_uids("club") == ["alice"]


def test_members_and_history_are_for_members(world: World) -> None:
    svc = world.svc
    with pytest.raises(ApiError) as info:
        groups.require_membership(svc, "carol", "club")
    assert code_of(info) == ErrorCode.NOT_A_MEMBER
    with pytest.raises(ApiError) as info:
        messages.group_conversation(svc, "carol", "nowhere")
    assert code_of(info) == ErrorCode.GUID_NOT_FOUND
    members, total = groups.members_page(svc, "club", limit=10, offset=0)
    assert [(m["uid"], m["scope"], m["guid"]) for m in members] == [
        ("alice", "admin", "club"),
        ("bob", "participant", "club"),
    ]
    assert total == 2


# -- messages ------------------------------------------------------------------------
def test_a_direct_message_is_stored_and_pushed_to_both_ends(world: World) -> None:
    svc = world.svc
    stored = messages.post_message(svc, "alice", {**text("bob", "hi"), "muid": "m1"}, device_id="dev-a")
    assert stored["conversationId"] == "alice_user_bob" and stored["sentAt"] == NOW and stored["muid"] == "m1"
    [(uids, frame)] = world.sent.take()
    assert uids == ["alice", "bob"] and frame["deviceId"] == "dev-a" and frame["body"] == stored
    assert messages.get_message(svc, "bob", stored["id"]) == stored
    with pytest.raises(ApiError) as info:
        messages.get_message(svc, "carol", stored["id"])
    assert code_of(info) == ErrorCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    ("sender", "body", "code"),
    [
        ("carol", text("club", "x", "group"), ErrorCode.NOT_A_MEMBER),
        ("alice", text("ghost", "x"), ErrorCode.UID_NOT_FOUND),
        ("alice", text("nowhere", "x", "group"), ErrorCode.GUID_NOT_FOUND),
        ("alice", text("bob", "x" * 51), ErrorCode.PAYLOAD_TOO_LARGE),
        ("alice", text("bob", ""), ErrorCode.BAD_REQUEST),
        ("alice", {**text("bob", "x"), "receiverType": "room"}, ErrorCode.BAD_REQUEST),
        ("alice", {**text("bob", "x"), "category": "media"}, ErrorCode.BAD_REQUEST),
        ("alice", {**text("bob", "x"), "parentId": "999"}, ErrorCode.MESSAGE_ID_NOT_FOUND),
    ],
)
def test_refused_messages_store_and_push_nothing(world: World, sender: str, body: JSON, code: str) -> None:
    before = world.svc.store.message_count()
    with pytest.raises(ApiError) as info:
        messages.post_message(world.svc, sender, body)
    assert code_of(info) == code
    assert world.svc.store.message_count() == before and world.sent.take() == []


def test_a_reply_stays_in_its_conversation(world: World) -> None:
    svc = world.svc
    parent = messages.post_message(svc, "alice", text("club", "topic", "group"))
    with pytest.raises(ApiError) as info:
        messages.post_message(svc, "alice", {**text("bob", "x"), "parentId": parent["id"]})
    assert code_of(info) == ErrorCode.BAD_REQUEST
    reply = messages.post_message(svc, "bob", {**text("club", "re", "group"), "parentId": parent["id"]})
    assert reply["parentId"] == parent["id"]


def test_a_member_who_left_reads_the_group_no_more(world: World) -> None:
    svc = world.svc
    said = messages.post_message(svc, "alice", text("club", "before", "group"))
    groups.leave_group(svc, "bob", "club")
    with pytest.raises(ApiError) as info:
        messages.get_message(svc, "bob", said["id"])
    assert code_of(info) == ErrorCode.PERMISSION_DENIED
    page = messages.history(svc, HistoryQuery(), reader="bob")
    assert page.ids == []


def test_only_the_sender_edits_and_deletes_and_deleting_twice_is_one_delete(world: World) -> None:
    svc = world.svc
    said = messages.post_message(svc, "alice", text("bob", "hi"))
    world.sent.take()
    with pytest.raises(ApiError) as info:
        messages.edit_message(svc, "bob", said["id"], {"data": {"text": "mine"}})
    assert code_of(info) == ErrorCode.PERMISSION_DENIED
    with pytest.raises(ApiError) as info:
        messages.edit_message(svc, "alice", said["id"], {})
    assert code_of(info) == ErrorCode.BAD_REQUEST
    edited = messages.edit_message(svc, "alice", said["id"], {"data": {"text": "hello"}})
    assert edited["data"]["entities"]["on"]["entity"]["data"]["text"] == "hello"
    first = messages.delete_message(svc, "alice", said["id"])
    assert [f["body"]["data"]["action"] for _, f in world.sent.take()] == ["edited", "deleted"]
    assert messages.delete_message(svc, "alice", said["id"]) == first
    assert world.sent.take() == []
    with pytest.raises(ApiError) as info:
        messages.edit_message(svc, "alice", said["id"], {"data": {"text": "again"}})
    assert code_of(info) == ErrorCode.BAD_REQUEST
    with pytest.raises(ApiError) as info:  # an action message is nobody's to change
        messages.delete_message(svc, "alice", first["id"])
    assert code_of(info) == ErrorCode.BAD_REQUEST


# -- relays and receipts ---------------------------------------------------------------
def test_relay_audience(world: World) -> None:
    svc = world.svc
    assert relays.relay_audience(svc, "alice", "bob", "user") == ["bob"]
    assert set(relays.relay_audience(svc, "bob", "club", "group")) == {"alice", "bob"}
    for receiver, receiver_type, code in (
        ("club", "group", ErrorCode.NOT_A_MEMBER),  # carol is no member
        ("ghost", "user", ErrorCode.UID_NOT_FOUND),
        ("nowhere", "group", ErrorCode.GUID_NOT_FOUND),
        ("", "user", ErrorCode.BAD_REQUEST),
    ):
        with pytest.raises(ApiError) as info:
            relays.relay_audience(svc, "carol", receiver, receiver_type)
        assert code_of(info) == code


def test_a_receipt_is_recorded_once_stamped_and_told_to_the_sender(world: World) -> None:
    svc = world.svc
    said = messages.post_message(svc, "alice", text("bob", "hi"))
    world.sent.take()
    for uid, kind, code in (
        ("alice", "read", ErrorCode.BAD_REQUEST),  # one's own message
        ("carol", "read", ErrorCode.PERMISSION_DENIED),  # not hers to read
        ("bob", "deleted", ErrorCode.BAD_REQUEST),
    ):
        with pytest.raises(ApiError) as info:
            relays.record_receipt(svc, uid, said["id"], kind, "dev")
        assert code_of(info) == code
    assert relays.record_receipt(svc, "bob", said["id"], "read", "dev-b") is True
    [(uids, frame)] = world.sent.take()
    assert uids == ["alice"] and frame["type"] == "receipts" and frame["deviceId"] == "dev-b"
    assert frame["body"]["messageId"] == said["id"] and frame["body"]["action"] == "read"
    assert relays.record_receipt(svc, "bob", said["id"], "read", "dev-b") is False
    assert world.sent.take() == []
    stored = svc.store.message(int(said["id"]))
    assert stored is not None and stored["readAt"] == stored["deliveredAt"] == NOW
    assert svc.store.receipts(int(said["id"])) == [("bob", "read", NOW)]


# -- presence ------------------------------------------------------------------------
@dataclass(frozen=True)
class Socket:
    uid: str
    subscription: str
    roles: frozenset[str] = frozenset()


def test_presence_goes_to_the_subscribed_sockets_only(world: World) -> None:
    svc = world.svc
    users.add_friends(svc, "carol", ["dave"])
    watchers = [
        Socket("carol", "ALL_USERS"),  # her own socket: never
        Socket("alice", "ALL_USERS"),
        Socket("bob", "NONE"),
        Socket("bob", "ROLES", frozenset({"vip"})),
        Socket("alice", "ROLES", frozenset({"default"})),
        Socket("dave", "FRIENDS"),
        Socket("bob", "FRIENDS"),
    ]
    targets, frame = presence.announce(svc, "carol", "online", watchers)
    assert targets == [watchers[1], watchers[3], watchers[5]]
    assert b'"action":"online"' in frame and b'"uid":"carol"' in frame
    assert users.get_user(svc, "carol")["status"] == "online"
    assert presence.announce(svc, "carol", "offline", [Socket("bob", "NONE")]) == ([], b"")
    assert users.get_user(svc, "carol")["status"] == "offline"
