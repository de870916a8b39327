"""The sync facade's conversation calls, as the CometChat docs write them
(``new CometChat.ConversationsRequestBuilder().setLimit(30).build().fetchNext()``,
``CometChat.getUnreadMessageCount()``, ``CometChat.markConversationAsRead(...)``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cometchat_nb import CometChat, InvalidArgumentError, MemorySessionStore
from cometchat_nb.server import EmbeddedServer


@pytest.fixture
def logged_in(server: EmbeddedServer) -> Iterator[None]:
    settings = (
        CometChat.AppSettingsBuilder()
        .setRegion(server.region)
        .autoEstablishSocketConnection(False)
        .overrideClientHost(server.url)
        .overrideAdminHost(server.url)
        .build()
    )
    try:
        CometChat.init(server.app_id, settings, store=MemorySessionStore())
        CometChat.login("superhero1", server.auth_key)
        yield
    finally:
        CometChat.shutdown()


def test_docs_snippets_for_conversations_and_unread_counts(server: EmbeddedServer, logged_in: None) -> None:
    first = server.send_message("superhero2", "superhero1", "one")
    server.send_message("superhero2", "superhero1", "two")
    server.send_message("superhero4", "supergroup", "to all", receiver_type="group")

    request = CometChat.ConversationsRequestBuilder().setLimit(30).build()
    conversations = request.fetchNext()
    assert [(c.getConversationWith().getName(), c.getUnreadMessageCount()) for c in conversations] == [
        ("Super Group", 1),
        ("Captain America", 2),
    ]
    assert isinstance(conversations[0], CometChat.Conversation)
    assert request.fetchNext() == []
    assert CometChat.getUnreadMessageCount() == {"users": {"superhero2": 2}, "groups": {"supergroup": 1}}
    assert CometChat.getUnreadMessageCountForAllUsers() == {"superhero2": 2}
    assert CometChat.getUnreadMessageCountForAllGroups(False) == {"supergroup": 1}
    assert CometChat.getUnreadMessageCountForUser("superhero2") == {"superhero2": 2}
    assert CometChat.getUnreadMessageCountForGroup("supergroup", True) == {"supergroup": 1}

    conversation = CometChat.getConversation("superhero2", CometChat.RECEIVER_TYPE.USER)
    assert conversation.getLastMessage().getText() == "two"  # type: ignore[union-attr]
    assert (
        CometChat.markConversationAsRead("superhero2", "user") == "Conversation marked as read successfully."
    )
    assert CometChat.getUnreadMessageCountForUser("superhero2") == {}
    assert CometChat.markConversationAsDelivered("supergroup", "group").endswith("delivered successfully.")

    message = CometChat.getMessageDetails(first["id"])
    assert CometChat.markMessageAsUnread(message).getUnreadMessageCount() == 2
    assert CometChat.getConversationFromMessage(message).getConversationId() == "superhero1_user_superhero2"
    assert CometChat.tagConversation("superhero2", "user", ["vip"]).getTags() == ["vip"]
    assert CometChat.getMessageReceipts(first["id"]) == []  # not my message
    assert CometChat.deleteConversation("supergroup", "group") == "Conversation deleted successfully."
    assert [c.getConversationId() for c in CometChat.ConversationsRequestBuilder().build().fetchNext()] == [
        "superhero1_user_superhero2"
    ]
    with pytest.raises(InvalidArgumentError):
        CometChat.ConversationsRequestBuilder().setConversationType("everyone")
