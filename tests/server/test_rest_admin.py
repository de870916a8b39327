"""Over HTTP (and the socket where it matters): group administration, blocking,
user filters, ``PUT me`` profile fields and online counts, with the status codes
and error envelopes the official SDK reads."""

from __future__ import annotations

import httpx
import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Login, Rest, Sock, data, error_code

JSON = dict[str, object]


@pytest.fixture
def one(rest: Rest) -> Login:
    return rest.login("superhero1")  # owner and admin of supergroup


@pytest.fixture
def two(rest: Rest) -> Login:
    return rest.login("superhero2")


def members(rest: Rest, who: Login, guid: str = "supergroup") -> dict[str, str]:
    return {m["uid"]: m["scope"] for m in data(rest.call("GET", f"/groups/{guid}/members", token=who.token))}


def test_scope_kick_ban_unban_and_the_banned_list(rest: Rest, one: Login, two: Login) -> None:
    r = rest.call(
        "PUT", "/groups/supergroup/members/superhero2", token=one.token, json={"scope": "moderator"}
    )
    assert data(r)["success"] is True
    assert members(rest, one)["superhero2"] == "moderator"
    # a moderator kicks a participant, not the owner; nobody re-scopes themselves
    r = rest.call(
        "PUT", "/groups/supergroup/members/superhero1", token=two.token, json={"scope": "participant"}
    )
    assert error_code(r) == ErrorCode.GROUP_NO_SCOPE_CLEARANCE and r.status_code == 403
    r = rest.call("PUT", "/groups/supergroup/members/superhero2", token=two.token, json={"scope": "admin"})
    assert error_code(r) == ErrorCode.GROUP_NO_SELF_ACTION
    r = rest.call("PUT", "/groups/supergroup/members/superhero3", token=one.token, json={"scope": "king"})
    assert error_code(r) == ErrorCode.BAD_REQUEST
    r = rest.call(
        "PUT", "/groups/supergroup/members/superhero3", token=one.token, json={"scope": "participant"}
    )
    assert error_code(r) == ErrorCode.SAME_SCOPE
    assert data(rest.call("DELETE", "/groups/supergroup/members/superhero3", token=two.token)) == {
        "success": True
    }
    r = rest.call("DELETE", "/groups/supergroup/members/superhero1", token=two.token)
    assert error_code(r) == ErrorCode.GROUP_NO_CLEARANCE
    # ban, the list of banned users, no re-join, unban, re-join
    assert data(rest.call("POST", "/groups/supergroup/bannedusers/superhero4", token=two.token))["success"]
    r = rest.call("POST", "/groups/supergroup/bannedusers/superhero4", token=two.token)
    assert error_code(r) == ErrorCode.ALREADY_BANNED and r.status_code == 409
    banned = rest.call("GET", "/groups/supergroup/bannedusers", token=one.token, params={"per_page": 10})
    assert [(b["uid"], b["scope"], b["guid"]) for b in data(banned)] == [
        ("superhero4", "participant", "supergroup")
    ]
    assert banned.json()["meta"]["pagination"]["total"] == 1
    four = rest.login("superhero4")
    r = rest.call("POST", "/groups/supergroup/members", token=four.token, json={})
    assert error_code(r) == ErrorCode.BANNED_GROUPMEMBER
    r = rest.call("DELETE", "/groups/supergroup/bannedusers/superhero5", token=one.token)
    assert error_code(r) == ErrorCode.NOT_A_BANNED_USER and r.status_code == 404
    assert data(rest.call("DELETE", "/groups/supergroup/bannedusers/superhero4", token=one.token))["success"]
    assert data(rest.call("POST", "/groups/supergroup/members", token=four.token, json={}))["data"][
        "action"
    ] == ("joined")
    history = data(rest.call("GET", "/groups/supergroup/messages", token=one.token))
    actions = [(m["data"]["action"], m["data"].get("extras")) for m in history if m["category"] == "action"]
    assert actions == [
        ("scopeChanged", {"scope": {"old": "participant", "new": "moderator"}}),
        ("kicked", None),
        ("banned", None),
        ("unbanned", None),
        ("joined", None),
    ]


