"""Group administration over the service rules, without sockets: the scope matrix
(every action x actor scope x target scope), what each change stores and pushes,
and refusals that change nothing. The expected tables below are written out by
hand from the sources quoted in ``cometchat_nb/server/service/group_rules.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server.service import Service, group_admin, group_rules, groups, users
from cometchat_nb.server.store import GroupFields

from .helpers import RecordingNotifier, memory_service

OK = "ok"
SELF = ErrorCode.GROUP_NO_SELF_ACTION
NOCL = ErrorCode.GROUP_NO_CLEARANCE
NOSC = ErrorCode.GROUP_NO_SCOPE_CLEARANCE
SAME = ErrorCode.SAME_SCOPE
NOMOD = ErrorCode.GROUP_NO_MODERATOR_SCOPE
NOADM = ErrorCode.GROUP_NO_ADMIN_SCOPE

SCOPES = ("owner", "admin", "moderator", "participant")
#: who acts in each scope, and who is acted on in each scope (never the same person, but the owner)
ACTOR = {"owner": "own", "admin": "adm", "moderator": "mod", "participant": "par"}
TARGET = {"owner": "own", "admin": "adm2", "moderator": "mod2", "participant": "par2"}


@dataclass
class World:
    svc: Service
    sent: RecordingNotifier

    def snapshot(self) -> tuple[Any, ...]:
        store = self.svc.store
        members, _ = store.members("g", limit=100, offset=0)
        group = store.group("g")
        return (
            sorted((m["uid"], m["scope"]) for m in members),
            sorted(store.banned_uids("g")),
            group,
            store.message_count(),
        )


@pytest.fixture
def world() -> Iterator[World]:
    """Group ``g`` owned by ``own``; two members in each other scope; ``banned_*``
    banned in each scope; ``out`` outside; ``solo`` a user in no group."""
    svc, sent = memory_service()
    for uid in ("own", "adm", "adm2", "mod", "mod2", "par", "par2", "out", "solo"):
        users.create_user(svc, uid)
    for scope in ("admin", "moderator", "participant"):
        users.create_user(svc, f"banned_{scope}")
    groups.create_group(svc, "g", "G", owner="own", fields=GroupFields(tags=["t"]))
    for uid, scope in (("adm", "admin"), ("adm2", "admin"), ("mod", "moderator"), ("mod2", "moderator")):
        svc.store.add_member("g", uid, scope, 1)
    for uid in ("par", "par2"):
        svc.store.add_member("g", uid, "participant", 1)
    for scope in ("admin", "moderator", "participant"):
        svc.store.ban("g", f"banned_{scope}", scope, "own", 1)
    sent.take()
    yield World(svc, sent)
    svc.store.close()


def outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except ApiError as exc:
        return exc.code
    return OK


def check(world: World, expected: str, call: Callable[[], object]) -> None:
    """Run ``call``: a refusal carries ``expected`` and changes and pushes nothing."""
    before = world.snapshot()
    got = outcome(call)
    assert got == expected
    if expected != OK:
        assert world.snapshot() == before and world.sent.take() == []


# -- the matrix ---------------------------------------------------------------------
#: actor scope -> results against a target in (owner, admin, moderator, participant)
REMOVE = {
    "owner": (SELF, OK, OK, OK),
    "admin": (NOCL, NOCL, OK, OK),
    "moderator": (NOCL, NOCL, NOCL, OK),
    "participant": (NOCL, NOCL, NOCL, NOCL),
}
#: actor scope -> target scope -> results for the new scope (participant, moderator, admin)
SCOPE_CHANGE = {
    "owner": {
        "owner": (SELF, SELF, SELF),
        "admin": (OK, OK, SAME),
        "moderator": (OK, SAME, OK),
        "participant": (SAME, OK, OK),
    },
    "admin": {
        "owner": (NOSC, NOSC, NOSC),
        "admin": (NOSC, NOSC, SAME),
        "moderator": (OK, SAME, OK),
        "participant": (SAME, OK, OK),
    },
    "moderator": {
        "owner": (NOSC, NOSC, NOSC),
        "admin": (NOSC, NOSC, SAME),
        "moderator": (NOSC, SAME, NOSC),
        "participant": (SAME, OK, NOSC),
    },
    "participant": {
        "owner": (NOSC, NOSC, NOSC),
        "admin": (NOSC, NOSC, SAME),
        "moderator": (NOSC, SAME, NOSC),
        "participant": (SAME, NOSC, NOSC),
    },
}
#: actor scope -> unban of a user banned as (admin, moderator, participant)
UNBAN = {
    "owner": (OK, OK, OK),
    "admin": (NOCL, OK, OK),
    "moderator": (NOCL, NOCL, OK),
    "participant": (NOCL, NOCL, NOCL),
}
#: actor scope -> adding a member as (participant, moderator, admin): whole-call or per-uid result
ADD = {
    "owner": (OK, OK, OK),
    "admin": (OK, OK, OK),
    "moderator": (OK, OK, NOSC),
    "participant": (NOMOD, NOMOD, NOMOD),
}
#: actor scope -> (update, delete, leave)
GROUP_LEVEL = {
    "owner": (OK, OK, NOCL),
    "admin": (OK, OK, OK),
    "moderator": (OK, NOADM, OK),
    "participant": (NOMOD, NOADM, OK),
}
#: actor scope -> transfer of the ownership to (owner, admin, moderator, participant)
TRANSFER = {
    "owner": (SELF, OK, OK, OK),
    "admin": (NOCL, NOCL, NOCL, NOCL),
    "moderator": (NOCL, NOCL, NOCL, NOCL),
    "participant": (NOCL, NOCL, NOCL, NOCL),
}

CASES = [(a, t) for a in SCOPES for t in SCOPES]


@pytest.mark.parametrize(("actor", "target"), CASES)
@pytest.mark.parametrize("action", ["kick", "ban"])
def test_kick_and_ban_matrix(world: World, action: str, actor: str, target: str) -> None:
    expected = REMOVE[actor][SCOPES.index(target)]
    fn = group_admin.kick_member if action == "kick" else group_admin.ban_member
    who, whom = ACTOR[actor], TARGET[target]
    audience = sorted(world.svc.store.member_uids("g"))
    check(world, expected, lambda: fn(world.svc, who, "g", whom))
    if expected == OK:
        [(uids, frame)] = world.sent.take()
        body = frame["body"]
        assert uids == audience  # the removed member hears it too
        assert body["data"]["action"] == ("kicked" if action == "kick" else "banned")
        assert body["data"]["entities"]["by"]["entity"]["uid"] == who
        assert body["data"]["entities"]["on"]["entity"]["uid"] == whom
        assert body["data"]["entities"]["for"]["entity"]["membersCount"] == len(audience) - 1
        assert world.svc.store.membership("g", whom) is None
        assert world.svc.store.is_banned("g", whom) is (action == "ban")


@pytest.mark.parametrize(("actor", "target"), CASES)
@pytest.mark.parametrize("new", ["participant", "moderator", "admin"])
def test_scope_change_matrix(world: World, new: str, actor: str, target: str) -> None:
    expected = SCOPE_CHANGE[actor][target][("participant", "moderator", "admin").index(new)]
    who, whom = ACTOR[actor], TARGET[target]
    old = world.svc.store.membership("g", whom)
    check(world, expected, lambda: group_admin.change_scope(world.svc, who, "g", whom, new))
    if expected == OK:
        assert old is not None
        [(uids, frame)] = world.sent.take()
        data = frame["body"]["data"]
        assert uids == sorted(world.svc.store.member_uids("g"))
        assert data["action"] == "scopeChanged" and data["extras"] == {"scope": {"old": old[0], "new": new}}
        assert (
            data["entities"]["on"]["entity"]["uid"] == whom and data["entities"]["by"]["entity"]["uid"] == who
        )
        assert world.svc.store.membership("g", whom) == (new, old[1])


@pytest.mark.parametrize("actor", SCOPES)
@pytest.mark.parametrize("banned_as", ["admin", "moderator", "participant"])
def test_unban_matrix(world: World, actor: str, banned_as: str) -> None:
    expected = UNBAN[actor][("admin", "moderator", "participant").index(banned_as)]
    uid = f"banned_{banned_as}"
    check(world, expected, lambda: group_admin.unban_member(world.svc, ACTOR[actor], "g", uid))
    if expected == OK:
        [(uids, frame)] = world.sent.take()
        assert uid in uids and frame["body"]["data"]["action"] == "unbanned"
        assert not world.svc.store.is_banned("g", uid)
        assert groups.join_group(world.svc, uid, "g")["data"]["action"] == "joined"  # may come back


@pytest.mark.parametrize("actor", SCOPES)
@pytest.mark.parametrize("scope", ["participant", "moderator", "admin"])
def test_add_members_matrix(world: World, actor: str, scope: str) -> None:
    expected = ADD[actor][("participant", "moderator", "admin").index(scope)]
    key = {"admin": "admins", "moderator": "moderators", "participant": "participants"}[scope]
    before = world.snapshot()
    if expected == NOMOD:
        check(
            world, expected, lambda: group_admin.add_members(world.svc, ACTOR[actor], "g", **{key: ["solo"]})
        )
        return
    result = group_admin.add_members(world.svc, ACTOR[actor], "g", **{key: ["solo"]})
    assert set(result) == {"admins", "moderators", "participants", "usersToBan"}
    if expected == OK:
        assert result[key]["solo"]["success"] is True
        assert world.svc.store.membership("g", "solo") == (scope, world.svc.now())
        [(uids, frame)] = world.sent.take()
        assert "solo" in uids and frame["body"]["data"]["action"] == "added"
        assert frame["body"]["data"]["entities"]["on"]["entity"]["uid"] == "solo"
    else:
        assert result[key]["solo"] == {"success": False, "error": {"code": expected, "message": ANY_STR}}
        assert world.snapshot() == before and world.sent.take() == []


class _AnyStr(str):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other)

    __hash__ = str.__hash__


ANY_STR = _AnyStr()


@pytest.mark.parametrize("actor", SCOPES)
def test_update_delete_leave_matrix(world: World, actor: str) -> None:
    update, delete, leave = GROUP_LEVEL[actor]
    who = ACTOR[actor]
    check(world, update, lambda: group_admin.update_group(world.svc, who, "g", {"name": "New"}))
    if update == OK:
        group = world.svc.store.group("g")
        assert group is not None and group.name == "New"
    check(world, leave, lambda: groups.leave_group(world.svc, who, "g"))
    if leave == OK:
        world.sent.take()
        world.svc.store.add_member("g", who, "admin" if actor == "admin" else actor, 1)
    check(world, delete, lambda: group_admin.delete_group(world.svc, who, "g"))
    if delete == OK:
        assert world.svc.store.group("g") is None and world.svc.store.banned_uids("g") == set()
        assert world.svc.store.member_uids("g") == []


@pytest.mark.parametrize(("actor", "target"), CASES)
def test_transfer_matrix(world: World, actor: str, target: str) -> None:
    expected = TRANSFER[actor][SCOPES.index(target)]
    who, whom = ACTOR[actor], TARGET[target]
    old = world.svc.store.membership("g", whom)
    check(world, expected, lambda: group_admin.transfer_ownership(world.svc, who, "g", whom))
    if expected == OK:
        assert old is not None
        group = world.svc.store.group("g")
        assert group is not None and group.owner == whom
        assert world.svc.store.membership("g", whom) == ("admin", old[1])
        assert world.svc.store.membership("g", "own") is not None  # the old owner stays, an admin
        pushed = world.sent.take()
        if old[0] == "admin":
            assert pushed == []  # no scope changed; the SDK has no event for an owner change
        else:
            [(_, frame)] = pushed
            assert frame["body"]["data"]["extras"] == {"scope": {"old": old[0], "new": "admin"}}
        # the new owner now rules: the old one may leave, the new one may not
        groups.leave_group(world.svc, "own", "g")
        with pytest.raises(ApiError) as info:
            groups.leave_group(world.svc, whom, "g")
        assert info.value.code == NOCL


def test_the_pure_rules_agree_with_the_tables() -> None:
    """The same tables through group_rules alone (no store): a quick view of the matrix."""
    for actor in SCOPES:
        me = group_rules.Seat(ACTOR[actor], "admin" if actor == "owner" else actor, owner=actor == "owner")
        for i, target in enumerate(SCOPES):
            them = group_rules.Seat(
                TARGET[target], "admin" if target == "owner" else target, target == "owner"
            )
            got = outcome(lambda me=me, them=them: group_rules.check_remove(me, them))
            assert got == REMOVE[actor][i], (actor, target)


# -- who is refused before the rules ---------------------------------------------------
@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda s: group_admin.kick_member(s, "out", "g", "par"), ErrorCode.NOT_A_MEMBER),
        (lambda s: group_admin.kick_member(s, "own", "g", "out"), ErrorCode.NOT_A_MEMBER),
        (lambda s: group_admin.kick_member(s, "own", "g", "ghost"), ErrorCode.UID_NOT_FOUND),
        (lambda s: group_admin.kick_member(s, "own", "nowhere", "par"), ErrorCode.GUID_NOT_FOUND),
        (lambda s: group_admin.ban_member(s, "own", "g", "banned_participant"), ErrorCode.ALREADY_BANNED),
        (lambda s: group_admin.ban_member(s, "own", "g", "ghost"), ErrorCode.UID_NOT_FOUND),
        (lambda s: group_admin.unban_member(s, "own", "g", "par"), ErrorCode.NOT_A_BANNED_USER),
        (lambda s: group_admin.change_scope(s, "own", "g", "par", "boss"), ErrorCode.BAD_REQUEST),
        (lambda s: group_admin.change_scope(s, "own", "g", "out", "admin"), ErrorCode.NOT_A_MEMBER),
        (lambda s: group_admin.transfer_ownership(s, "own", "g", "out"), ErrorCode.NOT_A_MEMBER),
        (lambda s: group_admin.transfer_ownership(s, "own", "g", "ghost"), ErrorCode.UID_NOT_FOUND),
        (lambda s: group_admin.update_group(s, "out", "g", {"name": "x"}), ErrorCode.NOT_A_MEMBER),
        (lambda s: group_admin.delete_group(s, "out", "g"), ErrorCode.NOT_A_MEMBER),
        (
            lambda s: group_admin.banned_page(s, "out", "g", search=None, scopes=(), limit=10, offset=0),
            ErrorCode.NOT_A_MEMBER,
        ),
        (lambda s: groups.join_group(s, "banned_participant", "g"), ErrorCode.BANNED_GROUPMEMBER),
    ],
)
def test_refusals_change_nothing(world: World, call: Callable[[Service], object], code: str) -> None:
    check(world, code, lambda: call(world.svc))


def test_ban_an_outsider_and_add_members_in_one_call(world: World) -> None:
    svc = world.svc
    group_admin.ban_member(svc, "mod", "g", "solo")  # not a member: banned all the same
    assert svc.store.ban_scope("g", "solo") == "participant"
    [(uids, frame)] = world.sent.take()
    assert "solo" not in uids and frame["body"]["data"]["action"] == "banned"
    users.create_user(svc, "new1")
    users.create_user(svc, "new2")
    result = group_admin.add_members(
        svc,
        "own",
        "g",
        admins=["new1"],
        moderators=["new1", "par"],  # new1 counts once, as admin; par is a member already
        participants=["ghost", "solo"],  # ghost does not exist, solo is banned
        users_to_ban=["new2", "new1", "par2"],  # new1 was added above: not banned
    )
    assert {k: {u: r["success"] for u, r in v.items()} for k, v in result.items()} == {
        "admins": {"new1": True},
        "moderators": {"par": False},
        "participants": {"ghost": False, "solo": False},
        "usersToBan": {"new2": True, "par2": True},
    }
    assert result["moderators"]["par"]["error"]["code"] == ErrorCode.ALREADY_JOINED
    assert result["participants"]["ghost"]["error"]["code"] == ErrorCode.UID_NOT_FOUND
    assert result["participants"]["solo"]["error"]["code"] == ErrorCode.BANNED_GROUPMEMBER
    assert svc.store.membership("g", "new1") == ("admin", svc.now())
    assert svc.store.banned_uids("g") >= {"new2", "par2", "solo"}
    assert [f["body"]["data"]["action"] for _, f in world.sent.take()] == ["added", "banned", "banned"]
    with pytest.raises(ApiError) as info:
        group_admin.add_members(svc, "own", "g", participants=[f"u{i}" for i in range(26)])
    assert info.value.code == ErrorCode.BAD_REQUEST


def test_banned_page_and_member_filters(world: World) -> None:
    svc = world.svc
    banned, total = group_admin.banned_page(svc, "par", "g", search=None, scopes=(), limit=10, offset=0)
    assert total == 3 and {b["uid"] for b in banned} == {
        "banned_admin",
        "banned_moderator",
        "banned_participant",
    }
    assert all(b["guid"] == "g" for b in banned)
    banned, total = group_admin.banned_page(svc, "par", "g", search="mod", scopes=(), limit=10, offset=0)
    assert [b["uid"] for b in banned] == ["banned_moderator"] and banned[0]["scope"] == "moderator"
    banned, _ = group_admin.banned_page(svc, "par", "g", search=None, scopes=("admin",), limit=10, offset=0)
    assert [b["uid"] for b in banned] == ["banned_admin"]
    found, total = groups.members_page(svc, "g", limit=10, offset=0, scopes=("moderator", "admin"))
    assert total == 5 and {m["uid"] for m in found} == {"own", "adm", "adm2", "mod", "mod2"}
    found, total = groups.members_page(svc, "g", limit=10, offset=0, search="par2")
    assert [m["uid"] for m in found] == ["par2"] and total == 1
    svc.store.set_presence("mod", "online", 5)
    found, total = groups.members_page(svc, "g", limit=10, offset=0, status="online")
    assert [m["uid"] for m in found] == ["mod"] and total == 1
    assert svc.store.online_members_count("g") == 1


def test_update_group_keeps_what_is_not_given_and_lists_tags_on_request(world: World) -> None:
    svc = world.svc
    updated = group_admin.update_group(svc, "mod", "g", {"description": "d", "tags": ["x", "y"]})
    assert (updated["name"], updated["description"], updated["tags"], updated["scope"]) == (
        "G",
        "d",
        ["x", "y"],
        "moderator",
    )
    listed, _ = groups.list_groups(
        svc, "par", limit=10, offset=0, search=None, joined_only=False, with_tags=False
    )
    assert "tags" not in listed[0]
    listed, _ = groups.list_groups(
        svc, "par", limit=10, offset=0, search=None, joined_only=False, tags=("y",)
    )
    assert [g["guid"] for g in listed] == ["g"] and listed[0]["tags"] == ["x", "y"]
    listed, _ = groups.list_groups(
        svc, "par", limit=10, offset=0, search=None, joined_only=False, tags=("z",)
    )
    assert listed == []
