"""REST conventions: endpoints, headers, envelopes, meta, and host selection (protocol.md §2, §3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from cometchat_nb._version import __version__
from cometchat_nb.errors import ApiError, AuthError, InvalidArgumentError, ProtocolError
from cometchat_nb.protocol import rest
from cometchat_nb.protocol.rest import (
    ENDPOINTS,
    Cursor,
    Endpoint,
    Hosts,
    Meta,
    Pagination,
    ServerSettings,
    admin_headers,
    client_headers,
    cloud_hosts,
    endpoint_path,
    initial_hosts,
    normalize_override,
    parse_envelope,
    query_string,
)

#: protocol.md §3.4: the minimal settings object that worked
MINIMAL_SETTINGS: dict[str, Any] = {
    "CLIENT_API_HOST": "127.0.0.1:8443",
    "ADMIN_API_HOST": "127.0.0.1:8443",
    "CHAT_API_VERSION": "v3.0",
    "CHAT_HOST": "127.0.0.1",
    "CHAT_WSS_PORT": 8443,
    "MODE": "DEFAULT",
    "APP_VERSION": 4,
    "REGION": "eu",
    "ANALYTICS_HOST": "127.0.0.1:8443",
    "ANALYTICS_VERSION": "v1",
    "ANALYTICS_PING_DISABLED": False,
    "settingsHash": "hash-1",
    "settingsHashReceivedAt": 1795889914,
    "extensions": [],
    "parameters": {},
}


# ----------------------------------------------------------------------------
# endpoints


@pytest.mark.parametrize(
    ("name", "params", "path"),
    [
        ("authToken", {"uid": "superhero1"}, "users/superhero1/auth_tokens"),
        ("updateMyDetails", {}, "me"),
        ("userLogout", {}, "me"),
        ("sendMessage", {}, "messages"),
        ("getUserMessages", {"uid": "superhero2"}, "users/superhero2/messages"),
        ("getGroupMessages", {"guid": "avengers"}, "groups/avengers/messages"),
        ("leaveGroup", {"guid": "g"}, "groups/g/members"),
        ("kickGroupMembers", {"guid": "g", "uid": "u"}, "groups/g/members/u"),
        ("user", {"uid": "a/b"}, "users/a%2Fb"),
        ("user", {"uid": "with space"}, "users/with%20space"),
        ("user", {"uid": "../../admin"}, "users/..%2F..%2Fadmin"),
        ("user", {"uid": "a?b#c&d"}, "users/a%3Fb%23c%26d"),
        ("user", {"uid": "ünï"}, "users/%C3%BCn%C3%AF"),
        ("getMessage", {"messageId": 105}, "messages/105"),
    ],
)
def test_endpoint_path(name: str, params: dict[str, Any], path: str) -> None:
    assert endpoint_path(name, **params) == path


def test_endpoint_path_ignores_extra_params() -> None:
    assert endpoint_path("users", uid="x") == "users"


@pytest.mark.parametrize(
    ("name", "params", "hint"),
    [
        ("user", {}, "needs uid"),
        ("user", {"uid": ""}, "needs uid"),
        ("kickGroupMembers", {"uid": "u"}, "needs guid"),
        ("kickGroupMembers", {}, "needs guid, uid"),
        ("nope", {}, "unknown endpoint 'nope'"),
    ],
)
def test_endpoint_path_errors(name: str, params: dict[str, Any], hint: str) -> None:
    with pytest.raises(InvalidArgumentError, match=hint):
        endpoint_path(name, **params)


def test_endpoint_table() -> None:
    admin = {name for name, ep in ENDPOINTS.items() if ep.admin}
    assert admin == {"authToken", "createUser", "updateUser"}  # protocol.md §2.1
    assert ENDPOINTS["authToken"] == Endpoint("authToken", "POST", "users/{uid}/auth_tokens", admin=True)
    assert ENDPOINTS["updateMyDetails"].method == "PUT"
    assert ENDPOINTS["kickGroupMembers"].params == ("guid", "uid")
    assert ENDPOINTS["leaveGroup"].params == ("guid",)  # the JS SDK: DELETE groups/{guid}/members
    assert ENDPOINTS["getMyDetails"].params == ()
    for name, ep in ENDPOINTS.items():
        assert ep.name == name
        assert ep.method in ("GET", "POST", "PUT", "DELETE", "PATCH")
        assert not ep.path.startswith("/")


# ----------------------------------------------------------------------------
# query strings


def test_query_string() -> None:
    assert query_string({}) == ""
    assert query_string({"a": None}) == ""
    qs = query_string({"per_page": 30, "affix": "prepend", "withThreadSubscribed": True, "unread": False})
    assert qs == "?per_page=30&affix=prepend&withThreadSubscribed=true&unread=false"


def test_query_string_lists_and_quoting() -> None:
    qs = query_string({"types": ["text", "image"], "tags": ("a b", "c&d"), "searchKey": "x=y", "skip": None})
    assert qs.startswith("?") and "skip" not in qs
    assert parse_qs(qs[1:]) == {"types": ["text,image"], "tags": ["a b,c&d"], "searchKey": ["x=y"]}


def test_query_string_keeps_order() -> None:
    assert query_string({"b": 1, "a": 2}) == "?b=1&a=2"


# ----------------------------------------------------------------------------
# headers


def test_client_headers_exact() -> None:
    assert client_headers("testapp", "WEB-session", "tok") == {
        "appId": "testapp",
        "resource": "WEB-session",
        "sdk": f"python@{__version__}",
        "Accept": "application/json",
        "Content-Type": "application/json",
        "authToken": "tok",
    }


def test_admin_headers_exact() -> None:
    h = admin_headers("testapp", "WEB-session", "key")
    assert h == {
        "appId": "testapp",
        "resource": "WEB-session",
        "sdk": rest.SDK_HEADER,
        "Accept": "application/json",
        "Content-Type": "application/json",
        "apiKey": "key",
    }
    assert "authToken" not in h


# ----------------------------------------------------------------------------
# envelopes


def test_ok_and_error_builders() -> None:
    assert rest.ok({"uid": "u"}) == {"data": {"uid": "u"}}
    assert rest.ok([], {"pagination": {}}) == {"data": [], "meta": {"pagination": {}}}
    assert rest.error("E", "m") == {"error": {"code": "E", "message": "m"}}
    assert rest.error("E", "m", {"f": 1}) == {"error": {"code": "E", "message": "m", "details": {"f": 1}}}


@pytest.mark.parametrize(
    ("body", "data", "meta"),
    [
        ({"data": {"uid": "u"}}, {"uid": "u"}, {}),
        ({"data": [], "meta": {"pagination": {"total": 0}}}, [], {"pagination": {"total": 0}}),
        ({"data": None}, None, {}),
        ({"data": 1, "meta": "junk"}, 1, {}),
        ({"data": "x", "error": {"code": "E"}}, "x", {}),  # data wins, as in the JS SDK
    ],
)
def test_parse_envelope_data(body: Any, data: Any, meta: Any) -> None:
    assert parse_envelope(body) == (data, meta)


def test_parse_envelope_round_trips_the_builders() -> None:
    assert parse_envelope(rest.ok([1], {"a": 1})) == ([1], {"a": 1})
    with pytest.raises(ApiError) as info:
        parse_envelope(rest.error("ERR_UID_NOT_FOUND", "no such user", {"uid": "x"}))
    assert info.value.code == "ERR_UID_NOT_FOUND"


@pytest.mark.parametrize(
    "code",
    [
        "AUTH_ERR_EMPTY_APPID",
        "AUTH_ERR_INVALID_APPID",
        "AUTH_ERR_EMPTY_APIKEY",
        "AUTH_ERR_APIKEY_NOT_FOUND",
        "AUTH_ERR_EMPTY_AUTH_TOKEN",
        "AUTH_ERR_AUTH_TOKEN_NOT_FOUND",
    ],
)
def test_parse_envelope_auth_errors(code: str) -> None:
    with pytest.raises(AuthError) as info:
        parse_envelope({"error": {"code": code, "message": "The apiKey is invalid."}})
    assert info.value.code == code
    assert info.value.message == "The apiKey is invalid."
    assert info.value.details is None
    assert isinstance(info.value, ApiError)


@pytest.mark.parametrize(
    "code", ["ERR_UID_NOT_FOUND", "ERR_BAD_REQUEST", "AUTH_ERR_SOMETHING_NEW", "FAILED_TO_FETCH"]
)
def test_parse_envelope_api_errors(code: str) -> None:
    details = {"uid": ["is required"]}
    with pytest.raises(ApiError) as info:
        parse_envelope({"error": {"code": code, "message": "nope", "details": details, "name": "Nope"}})
    e = info.value
    assert type(e) is ApiError
    assert (e.code, e.message, e.details, e.name) == (code, "nope", details, "Nope")
    assert str(e) == f"[{code}] nope"


@pytest.mark.parametrize("body", [{}, {"meta": {}}, [], None, "data", 1, {"Data": 1}, {"err": {}}])
def test_parse_envelope_neither(body: Any) -> None:
    with pytest.raises(ProtocolError, match="neither a data nor an error envelope"):
        parse_envelope(body)


@pytest.mark.parametrize("err", ["boom", None, 1, ["a"]])
def test_parse_envelope_non_object_error(err: Any) -> None:
    with pytest.raises(ProtocolError, match="error envelope is not an object"):
        parse_envelope({"error": err})


def test_parse_envelope_huge_body_gives_short_message() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_envelope({"junk": ["x" * 10_000] * 1000})
    assert len(str(info.value)) < 400


# ----------------------------------------------------------------------------
# meta


def test_meta_from_protocol_example() -> None:
    meta = Meta.from_wire(
        {
            "pagination": {"total": 2, "count": 2, "per_page": 30, "current_page": 1, "total_pages": 1},
            "cursor": {"affix": "prepend", "sentAt": 1795889915, "id": "100"},
        }
    )
    assert meta.pagination == Pagination(total=2, count=2, per_page=30, current_page=1, total_pages=1)
    assert meta.cursor == Cursor(affix="prepend", sent_at=1795889915, id="100")
    assert Meta.from_wire(meta.to_wire()) == meta


@pytest.mark.parametrize(
    "junk",
    [
        None,
        [],
        "meta",
        {"pagination": "x", "cursor": 1},
        {
            "pagination": {
                "total": "--5",
                "count": "²",
                "per_page": True,
                "current_page": None,
                "total_pages": [],
            }
        },
        {"pagination": {"total": float("inf"), "count": float("nan"), "per_page": "-", "current_page": {}}},
        {"cursor": {"affix": None, "sentAt": "soon", "id": {"x": 1}}},
    ],
)
def test_meta_from_wire_tolerates_junk(junk: Any) -> None:
    meta = Meta.from_wire(junk)
    assert isinstance(meta.pagination.total, int)
    assert meta.pagination.current_page >= 0
    if meta.cursor is not None:
        assert meta.cursor.affix == "prepend"
        assert meta.cursor.sent_at in (None, 0)
        assert meta.cursor.id is None


def test_meta_numbers_from_text_and_floats() -> None:
    meta = Meta.from_wire(
        {"pagination": {"total": "12", "count": "-3", "per_page": 30.0}, "cursor": {"id": 7}}
    )
    assert (meta.pagination.total, meta.pagination.count, meta.pagination.per_page) == (12, -3, 30)
    assert meta.pagination.current_page == 1 and meta.pagination.total_pages == 1
    assert meta.cursor == Cursor(affix="prepend", sent_at=None, id="7")


def test_meta_defaults_to_wire() -> None:
    assert Meta().to_wire() == {
        "pagination": {"total": 0, "count": 0, "per_page": 0, "current_page": 1, "total_pages": 1}
    }
    assert Cursor(affix="append").to_wire() == {"affix": "append"}


# ----------------------------------------------------------------------------
# hosts


@pytest.mark.parametrize("region", ["eu", "us", "in", "EU", "Us"])
def test_cloud_hosts_templates(region: str) -> None:
    r = region.lower()
    h = cloud_hosts("testapp", region)
    assert h.client == f"https://testapp.apiclient-{r}.cometchat.io/v3.0"
    assert h.admin == f"https://testapp.api-{r}.cometchat.io/v3.0"
    assert h.websocket is None


def test_cloud_hosts_private_region_uses_the_app_id() -> None:
    """protocol.md §1: init() replaces region 'private' with the appId."""
    h = cloud_hosts("testapp", "private")
    assert h.client == "https://testapp.apiclient-testapp.cometchat.io/v3.0"
    assert h.admin == "https://testapp.api-testapp.cometchat.io/v3.0"


def test_cloud_hosts_needs_an_app_id() -> None:
    with pytest.raises(InvalidArgumentError, match="AppID cannot be empty"):
        cloud_hosts("", "eu")


def test_observed_default_admin_url() -> None:
    """protocol.md §2.1: POST https://testapp.api-eu.cometchat.io/v3.0/users/superhero1/auth_tokens."""
    url = cloud_hosts("testapp", "eu").url("authToken", uid="superhero1")
    assert url == "https://testapp.api-eu.cometchat.io/v3.0/users/superhero1/auth_tokens"
    assert (
        cloud_hosts("testapp", "eu").url("updateMyDetails")
        == "https://testapp.apiclient-eu.cometchat.io/v3.0/me"
    )


