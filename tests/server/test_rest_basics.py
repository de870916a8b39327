"""REST conventions: routing (root and /v3.0), envelopes, credentials, CORS, limits."""

from __future__ import annotations

import base64
import hashlib

import orjson
import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.protocol.rest import SETTINGS_TLS_KEY, ServerSettings
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Rest, data, error_code, headers


def test_login_flow_at_root_then_versioned(server: EmbeddedServer, rest: Rest) -> None:
    # The JS SDK calls the override host's root first (protocol.md §2.2).
    r = rest.call("POST", "/users/superhero1/auth_tokens", admin=True, prefix="", json={"platform": "WEB"})
    assert r.status_code == 200
    user = data(r)
    assert user["uid"] == "superhero1" and user["name"] == "Iron Man"
    token = user["authToken"]
    assert len(token) >= 40
    me = data(rest.call("PUT", "/me", token=token, prefix="", json={"platform": "WEB", "deviceId": "d"}))
    assert me["uid"] == "superhero1" and me["authToken"] == token
    assert me["jwt"].count(".") == 2 and isinstance(me["wsChannel"], dict)
    settings = ServerSettings.from_wire(me["settings"])
    assert settings.hosts().client == f"{server.url}/v3.0"
    assert settings.hosts().websocket == server.ws_url
    assert settings.tls is False and me["settings"][SETTINGS_TLS_KEY] is False
    assert SETTINGS_TLS_KEY == "CHAT_USE_SSL" and "CHAT_USE_TLS" not in me["settings"]
    assert me["settings"]["APP_VERSION"] == 4 and me["settings"]["ANALYTICS_PING_DISABLED"] is True
    assert me["settings"]["REGION"] == "eu" and me["settings"]["settingsHash"]
    # later calls go through /v3.0, as the settings say
    again = data(rest.call("GET", "/me", token=token))
    assert again["uid"] == "superhero1" and again["jwt"].count(".") == 2
    assert data(rest.call("GET", "/settings", token=token))["CHAT_WSS_PORT"] == server.ws_port


def test_jwt_claims(rest: Rest, server: EmbeddedServer) -> None:
    login = rest.login("superhero2")
    payload = login.jwt.split(".")[1]
    claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["uid"] == "superhero2" and claims["appId"] == server.app_id
    assert claims["exp"] > claims["iat"]
    assert claims["tid"] == hashlib.sha256(login.token.encode()).hexdigest()
    assert login.token not in login.jwt


@pytest.mark.parametrize(
    ("app_id", "code"),
    [(None, ErrorCode.EMPTY_APPID), ("other-app", ErrorCode.INVALID_APPID)],
)
def test_app_id_checked(server: EmbeddedServer, rest: Rest, app_id: str | None, code: str) -> None:
    h = headers(server, api_key=server.auth_key, app_id=app_id)
    r = rest.http.post("/v3.0/users/superhero1/auth_tokens", headers=h, json={})
    assert error_code(r) == code and r.status_code == 401


def test_admin_endpoint_needs_api_key(server: EmbeddedServer, rest: Rest) -> None:
    r = rest.call("POST", "/users/superhero1/auth_tokens", json={})
    assert error_code(r) == ErrorCode.EMPTY_APIKEY
    r = rest.http.post(
        "/v3.0/users/superhero1/auth_tokens", headers=headers(server, api_key="wrong-key"), json={}
    )
    assert error_code(r) == ErrorCode.APIKEY_NOT_FOUND and r.status_code == 401
    assert "wrong-key" not in r.text and server.auth_key not in r.text
    # a user token is not an admin credential
    login = rest.login("superhero1")
    r = rest.call("POST", "/users", token=login.token, json={"uid": "x1", "name": "X"})
    assert error_code(r) == ErrorCode.EMPTY_APIKEY


def test_auth_token_for_unknown_user(rest: Rest) -> None:
    r = rest.call("POST", "/users/nobody/auth_tokens", admin=True, json={})
    assert error_code(r) == ErrorCode.UID_NOT_FOUND and r.status_code == 404


def test_user_endpoint_token_checks(rest: Rest) -> None:
    assert error_code(rest.call("GET", "/me")) == ErrorCode.EMPTY_AUTH_TOKEN
    r = rest.call("GET", "/me", token="not-a-token")
    assert error_code(r) == ErrorCode.AUTH_TOKEN_NOT_FOUND and r.status_code == 401
    assert "not-a-token" not in r.text


