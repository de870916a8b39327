"""User management, user-list filters and online counts through the Python SDK against a
real EmbeddedServer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cometchat_nb import Client, ConnectionState, InvalidArgumentError, User
from cometchat_nb.errors import CometChatException, ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient, Recorder


async def online(make_client: MakeClient, uid: str) -> tuple[Client, Recorder]:
    client, rec = await make_client(uid)
    await client.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await client.wait_for_catchup()
    return client, rec


async def test_create_and_update_users_with_the_api_key(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    admin, _ = await make_client(None, manual=True)  # initialised, nobody logged in: the API key suffices
    new = User("groot", "Groot")
    new.set_role("tree")
    new.set_tags(["guardians"])
    created = await admin.create_user(new, server.auth_key)
    assert (created.uid, created.name, created.role) == ("groot", "Groot", "tree")
    with pytest.raises(CometChatException) as exists:
        await admin.create_user(User("groot", "Again"), server.auth_key)
    assert exists.value.code == ErrorCode.UID_ALREADY_EXISTS
    with pytest.raises(CometChatException) as wrong_key:
        await admin.create_user(User("rocket", "Rocket"), "not-the-key")
    assert wrong_key.value.code == ErrorCode.APIKEY_NOT_FOUND
    with pytest.raises(InvalidArgumentError) as no_key:
        await admin.create_user(User("rocket", "Rocket"), "")
    assert no_key.value.code == ErrorCode.EMPTY_APIKEY

    created.set_name("I am Groot")
    created.set_role("hero")
    updated = await admin.update_user(created, server.auth_key)
    assert (updated.name, updated.role) == ("I am Groot", "hero")

    groot, _ = await make_client("groot", manual=True)
    me = User("ignored-uid", "Groot the Great")
    me.set_status_message("growing")
    me.set_role("villain")  # not changed this way
    mine = await groot.update_current_user_details(me)
    assert (mine.uid, mine.name, mine.status_message, mine.role) == (
        "groot",
        "Groot the Great",
        "growing",
        "hero",
    )
    assert groot.get_logged_in_user() == mine


async def test_users_request_sends_every_filter(server: EmbeddedServer, make_client: MakeClient) -> None:
    alice, _ = await online(make_client, "superhero1")
    server.add_friends("superhero1", ["superhero3"])
    await alice.update_user(User("superhero4", "Wolverine", role="mutant", tags=["x-men"]), server.auth_key)

    async def uids(builder: object) -> list[str]:
        return [u.uid for u in await builder.set_limit(100).build().fetch_next()]  # type: ignore[attr-defined]

    assert "superhero1" in await uids(alice.users_request().set_status("online"))
    assert "superhero1" not in await uids(alice.users_request().set_status("offline"))
    assert await uids(alice.users_request().set_role("mutant")) == ["superhero4"]
    assert await uids(alice.users_request().set_roles(["mutant", "nobody"])) == ["superhero4"]
    assert await uids(alice.users_request().set_tags(["x-men"])) == ["superhero4"]
    tagged = await alice.users_request().set_tags(["x-men"]).with_tags().build().fetch_next()
    assert tagged[0].tags == ["x-men"]
    assert (await alice.users_request().set_tags(["x-men"]).build().fetch_next())[0].tags is None
    assert await uids(alice.users_request().friends_only()) == ["superhero3"]
    assert await uids(alice.users_request().set_uids(["superhero2", "superhero5"]).sort_by("name")) == [
        "superhero2",
        "superhero5",
    ]
    assert await uids(alice.users_request().set_search_keyword("superhero3").search_in(["name"])) == []
    assert await uids(alice.users_request().set_search_keyword("superhero3").search_in(["uid"])) == [
        "superhero3"
    ]
    by_name_desc = await uids(alice.users_request().sort_by("name").sort_by_order("desc"))
    names = {u.uid: u.name or "" for u in await alice.users_request().set_limit(100).build().fetch_next()}
    assert [names[u] for u in by_name_desc] == sorted((names[u] for u in by_name_desc), reverse=True)
    bad_calls: list[Callable[[], object]] = [
        lambda: alice.users_request().sort_by("age"),
        lambda: alice.users_request().sort_by_order("up"),
        lambda: alice.users_request().search_in(["email"]),
        lambda: alice.users_request().set_uids([f"u{i}" for i in range(26)]),
        lambda: alice.users_request().set_tags("x-men"),
        lambda: alice.users_request().set_page(-1),
    ]
    for bad in bad_calls:
        with pytest.raises(InvalidArgumentError):
            bad()


async def test_online_counts(server: EmbeddedServer, make_client: MakeClient) -> None:
    server.create_group("hall", "Hall", members=["superhero1", "superhero2", "superhero3"])
    alice, _ = await online(make_client, "superhero1")
    assert await alice.get_online_user_count() == 1
    bob, _ = await online(make_client, "superhero2")
    assert await alice.get_online_user_count() == 2
    assert await bob.get_online_group_member_count(["hall", "supergroup"]) == {"hall": 2, "supergroup": 2}
    with pytest.raises(InvalidArgumentError):
        await bob.get_online_group_member_count([])
