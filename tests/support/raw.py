"""A raw client of the embedded server: REST calls with the SDK's headers and a
WebSocket client that waits on frames with a bound (never a sleep).

The server tests and the reliability tests speak the wire with these, below
the SDK (``Rest.login`` gets a token and a JWT; ``Sock.login`` authenticates a
socket with them)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cometchat_nb.server import EmbeddedServer

__all__ = ["JSON", "TIMEOUT", "Login", "Rest", "Sock", "auth_frame", "data", "error_code", "headers"]

#: bound of one REST call or one socket read
TIMEOUT = 5.0
JSON = dict[str, Any]


def headers(
    server: EmbeddedServer,
    *,
    token: str | None = None,
    api_key: str | None = None,
    resource: str | None = None,
    app_id: str | None = "default",
) -> dict[str, str]:
    h = {"sdk": "python@test", "Accept": "application/json"}
    if app_id == "default":
        h["appId"] = server.app_id
    elif app_id is not None:
        h["appId"] = app_id
    if token is not None:
        h["authToken"] = token
    if api_key is not None:
        h["apiKey"] = api_key
    if resource is not None:
        h["resource"] = resource
    return h


def data(resp: httpx.Response) -> Any:
    body = resp.json()
    assert "data" in body, f"expected a data envelope, got {resp.status_code} {body}"
    return body["data"]


def error_code(resp: httpx.Response) -> str:
    body = resp.json()
    assert "error" in body and "data" not in body, f"expected an error envelope, got {body}"
    assert set(body["error"]) >= {"code", "message"}
    return str(body["error"]["code"])


class Rest:
    """Synchronous REST access to a server (base ``/v3.0``)."""

    def __init__(self, server: EmbeddedServer, verify: Any = True) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=TIMEOUT, verify=verify)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Rest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        admin: bool = False,
        json: Any = None,
        params: dict[str, Any] | None = None,
        resource: str | None = None,
        prefix: str = "/v3.0",
        **kw: Any,
    ) -> httpx.Response:
        h = headers(
            self.server, token=token, api_key=self.server.auth_key if admin else None, resource=resource
        )
        h.update(kw.pop("extra_headers", {}))
        return self.http.request(method, prefix + path, headers=h, json=json, params=params, **kw)

    def login(self, uid: str, resource: str | None = None) -> Login:
        token = data(self.call("POST", f"/users/{uid}/auth_tokens", admin=True, json={"platform": "WEB"}))[
            "authToken"
        ]
        me = data(self.call("PUT", "/me", token=token, json={}))
        return Login(uid=uid, token=token, jwt=me["jwt"], me=me, resource=resource or f"dev-{uid}")

    def send_text(self, who: Login, receiver: str, text: str, receiver_type: str = "user") -> JSON:
        body = {
            "receiver": receiver,
            "receiverType": receiver_type,
            "category": "message",
            "type": "text",
            "data": {"text": text},
            "text": text,
        }
        return data(self.call("POST", "/messages", token=who.token, json=body, resource=who.resource))


@dataclass
class Login:
    uid: str
    token: str
    jwt: str
    me: JSON
    resource: str


def auth_frame(
    app_id: str,
    login: Login,
    *,
    subscription: str = "NONE",
    roles: list[str] | None = None,
    jwt: str | None = None,
    sender: str | None = "same",
) -> JSON:
    body: JSON = {
        "auth": jwt if jwt is not None else login.jwt,
        "deviceId": login.resource,
        "presenceSubscription": subscription,
        "params": {"platform": "python"},
    }
    if roles is not None:
        body["roles"] = roles
    frame: JSON = {"appId": app_id, "deviceId": login.resource, "type": "auth", "body": body}
    if sender == "same":
        frame["sender"] = login.uid
    elif sender is not None:
        frame["sender"] = sender
    return frame


class Sock:
    """A test WebSocket client. ``expect`` reads until a matching frame arrives
    (bounded by a timeout); ``sync`` returns every frame that arrived before the
    answer to a ping, which proves what was (not) received so far."""

    def __init__(self, ws: ClientConnection, server: EmbeddedServer) -> None:
        self.ws = ws
        self.server = server
        self.seen: list[JSON] = []

    @classmethod
    async def open(cls, server: EmbeddedServer, ssl_ctx: ssl.SSLContext | None = None, **kw: Any) -> Sock:
        ws = await connect(server.ws_url, ssl=ssl_ctx, open_timeout=TIMEOUT, compression=None, **kw)
        return cls(ws, server)

    @classmethod
    async def login(cls, server: EmbeddedServer, login: Login, **kw: Any) -> Sock:
        sock = await cls.open(server)
        result = await sock.auth(login, **kw)
        assert result["body"] == {"code": "200", "status": "OK"}, result
        return sock

    async def auth(self, login: Login, **kw: Any) -> JSON:
        await self.send(auth_frame(self.server.app_id, login, **kw))
        return await self.expect(lambda f: f.get("type") == "auth")

    async def send(self, obj: Any) -> None:
        await self.ws.send(orjson.dumps(obj).decode())

    async def recv(self, timeout: float = TIMEOUT) -> JSON:
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        frame = orjson.loads(raw)
        assert isinstance(frame, dict)
        return frame

    async def expect(self, pred: Callable[[JSON], bool] | str, timeout: float = TIMEOUT) -> JSON:
        match = (lambda f: f.get("type") == pred) if isinstance(pred, str) else pred
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.recv(timeout)
                self.seen.append(frame)
                if match(frame):
                    return frame

    async def sync(self, timeout: float = TIMEOUT) -> list[JSON]:
        """Ping and collect every frame received before the pong."""
        await self.send({"action": "ping", "ack": "true"})
        before: list[JSON] = []
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.recv(timeout)
                if frame.get("action") == "pong":
                    return before
                before.append(frame)

    async def closed(self, timeout: float = TIMEOUT) -> tuple[int | None, str]:
        """Wait until the server closes the socket; returns (code, reason)."""
        async with asyncio.timeout(timeout):
            try:
                while True:
                    await self.ws.recv()
            except ConnectionClosed as exc:
                rcvd = exc.rcvd
                return (rcvd.code, rcvd.reason) if rcvd is not None else (None, "")

    async def close(self) -> None:
        await self.ws.close()
