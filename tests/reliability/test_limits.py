"""Size limits are configurable (EmbeddedServer arguments and CLI flags) and enforced
with the documented answers: ERR_PAYLOAD_TOO_LARGE (HTTP 413) for REST bodies and
texts, close 1009 for socket frames, close 4002 for a socket that never authenticates."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from cometchat_nb.errors import ErrorCode

from .procs import ServerProcess

TIMEOUT = 10.0


def test_cli_limits_are_enforced(tmp_path: Path) -> None:
    srv = ServerProcess(
        tmp_path / "limits.sqlite",
        extra=("--max-frame-bytes", "1000", "--max-body-bytes", "2000", "--max-text-chars", "50",
               "--auth-timeout", "1"),
    )  # fmt: skip
    try:
        srv.start()
        with httpx.Client(base_url=srv.url + "/v3.0", timeout=TIMEOUT) as http:
            admin = {"appId": srv.app_id, "apiKey": srv.auth_key}
            token = http.post("/users/superhero1/auth_tokens", headers=admin, json={}).json()["data"][
                "authToken"
            ]
            me = http.put("/me", headers={"appId": srv.app_id, "authToken": token}, json={}).json()["data"]
            h = {"appId": srv.app_id, "authToken": token}
            send = {"receiver": "superhero2", "receiverType": "user", "category": "message", "type": "text"}
            ok = http.post("/messages", headers=h, json={**send, "data": {"text": "t" * 50}})
            assert ok.json()["data"]["data"]["text"] == "t" * 50
            long = http.post("/messages", headers=h, json={**send, "data": {"text": "t" * 51}})
            assert long.status_code == 413 and long.json()["error"]["code"] == ErrorCode.PAYLOAD_TOO_LARGE
            big = http.post("/messages", headers=h, content=json.dumps({**send, "pad": "p" * 2000}))
            assert big.status_code == 413 and big.json()["error"]["code"] == ErrorCode.PAYLOAD_TOO_LARGE
        ws_url = f"ws://127.0.0.1:{srv.ws_port}"
        with connect(ws_url, open_timeout=TIMEOUT) as ws:
            ws.send(json.dumps({"appId": srv.app_id, "type": "auth", "body": {"auth": me["jwt"]}}))
            assert json.loads(ws.recv(TIMEOUT))["body"]["status"] == "OK"
            ws.send(json.dumps({"type": "typing_indicator", "body": {"pad": "x" * 1000}}))
            with pytest.raises(ConnectionClosed) as info:
                ws.recv(TIMEOUT)
            assert info.value.rcvd is not None and info.value.rcvd.code == 1009
        with connect(ws_url, open_timeout=TIMEOUT) as ws, pytest.raises(ConnectionClosed) as info:
            ws.recv(TIMEOUT)  # never authenticates
        assert info.value.rcvd is not None and info.value.rcvd.code == 4002
    finally:
        srv.kill()
