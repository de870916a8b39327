"""Threads, reactions and media over real HTTP: the multipart body as the JS SDK
sends it, encoded path segments, file access tokens, and the settings that
advertise the upload limits."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import httpx
import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.server import EmbeddedServer
from cometchat_nb.server.cli import build_parser

from ..support.raw import Login, Rest, data, error_code


@pytest.fixture
def small() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(auth_timeout=2.0, max_upload_bytes=64, max_body_bytes=2048) as srv:
        yield srv


def form(receiver: str, message_type: str = "file", **more: str) -> dict[str, str]:
    return {"receiver": receiver, "receiverType": "user", "category": "message", "type": message_type, **more}


def upload(
    rest: Rest, who: Login, files: list[tuple[str, tuple[str, bytes, str]]], **fields: str
) -> httpx.Response:
    return rest.call("POST", "/messages", token=who.token, data=form("superhero2", **fields), files=files)


def test_multipart_body_as_the_sdk_sends_it(small: EmbeddedServer) -> None:
    with Rest(small) as rest:
        one = rest.login("superhero1")
        files = [
            ("files[]", ("a.txt", b"one", "text/plain")),
            ("files[]", ("b.csv", b"x,y", "text/csv")),
        ]
        fields = {"data": '{"text":"two files","metadata":{"m":1}}', "caption": "two files", "muid": "u-1"}
        r = rest.call(
            "POST",
            "/messages",
            token=one.token,
            data={**form("superhero2"), **fields, "tags[]": ["t1", "t2"]},
            files=files,
        )
        msg = data(r)
        assert [a["name"] for a in msg["data"]["attachments"]] == ["a.txt", "b.csv"]
        assert (msg["data"]["text"], msg["data"]["metadata"], msg["tags"], msg["muid"]) == (
            "two files",
            {"m": 1},
            ["t1", "t2"],
            "u-1",
        )
        # a reply with a file goes to the thread route, multipart too
        reply = data(
            rest.call(
                "POST",
                f"/messages/{msg['id']}/thread",
                token=one.token,
                data={**form("superhero2"), "parentMessageId": msg["id"]},
                files=[("files[]", ("c.txt", b"3", "text/plain"))],
            )
        )
        assert reply["parentId"] == msg["id"]
        # the file is served with its type, to a reader with an authToken or the fat of PUT me
        path = urlsplit(msg["data"]["attachments"][1]["url"]).path
        got = rest.http.get(path, headers={"authToken": one.token})  # no appId needed
        assert (got.status_code, got.content, got.headers["content-type"]) == (200, b"x,y", "text/csv")
        assert "b.csv" in got.headers["content-disposition"]
        fat = one.me["fat"]
        assert rest.http.get(path, params={"fat": fat}).content == b"x,y"
        assert error_code(rest.http.get(path, params={"fat": fat + "x"})) == ErrorCode.AUTH_TOKEN_NOT_FOUND
        assert error_code(rest.http.get(path)) == ErrorCode.EMPTY_AUTH_TOKEN
        assert error_code(rest.http.get("/v3.0/media/" + "0" * 32 + ".txt", params={"fat": fat})) == (
            ErrorCode.ENDPOINT_NOT_FOUND
        )
        assert (
            error_code(rest.http.get("/v3.0/media/../etc", params={"fat": fat}))
            == ErrorCode.ENDPOINT_NOT_FOUND
        )


def test_multipart_refusals_store_nothing(small: EmbeddedServer) -> None:
    with Rest(small) as rest:
        one = rest.login("superhero1")
        before = small.stats()["messages"]
        too_big = upload(rest, one, [("files[]", ("big.bin", b"x" * 65, "application/octet-stream"))])
        assert error_code(too_big) == ErrorCode.FILE_SIZE_EXCEEDED and too_big.status_code == 413
        many = [("files[]", (f"{i}.txt", b"x", "text/plain")) for i in range(11)]
        assert error_code(upload(rest, one, many)) == ErrorCode.FILE_COUNT_EXCEEDED
        long_field = upload(rest, one, [("files[]", ("a.txt", b"x", "text/plain"))], caption="c" * 3000)
        assert error_code(long_field) == ErrorCode.PAYLOAD_TOO_LARGE
        bad_json = upload(rest, one, [("files[]", ("a.txt", b"x", "text/plain"))], data="{nope")
        assert error_code(bad_json) == ErrorCode.BAD_REQUEST
        wrong_kind = upload(rest, one, [("files[]", ("a.txt", b"x", "text/plain"))], message_type="video")
        assert error_code(wrong_kind) == ErrorCode.BAD_REQUEST
        broken = rest.call(
            "POST",
            "/messages",
            token=one.token,
            content=b'--zz\r\nContent-Disposition: form-data; name="x"\r\n\r\nunterminated',
            extra_headers={"Content-Type": "multipart/form-data; boundary=zz"},
        )
        assert error_code(broken) == ErrorCode.BAD_REQUEST
        assert small.stats()["messages"] == before


def test_settings_advertise_the_upload_limits_and_media_host(small: EmbeddedServer) -> None:
    with Rest(small) as rest:
        settings = rest.login("superhero1").me["settings"]
        assert settings["file.size.max"] == 64 and settings["file.count.max"] == 10
        assert settings["SECURED_MEDIA_HOST"] == f"127.0.0.1:{small.port}/v3.0/media/"
    args = build_parser().parse_args(["serve", "--max-upload-bytes", "123"])
    assert args.max_upload_bytes == 123
    with pytest.raises(ValueError, match="max_upload_bytes"):
        EmbeddedServer(max_upload_bytes=0)


def test_reaction_path_segments_are_decoded_after_splitting(rest: Rest) -> None:
    one, two = rest.login("superhero1"), rest.login("superhero2")
    m = rest.send_text(one, "superhero2", "hi")
    for reaction in ("a/b", "😀", "100%"):
        data(rest.call("POST", f"/messages/{m['id']}/reactions/{quote(reaction, safe='')}", token=two.token))
    got = data(rest.call("GET", f"/messages/{m['id']}", token=two.token))
    assert [r["reaction"] for r in got["data"]["reactions"]] == ["a/b", "😀", "100%"]
    listed = rest.call("GET", f"/messages/{m['id']}/reactions/{quote('a/b', safe='')}", token=one.token)
    assert [r["uid"] for r in data(listed)] == ["superhero2"]
    assert listed.json()["meta"]["next"]["affix"] == "append"
    gone = data(
        rest.call("DELETE", f"/messages/{m['id']}/reactions/{quote('a/b', safe='')}", token=two.token)
    )
    assert [r["reaction"] for r in gone["data"]["reactions"]] == ["😀", "100%"]
    r = rest.call("GET", f"/messages/{m['id']}/reactions", token=one.token, params={"affix": "sideways"})
    assert error_code(r) == ErrorCode.BAD_REQUEST