def test_add_members_transfer_update_delete(rest: Rest, one: Login, two: Login) -> None:
    body = {"admins": ["superhero2"], "participants": ["ghost"], "usersToBan": ["superhero3"]}
    rest.call("DELETE", "/groups/supergroup/members/superhero2", token=two.token)  # leave first
    result = data(rest.call("PUT", "/groups/supergroup/members", token=one.token, json=body))
    assert set(result) == {"admins", "moderators", "participants", "usersToBan"}
    assert result["admins"]["superhero2"]["success"] is True
    assert result["participants"]["ghost"]["error"]["code"] == ErrorCode.UID_NOT_FOUND
    assert result["usersToBan"]["superhero3"]["success"] is True
    assert members(rest, one)["superhero2"] == "admin" and "superhero3" not in members(rest, one)
    for bad in ({"admins": "superhero4"}, {"participants": [1]}):
        assert error_code(rest.call("PUT", "/groups/supergroup/members", token=one.token, json=bad)) == (
            ErrorCode.BAD_REQUEST
        )
    # ownership: only the owner, to a member; the owner cannot leave before
    r = rest.call("DELETE", "/groups/supergroup/members", token=one.token)
    assert error_code(r) == ErrorCode.GROUP_NO_CLEARANCE
    r = rest.call("PATCH", "/groups/supergroup/owner", token=two.token, json={"owner": "superhero2"})
    assert error_code(r) == ErrorCode.GROUP_NO_SELF_ACTION
    r = rest.call("PATCH", "/groups/supergroup/owner", token=one.token, json={})
    assert error_code(r) == ErrorCode.BAD_REQUEST
    moved = data(
        rest.call("PATCH", "/groups/supergroup/owner", token=one.token, json={"owner": "superhero2"})
    )
    assert "superhero2" in moved["message"]
    assert data(rest.call("GET", "/groups/supergroup", token=one.token))["owner"] == "superhero2"
    assert data(rest.call("DELETE", "/groups/supergroup/members", token=one.token)) == {"success": True}
    # update: what is given changes, a type change is refused; delete: admins only
    group = {"guid": "supergroup", "name": "Renamed", "type": "public", "hasJoined": True, "membersCount": 9}
    updated = data(rest.call("PUT", "/groups/supergroup", token=two.token, json=group))
    assert (updated["name"], updated["type"], updated["membersCount"]) == ("Renamed", "public", 3)
    r = rest.call("PUT", "/groups/supergroup", token=two.token, json={"type": "private"})
    assert error_code(r) == ErrorCode.BAD_REQUEST
    four = rest.login("superhero4")
    r = rest.call("PUT", "/groups/supergroup", token=four.token, json={"name": "Mine"})
    assert error_code(r) == ErrorCode.GROUP_NO_MODERATOR_SCOPE
    assert (
        error_code(rest.call("DELETE", "/groups/supergroup", token=four.token))
        == ErrorCode.GROUP_NO_ADMIN_SCOPE
    )
    assert data(rest.call("GET", "/groups/supergroup", token=four.token))["name"] == "Renamed"
    assert data(rest.call("DELETE", "/groups/supergroup", token=two.token))["success"] is True
    assert error_code(rest.call("GET", "/groups/supergroup", token=two.token)) == ErrorCode.GUID_NOT_FOUND


def test_create_group_with_members_answers_per_uid_results(rest: Rest, one: Login) -> None:
    body = {
        "guid": "team",
        "name": "Team",
        "type": "private",
        "members": {
            "moderators": ["superhero2"],
            "participants": ["superhero3", "ghost"],
            "usersToBan": ["superhero4"],
        },
    }
    made = data(rest.call("POST", "/groups", token=one.token, json=body))
    assert made["guid"] == "team" and made["membersCount"] == 3 and made["scope"] == "admin"
    results = made["members"]["data"]
    assert set(results) == {"admins", "moderators", "participants", "usersToBan"}
    assert (
        results["participants"]["ghost"]["success"] is False
        and results["usersToBan"]["superhero4"]["success"]
    )
    assert members(rest, one, "team") == {
        "superhero1": "admin",
        "superhero2": "moderator",
        "superhero3": "participant",
    }
    too_many = {"guid": "big", "name": "B", "members": {"participants": [f"u{i}" for i in range(26)]}}
    assert error_code(rest.call("POST", "/groups", token=one.token, json=too_many)) == ErrorCode.BAD_REQUEST
    assert error_code(rest.call("GET", "/groups/big", token=one.token)) == ErrorCode.GUID_NOT_FOUND


