"""The sync facade's blocking, group-administration and user calls, written as the
CometChat docs write them (``CometChat.X`` classes and constants), against a real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cometchat_nb import CometChat, MemorySessionStore
from cometchat_nb.errors import CometChatException, ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import Recorder


@pytest.fixture
def facade(server: EmbeddedServer) -> Iterator[Recorder]:
    rec = Recorder()
    CometChat.addEventSink(rec)
    settings = (
        CometChat.AppSettingsBuilder()
        .subscribePresenceForAllUsers()
        .setRegion(server.region)
        .autoEstablishSocketConnection(False)
        .overrideClientHost(server.url)
        .overrideAdminHost(server.url)
        .build()
    )
    CometChat.init(server.app_id, settings, store=MemorySessionStore())
    try:
        yield rec
    finally:
        CometChat.removeEventSink(rec)
        CometChat.shutdown()


def test_docs_snippets_for_groups_blocking_and_users(server: EmbeddedServer, facade: Recorder) -> None:
    user = CometChat.User("groot")
    user.setName("Groot")
    assert CometChat.createUser(user, server.auth_key).getUid() == "groot"
    CometChat.login("superhero1", server.auth_key)

    group = CometChat.createGroup(CometChat.Group("guardians", "Guardians", CometChat.GROUP_TYPE.PUBLIC))
    members = [
        CometChat.GroupMember("groot", scope=CometChat.GROUP_MEMBER_SCOPE.MODERATOR),
        CometChat.GroupMember("superhero2", scope=CometChat.GROUP_MEMBER_SCOPE.PARTICIPANT),
    ]
    assert CometChat.addMembersToGroup(group.getGuid(), members, ["superhero3"]) == {
        "groot": "success",
        "superhero2": "success",
        "superhero3": "success",
    }
    assert CometChat.updateGroupMemberScope("guardians", "superhero2", CometChat.GROUP_MEMBER_SCOPE.ADMIN)
    moderators = (
        CometChat.GroupMembersRequestBuilder("guardians")
        .setLimit(30)
        .setScopes([CometChat.GROUP_MEMBER_SCOPE.MODERATOR])
        .build()
        .fetchNext()
    )
    assert [m.getUid() for m in moderators] == ["groot"]
    banned = CometChat.BannedMembersRequestBuilder("guardians").setLimit(30).build().fetchNext()
    assert [m.getUid() for m in banned] == ["superhero3"]
    assert CometChat.kickGroupMember("guardians", "groot") is True
    assert CometChat.unbanGroupMember("guardians", "superhero3") is True
    assert "superhero2" in CometChat.transferGroupOwnership("guardians", "superhero2")
    with pytest.raises(CometChatException) as info:
        CometChat.joinGroup("guardians", CometChat.GROUP_TYPE.PUBLIC)  # still a member (now an admin)
    assert info.value.code == ErrorCode.ALREADY_JOINED
    assert CometChat.deleteGroup("guardians") is True  # the old owner stays an admin

    assert CometChat.blockUsers(["superhero4"])["superhero4"]["success"] is True
    blocked = (
        CometChat.BlockedUsersRequestBuilder()
        .setLimit(10)
        .setDirection(CometChat.BlockedUsersRequest.directions.BLOCKED_BY_ME)
        .build()
        .fetchNext()
    )
    assert [(u.getUid(), u.getBlockedByMe()) for u in blocked] == [("superhero4", True)]
    with pytest.raises(CometChatException) as refused:
        CometChat.sendMessage(CometChat.TextMessage("superhero4", "hi", CometChat.RECEIVER_TYPE.USER))
    assert refused.value.code == ErrorCode.BLOCKED_RECEIVER
    assert CometChat.unblockUsers(["superhero4"])["superhero4"]["success"] is True

    listed = (
        CometChat.UsersRequestBuilder()
        .setLimit(100)
        .setStatus(CometChat.USER_STATUS.OFFLINE)
        .sortBy(CometChat.SORT_BY.NAME)
        .sortByOrder(CometChat.SORT_ORDER.ASCENDING)
        .build()
        .fetchNext()
    )
    names = [u.getName() or "" for u in listed]
    assert names == sorted(names) and "groot" in {u.getUid() for u in listed}
    me = CometChat.User("superhero1")
    me.setStatusMessage("moderating")
    assert CometChat.updateCurrentUserDetails(me).getStatusMessage() == "moderating"
    assert CometChat.getLoggedInUser().getStatusMessage() == "moderating"
    groot = CometChat.getUser("groot")
    groot.setName("I am Groot")
    assert CometChat.updateUser(groot, server.auth_key).getName() == "I am Groot"
    assert CometChat.getOnlineUserCount() == 0  # manual mode: nobody's socket is open
