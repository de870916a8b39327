"""The OFFICIAL CometChat JS SDK's message features against the embedded server:
media messages (a Node ``File`` through ``sendMediaMessage``, multipart as the
SDK builds it), thread replies, mentions, reactions (add, remove, list, live
events, ``CometChatHelper.updateMessageWithReactionInfo``) and the history
filters of ``MessagesRequestBuilder``. The other side is a Python client
(socket events) and plain REST calls with another user's token.
"""

from __future__ import annotations

import base64
import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from .node_driver import MakePy, NodeDriver, python_clients, require_node
from .support.raw import Login, Rest, data, error_code

pytestmark = pytest.mark.node

JS_UID = "superhero1"
PY_UID = "superhero2"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(params=["plain", "tls"])
def server(request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(tls=request.param == "tls", auth_timeout=5.0, max_upload_bytes=4096) as srv:
        yield srv


@pytest.fixture
def plain_server() -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(auth_timeout=5.0) as srv:
        yield srv


@pytest.fixture
async def make_py(server: EmbeddedServer) -> AsyncIterator[MakePy]:
    async with python_clients(server) as make:
        yield make


def rest_for(server: EmbeddedServer) -> Rest:
    return Rest(server, verify=ssl.create_default_context(cafile=server.ca_file) if server.ca_file else True)


async def started(server: EmbeddedServer, tmp_path: Path) -> NodeDriver:
    js = NodeDriver(server, "login", tmp_path / "localStorage.json", uid=JS_UID)
    await js.step("init")
    await js.step("login")
    await js.expect("ready")
    return js


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


async def attempt(js: NodeDriver, cmd: str, **args: Any) -> dict[str, Any]:
    """Run a driver command that may fail; its result event (ok or not)."""
    js.send(cmd, **args)
    return await js.expect("result", step=cmd)


async def test_media_message_from_the_official_sdk_is_stored_served_and_received(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    bob, brec = await make_py(PY_UID)
    js = await started(server, tmp_path)
    rest = rest_for(server)
    try:
        sent = (
            await js.call(
                "sendMedia",
                to=PY_UID,
                type="image",
                name="dot.png",
                mime="image/png",
                b64=b64(PNG),
                caption="a dot <@uid:superhero2>",
                metadata={"k": 1},
                tags=["pics"],
            )
        )["message"]
        assert (sent["type"], sent["category"], sent["caption"], sent["tags"]) == (
            "image",
            "message",
            "a dot <@uid:superhero2>",
            ["pics"],
        )
        assert sent["metadata"] == {"k": 1}
        (att,) = sent["attachments"]
        assert (att["name"], att["extension"], att["size"], att["mimeType"]) == (
            "dot.png",
            "png",
            len(PNG),
            "image/png",
        )
        # the SDK appended its file access token to the URL (SECURED_MEDIA_HOST + PUT me's fat)
        parts = urlsplit(att["url"])
        assert parts.path.startswith("/v3.0/media/") and "fat" in parse_qs(parts.query)
        assert sent["url"] == att["url"]
        assert [u["uid"] for u in sent["mentionedUsers"]] == [PY_UID] and sent["hasMentionedMe"] is False

        # the Python client (the receiver) gets it live, mentioned
        await brec.wait(lambda r: any(m.id == sent["id"] for m in r.args("onMediaMessageReceived")))
        # the file is served at that URL to the two ends of the conversation only
        got = await js.call("fetchUrl", url=att["url"])
        assert (got["status"], got["contentType"], base64.b64decode(got["b64"])) == (200, "image/png", PNG)
        bare = att["url"].split("?")[0]
        assert (await js.call("fetchUrl", url=bare))["status"] == 401  # no token at all
        two: Login = rest.login(PY_UID)
        three: Login = rest.login("superhero3")
        path = urlsplit(bare).path.removeprefix("/v3.0")
        assert rest.call("GET", path, token=two.token).content == PNG
        assert error_code(rest.call("GET", path, token=three.token)) == ErrorCode.PERMISSION_DENIED
        fat = parse_qs(urlsplit(att["url"]).query)["fat"][0]
        assert rest.call("GET", path, params={"fat": fat}).content == PNG

        # too large (max_upload_bytes=4096) and the wrong kind: the SDK's error codes, nothing stored
        before = server.stats()["messages"]
        big = await attempt(
            js,
            "sendMedia",
            to=PY_UID,
            type="file",
            name="big.bin",
            mime="application/octet-stream",
            b64=b64(b"x" * 5000),
        )
        assert (big["ok"], big["code"]) == (False, ErrorCode.FILE_SIZE_EXCEEDED)
        wrong = await attempt(
            js, "sendMedia", to=PY_UID, type="image", name="a.pdf", mime="application/pdf", b64=b64(b"%PDF")
        )
        assert (wrong["ok"], wrong["code"]) == (False, ErrorCode.BAD_REQUEST)
        assert server.stats()["messages"] == before
        history = (await js.call("fetchFiltered", uid=PY_UID, options={"hasAttachments": True}))["messages"]
        assert [m["id"] for m in history] == [sent["id"]]

        # a media message from the other side (multipart, as the Python SDK sends it) reaches the JS SDK
        files = {"files[]": ("notes.txt", b"hello", "text/plain")}
        form = {
            "receiver": JS_UID,
            "receiverType": "user",
            "category": "message",
            "type": "file",
            "data": '{"text":"notes"}',
        }
        theirs = data(
            rest.call("POST", "/messages", token=two.token, data=form, files=files, resource=two.resource)
        )
        got = await js.expect("onMediaMessageReceived", id=theirs["id"])
        (att2,) = got["attachments"]
        assert (att2["name"], att2["mimeType"], att2["size"], got["caption"]) == (
            "notes.txt",
            "text/plain",
            5,
            "notes",
        )
        assert base64.b64decode((await js.call("fetchUrl", url=att2["url"]))["b64"]) == b"hello"

        # logging out revokes the file access token with the auth token it came with
        await js.call("logout")
        assert error_code(rest.call("GET", path, params={"fat": fat})) == ErrorCode.AUTH_TOKEN_NOT_FOUND
        assert not js.seen("error")
        assert bob is not None
    finally:
        rest.close()
        js.close()


async def test_thread_replies_and_mentions_from_the_official_sdk(
    plain_server: EmbeddedServer, tmp_path: Path
) -> None:
    server = plain_server
    js = await started(server, tmp_path)
    rest = rest_for(server)
    try:
        two = rest.login(PY_UID)
        parent = rest.send_text(two, JS_UID, "parent")
        await js.expect("onTextMessageReceived", id=parent["id"])
        # the SDK posts the reply to messages/{id}/thread; the mention resolves to a user
        reply = (
            await js.call(
                "sendReply", to=PY_UID, parent=parent["id"], text="yes <@uid:superhero2> <@uid:nobody>"
            )
        )["message"]
        posts = [urlsplit(f["url"]).path for f in js.seen("fetch") if f["method"] == "POST"]
        assert f"/v3.0/messages/{parent['id']}/thread" in posts
        assert reply["parentMessageId"] == parent["id"]
        assert [u["uid"] for u in reply["mentionedUsers"]] == [PY_UID]
        # the other end receives it live, with its parent and the mention of them
        other = Rest(server)
        mine = data(rest.call("GET", f"/messages/{reply['id']}", token=two.token))
        assert (mine["parentId"], list(mine["data"]["mentions"])) == (parent["id"], [PY_UID])
        other.close()
        # a reply from the other side reaches the JS SDK with parentMessageId and hasMentionedMe
        theirs = data(
            rest.call(
                "POST",
                f"/messages/{parent['id']}/thread",
                token=two.token,
                json={"receiver": JS_UID, "receiverType": "user", "data": {"text": "hi <@uid:superhero1>"}},
            )
        )
        await js.expect("onTextMessageReceived", id=theirs["id"])
        live = (await js.call("receivedDetails", id=theirs["id"]))["message"]
        assert (live["parentMessageId"], live["hasMentionedMe"]) == (parent["id"], True)

        # the parent counts its replies; unread ones are per reader
        details = (await js.call("details", id=parent["id"]))["message"]
        assert (details["replyCount"], details["unreadRepliesCount"]) == (2, 1)
        thread = (await js.call("fetchThread", parent=parent["id"]))["messages"]
        assert [m["id"] for m in thread] == [reply["id"], theirs["id"]]
        with_parent = (await js.call("fetchThread", parent=parent["id"], withParent=True))["messages"]
        assert [m["id"] for m in with_parent] == [parent["id"], reply["id"], theirs["id"]]
        main = (await js.call("fetchFiltered", uid=PY_UID, options={"hideReplies": True}))["messages"]
        assert [m["id"] for m in main] == [parent["id"]]
        everything = (await js.call("fetchFiltered", uid=PY_UID))["messages"]
        assert [m["id"] for m in everything] == [parent["id"], reply["id"], theirs["id"]]
        # mention filters and tag info
        mentioning = (await js.call("fetchFiltered", uid=PY_UID, options={"mentionedUIDs": [JS_UID]}))[
            "messages"
        ]
        assert [m["id"] for m in mentioning] == [theirs["id"]]
        tagged = (
            await js.call(
                "fetchFiltered", uid=PY_UID, options={"hasMentions": True, "mentionsWithTagInfo": True}
            )
        )["messages"]
        assert [m["id"] for m in tagged] == [reply["id"], theirs["id"]]
        assert all("tags" in u for m in tagged for u in m["mentionedUsers"])

        # deleting a reply takes it off the parent's count; a reply to an unseen conversation is refused
        await js.call("deleteMessage", id=reply["id"])
        assert (await js.call("details", id=parent["id"]))["message"]["replyCount"] == 1
        three = rest.login("superhero3")
        elsewhere = rest.send_text(three, "superhero4", "private")
        refused = await attempt(js, "sendReply", to="superhero3", parent=elsewhere["id"], text="x")
        assert (refused["ok"], refused["code"]) == (False, ErrorCode.PERMISSION_DENIED)
        missing = await attempt(js, "sendReply", to=PY_UID, parent="999999", text="x")
        assert (missing["ok"], missing["code"]) == (False, ErrorCode.MESSAGE_ID_NOT_FOUND)
        assert not js.seen("error")
    finally:
        rest.close()
        js.close()


async def test_reactions_from_the_official_sdk(plain_server: EmbeddedServer, tmp_path: Path) -> None:
    server = plain_server
    async with python_clients(server) as make:
        bob, brec = await make(PY_UID)
        js = await started(server, tmp_path)
        rest = rest_for(server)
        try:
            two = rest.login(PY_UID)
            message = rest.send_text(two, JS_UID, "react to me")
            await js.expect("onTextMessageReceived", id=message["id"])
            mid = message["id"]

            added = (await js.call("addReaction", id=mid, reaction="😀"))["message"]
            assert added["reactions"] == [{"reaction": "😀", "count": 1, "reactedByMe": True}]
            (event,) = await brec.wait_for("onMessageReactionAdded")
            assert (event.reaction, event.message_id, event.uid) == ("😀", mid, JS_UID)
            assert event.reacted_by is not None and event.reacted_by.uid == JS_UID
            # the other side reacts over REST (the path segment URL-encoded): the JS SDK hears it
            for emoji in ("😀", "👍"):
                r = rest.call(
                    "POST",
                    f"/messages/{mid}/reactions/{quote(emoji)}",
                    token=two.token,
                    resource=two.resource,
                )
                data(r)
            heard = await js.expect("onMessageReactionAdded", reaction="👍")
            assert (heard["messageId"], heard["uid"], heard["reactedBy"], heard["receiverId"]) == (
                mid,
                PY_UID,
                PY_UID,
                JS_UID,
            )
            assert heard["conversationId"] == message["conversationId"]
            mine = (await js.call("details", id=mid))["message"]["reactions"]
            assert mine == [
                {"reaction": "😀", "count": 2, "reactedByMe": True},
                {"reaction": "👍", "count": 1, "reactedByMe": False},
            ]
            # CometChatHelper.updateMessageWithReactionInfo applies a received event
            applied = await js.call("applyReaction", id=mid, event=heard["index"])
            assert applied["after"][1]["count"] == applied["before"][1]["count"] + 1

            # ReactionsRequestBuilder: pages by cursor, then empty; filtered by reaction
            pages = (await js.call("fetchReactions", id=mid, limit=2, pages=3))["pages"]
            assert [[(r["uid"], r["reaction"]) for r in p] for p in pages] == [
                [(JS_UID, "😀"), (PY_UID, "😀")],
                [(PY_UID, "👍")],
                [],
            ]
            assert pages[0][0]["reactedBy"] == JS_UID and pages[0][0]["messageId"] == mid
            only = (await js.call("fetchReactions", id=mid, reaction="👍"))["pages"]
            assert [[r["uid"] for r in p] for p in only] == [[PY_UID]]
            reacted = (await js.call("fetchFiltered", uid=PY_UID, options={"hasReactions": True}))["messages"]
            assert [m["id"] for m in reacted] == [mid]

            removed = (await js.call("removeReaction", id=mid, reaction="😀"))["message"]
            assert removed["reactions"][0] == {"reaction": "😀", "count": 1, "reactedByMe": False}
            await brec.wait(lambda r: r.count("onMessageReactionRemoved") >= 1)
            # bad input: unknown message, reaction too long; nothing stored
            unknown = await attempt(js, "addReaction", id="999999", reaction="😀")
            assert (unknown["ok"], unknown["code"]) == (False, ErrorCode.MESSAGE_ID_NOT_FOUND)
            long = await attempt(js, "addReaction", id=mid, reaction="x" * 40)
            assert (long["ok"], long["code"]) == (False, ErrorCode.BAD_REQUEST)
            assert len((await js.call("details", id=mid))["message"]["reactions"]) == 2
            assert not js.seen("error")
            assert bob is not None
        finally:
            rest.close()
            js.close()


async def test_history_filters_of_the_official_sdk(plain_server: EmbeddedServer, tmp_path: Path) -> None:
    server = plain_server
    js = await started(server, tmp_path)
    rest = rest_for(server)
    try:
        two = rest.login(PY_UID)
        one = rest.login(JS_UID)

        def send(text: str, tags: list[str] | None = None) -> str:
            body: dict[str, Any] = {"receiver": JS_UID, "receiverType": "user", "data": {"text": text}}
            if tags:
                body["tags"] = tags
            return str(data(rest.call("POST", "/messages", token=two.token, json=body))["id"])

        plain = send("Hello world")
        link = send("see https://example.com/x", tags=["docs"])
        other = send("nothing here", tags=["misc"])
        custom = data(
            rest.call(
                "POST",
                "/messages",
                token=two.token,
                json={
                    "receiver": JS_UID,
                    "category": "custom",
                    "type": "poll",
                    "data": {"customData": {"q": 1}},
                },
            )
        )["id"]

        async def ids(**options: Any) -> list[str]:
            return [
                m["id"] for m in (await js.call("fetchFiltered", uid=PY_UID, options=options))["messages"]
            ]

        assert await ids(searchKeyword="WORLD") == [plain]
        assert await ids(searchKeyword="hé llo") == []
        assert await ids(hasLinks=True) == [link]
        assert await ids(tags=["docs", "misc"]) == [link, other]
        assert await ids(tags=["docs"], withTags=True) == [link]
        assert await ids(categories=["custom"]) == [custom]
        assert await ids(types=["poll"]) == [custom]
        assert await ids(hideQuotedMessages=True, hideMessagesFromBlockedUsers=True) == [
            plain,
            link,
            other,
            custom,
        ]
        assert await ids(attachmentTypes=["image"]) == []
        # updatesOnly + setUpdatedAfter: the edited message, even though it is old
        stamp = data(rest.call("GET", f"/messages/{custom}", token=one.token))["sentAt"]
        edited = data(
            rest.call("PUT", f"/messages/{plain}", token=two.token, json={"data": {"text": "Hello again"}})
        )
        assert edited["data"]["action"] == "edited"
        updates = (
            await js.call(
                "fetchFiltered",
                uid=PY_UID,
                next=True,
                options={"updatedAfter": stamp - 1, "updatesOnly": True},
            )
        )["messages"]
        assert [m["id"] for m in updates] == [plain]
        assert not js.seen("error")
    finally:
        rest.close()
        js.close()