@pytest.mark.parametrize(
    ("override", "base"),
    [
        ("127.0.0.1:8443", "https://127.0.0.1:8443"),
        ("127.0.0.1:8443/", "https://127.0.0.1:8443"),
        (" 127.0.0.1:8443 ", "https://127.0.0.1:8443"),
        ("127.0.0.1:8443/v3.0", "https://127.0.0.1:8443/v3.0"),
        ("localhost", "https://localhost"),
        ("[::1]:8443", "https://[::1]:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/v3.0/", "http://127.0.0.1:8080/v3.0"),
        ("https://example.com/base", "https://example.com/base"),
    ],
)
def test_normalize_override(override: str, base: str) -> None:
    assert normalize_override(override) == base


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "/",
        "://",
        "http://",
        "https://:8443",
        "ftp://host",
        "ws://127.0.0.1:8443",
        "host with space:8443",
        "127.0.0.1:notaport",
        "127.0.0.1:99999",
        "http://127.0.0.1:-1",
    ],
)
def test_normalize_override_garbage(garbage: str) -> None:
    with pytest.raises(InvalidArgumentError):
        normalize_override(garbage)


def test_initial_hosts_overrides_win() -> None:
    """protocol.md §2.2: an override gives https://{h}/{endpoint}, with no version prefix."""
    h = initial_hosts("testapp", "eu", "127.0.0.1:8443", "127.0.0.1:8443")
    assert h.url("authToken", uid="superhero1") == "https://127.0.0.1:8443/users/superhero1/auth_tokens"
    assert h.url("updateMyDetails") == "https://127.0.0.1:8443/me"
    h = initial_hosts("testapp", "eu", client_override="127.0.0.1:8443/v3.0")
    assert h.url("updateMyDetails") == "https://127.0.0.1:8443/v3.0/me"
    assert h.admin == "https://testapp.api-eu.cometchat.io/v3.0"
    assert initial_hosts("testapp", "us") == cloud_hosts("testapp", "us")


