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
from urllib.parse import parse_qs, urlsplit

import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer

from .node_driver import MakePy, NodeDriver, python_clients, require_node
from .server.helpers import Login, Rest, data, error_code

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
