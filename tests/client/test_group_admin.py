"""Group administration through the Python SDK against a real EmbeddedServer: the calls,
their answers, the scope rules' refusals with CometChat's codes, the listings and their
setters, and the group-action events other members receive (argument shapes of the JS SDK)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cometchat_nb import Client, ConnectionState, Group, GroupMember, InvalidArgumentError, User
from cometchat_nb.errors import CometChatException, ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient, Recorder


async def online(make_client: MakeClient, uid: str) -> tuple[Client, Recorder]:
    client, rec = await make_client(uid)
    await client.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await client.wait_for_catchup()
    return client, rec


async def refused(code: str, call: object) -> None:
    with pytest.raises(CometChatException) as info:
        await call  # type: ignore[misc]
    assert info.value.code == code, info.value


async def test_moderated_group_actions_reach_the_members(make_client: MakeClient) -> None:
    owner, _ = await online(make_client, "superhero1")
    _bob, brec = await online(make_client, "superhero2")
    await owner.create_group(Group("mods", "Moderated", "public"))
    added = await owner.add_members_to_group(
        "mods",
        [GroupMember("superhero2", scope="participant"), GroupMember("superhero3", scope="moderator")],
        ["superhero4"],
    )
    assert added == {"superhero2": "success", "superhero3": "success", "superhero4": "success"}
    # the server adds admins, moderators, participants, then bans: bob (a participant) hears
    # his own addition and the ban that follows, not superhero3's addition before him
    ((_, user, by, group),) = await brec.wait_for("onMemberAddedToGroup")
    assert (user.uid, by.uid, group.guid) == ("superhero2", "superhero1", "mods")
    ((_, banned, by, group),) = await brec.wait_for("onGroupMemberBanned")
    assert (banned.uid, by.uid, group.guid) == ("superhero4", "superhero1", "mods")

    assert await owner.update_group_member_scope("mods", "superhero3", "admin") is True
    action, changed, new, old, group = (await brec.wait_for("onGroupMemberScopeChanged"))[0]
    assert (changed.uid, new, old, group.guid) == ("superhero3", "admin", "moderator", "mods")
    assert action.getAction() == "scopeChanged" and action.action_by.uid == "superhero1"

    await owner.add_members_to_group("mods", [GroupMember("superhero5", scope="participant")])
    assert await owner.kick_group_member("mods", "superhero5") is True
    action, kicked, by, group = (await brec.wait_for("onGroupMemberKicked"))[0]
    assert (action.getAction(), kicked.uid, by.uid, group.guid) == (
        "kicked",
        "superhero5",
        "superhero1",
        "mods",
    )

    assert await owner.ban_group_member("mods", "superhero5") is True
    _, banned, by, _ = (await brec.wait_for("onGroupMemberBanned", 2))[1]
    assert (banned.uid, by.uid) == ("superhero5", "superhero1")
    banned_list = await owner.banned_members_request("mods").build().fetch_next()
    assert sorted(m.uid for m in banned_list) == ["superhero4", "superhero5"]
    assert await owner.unban_group_member("mods", "superhero4") is True
    _, unbanned, _, _ = (await brec.wait_for("onGroupMemberUnbanned"))[0]
    assert unbanned.uid == "superhero4"

    # ownership: the new owner is an admin, the old one may now leave
    message = await owner.transfer_group_ownership("mods", "superhero3")
    assert "superhero3" in message
    assert (await owner.get_group("mods")).owner == "superhero3"
    assert await owner.leave_group("mods") is True


async def test_scope_rules_refuse_with_cometchat_codes_and_change_nothing(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    server.create_group("club", "Club", members=["superhero1", "superhero2", "superhero3"])
    owner, _ = await make_client("superhero1", manual=True)
    member, _ = await make_client("superhero2", manual=True)
    await refused(ErrorCode.GROUP_NO_CLEARANCE, member.kick_group_member("club", "superhero3"))
    await refused(ErrorCode.GROUP_NO_CLEARANCE, member.ban_group_member("club", "superhero3"))
    await refused(
        ErrorCode.GROUP_NO_SCOPE_CLEARANCE, member.update_group_member_scope("club", "superhero3", "admin")
    )
    await refused(ErrorCode.GROUP_NO_MODERATOR_SCOPE, member.update_group(Group("club", "Renamed")))
    await refused(ErrorCode.GROUP_NO_ADMIN_SCOPE, member.delete_group("club"))
    await refused(ErrorCode.GROUP_NO_CLEARANCE, member.transfer_group_ownership("club", "superhero3"))
    await refused(ErrorCode.GROUP_NO_CLEARANCE, owner.leave_group("club"))
    await refused(ErrorCode.GROUP_NO_SELF_ACTION, owner.ban_group_member("club", "superhero1"))
    await refused(ErrorCode.SAME_SCOPE, owner.update_group_member_scope("club", "superhero2", "participant"))
    await refused(ErrorCode.NOT_A_BANNED_USER, owner.unban_group_member("club", "superhero2"))
    await refused(ErrorCode.GUID_NOT_FOUND, owner.kick_group_member("nowhere", "superhero2"))
    members = await owner.group_members_request("club").build().fetch_next()
    assert {(m.uid, m.scope) for m in members} == {
        ("superhero1", "admin"),
        ("superhero2", "participant"),
        ("superhero3", "participant"),
    }
    assert (await owner.get_group("club")).name == "Club"
    # a per-uid refusal in addMembersToGroup does not raise
    await owner.ban_group_member("club", "superhero3")
    await refused(ErrorCode.ALREADY_BANNED, owner.ban_group_member("club", "superhero3"))
    result = await owner.add_members_to_group("club", [GroupMember("superhero3", scope="participant")])
    assert result["superhero3"] != "success"


async def test_update_delete_and_password_and_private_groups(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    owner, _ = await make_client("superhero1", manual=True)
    other, _ = await make_client("superhero2", manual=True)
    group = await owner.create_group(Group("secret", "Secret", "password", "s3cret"))
    assert group.type == "password"
    await refused(ErrorCode.WRONG_GROUP_PASSWORD, other.join_group("secret", "password", "wrong"))
    joined = await other.join_group("secret", "password", "s3cret")
    assert joined.has_joined and joined.guid == "secret"

    await owner.create_group(Group("hidden", "Hidden", "private"))
    await refused(ErrorCode.GROUP_JOIN_NOT_ALLOWED, other.join_group("hidden", "private"))

    fetched = await owner.get_group("secret")
    fetched.set_name("Secret society")
    fetched.set_description("shh")
    fetched.set_tags(["quiet"])
    updated = await owner.update_group(fetched)
    assert (updated.name, updated.description, updated.get_tags()) == ("Secret society", "shh", ["quiet"])
    assert await owner.delete_group("secret") is True
    await refused(ErrorCode.GUID_NOT_FOUND, owner.get_group("secret"))


async def test_list_builders_send_every_filter(server: EmbeddedServer, make_client: MakeClient) -> None:
    server.create_group("a-team", "A team", members=["superhero1", "superhero2", "superhero3"])
    owner, _ = await online(make_client, "superhero1")
    await owner.update_group_member_scope("a-team", "superhero2", "moderator")
    tagged = Group("tagged", "Tagged", "public")
    tagged.set_tags(["news"])
    await owner.create_group(tagged)
    server.create_group("not-mine", "Not mine", members=["superhero4"])

    mods = await owner.group_members_request("a-team").set_scopes(["moderator"]).build().fetch_next()
    assert [m.uid for m in mods] == ["superhero2"]
    found = await owner.group_members_request("a-team").set_search_keyword("Spider").build().fetch_next()
    assert [m.uid for m in found] == ["superhero3"]
    present = await owner.group_members_request("a-team").set_status("online").build().fetch_next()
    assert [m.uid for m in present] == ["superhero1"]

    joined = await owner.groups_request().joined_only().build().fetch_next()
    assert {g.guid for g in joined} == {"a-team", "tagged", "supergroup"}  # supergroup: the seed
    by_tag = await owner.groups_request().set_tags(["news"]).with_tags().build().fetch_next()
    assert [(g.guid, g.tags) for g in by_tag] == [("tagged", ["news"])]
    assert [g.guid for g in await owner.groups_request().set_search_keyword("Not").build().fetch_next()] == [
        "not-mine"
    ]
    paged = owner.groups_request().set_limit(1).set_page(1).build()
    second = await paged.fetch_next()
    first = await owner.groups_request().set_limit(1).build().fetch_next()
    assert len(second) == 1 and second[0].guid != first[0].guid

    bad_calls: list[Callable[[], object]] = [
        lambda: owner.group_members_request("a-team").set_scopes(["king"]),
        lambda: owner.group_members_request(""),
        lambda: owner.group_members_request("a-team").set_status("busy"),
    ]
    for bad in bad_calls:
        with pytest.raises(InvalidArgumentError):
            bad()
    with pytest.raises(InvalidArgumentError):
        await owner.add_members_to_group("a-team", [User("superhero5")])  # type: ignore[list-item]
    with pytest.raises(InvalidArgumentError):
        await owner.add_members_to_group("a-team", [GroupMember("superhero5", scope="king")])
    with pytest.raises(InvalidArgumentError):
        await owner.update_group_member_scope("a-team", "superhero2", "owner")