def test_initial_hosts_bad_override() -> None:
    with pytest.raises(InvalidArgumentError, match="host override"):
        initial_hosts("testapp", "eu", client_override="ftp://x")


def test_hosts_url() -> None:
    h = Hosts(client="https://c/v3.0/", admin="https://a/v3.0")
    assert h.url("users") == "https://c/v3.0/users"
    assert h.url(ENDPOINTS["createUser"]) == "https://a/v3.0/users"
    assert h.url("user", uid="x y") == "https://c/v3.0/users/x%20y"
    with pytest.raises(InvalidArgumentError, match="unknown endpoint 'nope'"):
        h.url("nope")
    with pytest.raises(InvalidArgumentError, match="needs uid"):
        h.url("user")


# ----------------------------------------------------------------------------
# settings from PUT me


def test_server_settings_minimal_object() -> None:
    s = ServerSettings.from_wire(MINIMAL_SETTINGS)
    assert s.tls is True
    assert s.mode == "DEFAULT" and s.transient_allowed
    assert s.app_version == 4 and s.region == "eu"
    assert s.raw is MINIMAL_SETTINGS
    h = s.hosts()
    assert h.client == "https://127.0.0.1:8443/v3.0"
    assert h.admin == "https://127.0.0.1:8443/v3.0"
    assert h.websocket == "wss://127.0.0.1:8443"
    assert h.url("sendMessage") == "https://127.0.0.1:8443/v3.0/messages"  # §2.2 [obs]
    assert (
        h.url("users") + query_string({"per_page": 30, "page": 1})
        == "https://127.0.0.1:8443/v3.0/users?per_page=30&page=1"
    )


