"""AppSettings and its fluent builder (camelCase and snake_case twins)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cometchat_nb.errors import ErrorCode, InvalidArgumentError
from cometchat_nb.settings import PRESENCE, REGIONS, AppSettings, AppSettingsBuilder

B = AppSettingsBuilder


def test_defaults() -> None:
    s = B().build()
    assert s == AppSettings()
    assert s.region == "eu"
    assert s.presence_subscription == "NONE" and s.roles == ()
    assert s.auto_establish_socket_connection is True
    assert s.ping_interval == 15.0 and s.pong_timeout == 3.0
    assert (s.reconnect_min_delay, s.reconnect_max_delay, s.reconnect_factor) == (0.5, 20.0, 2.0)
    assert (s.suspend_after, s.suspended_retry, s.max_reconnect_attempts) == (120.0, 30.0, None)
    assert (s.connect_timeout, s.request_timeout) == (10.0, 10.0)
    assert (s.catch_up, s.catch_up_page_size, s.catch_up_max_messages) == (True, 100, 10_000)
    assert s.outbound_queue_size == 100 and s.verify is True
    assert s.client_host is None and s.admin_host is None


def test_docs_snippet() -> None:
    s = (
        AppSettingsBuilder()
        .subscribePresenceForAllUsers()
        .setRegion("eu")
        .autoEstablishSocketConnection(False)
        .overrideClientHost("127.0.0.1:8443")
        .overrideAdminHost("127.0.0.1:8443/v3.0")
        .build()
    )
    assert s.getSubscriptionType() == PRESENCE.ALL_USERS == "ALL_USERS"
    assert s.getRegion() == "eu"
    assert s.shouldAutoEstablishSocketConnection() is False
    assert s.getClientHost() == "127.0.0.1:8443"
    assert s.getAdminHost() == "127.0.0.1:8443/v3.0"
    assert s.getRoles() == []


Chain = Callable[[AppSettingsBuilder], AppSettingsBuilder]

TWINS: list[tuple[str, Chain, Chain]] = [
    ("all users", lambda b: b.subscribePresenceForAllUsers(), lambda b: b.subscribe_presence_for_all_users()),
    (
        "roles",
        lambda b: b.subscribePresenceForRoles(["a", "b"]),
        lambda b: b.subscribe_presence_for_roles(["a", "b"]),
    ),
    ("friends", lambda b: b.subscribePresenceForFriends(), lambda b: b.subscribe_presence_for_friends()),
    ("region", lambda b: b.setRegion("US"), lambda b: b.set_region("US")),
    (
        "auto",
        lambda b: b.autoEstablishSocketConnection(False),
        lambda b: b.auto_establish_socket_connection(False),
    ),
    ("client", lambda b: b.overrideClientHost("h:1"), lambda b: b.override_client_host("h:1")),
    ("admin", lambda b: b.overrideAdminHost("h:2"), lambda b: b.override_admin_host("h:2")),
    ("keepalive", lambda b: b.setKeepalive(5, 1), lambda b: b.set_keepalive(5, 1)),
    (
        "backoff",
        lambda b: b.setReconnectBackoff(0, 1, 1.5, suspend_after=9, suspended_retry=2),
        lambda b: b.set_reconnect_backoff(0, 1, 1.5, suspend_after=9, suspended_retry=2),
    ),
    ("attempts", lambda b: b.setMaxReconnectAttempts(3), lambda b: b.set_max_reconnect_attempts(3)),
    ("timeouts", lambda b: b.setTimeouts(1, 2), lambda b: b.set_timeouts(1, 2)),
    (
        "catch up",
        lambda b: b.enableCatchUp(False, page_size=10, max_messages=50),
        lambda b: b.enable_catch_up(False, page_size=10, max_messages=50),
    ),
    ("queue", lambda b: b.setOutboundQueueSize(0), lambda b: b.set_outbound_queue_size(0)),
    ("verify", lambda b: b.setVerify("/ca.pem"), lambda b: b.set_verify("/ca.pem")),
]


@pytest.mark.parametrize(("label", "camel", "snake"), TWINS, ids=[t[0] for t in TWINS])
def test_camel_and_snake_twins_build_the_same(label: str, camel: Chain, snake: Chain) -> None:
    a = camel(B()).build()
    b = snake(B()).build()
    assert a == b
    assert a != AppSettings()  # the call changed something


def test_all_twins_chained() -> None:
    camel = B()
    snake = B()
    for _, c, s in TWINS:
        camel = c(camel)
        snake = s(snake)
    assert camel.build() == snake.build()


def test_snake_twins_are_the_same_functions() -> None:
    for name, value in vars(AppSettingsBuilder).items():
        if callable(value) and "_" in name and not name.startswith("_"):
            camel = "".join(p if i == 0 else p.capitalize() for i, p in enumerate(name.split("_")))
            assert getattr(AppSettingsBuilder, camel) is value, name


def test_builder_methods_return_the_builder() -> None:
    b = B()
    for _, chain, _ in TWINS:
        assert chain(b) is b


@pytest.mark.parametrize(
    ("given", "stored"), [("eu", "eu"), ("US", "us"), ("In", "in"), ("PRIVATE", "private")]
)
def test_region_is_lower_cased(given: str, stored: str) -> None:
    assert B().setRegion(given).build().region == stored


@pytest.mark.parametrize("region", ["asia", "", "e u", "eu-west"])
def test_unknown_region(region: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        B().setRegion(region).build()
    assert info.value.code == "ERR_INVALID_REGION"
    for r in REGIONS:
        assert r in info.value.message


def test_region_must_be_text() -> None:
    with pytest.raises(InvalidArgumentError, match="region must be a string"):
        B().setRegion(1)  # type: ignore[arg-type]


def test_region_is_case_sensitive_without_the_builder() -> None:
    with pytest.raises(InvalidArgumentError):
        AppSettings(region="EU")


def test_presence_for_roles() -> None:
    s = B().subscribePresenceForRoles(["admin", "moderator"]).build()
    assert s.presence_subscription == PRESENCE.ROLES
    assert s.roles == ("admin", "moderator")
    assert s.getRoles() == ["admin", "moderator"]
    assert B().subscribePresenceForRoles(("x",)).build().roles == ("x",)
    assert B().subscribePresenceForRoles(r for r in ["a", "b"]).build().roles == ("a", "b")  # type: ignore[arg-type]


def test_later_presence_call_wins_and_clears_roles() -> None:
    s = B().subscribePresenceForRoles(["admin"]).subscribePresenceForAllUsers().build()
    assert (s.presence_subscription, s.roles) == ("ALL_USERS", ())
    s = B().subscribePresenceForRoles(["admin"]).subscribePresenceForFriends().build()
    assert (s.presence_subscription, s.roles) == ("FRIENDS", ())


@pytest.mark.parametrize("roles", ["admin", ["admin", 1], [None], 5, None])
def test_presence_for_roles_needs_names(roles: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="roles must be a list of role names") as info:
        B().subscribePresenceForRoles(roles)
    assert info.value.code == ErrorCode.INVALID_PARAMETER


@pytest.mark.parametrize(
    ("field", "value", "hint"),
    [
        ("presence_subscription", "EVERYONE", "unknown presence subscription"),
        ("presence_subscription", "cometchat_nb.settings", "unknown presence subscription"),
        ("presence_subscription", "", "unknown presence subscription"),
        ("roles", (1,), "roles must be role names"),
        ("ping_interval", 0, "ping_interval must be > 0"),
        ("ping_interval", -1.0, "ping_interval must be > 0"),
        ("ping_interval", float("nan"), "ping_interval must be a number"),
        ("ping_interval", "15", "ping_interval must be a number"),
        ("ping_interval", True, "ping_interval must be a number"),
        ("ping_interval", None, "ping_interval must be a number"),
        ("pong_timeout", 0, "pong_timeout must be > 0"),
        ("connect_timeout", 0.0, "connect_timeout must be > 0"),
        ("request_timeout", -5, "request_timeout must be > 0"),
        ("reconnect_min_delay", -0.1, "reconnect_min_delay must be >= 0"),
        ("reconnect_max_delay", -1, "reconnect_max_delay must be >= 0"),
        ("reconnect_max_delay", float("nan"), "reconnect_max_delay must be a number"),
        ("suspend_after", -1, "suspend_after must be >= 0"),
        ("suspended_retry", -1, "suspended_retry must be >= 0"),
        ("reconnect_factor", 0.5, "reconnect_factor must be >= 1"),
        ("reconnect_factor", "2", "reconnect_factor must be a number"),
        ("max_reconnect_attempts", 0, "max_reconnect_attempts must be an integer >= 1"),
        ("max_reconnect_attempts", 1.5, "max_reconnect_attempts must be an integer >= 1"),
        ("max_reconnect_attempts", True, "max_reconnect_attempts must be an integer >= 1"),
        ("outbound_queue_size", -1, "outbound_queue_size must be >= 0"),
        ("outbound_queue_size", 1.0, "outbound_queue_size must be an integer"),
        ("catch_up_page_size", 0, "catch_up_page_size must be within 1..1000"),
        ("catch_up_page_size", 1001, "catch_up_page_size must be within 1..1000"),
        ("catch_up_page_size", "100", "catch_up_page_size must be an integer"),
        ("catch_up_max_messages", -1, "catch_up_max_messages must be >= 0"),
    ],
)
def test_validation_errors_carry_codes(field: str, value: Any, hint: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        AppSettings(**{field: value})
    assert hint in info.value.message
    assert info.value.code == ErrorCode.INVALID_PARAMETER == "ERR_INVALID_PARAMETER"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reconnect_min_delay", 0),
        ("reconnect_max_delay", 0),
        ("suspend_after", float("inf")),
        ("max_reconnect_attempts", 1),
        ("outbound_queue_size", 0),
        ("catch_up_page_size", 1000),
        ("catch_up_max_messages", 0),
        ("ping_interval", 1),
        ("verify", False),
    ],
)
def test_edge_values_accepted(field: str, value: Any) -> None:
    assert getattr(AppSettings(**{field: value}), field) == value


def test_builder_validates_at_build() -> None:
    b = B().setKeepalive(0, 1)
    with pytest.raises(InvalidArgumentError, match="ping_interval"):
        b.build()
    with pytest.raises(InvalidArgumentError, match="max_reconnect_attempts"):
        B().setMaxReconnectAttempts(0).build()
    assert B().setMaxReconnectAttempts(None).build().max_reconnect_attempts is None


def test_settings_are_frozen_and_replace_validates() -> None:
    s = AppSettings()
    with pytest.raises(AttributeError):
        s.region = "us"  # type: ignore[misc]
    t = s.replace(region="us", ping_interval=5.0)
    assert (t.region, t.ping_interval, s.region) == ("us", 5.0, "eu")
    with pytest.raises(InvalidArgumentError):
        s.replace(pong_timeout=0)


def test_auto_establish_is_coerced_to_bool() -> None:
    assert B().autoEstablishSocketConnection(0).build().auto_establish_socket_connection is False  # type: ignore[arg-type]
    assert B().autoEstablishSocketConnection().build().auto_establish_socket_connection is True


def test_settings_hash_and_equality() -> None:
    assert hash(B().setRegion("us").build()) == hash(AppSettings(region="us"))
