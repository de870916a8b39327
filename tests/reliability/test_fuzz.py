"""Bad input: property-based fuzzing of the frame decoder, the REST handlers and the
WebSocket handler of a live server (≈11 500 generated cases, derandomized for CI).

Properties:

* the decoder is total on mutated and type-confused frames (a Frame or a
  ``ProtocolError``; extends ``tests/protocol``, which fuzzes fresh junk);
* REST: every answer is the documented envelope — ``{"data"}`` or
  ``{"error": {"code", "message"}}`` — never a 5xx, a traceback, the auth key or
  a token in an error; oversized bodies/fields get ``ERR_PAYLOAD_TOO_LARGE``;
* WebSocket, before and after auth: every refused frame gets one error frame
  (``type: "error"``, ``body.code``/``body.message``) or the socket is closed
  with a documented code (1009 frame too big, 4001 auth refused); the socket
  survives everything else;
* afterwards the server still answers a health request, a client connected all
  along still receives messages, and nothing was logged at ERROR.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import socket
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from cometchat_nb.errors import ErrorCode, ProtocolError
from cometchat_nb.protocol.codec import decode, decode_object
from cometchat_nb.protocol.frames import Ping
from cometchat_nb.server import EmbeddedServer

from ..support.strategies import decode_object_total, frame_like, touch

MAX_FRAME = 4096
MAX_BODY = 4096
MAX_TEXT = 100
TIMEOUT = 10.0
CODE_RE = re.compile(r"[A-Z][A-Z0-9_]*\Z")

# The server's thread sends websockets keepalive pings (random payloads) while hypothesis draws.
pytestmark = pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


# --------------------------------------------------------------------------------------
# a live server


class ErrorLog(logging.Handler):
    """Collects ERROR records of the server's loggers (an internal error is a bug)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Live:
    server: EmbeddedServer
    http: httpx.Client
    token: str
    jwt: str
    observer: ClientConnection
    errors: ErrorLog
    secrets: list[str] = field(default_factory=list)
    cases: int = 0

    def refresh_token(self) -> None:
        """The fuzzer may log its own user out (``DELETE me``): get a new token."""
        h = {"appId": self.server.app_id, "apiKey": self.server.auth_key}
        r = self.http.post("/v3.0/users/superhero1/auth_tokens", headers=h, json={})
        self.token = r.json()["data"]["authToken"]
        me = self.http.put(
            "/v3.0/me", headers={"appId": self.server.app_id, "authToken": self.token}, json={}
        )
        self.jwt = me.json()["data"]["jwt"]
        self.secrets += [self.token, self.jwt]

    def leaked(self, text: str) -> list[str]:
        return [s for s in self.secrets if s in text]

    def assert_healthy(self) -> None:
        """Health request, a message to the observer, no ERROR logged."""
        r = self.http.get(
            "/v3.0/users/superhero2",
            headers={"appId": self.server.app_id, "authToken": self.token},
        )
        if r.json().get("error", {}).get("code") == ErrorCode.AUTH_TOKEN_NOT_FOUND:
            self.refresh_token()
            return self.assert_healthy()
        assert r.json()["data"]["uid"] == "superhero2"
        sent = self.server.send_message("superhero3", "superhero2", "still alive?")["id"]
        for _ in range(1000):  # bounded: the observer may also see typing/receipts the fuzzer sent
            frame = orjson.loads(self.observer.recv(TIMEOUT))
            if frame.get("type") == "message" and frame["body"]["id"] == sent:
                break
        else:  # pragma: no cover
            raise AssertionError("the observer stopped receiving")
        assert not self.errors.records, [r.getMessage() for r in self.errors.records]


def _ws_open(url: str) -> ClientConnection:
    """A sync client socket with Nagle off (else each small frame after the first
    waits for the server's delayed ACK). Entered by hand: the caller closes it."""
    ws = connect(url, open_timeout=TIMEOUT, compression=None, max_size=2**22, ping_interval=None).__enter__()
    ws.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return ws


