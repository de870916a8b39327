"""Users and blocking with the OFFICIAL CometChat JS SDK (Node, ``tests/js/driver.js``
with ``tests/js/commands/users.js``) against the embedded server, a Python client
on the other side: createUser/updateUser with the API key,
updateCurrentUserDetails, every UsersRequestBuilder setter, blockUsers/
unblockUsers/BlockedUsersRequestBuilder, and what a block stops between the SDKs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from cometchat_nb import TextMessage, TypingIndicator
from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server import EmbeddedServer

from .node_driver import MakePy, NodeDriver, python_clients, require_node

pytestmark = pytest.mark.node

JS_UID = "superhero1"
PY_UID = "superhero2"
OTHER = "superhero3"  # a second Python client, in no block


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
    js.send(cmd, **args)
    res = await js.expect("result", step=cmd)
    assert res["ok"] is False, res
    return str(res["code"])


def last_query(js: NodeDriver, path: str) -> dict[str, list[str]]:
    urls = [urlsplit(f["url"]) for f in js.seen("fetch") if urlsplit(f["url"]).path == path]
    return parse_qs(urls[-1].query)


async def test_official_sdk_manages_users_and_lists_them_with_every_setter(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    py, _ = await make_py(PY_UID)
    js = NodeDriver(server, "login", tmp_path / "storage.json", uid=JS_UID)
    try:
        await js.expect("ready")
        made = await js.call(
            "createUser", uid="newbie", name="New Bie", role="vip", tags=["red"], apiKey=server.auth_key
        )
        assert made["user"] | {"status": None} == {
            "uid": "newbie",
            "name": "New Bie",
            "role": "vip",
            "status": None,
            "statusMessage": None,
            "tags": ["red"],
            "metadata": None,
            "blockedByMe": False,
            "hasBlockedMe": False,
        }
        assert await refused(js, "createUser", uid="newbie", name="Again", apiKey=server.auth_key) == (
            ErrorCode.UID_ALREADY_EXISTS
        )
        assert (
            await refused(js, "createUser", uid="x2", name="X", apiKey="wrong") == ErrorCode.APIKEY_NOT_FOUND
        )
        updated = await js.call(
            "updateUser", uid="newbie", name="Newer", metadata={"k": 1}, apiKey=server.auth_key
        )
        assert (updated["user"]["name"], updated["user"]["metadata"]) == ("Newer", {"k": 1})
        assert (await py.get_user("newbie")).name == "Newer"

        me = (
            await js.call("updateCurrentUserDetails", name="Tony", statusMessage="in the lab", role="boss")
        )["user"]
        assert (me["name"], me["statusMessage"], me["role"]) == ("Tony", "in the lab", "default")
        assert (await py.get_user(JS_UID)).name == "Tony"

        server.add_friends(JS_UID, [OTHER])

        async def listed(**setters: Any) -> list[str]:
            return [u["uid"] for u in (await js.call("fetchUsersWith", **setters))["users"]]

        assert await listed(status="ONLINE") == [PY_UID, JS_UID]  # by name: Captain America, Tony
        assert await listed(roles=["vip"]) == ["newbie"]
        assert await listed(role="vip") == ["newbie"]
        assert await listed(tags=["red"]) == ["newbie"]
        assert await listed(friendsOnly=True) == [OTHER]
        assert await listed(uids=["superhero5", "superhero4"], sortBy="name") == ["superhero5", "superhero4"]
        assert await listed(uids=["superhero5", "superhero4"], sortBy="name", sortByOrder="desc") == [
            "superhero4",
            "superhero5",
        ]
        assert await listed(search="Wolv", searchIn=["name"]) == ["superhero4"]
        assert await listed(search="Wolv", searchIn=["uid"]) == []
        tagged = (await js.call("fetchUsersWith", uids=["newbie"], withTags=True))["users"]
        assert tagged[0]["tags"] == ["red"]
        assert (await js.call("fetchUsersWith", uids=["newbie"]))["users"][0]["tags"] is None
        # setPage(2) then fetchNext() asks for page 3 (the SDK counts pages already fetched)
        assert await listed(limit=2, page=2, sortBy="name") == [JS_UID, "superhero4"]  # Tony, Wolverine
        query = last_query(js, "/v3.0/users")
        assert (query["per_page"], query["page"], query["sortBy"]) == (["2"], ["3"], ["name"])
        assert js.exit_code() == 0
    finally:
        js.close()


async def test_a_block_stops_messages_typing_and_history_between_the_sdks(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    py, rec = await make_py(PY_UID)
    _, other_rec = await make_py(OTHER)
    js = NodeDriver(server, "login", tmp_path / "storage.json", uid=JS_UID)
    try:
        await js.expect("ready")
        blocked = (await js.call("blockUsers", uids=[PY_UID, JS_UID]))["value"]
        assert blocked[PY_UID]["success"] is True
        assert blocked[JS_UID]["error"]["code"] == ErrorCode.CANNOT_BLOCK_SELF
        mine = (await js.call("fetchBlockedUsers", direction="BLOCKED_BY_ME"))["users"]
        assert [(u["uid"], u["blockedByMe"], u["hasBlockedMe"]) for u in mine] == [(PY_UID, True, False)]
        assert (await js.call("fetchBlockedUsers", direction="HAS_BLOCKED_ME"))["users"] == []
        assert [u["uid"] for u in (await js.call("fetchBlockedUsers", search="capt"))["users"]] == [PY_UID]
        assert last_query(js, "/v3.0/blockedusers")["searchKey"] == ["capt"]
        assert (await js.call("getUserFull", uid=PY_UID))["user"]["blockedByMe"] is True
        assert PY_UID not in [
            u["uid"] for u in (await js.call("fetchUsersWith", hideBlockedUsers=True))["users"]
        ]

        # direct messages are refused both ways with CometChat's codes; nothing is stored
        assert await refused(js, "sendMessage", to=PY_UID, text="hi") == ErrorCode.BLOCKED_RECEIVER
        with pytest.raises(ApiError) as info:
            await py.send_message(TextMessage(JS_UID, "hi", "user"))
        assert info.value.code == ErrorCode.BLOCKED_SENDER
        assert (await js.call("fetchPrevious", uid=PY_UID))["messages"] == []

        # typing is not relayed: the blocked user's frames are handled in order, so once
        # OTHER has the second indicator the first was dropped, not delayed
        await py.start_typing(TypingIndicator(JS_UID, "user", {"n": 1}))
        await py.start_typing(TypingIndicator(OTHER, "user", {"n": 2}))
        await other_rec.wait_for("onTypingStarted")

        # a group message reaches the others, not the one who blocked its sender; its
        # history shows it unless hideMessagesFromBlockedUsers
        said = await py.send_message(TextMessage("supergroup", "to all", "group"))
        await other_rec.wait(lambda r: any(m.id == said.id for m in r.args("onTextMessageReceived")))
        history = (await js.call("fetchPrevious", guid="supergroup"))["messages"]
        assert said.id in [m["id"] for m in history]
        hidden = (await js.call("fetchPreviousHidingBlocked", guid="supergroup"))["messages"]
        assert said.id not in [m["id"] for m in hidden]
        assert last_query(js, "/v3.0/groups/supergroup/messages")["hideMessagesFromBlockedUsers"] == ["1"]

        # unblocking restores what is sent afterwards
        assert (await js.call("unblockUsers", uids=[PY_UID]))["value"][PY_UID]["success"] is True
        after = await py.send_message(TextMessage(JS_UID, "after", "user"))
        got = await js.expect("onTextMessageReceived", id=after.id)
        assert got["text"] == "after"
        await py.start_typing(TypingIndicator(JS_UID, "user", {"n": 3}))
        typing = await js.expect("onTypingStarted", sender=PY_UID)
        assert typing["metadata"] == {"n": 3}  # the first indicator never came
        assert [e["id"] for e in js.seen("onTextMessageReceived")] == [after.id]  # nor the group message
        reply = (await js.call("sendMessage", to=PY_UID, text="welcome back"))["message"]
        await rec.wait(lambda r: any(m.id == reply["id"] for m in r.args("onTextMessageReceived")))
        assert not js.seen("error")
        assert js.exit_code() == 0
    finally:
        js.close()
