"""Users: creation (admin), updates, listing with pagination/search/status, friends."""

from __future__ import annotations

import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Rest, Sock, data, error_code


def test_seed_users_and_group(rest: Rest) -> None:
    login = rest.login("superhero3")
    users = data(rest.call("GET", "/users", token=login.token))
    names = {u["uid"]: u["name"] for u in users}
    assert names == {
        "superhero1": "Iron Man",
        "superhero2": "Captain America",
        "superhero3": "Spiderman",
        "superhero4": "Wolverine",
        "superhero5": "Cyclops",
    }
    assert {u["role"] for u in users} == {"default"}
    group = data(rest.call("GET", "/groups/supergroup", token=login.token))
    assert group["name"] == "Super Group" and group["type"] == "public"
    assert group["membersCount"] == 5 and group["hasJoined"] is True


def test_create_user(rest: Rest) -> None:
    body = {"uid": "new_user-1", "name": "New", "role": "vip", "metadata": {"k": 1}, "tags": ["a"]}
    user = data(rest.call("POST", "/users", admin=True, json=body))
    assert user["uid"] == "new_user-1" and user["role"] == "vip" and user["metadata"] == {"k": 1}
    assert user["tags"] == ["a"] and user["status"] == "offline" and "authToken" not in user
    r = rest.call("POST", "/users", admin=True, json=body)
    assert error_code(r) == ErrorCode.UID_ALREADY_EXISTS and r.status_code == 409
    with_token = data(rest.call("POST", "/users", admin=True, json={"uid": "u2", "withAuthToken": True}))
    assert with_token["name"] == "u2" and len(with_token["authToken"]) >= 40
    assert data(rest.call("GET", "/me", token=with_token["authToken"]))["uid"] == "u2"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "uid"),
        ({"uid": ""}, "uid"),
        ({"uid": "has space"}, "uid"),
        ({"uid": "x" * 101}, "uid"),
        ({"uid": 12.5}, "uid"),
        ({"uid": "ok", "name": 5}, "name"),
        ({"uid": "ok", "tags": "a"}, "tags"),
        ({"uid": "ok", "withAuthToken": "yes"}, "withAuthToken"),
    ],
)
def test_create_user_validation(rest: Rest, body: dict[str, object], field: str) -> None:
    r = rest.call("POST", "/users", admin=True, json=body)
    assert error_code(r) == ErrorCode.BAD_REQUEST
    assert field in r.json()["error"]["message"]


def test_update_user(rest: Rest) -> None:
    r = rest.call("PUT", "/users/superhero1", admin=True, json={"name": "Tony", "metadata": {"a": 1}})
    assert data(r)["name"] == "Tony" and data(r)["metadata"] == {"a": 1}
    assert (
        error_code(rest.call("PUT", "/users/ghost", admin=True, json={"name": "x"}))
        == ErrorCode.UID_NOT_FOUND
    )


def test_get_user(rest: Rest) -> None:
    login = rest.login("superhero1")
    assert data(rest.call("GET", "/users/superhero4", token=login.token))["name"] == "Wolverine"
    r = rest.call("GET", "/users/ghost", token=login.token)
    assert error_code(r) == ErrorCode.UID_NOT_FOUND and r.status_code == 404


def test_users_pagination_and_search(rest: Rest) -> None:
    for i in range(7):
        rest.call("POST", "/users", admin=True, json={"uid": f"extra{i}", "name": f"Extra {i}"})
    login = rest.login("superhero1")
    r = rest.call("GET", "/users", token=login.token, params={"per_page": 5, "page": 2})
    body = r.json()
    assert len(body["data"]) == 5
    assert body["meta"]["pagination"] == {
        "total": 12,
        "count": 5,
        "per_page": 5,
        "current_page": 2,
        "total_pages": 3,
    }
    seen = []
    for page in (1, 2, 3):
        seen += [
            u["uid"]
            for u in data(rest.call("GET", "/users", token=login.token, params={"per_page": 5, "page": page}))
        ]
    assert len(seen) == len(set(seen)) == 12
    found = data(rest.call("GET", "/users", token=login.token, params={"searchKey": "extra 3"}))
    assert [u["uid"] for u in found] == ["extra3"]
    assert data(rest.call("GET", "/users", token=login.token, params={"searchKey": "%"})) == []
    r = rest.call("GET", "/users", token=login.token, params={"per_page": 1000})
    assert r.json()["meta"]["pagination"]["per_page"] == 100
    for bad in ({"per_page": 0}, {"per_page": "many"}, {"page": 0}, {"status": "busy"}):
        assert error_code(rest.call("GET", "/users", token=login.token, params=bad)) == ErrorCode.BAD_REQUEST


async def test_users_status_filter(server: EmbeddedServer, rest: Rest) -> None:
    one = rest.login("superhero1")
    sock = await Sock.login(server, rest.login("superhero2"))
    # "available" is what the official SDKs send for USER_STATUS.ONLINE (the cloud's value)
    for word in ("available", "online", "Available"):
        online = data(rest.call("GET", "/users", token=one.token, params={"status": word}))
        assert [(u["uid"], u["status"]) for u in online] == [("superhero2", "online")], word
    offline = data(rest.call("GET", "/users", token=one.token, params={"status": "offline"}))
    assert "superhero2" not in {u["uid"] for u in offline} and len(offline) == 4
    await sock.close()


def test_friends(server: EmbeddedServer, rest: Rest) -> None:
    r = rest.call("POST", "/users/superhero1/friends", admin=True, json={"accepted": ["superhero2", "ghost"]})
    accepted = data(r)["accepted"]
    assert accepted["superhero2"]["success"] is True and accepted["ghost"]["success"] is False
    r = rest.call("POST", "/users/superhero1/friends", admin=True, json={"accepted": "superhero2"})
    assert error_code(r) == ErrorCode.BAD_REQUEST
    r = rest.call("POST", "/users/ghost/friends", admin=True, json={"accepted": []})
    assert error_code(r) == ErrorCode.UID_NOT_FOUND
    r = rest.call("POST", "/users/superhero1/friends", json={"accepted": []})
    assert error_code(r) == ErrorCode.EMPTY_APIKEY