def _ws_login(server: EmbeddedServer, jwt: str, uid: str) -> ClientConnection:
    ws = _ws_open(server.ws_url)
    ws.send(json.dumps({"appId": server.app_id, "type": "auth", "sender": uid,
                        "body": {"auth": jwt, "deviceId": f"fuzz-{uid}"}}))  # fmt: skip
    answer = orjson.loads(ws.recv(TIMEOUT))
    assert answer["body"]["status"] == "OK", answer
    return ws


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    errors = ErrorLog()
    logger = logging.getLogger("cometchat_nb")
    logger.addHandler(errors)
    server = EmbeddedServer(
        max_frame_bytes=MAX_FRAME, max_body_bytes=MAX_BODY, max_text_chars=MAX_TEXT, auth_timeout=5.0
    )
    with server, httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
        h = {"appId": server.app_id, "apiKey": server.auth_key}
        token2 = http.post("/v3.0/users/superhero2/auth_tokens", headers=h, json={}).json()["data"][
            "authToken"
        ]
        h2 = {"appId": server.app_id, "authToken": token2}
        jwt2 = http.put("/v3.0/me", headers=h2, json={}).json()["data"]["jwt"]
        observer = _ws_login(server, jwt2, "superhero2")
        state = Live(server, http, "", "", observer, errors, secrets=[server.auth_key, token2, jwt2])
        state.refresh_token()
        for i in range(5):
            server.send_message("superhero1", "superhero2", f"seed {i}")
        try:
            yield state
        finally:
            observer.close()
            logger.removeHandler(errors)


# --------------------------------------------------------------------------------------
# the frame decoder: mutations of real frames

#: every value a type confusion may put anywhere in a frame
_confusions = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(
        [
            {},
            [],
            [[[[]]]],
            {"": None},
            10**30,
            -(10**30),
            1e308,
            "9" * 400,
            "²",
            "--5",
            "NaN",
            "user",
            "group",
        ]
    ),
)


@pytest.fixture(scope="module")
def corpus(live: Live) -> list[str]:
    """Real frames of every kind, captured from the live server and its clients."""
    server = live.server
    frames: list[str] = [PING, '{"action":"pong"}']
    h = {"appId": server.app_id, "authToken": live.token}
    with connect(server.ws_url, open_timeout=TIMEOUT, ping_interval=None) as ws:  # superhero1 again
        auth = {"appId": server.app_id, "type": "auth", "sender": "superhero1", "deviceId": "corpus",
                "body": {"auth": live.jwt, "deviceId": "corpus", "presenceSubscription": "ALL_USERS",
                         "roles": ["default"], "params": {"platform": "python"}}}  # fmt: skip
        frames.append(json.dumps(auth))
        ws.send(json.dumps(auth))
        text_body = {
            "receiver": "superhero2", "receiverType": "user", "category": "message", "type": "text",
            "data": {"text": "corpus", "metadata": {"k": [1, 2.5, None]}}, "tags": ["t"],
        }  # fmt: skip
        custom_body = {
            "receiver": "supergroup", "receiverType": "group", "category": "custom", "type": "poll",
            "data": {"customData": {"q": "?", "options": ["a", "b"]}},
        }  # fmt: skip
        sent = live.http.post("/v3.0/messages", headers=h, json=text_body).json()["data"]
        live.http.post("/v3.0/messages", headers=h, json=custom_body)
        live.http.put(f"/v3.0/messages/{sent['id']}", headers=h, json={"data": {"text": "edited"}})
        live.http.delete(f"/v3.0/messages/{sent['id']}", headers=h)
        server.create_group("corpus", members=["superhero2"])
        live.http.post("/v3.0/groups/corpus/members", headers=h, json={})
        typing = {"appId": server.app_id, "type": "typing_indicator", "receiver": "superhero2",
                  "receiverType": "user", "deviceId": "corpus", "body": {"action": "started"}}  # fmt: skip
        receipt = {"appId": server.app_id, "type": "receipts", "receiver": "superhero2",
                   "receiverType": "user", "messageSender": "superhero2", "deviceId": "corpus",
                   "body": {"action": "read", "messageId": "1", "timestamp": 1}}  # fmt: skip
        transient = {"appId": server.app_id, "type": "transient_message", "receiver": "superhero2",
                     "receiverType": "user", "deviceId": "corpus", "body": {"data": {"x": 1}}}  # fmt: skip
        for f in (typing, receipt, transient, {"type": "nonsense"}):
            frames.append(json.dumps(f))
            ws.send(json.dumps(f))
        ws.send(PING)
        for _ in range(100):  # bounded: until the pong that follows everything above
            raw = ws.recv(TIMEOUT)
            assert isinstance(raw, str)
            frames.append(raw)
            if orjson.loads(raw).get("action") == "pong":
                break
    frames.append(json.dumps({"type": "presence", "sender": "superhero2", "body": {
        "action": "online", "user": {"uid": "superhero2", "name": "Captain America", "status": "online"},
        "timestamp": 1}}))  # fmt: skip
    reaction = {"reaction": "+1", "messageId": "1", "uid": "x", "action": "message_reaction_added"}
    frames.append(json.dumps({"type": "reaction", "body": reaction}))
    kinds = {orjson.loads(f).get("type") for f in frames}
    assert {"auth", "message", "typing_indicator", "error"} <= kinds, kinds
    return frames


_mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "truncate", "dup"]),
        st.integers(0, 2**16),
        st.binary(min_size=1, max_size=3) | st.sampled_from([b'"', b"{", b"]", b"\\u", b"\\"]),
    ),
    min_size=1,
    max_size=4,
)


def _mutate(frame: str, mutations: list[tuple[str, int, bytes]]) -> bytes:
    data = bytearray(frame.encode())
    for op, where, extra in mutations:
        if not data:
            break
        i = where % len(data)
        if op == "flip":
            data[i] = extra[0]
        elif op == "insert":
            data[i:i] = extra
        elif op == "delete":
            del data[i : i + 1 + extra[0] % 8]
        elif op == "truncate":
            del data[i:]
        else:
            data[i:i] = data[i : i + 1 + extra[0] % 16]
    return bytes(data)


def _decode_total(data: str | bytes) -> None:
    try:
        frame = decode(data)
    except ProtocolError as exc:
        assert exc.code == ErrorCode.PROTOCOL_ERROR and exc.message and len(exc.message) < 1000
        return
    touch(frame)


def test_decoder_total_on_mutated_frames(corpus: list[str]) -> None:
    @settings(FUZZ, max_examples=3000)
    @given(st.integers(0, 2**16), _mutations)
    def run(pick: int, mutations: list[tuple[str, int, bytes]]) -> None:
        data = _mutate(corpus[pick % len(corpus)], mutations)
        _decode_total(data)
        try:
            text = data.decode()
        except UnicodeDecodeError:
            return
        _decode_total(text)

    run()


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


def test_decoder_total_on_type_confused_frames(corpus: list[str]) -> None:
    """One value anywhere in a real frame replaced by a value of another type."""
    parsed = [orjson.loads(f) for f in corpus]
    paths = [list(_paths(obj)) for obj in parsed]

    @settings(FUZZ, max_examples=2500)
    @given(st.integers(0, 2**16), st.integers(0, 2**16), _confusions)
    def run(pick: int, where: int, replacement: Any) -> None:
        i = pick % len(parsed)
        obj = orjson.loads(corpus[i])  # a fresh copy
        path = paths[i][where % len(paths[i])]
        if path:
            target = obj
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = replacement
        else:
            obj = replacement
        decode_object_total(obj)
        _decode_total(json.dumps(obj))

    run()


# --------------------------------------------------------------------------------------
# REST