@pytest.mark.parametrize("key", ["CHAT_USE_SSL", "CHAT_USE_TLS"])
@pytest.mark.parametrize("tls", [False, "false"])
def test_server_settings_plain_http(tls: Any, key: str) -> None:
    """``CHAT_USE_SSL`` (the official SDK's key) or the older ``CHAT_USE_TLS`` says plain."""
    s = ServerSettings.from_wire({**MINIMAL_SETTINGS, key: tls})
    assert s.tls is False
    h = s.hosts()
    assert h.client == "http://127.0.0.1:8443/v3.0"
    assert h.admin == "http://127.0.0.1:8443/v3.0"
    assert h.websocket == "ws://127.0.0.1:8443"


@pytest.mark.parametrize("tls", [True, "true", None, 1])
def test_server_settings_tls_stays_on(tls: Any) -> None:
    assert rest.SETTINGS_TLS_KEY == "CHAT_USE_SSL"
    assert ServerSettings.from_wire({**MINIMAL_SETTINGS, rest.SETTINGS_TLS_KEY: tls}).tls is True
    # the official key wins over the older one
    both = {**MINIMAL_SETTINGS, "CHAT_USE_SSL": tls, "CHAT_USE_TLS": False}
    assert ServerSettings.from_wire(both).tls is True


