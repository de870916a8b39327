"""The sync facade's message features (issue 14): the CometChat docs' snippets for
reactions, replies, mentions and media, ported line by line, against a real
EmbeddedServer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cometchat_nb import CometChat, MemorySessionStore
from cometchat_nb.server import EmbeddedServer

from ..support import Recorder

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63fccf00000301010018dd8db00000000049454e44ae426082"
)


@pytest.fixture
def facade(server: EmbeddedServer) -> Iterator[Recorder]:
    rec = Recorder()
    CometChat.addEventSink(rec)
    try:
        yield rec
    finally:
        CometChat.removeEventSink(rec)
        CometChat.shutdown()


def start(server: EmbeddedServer, uid: str) -> None:
    settings = (
        CometChat.AppSettingsBuilder()
        .setRegion(server.region)
        .autoEstablishSocketConnection(True)
        .overrideClientHost(server.url)
        .overrideAdminHost(server.url)
        .build()
    )
    CometChat.init(server.app_id, settings, store=MemorySessionStore())
    CometChat.login(uid, server.auth_key)
    CometChat.waitForCatchup()


def test_docs_snippets_reactions_replies_mentions_media(
    server: EmbeddedServer, facade: Recorder, tmp_path: Path
) -> None:
    start(server, "superhero1")
    parent = CometChat.sendMessage(CometChat.TextMessage("superhero2", "hello <@uid:superhero2>", "user"))
    assert [u.getUid() for u in parent.getMentionedUsers()] == ["superhero2"]

    # reactions (docs: "Reactions")
    message = CometChat.addReaction(parent.getId() or "", "😊")
    assert [(r.getReaction(), r.getCount(), r.getReactedByMe()) for r in message.getReactions()] == [
        ("😊", 1, True)
    ]
    request = CometChat.ReactionsRequestBuilder().setMessageId(parent.getId() or "").setLimit(10).build()
    (reaction,) = request.fetchNext()
    assert (reaction.getUid(), reaction.getReaction()) == ("superhero1", "😊")
    assert CometChat.removeReaction(parent.getId() or "", "😊").getReactions() == []

    # a reply in a thread, and the thread's messages (docs: "Threaded messages")
    reply = CometChat.TextMessage("superhero2", "in the thread", CometChat.RECEIVER_TYPE.USER)
    reply.setParentMessageId(parent.getId() or "")
    sent_reply = CometChat.sendMessage(reply)
    thread = CometChat.MessagesRequestBuilder().setParentMessageId(parent.getId() or "").setLimit(30).build()
    assert [m.getId() for m in thread.fetchPrevious()] == [sent_reply.getId()]
    assert CometChat.getMessageDetails(parent.getId() or "").getReplyCount() == 1

    # a media message from a path (docs: "Send a media message")
    path = tmp_path / "dot.png"
    path.write_bytes(PNG)
    media = CometChat.MediaMessage("superhero2", str(path), CometChat.MESSAGE_TYPE.IMAGE, "user")
    media.setCaption("a dot")
    sent = CometChat.sendMediaMessage(media)
    attachment = sent.getAttachments()[0]  # type: ignore[attr-defined]
    assert (attachment.getName(), attachment.getMimeType()) == ("dot.png", "image/png")
    assert CometChat.downloadAttachment(attachment) == PNG
    only_images = (
        CometChat.MessagesRequestBuilder()
        .setUID("superhero2")
        .setAttachmentTypes([CometChat.MESSAGE_TYPE.IMAGE])
        .build()
        .fetchPrevious()
    )
    assert [m.getId() for m in only_images] == [sent.getId()]