def test_logout_revokes_only_that_token(rest: Rest) -> None:
    a = rest.login("superhero1")
    b = rest.login("superhero1")
    assert data(rest.call("DELETE", "/me", token=a.token)) == {"success": True}
    assert error_code(rest.call("GET", "/me", token=a.token)) == ErrorCode.AUTH_TOKEN_NOT_FOUND
    assert error_code(rest.call("DELETE", "/me", token=a.token)) == ErrorCode.AUTH_TOKEN_NOT_FOUND
    assert data(rest.call("GET", "/me", token=b.token))["uid"] == "superhero1"


def test_unknown_route_and_wrong_method(rest: Rest) -> None:
    login = rest.login("superhero1")
    r = rest.call("GET", "/no/such/thing", token=login.token)
    assert error_code(r) == ErrorCode.ENDPOINT_NOT_FOUND and r.status_code == 404
    r = rest.call("PATCH", "/me", token=login.token)
    assert error_code(r) == ErrorCode.METHOD_NOT_ALLOWED and r.status_code == 405
    assert "GET" in r.json()["error"]["message"]
    # unknown routes answer before any credential check
    assert error_code(rest.http.get("/nowhere")) == ErrorCode.ENDPOINT_NOT_FOUND


def test_cors_preflight_and_headers(server: EmbeddedServer, rest: Rest) -> None:
    r = rest.http.options(
        "/v3.0/messages",
        headers={
            "Origin": "http://localhost:8888",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "appid,authtoken,content-type",
        },
    )
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    allowed = r.headers["access-control-allow-headers"].lower()
    for h in (
        "appid",
        "authtoken",
        "apikey",
        "resource",
        "sdk",
        "content-type",
        "settingshash",
        "authorization",
    ):
        assert h in allowed
    r = rest.call("GET", "/me")
    assert r.headers["access-control-allow-origin"] == "*"


def test_header_names_are_case_insensitive(server: EmbeddedServer, rest: Rest) -> None:
    login = rest.login("superhero1")
    r = rest.http.get("/v3.0/me", headers={"APPID": server.app_id, "authtoken": login.token})
    assert data(r)["uid"] == "superhero1"


def test_malformed_bodies(server: EmbeddedServer, rest: Rest) -> None:
    login = rest.login("superhero1")
    h = {**headers(server, token=login.token), "Content-Type": "application/json"}
    r = rest.http.post("/v3.0/messages", headers=h, content=b"{not json")
    assert error_code(r) == ErrorCode.BAD_REQUEST and r.status_code == 400
    r = rest.http.post("/v3.0/messages", headers=h, content=b"[1, 2]")
    assert error_code(r) == ErrorCode.BAD_REQUEST and "object" in r.json()["error"]["message"]
    r = rest.call("POST", "/users", admin=True, json={"uid": "ok_1", "name": "N", "metadata": [1]})
    assert error_code(r) == ErrorCode.BAD_REQUEST and "metadata" in r.json()["error"]["message"]


def test_body_over_limit() -> None:
    with EmbeddedServer(max_body_bytes=2048) as server, Rest(server) as rest:
        login = rest.login("superhero1")
        big = {"receiver": "superhero2", "receiverType": "user", "data": {"text": "x" * 5000}}
        r = rest.call("POST", "/messages", token=login.token, json=big)
        assert error_code(r) == ErrorCode.PAYLOAD_TOO_LARGE and r.status_code == 413
        # chunked (no Content-Length) is cut off as well
        h = {**headers(server, token=login.token), "Content-Type": "application/json"}
        r = rest.http.post("/v3.0/messages", headers=h, content=iter([orjson.dumps(big)]))
        assert error_code(r) == ErrorCode.PAYLOAD_TOO_LARGE


def test_internal_error_is_an_envelope(
    server: EmbeddedServer, rest: Rest, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from cometchat_nb.server.service import Service

    def boom(self: Service, uid: str) -> dict[str, object]:
        raise RuntimeError("secret internal detail")

    login = rest.login("superhero1")
    monkeypatch.setattr(Service, "user_or_fail", boom)
    r = rest.call("GET", "/users/superhero2", token=login.token)
    assert error_code(r) == ErrorCode.INTERNAL and r.status_code == 500
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    assert any("internal error" in rec.getMessage() for rec in caplog.records)
    assert login.token not in caplog.text


def test_telemetry_and_analytics(rest: Rest) -> None:
    login = rest.login("superhero1")
    body = {"sessionId": "abc", "data": {"integrationSource": "manual"}, "generatedAt": 1}
    r = rest.call("POST", "/user_sessions", token=login.token, json=body)
    raw = r.request.content
    assert data(r) == {"sessionId": hashlib.sha256(raw).hexdigest()}
    for path, prefix in (("/v1/ping", ""), ("/v1/ping", "/v3.0")):
        r = rest.call("POST", path, prefix=prefix, json={"uid": "superhero1"})
        assert data(r) == {}
