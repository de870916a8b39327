"""Message features through a real EmbeddedServer (issue 14): reactions, thread
replies, mentions, media upload/download and the history filters, between two
Python clients."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest

from cometchat_nb import (
    REACTION_ACTION,
    Attachment,
    Client,
    CometChatHelper,
    ConnectionState,
    InvalidArgumentError,
    MediaMessage,
    ReactionEvent,
    TextMessage,
)
from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient, Recorder, settings_for
from ..support.clients import new_client

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


async def pair(make_client: MakeClient) -> tuple[Client, Recorder, Client, Recorder]:
    alice, arec = await make_client("superhero1")
    bob, brec = await make_client("superhero2")
    for c in (alice, bob):
        await c.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
        await c.wait_for_catchup()
    return alice, arec, bob, brec


async def test_reactions_add_remove_list_and_live_events(make_client: MakeClient) -> None:
    alice, arec, bob, brec = await pair(make_client)
    sent = await alice.send_message(TextMessage("superhero2", "react to me"))
    assert sent.id is not None and sent.get_reactions() == []

    mine = await bob.add_reaction(sent.id, "👍")
    (count,) = mine.getReactions()
    assert (count.getReaction(), count.getCount(), count.getReactedByMe()) == ("👍", 1, True)
    # the other end of the conversation hears it, with the JS SDK's argument shape
    (event,) = await arec.wait_for("onMessageReactionAdded")
    assert isinstance(event, ReactionEvent)
    r = event.getReaction()
    assert (r.getReaction(), r.getMessageId(), r.getUid()) == ("👍", sent.id, "superhero2")
    by = r.getReactedBy()
    assert by is not None and by.getUid() == "superhero2"
    assert r.getReactionId() and r.getReactedAt()
    assert event.getConversationId() == sent.conversation_id
    assert (event.getReceiverId(), event.getReceiverType()) == ("superhero2", "user")

    theirs = await alice.add_reaction(sent.id, "👍")
    await alice.add_reaction(sent.id, "🎉")
    (thumbs, party) = theirs.getReactions() + (await alice.get_message(sent.id)).getReactions()[1:]
    assert (thumbs.count, thumbs.reacted_by_me, party.reaction, party.count) == (2, True, "🎉", 1)
    # our own reactions are not echoed to our listeners (the JS SDK drops its own deviceId's frames)
    await brec.wait(lambda r: r.count("onMessageReactionAdded") == 2)
    alice.wait_listeners_idle()
    assert arec.count("onMessageReactionAdded") == 1
    seen_by_bob = {c.reaction: (c.count, c.reacted_by_me) for c in (await bob.get_message(sent.id)).reactions}
    assert seen_by_bob == {"👍": (2, True), "🎉": (1, False)}

    # who reacted: pages by cursor, oldest first, one reaction or all
    request = alice.reactions_request().set_message_id(sent.id).set_limit(2).build()
    first = await request.fetch_next()
    assert [(x.uid, x.reaction) for x in first] == [("superhero2", "👍"), ("superhero1", "👍")]
    assert [(x.uid, x.reaction) for x in await request.fetch_next()] == [("superhero1", "🎉")]
    assert await request.fetch_next() == []
    # fetchPrevious pages back from the last page's first reaction (meta.previous)
    back = await request.fetch_previous()
    assert [(x.uid, x.reaction) for x in back] == [("superhero2", "👍"), ("superhero1", "👍")]
    only = await alice.reactions_request().set_message_id(sent.id).set_reaction("🎉").build().fetch_next()
    assert [x.get_uid() for x in only] == ["superhero1"]

    await bob.remove_reaction(sent.id, "👍")
    (removed,) = await arec.wait_for("onMessageReactionRemoved")
    assert removed.getReaction().getUid() == "superhero2" and not removed.added

    # CometChatHelper applies live events to a message one holds
    held = await alice.get_message(sent.id)
    assert {c.reaction: c.count for c in held.reactions} == {"👍": 1, "🎉": 1}
    CometChatHelper.updateMessageWithReactionInfo(held, event, REACTION_ACTION.REACTION_ADDED)
    assert {c.reaction: (c.count, c.reacted_by_me) for c in held.reactions} == {
        "👍": (2, True),
        "🎉": (1, True),
    }
    CometChatHelper.update_message_with_reaction_info(held, removed, REACTION_ACTION.REACTION_REMOVED)
    CometChatHelper.update_message_with_reaction_info(held, removed, REACTION_ACTION.REACTION_REMOVED)
    assert {c.reaction: c.count for c in held.reactions} == {"🎉": 1}


async def test_reaction_bad_input_gets_cometchat_errors(make_client: MakeClient) -> None:
    alice, _, bob, _ = await pair(make_client)
    sent = await alice.send_message(TextMessage("superhero2", "x"))
    assert sent.id is not None
    with pytest.raises(ApiError) as info:
        await alice.add_reaction("999999", "👍")
    assert info.value.code == ErrorCode.MESSAGE_ID_NOT_FOUND
    with pytest.raises(ApiError) as info:
        await alice.add_reaction(sent.id, "x" * 33)
    assert info.value.code == ErrorCode.BAD_REQUEST
    with pytest.raises(InvalidArgumentError) as bad:
        await alice.add_reaction(sent.id, "")
    assert bad.value.code == ErrorCode.MISSING_PARAMETERS
    with pytest.raises(InvalidArgumentError):
        alice.reactions_request().build()
    # nothing was stored
    assert (await bob.get_message(sent.id)).reactions == []


async def test_thread_replies_counts_and_history_filters(make_client: MakeClient) -> None:
    alice, arec, bob, _brec = await pair(make_client)
    parent = await alice.send_message(TextMessage("superhero2", "a question"))
    assert parent.id is not None
    reply = TextMessage("superhero1", "an answer")
    reply.set_parent_message_id(parent.id)
    sent_reply = await bob.send_message(reply)
    assert sent_reply.get_parent_message_id() == parent.id
    # delivered live with its parent id
    (live,) = await arec.wait_for("onTextMessageReceived")
    assert live.id == sent_reply.id and live.getParentMessageId() == parent.id

    seen = await alice.get_message(parent.id)
    assert (seen.getReplyCount(), seen.getUnreadRepliesCount()) == (1, 1)

    thread = await alice.messages_request().set_parent_message_id(parent.id).build().fetch_previous()
    assert [m.id for m in thread] == [sent_reply.id]
    with_parent = (
        await alice.messages_request().setParentMessageId(parent.id).withParent(True).build().fetchPrevious()
    )
    assert [m.id for m in with_parent] == [parent.id, sent_reply.id]
    everything = await alice.messages_request().set_uid("superhero2").build().fetch_previous()
    assert [m.id for m in everything] == [parent.id, sent_reply.id]
    no_replies = (
        await alice.messages_request().set_uid("superhero2").hide_replies(True).build().fetch_previous()
    )
    assert [m.id for m in no_replies] == [parent.id]

    # a reply to a message in a conversation the sender cannot see is refused, nothing stored
    carol, _ = await make_client("superhero3")
    intruder = TextMessage("superhero1", "me too")
    intruder.set_parent_message_id(parent.id)
    with pytest.raises(ApiError) as info:
        await carol.send_message(intruder)
    assert info.value.code == ErrorCode.PERMISSION_DENIED
    assert (await alice.get_message(parent.id)).reply_count == 1


async def test_mentions_on_messages_and_filters(make_client: MakeClient) -> None:
    alice, _arec, bob, brec = await pair(make_client)
    sent = await alice.send_message(TextMessage("superhero2", "hi <@uid:superhero2> and <@uid:nobody>"))
    assert [u.uid for u in sent.getMentionedUsers()] == ["superhero2"]
    assert sent.hasMentionedMe() is False  # alice sent it
    (got,) = await brec.wait_for("onTextMessageReceived")
    assert got.hasMentionedMe() is True and got.mentioned_uids == ["superhero2"]
    plain = await alice.send_message(TextMessage("superhero2", "no mention here, see https://example.com"))

    request = bob.messages_request().set_uid("superhero1")
    mentioned = await request.has_mentions(True).build().fetch_previous()
    assert [m.id for m in mentioned] == [sent.id] and mentioned[0].has_mentioned_me()
    by_uid = (
        await bob.messages_request()
        .set_uid("superhero1")
        .setMentionedUIDs(["superhero2"])
        .build()
        .fetchPrevious()
    )
    assert [m.id for m in by_uid] == [sent.id]
    tagged = (
        await bob.messages_request()
        .set_uid("superhero1")
        .mentions_with_tag_info(True)
        .build()
        .fetch_previous()
    )
    assert tagged[0].getMentionedUsers()[0].uid == "superhero2"
    links = await bob.messages_request().set_uid("superhero1").has_links(True).build().fetch_previous()
    assert [m.id for m in links] == [plain.id]
    found = (
        await bob.messages_request()
        .set_uid("superhero1")
        .set_search_keyword("MENTION")
        .build()
        .fetch_previous()
    )
    assert [m.id for m in found] == [plain.id]


async def test_history_filters_tags_types_updates(make_client: MakeClient) -> None:
    alice, _, bob, _ = await pair(make_client)
    a = TextMessage("superhero2", "tagged")
    a.set_tags(["pinned"])
    first = await alice.send_message(a)
    second = await alice.send_message(TextMessage("superhero2", "plain"))
    assert first.id and second.id and second.sent_at is not None
    tags = bob.messages_request().set_uid("superhero1").set_tags(["pinned"]).with_tags(True).build()
    assert [m.id for m in await tags.fetch_previous()] == [first.id]
    by_type = bob.messages_request().set_uid("superhero1").set_category("message").set_type("text").build()
    assert [m.id for m in await by_type.fetch_previous()] == [first.id, second.id]
    edited = TextMessage("superhero2", "plain, edited")
    edited.id = second.id
    await alice.edit_message(edited)
    updates = (
        bob.messages_request()
        .set_uid("superhero1")
        .set_updated_after(second.sent_at - 1)
        .updates_only(True)
        .set_limit(10)
        .build()
    )
    assert [m.id for m in await updates.fetch_next()] == [second.id]
    with pytest.raises(InvalidArgumentError):
        bob.messages_request().set_attachment_types(["pdf"])


async def test_media_message_upload_receive_download(make_client: MakeClient, tmp_path: Path) -> None:
    alice, _arec, bob, brec = await pair(make_client)
    path = tmp_path / "dot.png"
    path.write_bytes(PNG)
    media = MediaMessage("superhero2", path, "image", "user")
    media.set_caption("a dot for <@uid:superhero2>")
    media.set_metadata({"k": 1})
    media.set_tags(["pics"])
    sent = await alice.send_media_message(media)
    assert isinstance(sent, MediaMessage)
    (att,) = sent.getAttachments()
    assert (att.getName(), att.getExtension(), att.getSize(), att.getMimeType()) == (
        "dot.png",
        "png",
        len(PNG),
        "image/png",
    )
    assert sent.getURL() == att.url and sent.getCaption() == "a dot for <@uid:superhero2>"
    assert sent.getMetadata() == {"k": 1} and sent.getTags() == ["pics"]

    (got,) = await brec.wait_for("onMediaMessageReceived")
    assert isinstance(got, MediaMessage) and got.id == sent.id and got.hasMentionedMe()
    assert got.getAttachment() == att
    # both ends of the conversation may download it; a stranger may not
    assert await bob.download_attachment(got) == PNG
    assert await alice.download_attachment(att) == PNG
    carol, _ = await make_client("superhero3")
    with pytest.raises(ApiError) as info:
        await carol.download_attachment(att)
    assert info.value.code == ErrorCode.PERMISSION_DENIED

    # bytes and file objects, and a reply with a file; history filters on attachments
    doc = MediaMessage("superhero1", b"%PDF-1.4 hello", "file", name="notes.pdf")
    doc.set_parent_message_id(sent.id or "")
    as_reply = await bob.send_media_message(doc)
    assert as_reply.parent_message_id == sent.id
    (doc_att,) = as_reply.getAttachments()  # type: ignore[attr-defined]
    assert (doc_att.name, doc_att.mime_type) == ("notes.pdf", "application/pdf")
    fileobj = io.BytesIO(PNG)
    fileobj.name = "/somewhere/else/pic.png"
    from_obj = await bob.send_media_message(MediaMessage("superhero1", fileobj, "image"))
    assert from_obj.getAttachment().name == "pic.png"  # type: ignore[attr-defined]
    images = alice.messages_request().set_uid("superhero2").set_attachment_types(["image"]).build()
    assert [m.id for m in await images.fetch_previous()] == [sent.id, from_obj.id]
    anything = (
        await alice.messages_request().set_uid("superhero2").has_attachments(True).build().fetch_previous()
    )
    assert len(anything) == 3


async def test_media_bad_input_stores_nothing(tmp_path: Path) -> None:
    with EmbeddedServer(auth_timeout=5.0, max_upload_bytes=64) as srv:
        alice, _ = new_client(srv.app_id, settings_for(srv, manual=True))
        try:
            await alice.init()
            await alice.login("superhero1", srv.auth_key)
            with pytest.raises(InvalidArgumentError) as missing:
                MediaMessage("superhero2", tmp_path / "absent.png", "image")
            assert missing.value.code == ErrorCode.INVALID_PARAMETER
            with pytest.raises(InvalidArgumentError):
                MediaMessage("superhero2", PNG, "sticker")
            with pytest.raises(ApiError) as big:
                await alice.send_media_message(MediaMessage("superhero2", b"x" * 65, "file", name="big.bin"))
            assert big.value.code == ErrorCode.FILE_SIZE_EXCEEDED
            with pytest.raises(ApiError) as wrong:
                await alice.send_media_message(MediaMessage("superhero2", b"%PDF", "image", name="a.pdf"))
            assert wrong.value.code == ErrorCode.BAD_REQUEST
            with pytest.raises(InvalidArgumentError):
                await alice.send_media_message(MediaMessage("superhero2", None, "image"))
            history = await alice.messages_request().set_uid("superhero2").build().fetch_previous()
            assert history == []
        finally:
            await alice.close()


def test_attachment_model_round_trip() -> None:
    a = Attachment.from_wire(
        {"url": "u", "name": "n.png", "extension": "png", "size": 3, "mimeType": "image/png"}
    )
    assert a is not None and a.to_wire() == {
        "url": "u",
        "name": "n.png",
        "extension": "png",
        "size": 3,
        "mimeType": "image/png",
    }
    assert Attachment.from_wire("junk") is None