SEGMENTS = (
    "users", "me", "messages", "groups", "members", "settings", "user_sessions", "auth_tokens",
    "friends", "v1", "ping", "v3.0", "superhero1", "superhero2", "supergroup", "1", "2", "0", "-1",
    "99999999999999999999", "thread", "conversations", "..", "%2e%2e",
)  # fmt: skip
REST_KEYS = (
    "receiver", "receiverType", "category", "type", "data", "text", "customData", "metadata", "tags",
    "muid", "parentId", "uid", "name", "avatar", "link", "role", "statusMessage", "withAuthToken",
    "guid", "password", "description", "icon", "accepted", "platform", "deviceId", "appInfo",
)  # fmt: skip
QUERY_KEYS = ("per_page", "page", "affix", "id", "sentAt", "searchKey", "status", "categories", "types",
              "hideDeleted", "hasJoined")  # fmt: skip

_small_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_segment = st.sampled_from(SEGMENTS) | _small_text.map(lambda s: urllib.parse.quote(s, safe=""))
_rest_values = _confusions | st.sampled_from(
    ["superhero1", "superhero2", "supergroup", "user", "group", "text", "custom", "message", "public",
     "private", "password", "1", {"text": "hi"}, {"customData": {"a": 1}}, ["superhero3"], {"k": {"k": {}}}]
)  # fmt: skip
_rest_objects = st.dictionaries(st.sampled_from(REST_KEYS), _rest_values, max_size=6)
_huge_text = st.integers(MAX_TEXT + 1, 3 * MAX_TEXT).map(lambda n: "a" * n)


def _json(obj: Any) -> bytes:
    return json.dumps(obj).encode()  # NaN/Infinity literals and huge integers included


#: a valid body for every endpoint that takes one; the fuzzer bends one field at a time
_BODIES: list[dict[str, Any]] = [
    {"receiver": "superhero2", "receiverType": "user", "category": "message", "type": "text",
     "data": {"text": "hi", "metadata": {"a": 1}}, "text": "hi", "muid": "m1", "tags": ["x"]},
    {"receiver": "supergroup", "receiverType": "group", "category": "custom", "type": "poll",
     "data": {"customData": {"q": 1}}},
    {"receiver": "superhero2", "receiverType": "user", "parentId": "1", "data": {"text": "reply"}},
    {"data": {"text": "edited", "metadata": {}}, "tags": []},
    {"uid": "fuzzuser", "name": "Fuzz", "avatar": "a", "link": "l", "role": "r", "statusMessage": "s",
     "metadata": {}, "tags": ["t"], "withAuthToken": True},
    {"guid": "fuzzgroup", "name": "G", "type": "password", "password": "pw", "description": "d", "icon": "i",
     "metadata": {}, "tags": []},
    {"type": "public", "password": "pw"},
    {"accepted": ["superhero3"]},
    {"platform": "WEB", "deviceId": "d", "appInfo": {"version": "1"}},
]  # fmt: skip


def _bend(base: int, key: str, value: Any, drop: bool) -> tuple[bytes, str]:
    body = json.loads(json.dumps(_BODIES[base % len(_BODIES)]))
    target = body["data"] if key.startswith("data.") and isinstance(body.get("data"), dict) else body
    name = key.removeprefix("data.")
    if drop:
        target.pop(name, None)
    else:
        target[name] = value
    return _json(body), "application/json"


def _cut(base: int, at: int, tail: bytes) -> tuple[bytes, str]:
    good = _json(_BODIES[base % len(_BODIES)])
    return good[: at % len(good)] + tail, "application/json"


_indices = st.integers(0, 2**16)
rest_bodies: st.SearchStrategy[tuple[bytes | None, str | None]] = st.one_of(
    st.just((None, None)),
    st.builds(
        _bend,
        _indices,
        st.sampled_from([*REST_KEYS, "data.text", "data.customData", "data.metadata", "data"]),
        _rest_values | _huge_text,
        st.booleans(),
    ),
    st.builds(_bend, _indices, st.sampled_from(REST_KEYS), _rest_values, st.just(False)),
    st.builds(lambda v: (_json(v), "application/json"), _rest_values),  # not an object
    st.tuples(st.binary(max_size=48), st.sampled_from(["application/json", "text/plain", None])),
    st.builds(_cut, _indices, _indices, st.sampled_from([b"", b"}", b",", b"\x00", b"\xff", b"NaN"])),
    st.builds(
        lambda key, n: (_json({key: "x" * n}), "application/json"),
        st.sampled_from(["name", "uid", "guid", "muid", "statusMessage", "text"]),
        st.integers(256, MAX_BODY - 64),
    ),
    st.integers(MAX_BODY + 1, 3 * MAX_BODY).map(
        lambda n: (b'{"text":"' + b"y" * n + b'"}', "application/json")
    ),  # oversized
)


