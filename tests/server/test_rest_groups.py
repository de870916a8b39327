"""Groups: creation, visibility, join/leave (with action messages), members."""

from __future__ import annotations

import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.models import Action, Group, GroupMember, User, message_from_wire
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Login, Rest, data, error_code


@pytest.fixture
def one(rest: Rest) -> Login:
    return rest.login("superhero1")


@pytest.fixture
def two(rest: Rest) -> Login:
    return rest.login("superhero2")


def test_create_group(rest: Rest, one: Login) -> None:
    body = {"guid": "g1", "name": "Group One", "type": "public", "description": "d", "metadata": {"m": 1}}
    group = data(rest.call("POST", "/groups", token=one.token, json=body))
    assert group["guid"] == "g1" and group["owner"] == "superhero1" and group["scope"] == "admin"
    assert group["hasJoined"] is True and group["membersCount"] == 1 and "password" not in group
    model = Group.from_wire(group)
    assert model.has_joined and model.members_count == 1 and model.metadata == {"m": 1}
    r = rest.call("POST", "/groups", token=one.token, json=body)
    assert error_code(r) == ErrorCode.GUID_ALREADY_EXISTS and r.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"name": "no guid"},
        {"guid": "bad guid!", "name": "x"},
        {"guid": "g2", "type": "secret"},
        {"guid": "g2", "type": "password"},
        {"guid": "g2", "type": 3},
        {"guid": "g2", "metadata": "x"},
    ],
)
def test_create_group_validation(rest: Rest, one: Login, body: dict[str, object]) -> None:
    assert error_code(rest.call("POST", "/groups", token=one.token, json=body)) == ErrorCode.BAD_REQUEST


def test_visibility(server: EmbeddedServer, rest: Rest, one: Login, two: Login) -> None:
    server.create_group("priv", "Private", members=["superhero1"], type="private")
    server.create_group("pw", "Locked", members=["superhero1"], type="password", password="s3cret")
    mine = {g["guid"]: g for g in data(rest.call("GET", "/groups", token=one.token))}
    assert set(mine) == {"priv", "pw", "supergroup"}
    assert all(g["hasJoined"] for g in mine.values())
    theirs = {g["guid"]: g for g in data(rest.call("GET", "/groups", token=two.token))}
    assert set(theirs) == {"pw", "supergroup"} and theirs["pw"]["hasJoined"] is False
    assert "scope" not in theirs["pw"] and "password" not in theirs["pw"]
    assert error_code(rest.call("GET", "/groups/priv", token=two.token)) == ErrorCode.GUID_NOT_FOUND
    assert data(rest.call("GET", "/groups/priv", token=one.token))["type"] == "private"
    joined = data(rest.call("GET", "/groups", token=two.token, params={"hasJoined": "1"}))
    assert [g["guid"] for g in joined] == ["supergroup"]
    found = data(rest.call("GET", "/groups", token=one.token, params={"searchKey": "lock"}))
    assert [g["guid"] for g in found] == ["pw"]
    r = rest.call("GET", "/groups", token=one.token, params={"per_page": 2})
    assert r.json()["meta"]["pagination"]["total"] == 3 and len(r.json()["data"]) == 2
    assert error_code(rest.call("GET", "/groups/ghost", token=one.token)) == ErrorCode.GUID_NOT_FOUND


def test_join_and_leave(server: EmbeddedServer, rest: Rest, one: Login, two: Login) -> None:
    server.create_group("pub", members=["superhero1"])
    server.create_group("pw", members=["superhero1"], type="password", password="s3cret")
    server.create_group("priv", members=["superhero1"], type="private")

    # the answer is the `joined` action; the JS SDK takes the group from entities.for
    joined = data(rest.call("POST", "/groups/pub/members", token=two.token, json={"type": "public"}))
    assert (joined["category"], joined["type"], joined["data"]["action"]) == (
        "action",
        "groupMember",
        "joined",
    )
    group = Group.from_wire(joined["data"]["entities"]["for"]["entity"])
    assert (
        group.guid == "pub" and group.has_joined and group.scope == "participant" and group.members_count == 2
    )
    r = rest.call("POST", "/groups/pub/members", token=two.token, json={"type": "public"})
    assert error_code(r) == ErrorCode.ALREADY_JOINED

    r = rest.call(
        "POST", "/groups/pw/members", token=two.token, json={"type": "password", "password": "nope"}
    )
    assert error_code(r) == ErrorCode.WRONG_GROUP_PASSWORD and "nope" not in r.text
    r = rest.call("POST", "/groups/pw/members", token=two.token, json={"type": "password"})
    assert error_code(r) == ErrorCode.WRONG_GROUP_PASSWORD
    pw_join = data(rest.call("POST", "/groups/pw/members", token=two.token, json={"password": "s3cret"}))
    assert pw_join["data"]["entities"]["for"]["entity"]["hasJoined"] is True

    r = rest.call("POST", "/groups/priv/members", token=two.token, json={})
    assert error_code(r) == ErrorCode.GROUP_JOIN_NOT_ALLOWED
    assert (
        error_code(rest.call("POST", "/groups/ghost/members", token=two.token, json={}))
        == ErrorCode.GUID_NOT_FOUND
    )

    # leaving: only oneself, only when a member (removing someone else is a kick: admins only)
    r = rest.call("DELETE", "/groups/pub/members/superhero1", token=two.token)
    assert error_code(r) == ErrorCode.GROUP_NO_CLEARANCE
    assert data(rest.call("DELETE", "/groups/pub/members/superhero2", token=two.token)) == {"success": True}
    r = rest.call("DELETE", "/groups/pub/members/superhero2", token=two.token)
    assert error_code(r) == ErrorCode.NOT_A_MEMBER

    history = data(rest.call("GET", "/groups/pub/messages", token=one.token))
    actions = [message_from_wire(m) for m in history]
    assert [a.action for a in actions if isinstance(a, Action)] == ["joined", "left"]
    first = actions[0]
    assert isinstance(first, Action) and first.type == "groupMember" and first.category == "action"
    assert isinstance(first.action_by, User) and first.action_by.uid == "superhero2"
    assert isinstance(first.action_on, User) and first.action_on.uid == "superhero2"
    assert isinstance(first.action_for, Group) and first.action_for.guid == "pub"
    assert first.receiver_id == "pub" and first.receiver_type == "group"


