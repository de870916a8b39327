"""Group administration with the OFFICIAL CometChat JS SDK (Node, ``tests/js/driver.js``
with ``tests/js/commands/groups.js``) against the embedded server: every call the
SDK has for it, answered in the shapes it parses, and every resulting action
received by a second official SDK process and by a Python client."""

from __future__ import annotations

import random
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from .node_driver import MakePy, NodeDriver, python_clients, require_node

pytestmark = pytest.mark.node

OWNER = "superhero1"  # acts through the official SDK
WATCHER = "superhero2"  # a second official SDK process, a member of the group
PY_UID = "superhero3"  # a Python client, a member of the group


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(auth_timeout=5.0) as srv:
        yield srv


@pytest.fixture
async def make_py(server: EmbeddedServer) -> AsyncIterator[MakePy]:
    async with python_clients(server) as make:
        yield make


async def refused(js: NodeDriver, cmd: str, **args: Any) -> str:
    """Send a command that must fail; its error code."""
    js.send(cmd, **args)
    res = await js.expect("result", step=cmd)
    assert res["ok"] is False, res
    return str(res["code"])


async def test_official_sdk_runs_a_moderated_group_and_both_sdks_see_every_action(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    py, rec = await make_py(PY_UID)
    owner = NodeDriver(server, "login", tmp_path / "owner.json", uid=OWNER)
    watcher = NodeDriver(server, "login", tmp_path / "watcher.json", uid=WATCHER)
    try:
        await owner.expect("ready")
        await watcher.expect("ready")
        made = (await owner.call("createGroup", guid="mods", name="Mods", tags=["red"], description="d"))[
            "group"
        ]
        assert made | {"membersCount": None} == {
            "guid": "mods",
            "name": "Mods",
            "type": "public",
            "owner": OWNER,
            "scope": "admin",
            "hasJoined": True,
            "membersCount": None,
            "description": "d",
            "tags": ["red"],
        }
        # addMembersToGroup: scopes and bans in one call; the SDK maps each uid to "success" or a message
        added = await owner.call(
            "addMembersToGroup",
            guid="mods",
            # WATCHER first: members are added admins, moderators, participants in turn, and
            # an addition is pushed to the members of that moment
            members=[{"uid": WATCHER, "scope": "moderator"}, {"uid": PY_UID, "scope": "participant"}],
            bans=["superhero4"],
        )
        assert added["value"] == {WATCHER: "success", PY_UID: "success", "superhero4": "success"}
        got = await watcher.expect("onMemberAddedToGroup", uid=PY_UID)
        assert (got["action"], got["by"], got["guid"]) == ("added", OWNER, "mods")
        await rec.wait(lambda r: any(a[1].uid == PY_UID for a in r.args("onMemberAddedToGroup")))

        # a scope change reaches onGroupMemberScopeChanged with both scopes
        assert (await owner.call("updateGroupMemberScope", guid="mods", uid=PY_UID, scope="moderator"))[
            "value"
        ]
        got = await watcher.expect("onGroupMemberScopeChanged", uid=PY_UID)
        assert (got["by"], got["newScope"], got["oldScope"]) == (OWNER, "moderator", "participant")
        ((_, user, new, old, group),) = await rec.wait_for("onGroupMemberScopeChanged")
        assert (user.uid, new, old, group.guid) == (PY_UID, "moderator", "participant", "mods")

        # the lists, with their builder setters
        mods = (await owner.call("fetchGroupMembers", guid="mods", scopes=["moderator"]))["members"]
        assert sorted(m["uid"] for m in mods) == [WATCHER, PY_UID] and {m["scope"] for m in mods} == {
            "moderator"
        }
        online = (await owner.call("fetchGroupMembers", guid="mods", status="ONLINE"))["members"]
        assert sorted(m["uid"] for m in online) == [OWNER, WATCHER, PY_UID]
        found = (await owner.call("fetchGroupMembers", guid="mods", search="hero3"))["members"]
        assert [m["uid"] for m in found] == [PY_UID]
        banned = (await owner.call("fetchBannedMembers", guid="mods"))["members"]
        assert [(b["uid"], b["scope"]) for b in banned] == [("superhero4", "participant")]
        tagged = (await owner.call("fetchGroups", tags=["red"], withTags=True))["groups"]
        assert [(g["guid"], g["tags"]) for g in tagged] == [("mods", ["red"])]
        joined = (await watcher.call("fetchGroups", joinedOnly=True))["groups"]
        assert sorted(g["guid"] for g in joined) == ["mods", "supergroup"]

        # kick, ban, unban: the official SDK and the Python SDK hear each
        assert (await owner.call("kickGroupMember", guid="mods", uid=PY_UID))["value"] is True
        got = await watcher.expect("onGroupMemberKicked", uid=PY_UID)
        assert (got["action"], got["by"]) == ("kicked", OWNER)
        ((_, user, by, group),) = await rec.wait_for("onGroupMemberKicked")
        assert (user.uid, by.uid, group.guid) == (PY_UID, OWNER, "mods")
        assert (await owner.call("banGroupMember", guid="mods", uid=PY_UID))["value"] is True
        assert (await watcher.expect("onGroupMemberBanned", uid=PY_UID))["by"] == OWNER
        with pytest.raises(Exception) as info:
            await py.join_group("mods")
        assert getattr(info.value, "code", None) == ErrorCode.BANNED_GROUPMEMBER
        assert (await owner.call("unbanGroupMember", guid="mods", uid=PY_UID))["value"] is True
        assert (await watcher.expect("onGroupMemberUnbanned", uid=PY_UID))["by"] == OWNER
        ((_, user, by, group),) = await rec.wait_for("onGroupMemberUnbanned")  # the unbanned user hears it
        assert (user.uid, by.uid) == (PY_UID, OWNER)
        await py.join_group("mods")

        # ownership: the owner cannot leave until it is transferred; the new owner becomes admin
        assert await refused(owner, "leaveGroup", guid="mods") == ErrorCode.GROUP_NO_CLEARANCE
        message = (await owner.call("transferGroupOwnership", guid="mods", uid=WATCHER))["value"]
        assert WATCHER in message
        got = await watcher.expect("onGroupMemberScopeChanged", uid=WATCHER, newScope="admin")
        assert got["oldScope"] == "moderator"
        assert (await watcher.call("getGroup", guid="mods"))["group"]["owner"] == WATCHER

        # update and delete (the new owner's admin powers; the old owner is an admin still)
        renamed = (await owner.call("updateGroup", guid="mods", name="Moderated", description="new"))["group"]
        assert (renamed["name"], renamed["description"], renamed["type"]) == ("Moderated", "new", "public")
        assert await refused(owner, "updateGroup", guid="mods", type="private") == ErrorCode.BAD_REQUEST
        assert (await owner.call("leaveGroup", guid="mods"))["value"] is True
        assert (await watcher.call("deleteGroup", guid="mods"))["value"] is True
        assert await refused(watcher, "getGroup", guid="mods") == ErrorCode.GUID_NOT_FOUND
        for js in (owner, watcher):
            assert not js.seen("error")
            assert js.exit_code() == 0
    finally:
        owner.close()
        watcher.close()


async def test_official_sdk_gets_cometchats_error_codes_and_nothing_changes(
    server: EmbeddedServer, tmp_path: Path
) -> None:
    server.create_group("pw", "Vault", type="password", password="s3cret", owner="superhero5")
    server.create_group("priv", "Private", type="private", owner="superhero5")
    js = NodeDriver(server, "login", tmp_path / "storage.json", uid=WATCHER)  # a participant of supergroup
    try:
        await js.expect("ready")
        before = (await js.call("fetchGroupMembers", guid="supergroup"))["members"]
        for cmd, args, code in (
            ("kickGroupMember", {"guid": "supergroup", "uid": "superhero3"}, ErrorCode.GROUP_NO_CLEARANCE),
            ("banGroupMember", {"guid": "supergroup", "uid": OWNER}, ErrorCode.GROUP_NO_CLEARANCE),
            (
                "updateGroupMemberScope",
                {"guid": "supergroup", "uid": "superhero3", "scope": "admin"},
                ErrorCode.GROUP_NO_SCOPE_CLEARANCE,
            ),
            ("unbanGroupMember", {"guid": "supergroup", "uid": "superhero3"}, ErrorCode.NOT_A_BANNED_USER),
            (
                "transferGroupOwnership",
                {"guid": "supergroup", "uid": "superhero3"},
                ErrorCode.GROUP_NO_CLEARANCE,
            ),
            ("deleteGroup", {"guid": "supergroup"}, ErrorCode.GROUP_NO_ADMIN_SCOPE),
            ("updateGroup", {"guid": "supergroup", "name": "Mine"}, ErrorCode.GROUP_NO_MODERATOR_SCOPE),
            (
                "addMembersToGroup",
                {"guid": "supergroup", "members": [{"uid": "x", "scope": "participant"}]},
                ErrorCode.GROUP_NO_MODERATOR_SCOPE,
            ),
            ("kickGroupMember", {"guid": "nowhere", "uid": "superhero3"}, ErrorCode.GUID_NOT_FOUND),
            (
                "joinGroup",
                {"guid": "pw", "type": "password", "password": "wrong"},
                ErrorCode.WRONG_GROUP_PASSWORD,
            ),
            ("joinGroup", {"guid": "priv", "type": "private"}, ErrorCode.GROUP_JOIN_NOT_ALLOWED),
        ):
            assert await refused(js, cmd, **args) == code, cmd
        assert (await js.call("fetchGroupMembers", guid="supergroup"))["members"] == before
        assert (await js.call("getGroup", guid="supergroup"))["group"]["name"] == "Super Group"
        assert (await js.call("joinGroup", guid="pw", type="password", password="s3cret"))["group"][
            "hasJoined"
        ]
        assert js.exit_code() == 0
    finally:
        js.close()


async def test_create_group_with_members(server: EmbeddedServer, make_py: MakePy, tmp_path: Path) -> None:
    py, rec = await make_py(PY_UID)
    js = NodeDriver(server, "login", tmp_path / "storage.json", uid=OWNER)
    try:
        await js.expect("ready")
        reply = await js.call(
            "createGroupWithMembers",
            guid="crew",
            name="Crew",
            type="private",
            members=[{"uid": PY_UID, "scope": "admin"}, {"uid": "ghost", "scope": "participant"}],
            bans=["superhero4"],
        )
        assert reply["group"]["guid"] == "crew" and reply["group"]["hasJoined"] is True
        assert reply["members"][PY_UID] == "success"
        assert reply["members"]["superhero4"] == "success"
        assert "ghost" in reply["members"]["ghost"]  # the per-uid error message
        await rec.wait(lambda r: any(a[1].uid == PY_UID for a in r.args("onMemberAddedToGroup")))
        group = await py.get_group("crew")
        assert (group.scope, group.type, group.members_count) == ("admin", "private", 2)
        assert js.exit_code() == 0
    finally:
        js.close()


def _host_with_free(port: int) -> str:
    """A loopback address of its own on which ``port`` can be bound, or skip."""
    host = f"127.{random.randrange(1, 255)}.{random.randrange(1, 255)}.{random.randrange(2, 255)}"
    probe = socket.socket()
    try:
        probe.bind((host, port))
    except OSError as exc:
        pytest.skip(f"cannot bind {host}:{port} ({exc.strerror}): the online counts need the port-less URL")
    finally:
        probe.close()
    return host


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
async def test_online_counts_reach_the_port_less_url(tls: bool, tmp_path: Path) -> None:
    """``getOnlineUserCount``/``getOnlineGroupMemberCount`` post to
    ``https://{CHAT_HOST}/api/{WS_API_VERSION}/online-members`` with no port: the
    server listens on port 443 (TLS) or 80 (plain: the driver rewrites https to http)
    of a loopback address of its own (``chat_host_port``)."""
    require_node()
    port = 443 if tls else 80
    host = _host_with_free(port)
    with EmbeddedServer(host=host, chat_host_port=port, tls=tls, auth_timeout=5.0) as server:
        async with python_clients(server) as make:
            await make(PY_UID)
            js = NodeDriver(server, "login", tmp_path / "storage.json", uid=OWNER)
            try:
                await js.expect("ready")
                assert (await js.call("getOnlineUserCount"))["value"] == 2
                counts = (await js.call("getOnlineGroupMemberCount", guids=["supergroup", "nowhere"]))[
                    "value"
                ]
                assert counts == {"supergroup": 2, "nowhere": 0}
                posts = [f["url"] for f in js.seen("fetch") if f["url"].endswith("/online-members")]
                assert posts == [f"{'https' if tls else 'http'}://{host}/api/v1/online-members"] * 2
                assert js.exit_code() == 0
            finally:
                js.close()