_TEMPLATES = (
    "users", "users/{u}", "users/{u}/messages", "users/{u}/auth_tokens", "users/{u}/friends", "me",
    "settings", "user_sessions", "v1/ping", "messages", "messages/{m}", "messages/{m}/thread",
    "groups", "groups/{g}", "groups/{g}/members", "groups/{g}/members/{u}", "groups/{g}/messages",
    "conversations", "{x}", "{x}/{x}", "users/{x}/{x}",
)  # fmt: skip
_FILL = {
    "u": ("superhero1", "superhero2", "nobody", "", "a" * 101, "%0A", "..", "%2F", "%00", "🙂"),
    "m": ("1", "2", "0", "-1", "99999999999999999999", "1.5", "abc", "%20", ""),
    "g": ("supergroup", "corpus", "ghost", "a" * 101, "%0D%0A", "."),
    "x": ("v3.0", "users", "%ff", "..", "me", "%25", "a;b", "x" * 300),
}
_PATHS = sorted(
    {
        prefix + t.format(u=u, m=m, g=g, x=x)
        for prefix in ("/v3.0/", "/")
        for t in _TEMPLATES
        for u, m, g, x in zip(_FILL["u"], _FILL["m"] * 2, _FILL["g"] * 2, _FILL["x"] * 2, strict=False)
    }
    | {"/v3.0", "/", "//", "/v3.0//users", "/v1/", "/v3.0/users?x=1"}
)
_QUERIES = [
    {},
    *({k: v} for k in QUERY_KEYS for v in ("", "0", "-1", "1", "101", "9" * 30, "x", "append")),
    {"per_page": "1", "affix": "append", "id": "1"},
    {"per_page": "100", "affix": "prepend", "sentAt": "1", "categories": "message,custom", "types": "text"},
    {"searchKey": "%_\\", "status": "online", "page": "2"},
]
_HEADERS = [
    *itertools.product(
        ("ok", "ok", "ok", "missing", "wrong"),  # appId
        ("ok", "ok", "missing", "wrong", "jwt"),  # authToken
        ("missing", "missing", "ok", "wrong"),  # apiKey
        ({}, {}, {"resource": "fuzz-device"}, {"sdk": "x@1"}, {"X-Junk": "a b c"}, {"Accept": "text/html"}),
    ),
    # requests that pass authentication reach the handlers: most of the rest
    *[("ok", "ok", "missing", {})] * 300,
    *[("ok", "ok", "missing", {"resource": "fuzz-device"})] * 100,
    *[("ok", "missing", "ok", {})] * 100,
]


def _request(
    method: str, path: str, query: dict[str, str], head: tuple[Any, ...], body: Any
) -> dict[str, Any]:
    app_id, token, api_key, extra = head
    raw, ctype = body
    return {"method": method, "path": path, "query": query, "app_id": app_id, "token": token,
            "api_key": api_key, "extra": extra, "body": raw, "content_type": ctype}  # fmt: skip


rest_requests = st.builds(
    _request,
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"]),
    st.sampled_from(_PATHS) | _segment.map(lambda seg: "/v3.0/" + seg),
    st.sampled_from(_QUERIES),
    st.sampled_from(_HEADERS),
    rest_bodies,
)