def test_member_and_group_list_filters(rest: Rest, one: Login) -> None:
    rest.call("PUT", "/groups/supergroup/members/superhero2", token=one.token, json={"scope": "moderator"})
    found = data(
        rest.call("GET", "/groups/supergroup/members", token=one.token, params={"scopes": "admin,moderator"})
    )
    assert [m["uid"] for m in found] == ["superhero1", "superhero2"]
    found = data(
        rest.call("GET", "/groups/supergroup/members", token=one.token, params={"searchKey": "hero5"})
    )
    assert [m["uid"] for m in found] == ["superhero5"]
    found = data(
        rest.call("GET", "/groups/supergroup/members", token=one.token, params={"status": "available"})
    )
    assert found == []
    for bad in ({"scopes": "king"}, {"status": "busy"}):
        r = rest.call("GET", "/groups/supergroup/members", token=one.token, params=bad)
        assert error_code(r) == ErrorCode.BAD_REQUEST
    rest.call("POST", "/groups", token=one.token, json={"guid": "tagged", "name": "T", "tags": ["red"]})
    listed = data(rest.call("GET", "/groups", token=one.token, params={"tags": "red,blue"}))
    assert [g["guid"] for g in listed] == ["tagged"] and "tags" not in listed[0]
    listed = data(rest.call("GET", "/groups", token=one.token, params={"tags": "red", "withTags": 1}))
    assert listed[0]["tags"] == ["red"]


def test_user_list_filters_over_http(rest: Rest, one: Login) -> None:
    rest.call("PUT", "/users/superhero2", admin=True, json={"role": "vip", "tags": ["x"]})
    rest.call("POST", "/users/superhero1/friends", admin=True, json={"accepted": ["superhero3"]})

    def uids(**params: object) -> list[str]:
        return [u["uid"] for u in data(rest.call("GET", "/users", token=one.token, params=params))]

    assert uids(roles="vip,nobody") == ["superhero2"]
    assert uids(tags="x") == ["superhero2"]
    assert uids(uids="superhero4,superhero5", sortBy="name", sortOrder="desc") == ["superhero4", "superhero5"]
    assert uids(friendsOnly=1) == ["superhero3"]
    assert uids(searchKey="iron", searchIn="name") == ["superhero1"]
    assert uids(searchKey="iron", searchIn="uid") == []
    assert "tags" not in data(rest.call("GET", "/users", token=one.token, params={"uids": "superhero2"}))[0]
    assert data(rest.call("GET", "/users", token=one.token, params={"uids": "superhero2", "withTags": 1}))[0][
        "tags"
    ] == ["x"]
    for bad in ({"sortBy": "age"}, {"sortOrder": "up"}, {"searchIn": "email"}, {"uids": ",".join("u" * 26)}):
        assert error_code(rest.call("GET", "/users", token=one.token, params=bad)) == ErrorCode.BAD_REQUEST


async def test_blocking_over_http_and_the_socket(
    server: EmbeddedServer, rest: Rest, one: Login, two: Login
) -> None:
    r = rest.call(
        "POST", "/blockedusers", token=one.token, json={"blockedUids": ["superhero2", "superhero1"]}
    )
    result = data(r)
    assert result["superhero2"]["success"] is True
    assert result["superhero1"]["error"]["code"] == ErrorCode.CANNOT_BLOCK_SELF
    for bad in ({}, {"blockedUids": "superhero2"}, {"blockedUids": []}):
        assert (
            error_code(rest.call("POST", "/blockedusers", token=one.token, json=bad)) == ErrorCode.BAD_REQUEST
        )
    listed = rest.call("GET", "/blockedusers", token=one.token, params={"direction": "blockedByMe"})
    assert [(u["uid"], u["blockedByMe"]) for u in data(listed)] == [("superhero2", True)]
    theirs = data(rest.call("GET", "/blockedusers", token=two.token, params={"direction": "hasBlockedMe"}))
    assert [u["uid"] for u in theirs] == ["superhero1"]
    r = rest.call("GET", "/blockedusers", token=one.token, params={"direction": "up"})
    assert error_code(r) == ErrorCode.BAD_REQUEST
    assert data(rest.call("GET", "/users/superhero2", token=one.token))["blockedByMe"] is True
    assert data(rest.call("GET", "/users/superhero1", token=two.token))["hasBlockedMe"] is True
    hidden = data(rest.call("GET", "/users", token=one.token, params={"hideBlockedUsers": 1}))
    assert "superhero2" not in {u["uid"] for u in hidden}

    sock_one = await Sock.login(server, one)
    sock_two = await Sock.login(server, two)
    r = rest.call(
        "POST", "/messages", token=two.token, json={"receiver": "superhero1", "data": {"text": "hi"}}
    )
    assert error_code(r) == ErrorCode.BLOCKED_SENDER and r.status_code == 403
    r = rest.call(
        "POST", "/messages", token=one.token, json={"receiver": "superhero2", "data": {"text": "hi"}}
    )
    assert error_code(r) == ErrorCode.BLOCKED_RECEIVER
    group_msg = rest.send_text(two, "supergroup", "to all", "group")
    typing = {
        "type": "typing_indicator",
        "receiver": "superhero1",
        "receiverType": "user",
        "body": {"action": "started"},
    }
    await sock_two.send(typing)
    seen = await sock_one.sync()
    assert [
        f for f in seen if f.get("type") in ("typing_indicator", "message")
    ] == []  # nothing from superhero2
    assert [f for f in await sock_two.sync() if f.get("type") == "error"] == []  # and superhero2 is not told
    page = data(rest.call("GET", "/groups/supergroup/messages", token=one.token))
    assert group_msg["id"] in {m["id"] for m in page}
    page = data(
        rest.call(
            "GET", "/groups/supergroup/messages", token=one.token, params={"hideMessagesFromBlockedUsers": 1}
        )
    )
    assert group_msg["id"] not in {m["id"] for m in page}

    r = rest.call("DELETE", "/blockedusers", token=one.token, json={"blockedUids": ["superhero2"]})
    assert data(r)["superhero2"]["success"] is True
    sent = rest.send_text(two, "superhero1", "after")
    await sock_one.expect(lambda f: f.get("type") == "message" and f["body"]["id"] == sent["id"])
    await sock_two.send(typing)  # the same frame as above now arrives
    await sock_one.expect("typing_indicator")
    await sock_one.close()
    await sock_two.close()


