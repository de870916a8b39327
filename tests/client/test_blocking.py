"""Blocking through the Python SDK against a real EmbeddedServer: block/unblock answers,
the blocked-users listing, the block flags on users, refused messages with CometChat's codes."""

from __future__ import annotations

import pytest

from cometchat_nb import Client, ConnectionState, Group, InvalidArgumentError, TextMessage
from cometchat_nb.client.requests import BlockedDirections
from cometchat_nb.errors import CometChatException, ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient, Recorder, idle


async def online(make_client: MakeClient, uid: str) -> tuple[Client, Recorder]:
    client, rec = await make_client(uid)
    await client.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await client.wait_for_catchup()
    return client, rec


async def test_block_answers_per_uid_and_lists_both_directions(make_client: MakeClient) -> None:
    alice, _ = await online(make_client, "superhero1")
    bob, _ = await online(make_client, "superhero2")
    result = await alice.block_users(["superhero2", "superhero1", "nobody"])
    assert result["superhero2"]["success"] is True
    assert result["superhero1"]["success"] is False
    assert result["superhero1"]["error"]["code"] == ErrorCode.CANNOT_BLOCK_SELF
    assert result["nobody"]["error"]["code"] == ErrorCode.UID_NOT_FOUND

    mine = await alice.blocked_users_request().blocked_by_me().set_limit(10).build().fetch_next()
    assert [(u.uid, u.blocked_by_me, u.has_blocked_me) for u in mine] == [("superhero2", True, False)]
    theirs = bob.blocked_users_request().set_direction(BlockedDirections.HAS_BLOCKED_ME).build()
    assert theirs.get_direction() == "hasBlockedMe"
    assert [(u.uid, u.getHasBlockedMe()) for u in await theirs.fetch_next()] == [("superhero1", True)]
    assert await bob.blocked_users_request().blocked_by_me().build().fetch_next() == []
    searched = await alice.blocked_users_request().set_search_keyword("Captain").build().fetch_next()
    assert [u.uid for u in searched] == ["superhero2"]
    assert await alice.blocked_users_request().set_search_keyword("Spider").build().fetch_next() == []

    # the flags on users as the viewer sees them, and hideBlockedUsers
    seen = await alice.get_user("superhero2")
    assert seen.getBlockedByMe() is True and seen.has_blocked_me is False
    assert (await bob.get_user("superhero1")).has_blocked_me is True
    listed = await alice.users_request().set_limit(100).hide_blocked_users().build().fetch_next()
    assert "superhero2" not in {u.uid for u in listed} and "superhero3" in {u.uid for u in listed}

    unblocked = await alice.unblock_users(["superhero2"])
    assert unblocked["superhero2"]["success"] is True
    assert await alice.blocked_users_request().build().fetch_next() == []
    assert (await alice.get_user("superhero2")).blocked_by_me is False


async def test_a_block_refuses_direct_messages_both_ways_and_nothing_arrives(make_client: MakeClient) -> None:
    alice, arec = await online(make_client, "superhero1")
    bob, brec = await online(make_client, "superhero2")
    await alice.block_users(["superhero2"])
    with pytest.raises(CometChatException) as blocked_receiver:
        await alice.send_message(TextMessage("superhero2", "you are blocked", "user"))
    assert blocked_receiver.value.code == ErrorCode.BLOCKED_RECEIVER
    with pytest.raises(CometChatException) as blocked_sender:
        await bob.send_message(TextMessage("superhero1", "let me talk", "user"))
    assert blocked_sender.value.code == ErrorCode.BLOCKED_SENDER
    # nothing was stored for either of them
    history = await alice.messages_request().set_uid("superhero2").build().fetch_previous()
    assert history == []

    await alice.unblock_users(["superhero2"])
    sent = await bob.send_message(TextMessage("superhero1", "friends again", "user"))
    (got,) = await arec.wait_for("onTextMessageReceived")
    assert got.id == sent.id
    assert await idle(bob)
    assert brec.count("onTextMessageReceived") == 0


async def test_hide_messages_from_blocked_users_in_group_history(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    server.create_group("hall", "Hall", members=["superhero1", "superhero2", "superhero3"])
    alice, _ = await online(make_client, "superhero1")
    bob, _ = await online(make_client, "superhero2")
    await bob.send_message(TextMessage("hall", "from bob", "group"))
    await alice.send_message(TextMessage("hall", "from alice", "group"))
    await alice.block_users(["superhero2"])
    everything = await alice.messages_request().set_guid("hall").build().fetch_previous()
    assert [m.getText() for m in everything if isinstance(m, TextMessage)] == ["from bob", "from alice"]
    hidden = (
        await alice.messages_request()
        .set_guid("hall")
        .hide_messages_from_blocked_users()
        .build()
        .fetch_previous()
    )
    assert [m.getText() for m in hidden if isinstance(m, TextMessage)] == ["from alice"]
    assert isinstance(await alice.get_group("hall"), Group)


async def test_bad_block_arguments_are_refused_before_the_wire(make_client: MakeClient) -> None:
    alice, _ = await make_client("superhero1", manual=True)
    with pytest.raises(InvalidArgumentError) as empty:
        await alice.block_users([])
    assert empty.value.code == ErrorCode.EMPTY_USERS_LIST
    for bad in ("superhero2", ["superhero2", ""], [None]):
        with pytest.raises(InvalidArgumentError):
            await alice.block_users(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        alice.blocked_users_request().set_direction("sideways")
    assert await alice.blocked_users_request().build().fetch_next() == []