def _headers(live: Live, req: dict[str, Any]) -> dict[str, str]:
    h: dict[str, str] = dict(req["extra"])
    if req["app_id"] == "ok":
        h["appId"] = live.server.app_id
    elif req["app_id"] == "wrong":
        h["appId"] = "not-" + live.server.app_id
    if req["token"] == "ok":
        h["authToken"] = live.token
    elif req["token"] == "wrong":
        h["authToken"] = "t" * 43
    elif req["token"] == "jwt":
        h["authToken"] = live.jwt
    if req["api_key"] == "ok":
        h["apiKey"] = live.server.auth_key
    elif req["api_key"] == "wrong":
        h["apiKey"] = "k" + live.server.auth_key
    if req["content_type"] is not None:
        h["Content-Type"] = req["content_type"]
    return h


#: codes a request gets before its body is read (so an oversized body is not reached)
REFUSED_BEFORE_BODY = frozenset(
    {
        ErrorCode.ENDPOINT_NOT_FOUND, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.EMPTY_APPID,
        ErrorCode.INVALID_APPID, ErrorCode.EMPTY_AUTH_TOKEN, ErrorCode.AUTH_TOKEN_NOT_FOUND,
        ErrorCode.EMPTY_APIKEY, ErrorCode.APIKEY_NOT_FOUND,
    }
)  # fmt: skip


def test_rest_handlers_answer_the_envelope_for_any_request(live: Live) -> None:
    @settings(FUZZ, max_examples=3000)
    @given(rest_requests)
    def run(req: dict[str, Any]) -> None:
        live.cases += 1
        r = live.http.request(
            req["method"], req["path"], params=req["query"], headers=_headers(live, req), content=req["body"]
        )
        assert r.status_code < 500, f"{r.status_code} for {req}: {r.text[:300]}"
        if req["method"] == "HEAD" or (req["method"] == "OPTIONS" and r.status_code == 204):
            return
        text = r.text
        assert "Traceback" not in text and 'File "' not in text, text[:300]
        body = r.json()
        assert isinstance(body, dict) and (set(body) in ({"data"}, {"data", "meta"}, {"error"})), body
        if "error" in body:
            err = body["error"]
            assert set(err) == {"code", "message"}, err
            assert isinstance(err["code"], str) and CODE_RE.match(err["code"]), err
            assert isinstance(err["message"], str) and 0 < len(err["message"]) < 1000, err
            assert err["code"] != ErrorCode.INTERNAL, (req, err)
            assert not live.leaked(text), (req, live.leaked(text))
            if err["code"] == ErrorCode.AUTH_TOKEN_NOT_FOUND and req["token"] == "ok":
                live.refresh_token()  # the fuzzer logged itself out (DELETE me)
        else:
            assert 200 <= r.status_code < 300
            assert live.server.auth_key not in text
        oversized = (
            req["body"] is not None and len(req["body"]) > MAX_BODY and req["method"] in ("POST", "PUT")
        )
        if oversized and "error" in body and body["error"]["code"] not in REFUSED_BEFORE_BODY:
            assert body["error"]["code"] == ErrorCode.PAYLOAD_TOO_LARGE, (req["path"], body)

    run()
    live.assert_healthy()


def test_rest_size_limits_answer_payload_too_large(live: Live) -> None:
    h = {"appId": live.server.app_id, "authToken": live.token}
    send = {"receiver": "superhero2", "receiverType": "user", "category": "message", "type": "text"}
    r = live.http.post("/v3.0/messages", headers=h, json={**send, "data": {"text": "t" * (MAX_TEXT + 1)}})
    assert r.status_code == 413 and r.json()["error"]["code"] == ErrorCode.PAYLOAD_TOO_LARGE
    assert str(MAX_TEXT) in r.json()["error"]["message"]
    r = live.http.post("/v3.0/messages", headers=h, content=b'{"x":"' + b"z" * MAX_BODY + b'"}')
    assert r.status_code == 413 and r.json()["error"]["code"] == ErrorCode.PAYLOAD_TOO_LARGE
    assert str(MAX_BODY) in r.json()["error"]["message"]
    ok = live.http.post("/v3.0/messages", headers=h, json={**send, "data": {"text": "t" * MAX_TEXT}})
    assert ok.json()["data"]["data"]["text"] == "t" * MAX_TEXT