def test_put_me_updates_the_profile(rest: Rest, one: Login) -> None:
    body = {
        "uid": "superhero1",
        "name": "Tony",
        "statusMessage": "flying",
        "role": "boss",
        "blockedByMe": False,
    }
    me = data(rest.call("PUT", "/me", token=one.token, json=body))
    assert (me["name"], me["statusMessage"], me["role"]) == ("Tony", "flying", "default")
    assert me["jwt"] and me["authToken"] == one.token
    assert data(rest.call("GET", "/users/superhero1", token=one.token))["name"] == "Tony"
    r = rest.call("PUT", "/me", token=one.token, json={"name": 5})
    assert error_code(r) == ErrorCode.BAD_REQUEST
    login_body = {"platform": "javascript", "deviceId": "d", "appInfo": {"version": "4"}}
    assert data(rest.call("PUT", "/me", token=one.token, json=login_body))["name"] == "Tony"


async def test_online_members_takes_the_jwt(server: EmbeddedServer, rest: Rest, one: Login) -> None:
    settings = data(rest.call("GET", "/settings", token=one.token))
    path = f"/api/{settings['WS_API_VERSION']}/online-members"
    sock = await Sock.login(server, one)

    def post(json: object, jwt: str | None = one.jwt) -> httpx.Response:
        extra = {"Authorization": jwt} if jwt is not None else {}
        return rest.call("POST", path, prefix="", json=json, extra_headers=extra)

    assert data(post({})) == {"onlineUsersCount": 1}
    assert data(post({"groups": ["supergroup", "nowhere"]})) == {"groups": {"supergroup": 1, "nowhere": 0}}
    assert error_code(post({"groups": "supergroup"})) == ErrorCode.BAD_REQUEST
    assert error_code(post({}, jwt=None)) == ErrorCode.EMPTY_AUTH_TOKEN
    r = post({}, jwt=one.jwt[:-3] + "abc")
    assert error_code(r) == ErrorCode.WS_AUTH_FAIL and r.status_code == 401
    await sock.close()


def test_chat_host_port_serves_rest_too() -> None:
    with EmbeddedServer(chat_host_port=0) as server, Rest(server) as rest:
        assert server.chat_host_port not in (None, 0, server.port, server.ws_port)
        login = rest.login("superhero1")
        url = f"http://127.0.0.1:{server.chat_host_port}/api/v1/online-members"
        r = httpx.post(url, headers={"appId": server.app_id, "Authorization": login.jwt}, json={}, timeout=5)
        assert data(r) == {"onlineUsersCount": 0}
    with pytest.raises(ValueError, match="chat_host_port"):
        EmbeddedServer(chat_host_port=70000)


async def test_presence_is_not_told_across_a_block(server: EmbeddedServer, rest: Rest, one: Login) -> None:
    rest.call("POST", "/blockedusers", token=one.token, json={"blockedUids": ["superhero2"]})
    watcher = await Sock.login(server, one, subscription="ALL_USERS")
    # a socket's "online" is announced before its auth answer: once login returns, it was sent (or not)
    blocked = await Sock.login(server, rest.login("superhero2"))
    free = await Sock.login(server, rest.login("superhero3"))
    presence = [f["sender"] for f in await watcher.sync() if f.get("type") == "presence"]
    assert presence == ["superhero3"]
    for sock in (blocked, free, watcher):
        await sock.close()
