"""Issue 15 across the two SDKs: group administration done with the PYTHON SDK is heard by
the OFFICIAL CometChat JS SDK's GroupListener (Node, ``tests/js/driver.js``) with its
argument shapes, and a block done in either SDK refuses the other's direct message with
CometChat's code. (The other direction, the official SDK acting and Python listening, is
``tests/test_js_groups.py``.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from cometchat_nb import Group, GroupMember, TextMessage
from cometchat_nb.errors import CometChatException, ErrorCode
from cometchat_nb.server import EmbeddedServer

from .node_driver import MakePy, NodeDriver, python_clients, require_node
from .support import idle

pytestmark = pytest.mark.node

PY_OWNER = "superhero1"  # acts through the Python SDK
JS_UID = "superhero2"  # the official SDK, a member of the group


@pytest.fixture
def server() -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(auth_timeout=5.0) as srv:
        yield srv


@pytest.fixture
async def make_py(server: EmbeddedServer) -> AsyncIterator[MakePy]:
    async with python_clients(server) as make:
        yield make


async def test_python_moderates_and_the_official_sdk_hears_every_action(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    py, _ = await make_py(PY_OWNER)
    js = NodeDriver(server, "login", tmp_path / "js.json", uid=JS_UID)
    try:
        await js.expect("ready")
        await py.create_group(Group("pyg", "Python's group", "public"))
        added = await py.add_members_to_group(
            "pyg",
            [GroupMember(JS_UID, scope="participant"), GroupMember("superhero3", scope="participant")],
            ["superhero4"],
        )
        assert added == {JS_UID: "success", "superhero3": "success", "superhero4": "success"}
        got = await js.expect("onGroupMemberBanned", uid="superhero4")
        assert (got["action"], got["by"], got["guid"]) == ("banned", PY_OWNER, "pyg")

        assert await py.update_group_member_scope("pyg", "superhero3", "moderator") is True
        got = await js.expect("onGroupMemberScopeChanged", uid="superhero3")
        assert (got["action"], got["by"], got["newScope"], got["oldScope"], got["guid"]) == (
            "scopeChanged",
            PY_OWNER,
            "moderator",
            "participant",
            "pyg",
        )
        assert await py.kick_group_member("pyg", "superhero3") is True
        got = await js.expect("onGroupMemberKicked", uid="superhero3")
        assert (got["action"], got["by"], got["guid"]) == ("kicked", PY_OWNER, "pyg")
        assert await py.ban_group_member("pyg", "superhero3") is True
        got = await js.expect("onGroupMemberBanned", uid="superhero3")
        assert (got["by"], got["guid"]) == (PY_OWNER, "pyg")
        assert await py.unban_group_member("pyg", "superhero3") is True
        got = await js.expect("onGroupMemberUnbanned", uid="superhero3")
        assert (got["action"], got["by"]) == ("unbanned", PY_OWNER)
        await py.add_members_to_group("pyg", [GroupMember("superhero5", scope="moderator")])
        got = await js.expect("onMemberAddedToGroup", uid="superhero5")
        assert (got["action"], got["by"], got["guid"]) == ("added", PY_OWNER, "pyg")

        # the official SDK reads what the Python SDK wrote
        members = (await js.call("fetchGroupMembers", guid="pyg", scopes=["moderator"]))["members"]
        assert [m["uid"] for m in members] == ["superhero5"]
        banned = (await js.call("fetchBannedMembers", guid="pyg"))["members"]
        assert [b["uid"] for b in banned] == ["superhero4"]
        # ownership: the official SDK's member becomes the owner, and the Python one may leave
        assert JS_UID in await py.transfer_group_ownership("pyg", JS_UID)
        got = await js.expect("onGroupMemberScopeChanged", uid=JS_UID)
        assert (got["newScope"], got["oldScope"]) == ("admin", "participant")
        assert await py.leave_group("pyg") is True
        assert (await js.expect("onGroupMemberLeft", uid=PY_OWNER))["guid"] == "pyg"
    finally:
        js.close()


async def test_a_block_in_either_sdk_refuses_the_others_message(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    py, rec = await make_py(PY_OWNER)
    js = NodeDriver(server, "login", tmp_path / "js.json", uid=JS_UID)
    try:
        await js.expect("ready")
        assert (await py.block_users([JS_UID]))[JS_UID]["success"] is True
        js.send("sendMessage", to=PY_OWNER, text="blocked, so never stored")
        res = await js.expect("result", step="sendMessage")
        assert (res["ok"], res["code"]) == (False, ErrorCode.BLOCKED_SENDER)
        seen = (await js.call("fetchBlockedUsers", direction="HAS_BLOCKED_ME"))["users"]
        assert [(u["uid"], u["hasBlockedMe"]) for u in seen] == [(PY_OWNER, True)]
        assert (await py.unblock_users([JS_UID]))[JS_UID]["success"] is True
        sent = (await js.call("sendMessage", to=PY_OWNER, text="after the unblock"))["message"]
        (got,) = await rec.wait_for("onTextMessageReceived")
        assert (str(got.id), got.getText()) == (str(sent["id"]), "after the unblock")

        # and the other way: the official SDK blocks, the Python SDK is refused
        assert (await js.call("blockUsers", uids=[PY_OWNER]))["value"][PY_OWNER]["success"] is True
        with pytest.raises(CometChatException) as info:
            await py.send_message(TextMessage(JS_UID, "blocked", "user"))
        assert info.value.code == ErrorCode.BLOCKED_SENDER
        theirs = await py.blocked_users_request().has_blocked_me().build().fetch_next()
        assert [(u.uid, u.has_blocked_me) for u in theirs] == [(JS_UID, True)]
        assert await idle(py)
        assert rec.count("onTextMessageReceived") == 1
    finally:
        js.close()