#: aiohttp's limit for a request line or header (the request never reaches the API; plain 400)
HTTP_LINE_LIMIT = 8190
#: numbers at and past the edges of SQLite's 64-bit integers, and strings int() still takes
EXTREMES = ("9" * 30, str(2**63), str(2**63 - 1), "-1", "0", "1e3", "0x10", "１２", " 7 ", "9" * 5000)


def test_rest_numeric_extremes_in_every_id_and_query(live: Live) -> None:
    """Every route with every path placeholder and every numeric query parameter set to
    each extreme: a clear answer, never a 5xx (SQLite takes only 64-bit integers)."""
    routes = live.server._call(lambda core: [(r.method, r.parts) for r in core._routes])
    h = {"appId": live.server.app_id, "authToken": live.token, "apiKey": live.server.auth_key}
    checked = 0
    for method, parts in routes:
        for value in EXTREMES:
            path = "/v3.0/" + "/".join(
                urllib.parse.quote(value if p.startswith("{") else p, safe="") for p in parts
            )
            queries: list[dict[str, str]] = [{}]
            if method == "GET":
                queries += [{key: value} for key in QUERY_KEYS]
            for query in queries:
                body = None if method in ("GET", "DELETE") else _BODIES[0]
                r = live.http.request(method, path, params=query, headers=h, json=body)
                assert r.status_code < 500, (method, path, query, r.text[:200])
                if len(str(r.request.url.raw_path)) > HTTP_LINE_LIMIT:
                    # the HTTP layer refuses a request line over 8 KiB before the API sees it
                    assert r.status_code == 400 and r.text.startswith("Got more than"), r.text[:100]
                    checked += 1
                    continue
                envelope = r.json()
                assert set(envelope) in ({"data"}, {"data", "meta"}, {"error"}), envelope
                checked += 1
                if envelope.get("error", {}).get("code") == ErrorCode.AUTH_TOKEN_NOT_FOUND:
                    live.refresh_token()
                    h["authToken"] = live.token
    assert checked > 500
    live.assert_healthy()


# --------------------------------------------------------------------------------------
# WebSocket

_huge_frames = st.integers(MAX_FRAME + 1, 3 * MAX_FRAME).map(
    lambda n: '{"type":"typing_indicator","receiver":"superhero2","body":{"pad":"' + "a" * n + '"}}'
)
_junk_frames: st.SearchStrategy[str | bytes] = st.one_of(
    st.text(max_size=40),
    st.binary(max_size=40),
    st.sampled_from(['{"type":', "{}", "[]", "null", '{"action":"ping"', '{"type":null}', "\x00", " "]),
    _rest_values.map(lambda v: json.dumps(v)),
    _huge_frames,
)


def ws_frames(corpus: list[str]) -> st.SearchStrategy[str | bytes]:
    """Real frames with one value confused, mutated real frames, junk and huge frames."""
    parsed = [orjson.loads(f) for f in corpus]
    paths = [list(_paths(obj)) for obj in parsed]

    def confuse(pick: int, where: int, replacement: Any) -> str:
        i = pick % len(parsed)
        obj = orjson.loads(corpus[i])
        path = paths[i][where % len(paths[i])]
        if not path:
            return json.dumps(replacement)
        target = obj
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = replacement
        return json.dumps(obj)

    confused = st.builds(confuse, st.integers(0, 2**16), st.integers(0, 2**16), _rest_values)
    mutated = st.builds(
        lambda pick, m: _mutate(corpus[pick % len(corpus)], m), st.integers(0, 2**16), _mutations
    )
    shaped = frame_like.map(lambda f: json.dumps(f))  # slower to draw: a small share
    return st.one_of(confused, confused, mutated, _junk_frames, shaped)


PING = '{"action":"ping","ack":"true"}'
#: close codes the server documents for a socket it gives up on
CLOSE_CODES = {1009: "frame too big", 4001: "auth refused", 1008: "policy"}


