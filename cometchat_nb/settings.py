"""App settings: :class:`AppSettings` (frozen) and its fluent :class:`AppSettingsBuilder`.

Mirrors the JS SDK, so a docs snippet ports line by line::

    settings = (CometChat.AppSettingsBuilder()
                .subscribePresenceForAllUsers()
                .setRegion("eu")
                .autoEstablishSocketConnection(False)
                .build())

Every builder method also has a snake_case twin (``set_region``,
``auto_establish_socket_connection`` …) — the same function under two names.
Beyond the JS SDK the builder exposes the knobs of our connection manager
(keepalive, reconnect backoff, catch-up, outbound queue, TLS verification);
their defaults follow the JS SDK where it has one.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .errors import ErrorCode, InvalidArgumentError

__all__ = ["CLOUD_REGIONS", "DEFAULTS", "PRESENCE", "REGIONS", "AppSettings", "AppSettingsBuilder"]

CLOUD_REGIONS: Final = ("eu", "us", "in")
"""CometChat's shared cloud regions (``https://{appId}.apiclient-{region}.cometchat.io``)."""

REGIONS: Final = (*CLOUD_REGIONS, "private")
"""Every region :meth:`AppSettingsBuilder.setRegion` accepts: the cloud regions and
``private`` (a dedicated deployment, whose hosts are named after the app id). The one
definition: :mod:`cometchat_nb.protocol.rest` and the notebook layer take theirs from here."""


class PRESENCE:
    """Presence subscription values (the ``presenceSubscription`` of the auth frame)."""

    NONE: Final = "NONE"
    ALL_USERS: Final = "ALL_USERS"
    ROLES: Final = "ROLES"
    FRIENDS: Final = "FRIENDS"


_PRESENCE_VALUES: Final = (PRESENCE.NONE, PRESENCE.ALL_USERS, PRESENCE.ROLES, PRESENCE.FRIENDS)


def _invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code=ErrorCode.INVALID_PARAMETER)