@pytest.mark.parametrize(
    ("extra", "host"),
    [
        ({}, "127.0.0.1"),
        ({"CHAT_HOST_APP_SPECIFIC": "app.chat"}, "app.chat"),
        ({"CHAT_HOST_OVERRIDE": "override.chat"}, "override.chat"),
        ({"CHAT_HOST_OVERRIDE": "override.chat", "CHAT_HOST_APP_SPECIFIC": "app.chat"}, "override.chat"),
        ({"CHAT_HOST_OVERRIDE": "", "CHAT_HOST_APP_SPECIFIC": "app.chat"}, "app.chat"),
    ],
)
def test_chat_host_precedence(extra: dict[str, Any], host: str) -> None:
    s = ServerSettings.from_wire({**MINIMAL_SETTINGS, **extra})
    assert s.chat_host == host
    assert s.hosts().websocket == f"wss://{host}:8443"


def test_chat_host_override_makes_chat_host_optional() -> None:
    obj = {k: v for k, v in MINIMAL_SETTINGS.items() if k != "CHAT_HOST"}
    assert ServerSettings.from_wire({**obj, "CHAT_HOST_OVERRIDE": "o"}).chat_host == "o"


@pytest.mark.parametrize("key", ["CLIENT_API_HOST", "ADMIN_API_HOST", "CHAT_HOST", "CHAT_WSS_PORT"])
@pytest.mark.parametrize("how", ["missing", "null", "empty"])
def test_server_settings_missing_keys(key: str, how: str) -> None:
    obj = dict(MINIMAL_SETTINGS)
    if how == "missing":
        del obj[key]
    else:
        obj[key] = None if how == "null" else ""
    with pytest.raises(ProtocolError, match=f"settings is missing '{key}'"):
        ServerSettings.from_wire(obj)


@pytest.mark.parametrize("port", ["8443", 8443.0])
def test_server_settings_port_forms(port: Any) -> None:
    assert ServerSettings.from_wire({**MINIMAL_SETTINGS, "CHAT_WSS_PORT": port}).chat_wss_port == 8443


@pytest.mark.parametrize(
    "port", ["https", "84 43", True, 0, -1, 65536, 8443.5, float("inf"), float("nan"), [8443], {"p": 1}, "²"]
)
def test_server_settings_bad_port(port: Any) -> None:
    with pytest.raises(ProtocolError, match="CHAT_WSS_PORT is not a port"):
        ServerSettings.from_wire({**MINIMAL_SETTINGS, "CHAT_WSS_PORT": port})


@pytest.mark.parametrize("obj", [None, [], "settings"])
def test_server_settings_must_be_an_object(obj: Any) -> None:
    with pytest.raises(ProtocolError, match="settings must be a JSON object"):
        ServerSettings.from_wire(obj)


def test_server_settings_defaults_for_optional_keys() -> None:
    obj = {
        k: MINIMAL_SETTINGS[k] for k in ("CLIENT_API_HOST", "ADMIN_API_HOST", "CHAT_HOST", "CHAT_WSS_PORT")
    }
    s = ServerSettings.from_wire(obj)
    assert s.chat_api_version == "v3.0"
    assert s.mode == "DEFAULT"
    assert s.app_version == 0  # missing: the JS SDK restarts the session on restore (§3.4)
    assert s.region is None


@pytest.mark.parametrize("mode", ["LIMITED_TRANSIENT", "NO_TRANSIENT"])
def test_transient_modes(mode: str) -> None:
    assert not ServerSettings.from_wire({**MINIMAL_SETTINGS, "MODE": mode}).transient_allowed


def test_custom_api_version() -> None:
    s = ServerSettings.from_wire({**MINIMAL_SETTINGS, "CHAT_API_VERSION": "v3.1"})
    assert s.hosts().client == "https://127.0.0.1:8443/v3.1"
