"""Python SDK <-> the OFFICIAL CometChat JS SDK, both directions, for the message
features of issue 14: a reaction, a thread reply, a mention and a media file sent
by the Python SDK (``Client``) are received by the JS SDK, and the same sent by
the JS SDK are received by the Python SDK, with the same data on both sides.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from cometchat_nb import REACTION_ACTION, CometChatHelper, MediaMessage, ReactionEvent, TextMessage
from cometchat_nb.server import EmbeddedServer

from .node_driver import NodeDriver, python_clients, require_node

pytestmark = pytest.mark.node

JS_UID = "superhero1"
PY_UID = "superhero2"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(params=["plain", "tls"])
def server(request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(tls=request.param == "tls", auth_timeout=5.0) as srv:
        yield srv


async def started(server: EmbeddedServer, tmp_path: Path) -> NodeDriver:
    js = NodeDriver(server, "login", tmp_path / "localStorage.json", uid=JS_UID)
    await js.step("init")
    await js.step("login")
    await js.expect("ready")
    return js


async def test_python_sdk_and_js_sdk_exchange_reactions_replies_mentions_media(
    server: EmbeddedServer, tmp_path: Path
) -> None:
    async with python_clients(server) as make:
        py, rec = await make(PY_UID)
        js = await started(server, tmp_path)
        try:
            # -- a mention and a thread reply, Python -> JS ------------------------------
            parent = await py.send_message(TextMessage(JS_UID, "question for <@uid:superhero1>"))
            assert parent.id is not None
            got = await js.expect("onTextMessageReceived", id=parent.id)
            assert got["text"] == "question for <@uid:superhero1>"
            seen = (await js.call("receivedDetails", id=parent.id))["message"]
            assert ([u["uid"] for u in seen["mentionedUsers"]], seen["hasMentionedMe"]) == ([JS_UID], True)
            reply = TextMessage(JS_UID, "more detail")
            reply.set_parent_message_id(parent.id)
            py_reply = await py.send_message(reply)
            await js.expect("onTextMessageReceived", id=py_reply.id)
            live = (await js.call("receivedDetails", id=py_reply.id))["message"]
            assert live["parentMessageId"] == parent.id

            # -- a mention and a thread reply, JS -> Python ------------------------------
            js_reply = (
                await js.call("sendReply", to=PY_UID, parent=parent.id, text="answer, <@uid:superhero2>")
            )["message"]
            await rec.wait(lambda r: any(m.id == js_reply["id"] for m in r.args("onTextMessageReceived")))
            (mine,) = [m for m in rec.args("onTextMessageReceived") if m.id == js_reply["id"]]
            assert mine.get_parent_message_id() == parent.id
            assert mine.has_mentioned_me() and [u.uid for u in mine.get_mentioned_users()] == [PY_UID]
            # both SDKs see the same thread and the same counts
            thread = await py.messages_request().set_parent_message_id(parent.id).build().fetch_previous()
            js_thread = (await js.call("fetchThread", parent=parent.id))["messages"]
            assert [m.id for m in thread] == [m["id"] for m in js_thread] == [py_reply.id, js_reply["id"]]
            details = await py.get_message(parent.id)
            js_details = (await js.call("details", id=parent.id))["message"]
            assert details.reply_count == js_details["replyCount"] == 2

            # -- a reaction, Python -> JS and JS -> Python -------------------------------
            reacted = await py.add_reaction(parent.id, "👍")
            heard = await js.expect("onMessageReactionAdded", reaction="👍")
            assert (heard["messageId"], heard["uid"], heard["reactedBy"]) == (parent.id, PY_UID, PY_UID)
            assert heard["conversationId"] == parent.conversation_id
            await js.call("addReaction", id=parent.id, reaction="🎉")
            (event,) = await rec.wait_for("onMessageReactionAdded")
            assert isinstance(event, ReactionEvent) and event.action == REACTION_ACTION.REACTION_ADDED
            r = event.getReaction()
            assert (r.getReaction(), r.getMessageId(), r.getUid()) == ("🎉", parent.id, JS_UID)
            assert event.getReceiverId() == JS_UID and event.getConversationId() == parent.conversation_id
            # the helper applies the JS user's reaction to the message Python holds: the same
            # counts as the server's view, on both sides
            CometChatHelper.updateMessageWithReactionInfo(reacted, event, REACTION_ACTION.REACTION_ADDED)
            as_python_sees = [(c.reaction, c.count, c.reacted_by_me) for c in reacted.getReactions()]
            fresh = [
                (c.reaction, c.count, c.reacted_by_me) for c in (await py.get_message(parent.id)).reactions
            ]
            assert as_python_sees == fresh == [("👍", 1, True), ("🎉", 1, False)]
            js_sees = (await js.call("details", id=parent.id))["message"]["reactions"]
            assert js_sees == [
                {"reaction": "👍", "count": 1, "reactedByMe": False},
                {"reaction": "🎉", "count": 1, "reactedByMe": True},
            ]
            listed = await py.reactions_request().set_message_id(parent.id).build().fetch_next()
            js_listed = (await js.call("fetchReactions", id=parent.id))["pages"][0]
            assert [(x.uid, x.reaction) for x in listed] == [(x["uid"], x["reaction"]) for x in js_listed]
            await py.remove_reaction(parent.id, "👍")
            await js.expect("onMessageReactionRemoved", reaction="👍")

            # -- a media file, Python -> JS --------------------------------------------
            media = MediaMessage(JS_UID, PNG, "image", name="dot.png")
            media.set_caption("a dot")
            media.set_metadata({"from": "python"})
            sent = await py.send_media_message(media)
            assert isinstance(sent, MediaMessage)
            got_media = await js.expect("onMediaMessageReceived", id=sent.id)
            (att,) = got_media["attachments"]
            assert (att["name"], att["mimeType"], att["size"], got_media["caption"]) == (
                "dot.png",
                "image/png",
                len(PNG),
                "a dot",
            )
            assert got_media["metadata"] == {"from": "python"}
            fetched = await js.call("fetchUrl", url=att["url"])  # the JS SDK added ?fat=
            assert (fetched["status"], base64.b64decode(fetched["b64"])) == (200, PNG)

            # -- a media file, JS -> Python --------------------------------------------
            js_media = (
                await js.call(
                    "sendMedia",
                    to=PY_UID,
                    type="file",
                    name="notes.txt",
                    mime="text/plain",
                    b64=base64.b64encode(b"hello python").decode(),
                    caption="notes <@uid:superhero2>",
                    tags=["docs"],
                )
            )["message"]
            await rec.wait(lambda r: any(m.id == js_media["id"] for m in r.args("onMediaMessageReceived")))
            (received,) = [m for m in rec.args("onMediaMessageReceived") if m.id == js_media["id"]]
            assert isinstance(received, MediaMessage)
            (py_att,) = received.get_attachments()
            assert (py_att.name, py_att.mime_type, py_att.size) == ("notes.txt", "text/plain", 12)
            assert (received.caption, received.tags, received.has_mentioned_me()) == (
                "notes <@uid:superhero2>",
                ["docs"],
                True,
            )
            assert await py.download_attachment(received) == b"hello python"
            assert not js.seen("error")
        finally:
            js.close()