@dataclass(frozen=True, slots=True, kw_only=True)
class AppSettings:
    """Immutable settings for :meth:`CometChat.init` / :class:`~cometchat_nb.Client`.

    Attributes follow the builder; times are in seconds.

    * ``region``: ``eu`` (default), ``us``, ``in`` or ``private``.
    * ``presence_subscription`` / ``roles``: which users' presence to receive.
    * ``auto_establish_socket_connection``: open the socket on login/restore
      (True, the default) or only on ``connect()`` (False).
    * ``client_host`` / ``admin_host``: host overrides (``host:port[/path]``
      → https, or a full URL).
    * ``ping_interval`` / ``pong_timeout``: app-level keepalive (15 s / 3 s).
    * ``reconnect_min_delay`` / ``reconnect_max_delay`` / ``reconnect_factor``:
      full-jitter backoff; ``suspend_after`` / ``suspended_retry``: the slower
      tier; ``max_reconnect_attempts``: None = forever.
    * ``connect_timeout`` (open + auth), ``request_timeout`` (REST).
    * ``catch_up``: fetch messages missed while the socket was down.
    * ``outbound_queue_size``: typing/receipts queued while disconnected.
    * ``verify``: TLS verification — True, False, or a CA bundle path.
    """

    region: str = "eu"
    presence_subscription: str = PRESENCE.NONE
    roles: tuple[str, ...] = ()
    auto_establish_socket_connection: bool = True
    client_host: str | None = None
    admin_host: str | None = None
    ping_interval: float = 15.0
    pong_timeout: float = 3.0
    reconnect_min_delay: float = 0.5
    reconnect_max_delay: float = 20.0
    reconnect_factor: float = 2.0
    suspend_after: float = 120.0
    suspended_retry: float = 30.0
    max_reconnect_attempts: int | None = None
    connect_timeout: float = 10.0
    request_timeout: float = 10.0
    catch_up: bool = True
    catch_up_page_size: int = 100
    catch_up_max_messages: int = 10_000
    outbound_queue_size: int = 100
    verify: bool | str = True

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise InvalidArgumentError(
                f"region must be one of {', '.join(REGIONS)}, got {self.region!r}",
                code=ErrorCode.INVALID_REGION,
            )
        if self.presence_subscription not in _PRESENCE_VALUES:
            raise _invalid(
                f"unknown presence subscription {self.presence_subscription!r}; "
                f"expected one of {', '.join(_PRESENCE_VALUES)}"
            )
        if not all(isinstance(r, str) for r in self.roles):
            raise _invalid("roles must be role names (strings)")
        # type checks first: a str or NaN would otherwise pass or break the comparisons below
        numbers = (
            "ping_interval",
            "pong_timeout",
            "connect_timeout",
            "request_timeout",
            "reconnect_min_delay",
            "reconnect_max_delay",
            "reconnect_factor",
            "suspend_after",
            "suspended_retry",
        )
        for name in numbers:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
                raise _invalid(f"{name} must be a number of seconds, got {value!r}")
        for name in ("catch_up_page_size", "catch_up_max_messages", "outbound_queue_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise _invalid(f"{name} must be an integer, got {value!r}")
        for name in ("ping_interval", "pong_timeout", "connect_timeout", "request_timeout"):
            if getattr(self, name) <= 0:
                raise _invalid(f"{name} must be > 0")
        for name in ("reconnect_min_delay", "reconnect_max_delay", "suspend_after", "suspended_retry"):
            if getattr(self, name) < 0:
                raise _invalid(f"{name} must be >= 0")
        if self.reconnect_factor < 1:
            raise _invalid("reconnect_factor must be >= 1")
        attempts = self.max_reconnect_attempts
        if attempts is not None and (
            isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1
        ):
            raise _invalid("max_reconnect_attempts must be an integer >= 1 or None")
        if self.outbound_queue_size < 0:
            raise _invalid("outbound_queue_size must be >= 0")
        if not 1 <= self.catch_up_page_size <= 1000:
            raise _invalid("catch_up_page_size must be within 1..1000")
        if self.catch_up_max_messages < 0:
            raise _invalid("catch_up_max_messages must be >= 0")

    def replace(self, **changes: object) -> AppSettings:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    # getters of the JS SDK ----------------------------------------------------
    def get_region(self) -> str:
        return self.region

    def should_auto_establish_socket_connection(self) -> bool:
        return self.auto_establish_socket_connection

    def get_subscription_type(self) -> str:
        return self.presence_subscription

    def get_roles(self) -> list[str]:
        return list(self.roles)

    def get_client_host(self) -> str | None:
        return self.client_host

    def get_admin_host(self) -> str | None:
        return self.admin_host

    # camelCase aliases -------------------------------------------------------------
    getRegion = get_region
    shouldAutoEstablishSocketConnection = should_auto_establish_socket_connection
    getSubscriptionType = get_subscription_type
    getRoles = get_roles
    getClientHost = get_client_host
    getAdminHost = get_admin_host


#: The defaults, read by the builder's knobs (and the notebook's traits): one home each.
DEFAULTS: Final = AppSettings()


class AppSettingsBuilder:
    """Fluent builder for :class:`AppSettings` (``CometChat.AppSettingsBuilder``).

    A knob's omitted arguments take :data:`DEFAULTS`' values (not the ones set before).
    """

    def __init__(self) -> None:
        self._values: dict[str, object] = {}

    def _set(self, **kv: object) -> AppSettingsBuilder:
        self._values.update(kv)
        return self

    # CometChat's own methods -------------------------------------------
    def subscribe_presence_for_all_users(self) -> AppSettingsBuilder:
        """Receive presence of every user."""
        return self._set(presence_subscription=PRESENCE.ALL_USERS, roles=())

    def subscribe_presence_for_roles(self, roles: Sequence[str]) -> AppSettingsBuilder:
        """Receive presence of users having one of ``roles``."""
        if isinstance(roles, str):
            raise _invalid("roles must be a list of role names, not one string")
        try:
            names = tuple(roles)  # once: a generator cannot be checked and then stored
        except TypeError:
            raise _invalid(f"roles must be a list of role names, got {roles!r}") from None
        if not all(isinstance(r, str) for r in names):
            raise _invalid("roles must be a list of role names")
        return self._set(presence_subscription=PRESENCE.ROLES, roles=names)

    def subscribe_presence_for_friends(self) -> AppSettingsBuilder:
        """Receive presence of friends only."""
        return self._set(presence_subscription=PRESENCE.FRIENDS, roles=())

    def set_region(self, region: str) -> AppSettingsBuilder:
        """``eu``, ``us``, ``in`` or ``private`` (lower-cased, as the JS SDK does)."""
        if not isinstance(region, str):
            raise InvalidArgumentError("region must be a string")
        return self._set(region=region.lower())

    def auto_establish_socket_connection(self, enabled: bool = True) -> AppSettingsBuilder:
        """False: the SDK opens no socket by itself; call ``connect()``/``disconnect()``."""
        return self._set(auto_establish_socket_connection=bool(enabled))

    def override_client_host(self, host: str) -> AppSettingsBuilder:
        """Client-API host: ``host:port[/path]`` (https) or a URL with a scheme."""
        return self._set(client_host=host)

    def override_admin_host(self, host: str) -> AppSettingsBuilder:
        """Admin-API host: ``host:port[/path]`` (https) or a URL with a scheme."""
        return self._set(admin_host=host)

    # connection manager knobs ------------------------------------------
    def set_keepalive(
        self, ping_interval: float = DEFAULTS.ping_interval, pong_timeout: float = DEFAULTS.pong_timeout
    ) -> AppSettingsBuilder:
        """App-level ping every ``ping_interval`` s; no pong within ``pong_timeout`` s = dead link."""
        return self._set(ping_interval=ping_interval, pong_timeout=pong_timeout)

    def set_reconnect_backoff(
        self,
        min_delay: float = DEFAULTS.reconnect_min_delay,
        max_delay: float = DEFAULTS.reconnect_max_delay,
        factor: float = DEFAULTS.reconnect_factor,
        *,
        suspend_after: float = DEFAULTS.suspend_after,
        suspended_retry: float = DEFAULTS.suspended_retry,
    ) -> AppSettingsBuilder:
        """Full-jitter backoff between reconnect attempts, and the suspended tier."""
        return self._set(
            reconnect_min_delay=min_delay,
            reconnect_max_delay=max_delay,
            reconnect_factor=factor,
            suspend_after=suspend_after,
            suspended_retry=suspended_retry,
        )

    def set_max_reconnect_attempts(self, attempts: int | None) -> AppSettingsBuilder:
        """Give up (state FAILED) after this many attempts; None retries forever."""
        return self._set(max_reconnect_attempts=attempts)

    def set_timeouts(
        self, connect: float = DEFAULTS.connect_timeout, request: float = DEFAULTS.request_timeout
    ) -> AppSettingsBuilder:
        """Socket open+auth timeout and REST request timeout."""
        return self._set(connect_timeout=connect, request_timeout=request)

    def enable_catch_up(
        self,
        enabled: bool = True,
        *,
        page_size: int = DEFAULTS.catch_up_page_size,
        max_messages: int = DEFAULTS.catch_up_max_messages,
    ) -> AppSettingsBuilder:
        """Fetch messages missed while disconnected and deliver them once (default on)."""
        return self._set(
            catch_up=bool(enabled), catch_up_page_size=page_size, catch_up_max_messages=max_messages
        )

    def set_outbound_queue_size(self, size: int) -> AppSettingsBuilder:
        """How many typing/receipt frames to hold while disconnected (0 = fail at once)."""
        return self._set(outbound_queue_size=size)

    def set_verify(self, verify: bool | str) -> AppSettingsBuilder:
        """TLS verification: True, False, or the path of a CA bundle (self-signed servers)."""
        return self._set(verify=verify)

    def build(self) -> AppSettings:
        """The :class:`AppSettings` (validated; raises ``InvalidArgumentError``)."""
        return AppSettings(**self._values)  # type: ignore[arg-type]

    # camelCase aliases -------------------------------------------------------------
    subscribePresenceForAllUsers = subscribe_presence_for_all_users
    subscribePresenceForRoles = subscribe_presence_for_roles
    subscribePresenceForFriends = subscribe_presence_for_friends
    setRegion = set_region
    autoEstablishSocketConnection = auto_establish_socket_connection
    overrideClientHost = override_client_host
    overrideAdminHost = override_admin_host
    setKeepalive = set_keepalive
    setReconnectBackoff = set_reconnect_backoff
    setMaxReconnectAttempts = set_max_reconnect_attempts
    setTimeouts = set_timeouts
    enableCatchUp = enable_catch_up
    setOutboundQueueSize = set_outbound_queue_size
    setVerify = set_verify