def test_private_group_refuses_self_join(server: EmbeddedServer, rest: Rest, one: Login) -> None:
    server.create_group("priv", members=["superhero2"], type="private")
    two = rest.login("superhero2")
    r = rest.call("POST", "/groups/priv/members", token=two.token, json={})
    assert error_code(r) == ErrorCode.ALREADY_JOINED
    r = rest.call("POST", "/groups/priv/members", token=one.token, json={})
    assert error_code(r) == ErrorCode.GROUP_JOIN_NOT_ALLOWED and r.status_code == 403
    # reading it stays hidden, acting on it says why not
    assert error_code(rest.call("GET", "/groups/priv", token=one.token)) == ErrorCode.GUID_NOT_FOUND
    for method, path in (
        ("GET", "/groups/priv/messages"),
        ("GET", "/groups/priv/members"),
        ("DELETE", "/groups/priv/members/superhero1"),
    ):
        assert error_code(rest.call(method, path, token=one.token)) == ErrorCode.NOT_A_MEMBER


def test_members(server: EmbeddedServer, rest: Rest, one: Login) -> None:
    r = rest.call("GET", "/groups/supergroup/members", token=one.token, params={"per_page": 3})
    members = [GroupMember.from_wire(m) for m in r.json()["data"]]
    assert len(members) == 3 and r.json()["meta"]["pagination"]["total"] == 5
    assert members[0].uid == "superhero1" and members[0].scope == "admin" and members[0].guid == "supergroup"
    assert {m.scope for m in members[1:]} == {"participant"}
    server.create_user("outsider")
    out = rest.login("outsider")
    r = rest.call("GET", "/groups/supergroup/members", token=out.token)
    assert error_code(r) == ErrorCode.NOT_A_MEMBER


def test_leave_at_the_bare_path(rest: Rest, two: Login) -> None:
    # the JS SDK's leaveGroup is DELETE groups/{guid}/members
    assert data(rest.call("DELETE", "/groups/supergroup/members", token=two.token)) == {"success": True}
    r = rest.call("DELETE", "/groups/supergroup/members", token=two.token)
    assert error_code(r) == ErrorCode.NOT_A_MEMBER
    assert data(rest.call("GET", "/groups/supergroup", token=two.token))["hasJoined"] is False


def test_kick(server: EmbeddedServer, rest: Rest, one: Login, two: Login) -> None:
    server.create_group("club", members=["superhero1", "superhero2", "superhero3"])  # superhero1 owns it
    three = rest.login("superhero3")
    r = rest.call("DELETE", "/groups/club/members/superhero3", token=two.token)
    assert error_code(r) == ErrorCode.GROUP_NO_CLEARANCE  # participants cannot kick
    assert error_code(rest.call("DELETE", "/groups/club/members/superhero1", token=two.token)) == (
        ErrorCode.GROUP_NO_CLEARANCE
    )
    assert data(rest.call("DELETE", "/groups/club/members/superhero3", token=one.token)) == {"success": True}
    assert error_code(rest.call("GET", "/groups/club/messages", token=three.token)) == ErrorCode.NOT_A_MEMBER
    r = rest.call("DELETE", "/groups/club/members/superhero3", token=one.token)
    assert error_code(r) == ErrorCode.NOT_A_MEMBER
    server.create_user("outsider")
    out = rest.login("outsider")
    r = rest.call("DELETE", "/groups/club/members/superhero2", token=out.token)
    assert error_code(r) == ErrorCode.NOT_A_MEMBER
    kicked = message_from_wire(data(rest.call("GET", "/groups/club/messages", token=one.token))[-1])
    assert isinstance(kicked, Action) and kicked.action == "kicked"
    assert isinstance(kicked.action_by, User) and kicked.action_by.uid == "superhero1"
    assert isinstance(kicked.action_on, User) and kicked.action_on.uid == "superhero3"
    assert isinstance(kicked.action_for, Group) and kicked.action_for.guid == "club"