def _check_error_frame(live: Live, frame: dict[str, Any]) -> None:
    assert frame.get("type") == "error", frame
    body = frame["body"]
    assert isinstance(body["code"], str) and CODE_RE.match(body["code"]), frame
    assert isinstance(body["message"], str) and 0 < len(body["message"]) < 1000, frame
    assert body["code"] != ErrorCode.INTERNAL, frame
    assert not live.leaked(json.dumps(frame)), frame


def _pongs_due(frames: list[str | bytes], authed: bool) -> int:
    """How many of ``frames`` the server answers with a pong (it parses exactly so)."""
    due = 0
    for f in frames:
        if isinstance(f, bytes):
            continue
        try:
            obj = orjson.loads(f)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(obj, dict):
            continue
        if not authed:
            due += obj.get("action") == "ping" and "type" not in obj
            continue
        if "type" in obj and obj.get("sender") is None:
            obj["sender"] = "superhero1"
        try:
            due += isinstance(decode_object(obj), Ping)
        except ProtocolError:
            pass
    return due


def _exchange(live: Live, ws: ClientConnection, frames: list[str | bytes], *, authed: bool) -> int | None:
    """Send ``frames`` then a ping; check every answer up to that ping's pong.

    Returns ``None`` if the socket is still open, else the close code."""
    try:
        for f in frames:
            ws.send(f)
        ws.send(PING)
        pongs = _pongs_due(frames, authed) + 1
        answers = 0
        seen: list[Any] = []
        for _ in range(2 * len(frames) + 10):
            frame = orjson.loads(ws.recv(TIMEOUT))
            seen.append(frame)
            if frame.get("action") == "pong":
                pongs -= 1
                if pongs == 0:
                    assert answers <= len(frames), f"more answers than frames: {seen}"
                    return None
                continue
            if frame.get("type") == "auth":  # a refused auth frame is answered, then closed
                assert frame["body"]["status"] == "ERROR"
                assert not live.leaked(json.dumps(frame)), frame
            elif frame.get("type") in ("typing_indicator", "receipts", "transient_message", "message"):
                continue  # fan-out caused by the REST fuzzing (this socket's user is in groups)
            else:
                _check_error_frame(live, frame)
            answers += 1
        raise AssertionError(f"no pong: {seen}")
    except ConnectionClosed as exc:
        code = exc.rcvd.code if exc.rcvd is not None else None
        assert code in CLOSE_CODES, f"closed with {code} ({exc}) after {frames!r:.300}"
        return code


def test_ws_handler_after_auth_survives_any_frames(live: Live, corpus: list[str]) -> None:
    state: dict[str, ClientConnection] = {"ws": _ws_login(live.server, live.jwt, "superhero1")}
    closes: dict[int, int] = {}

    @settings(FUZZ, max_examples=2000)
    @given(st.lists(ws_frames(corpus), min_size=1, max_size=3))
    def run(frames: list[str | bytes]) -> None:
        live.cases += 1
        code = _exchange(live, state["ws"], frames, authed=True)
        if code is not None:
            closes[code] = closes.get(code, 0) + 1
            too_big = any(len(f) > MAX_FRAME for f in frames)
            assert code == 1009 and too_big, (code, frames)
            state["ws"] = _ws_login(live.server, live.jwt, "superhero1")

    try:
        run()
    finally:
        state["ws"].close()
    assert closes.get(1009, 0) >= 1  # huge frames were tried, and refused with 1009
    live.assert_healthy()


def test_ws_handler_before_auth_survives_any_frames(live: Live, corpus: list[str]) -> None:
    closes: dict[int, int] = {}

    @settings(FUZZ, max_examples=1000)
    @given(st.lists(ws_frames(corpus), min_size=1, max_size=3))
    def run(frames: list[str | bytes]) -> None:
        live.cases += 1
        with _ws_open(live.server.ws_url) as ws:
            code = _exchange(live, ws, frames, authed=False)
        if code is not None:
            closes[code] = closes.get(code, 0) + 1
            if code == 4001:
                assert any('"auth"' in (f if isinstance(f, str) else "") for f in frames), frames

    run()
    assert closes.get(4001, 0) >= 1 and closes.get(1009, 0) >= 1, closes
    live.assert_healthy()
