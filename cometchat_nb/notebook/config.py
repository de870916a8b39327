"""The notebook layer's settings: their defaults, their validators, and the config file.

One home for each: the magics' traits, :func:`~.session.configure`, the
:class:`~.live_frame.LiveFrame` and the :class:`~.panel.ControlPanel` take
their defaults from here (or from :class:`~cometchat_nb.settings.AppSettings`
for the SDK's own settings) and validate with the ``check_*`` functions here
(the thread switch interval's is in :mod:`.kernel`), which raise
:class:`~cometchat_nb.errors.InvalidArgumentError` with one message whichever
door the value came through.

The config file (``$COMETCHAT_NB_CONFIG`` or ``~/.config/cometchat_nb/config.ini``)
may give ``app_id``, ``region`` and ``auth_key``::

    [cometchat]
    app_id = 123456abcdef
    region = eu
    auth_key = ...
"""

from __future__ import annotations

import configparser
import dataclasses
import math
import os
from pathlib import Path
from typing import Any, Final

from ..errors import ErrorCode, InvalidArgumentError
from ..settings import CLOUD_REGIONS, DEFAULTS
from .secrets import remember_secret

__all__ = [
    "APP_DEFAULTS",
    "AUTH_KEY_ENV",
    "CONFIG_ENV",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_UI_HZ",
    "MAX_UI_HZ",
    "PRESENCE_CHOICES",
    "REGIONS",
    "SessionConfig",
    "check_max_rows",
    "check_region",
    "check_ui_hz",
    "default_config_path",
    "read_config",
]

REGIONS: Final = CLOUD_REGIONS
"""Regions the notebook offers (``%cometchat_init --region``, the panel's menu): CometChat's
cloud regions. ``private`` (a dedicated deployment, reached through its app id) is left to
``AppSettingsBuilder().setRegion("private")``."""

PRESENCE_CHOICES: Final = ("all", "roles", "friends", "none")
"""Presence subscriptions accepted by :func:`~.session.init`."""

AUTH_KEY_ENV: Final = "COMETCHAT_AUTH_KEY"
CONFIG_ENV: Final = "COMETCHAT_NB_CONFIG"

APP_DEFAULTS: Final = DEFAULTS
"""The SDK's defaults (connect timeout, reconnect delays …), for the magics' traits."""

DEFAULT_MAX_ROWS: Final = 100_000
"""Rows the kernel's LiveFrame keeps by default (a rolling window)."""

DEFAULT_UI_HZ: Final = 4.0
"""Control panel refreshes per second, by default."""

MAX_UI_HZ: Final = 60.0
"""More refreshes per second than a screen shows would only load the kernel."""


def _invalid(message: str, code: str = ErrorCode.INVALID_PARAMETER) -> InvalidArgumentError:
    return InvalidArgumentError(message, code=code)


def check_max_rows(value: Any) -> int | None:
    """``value`` if it is a positive integer or None (unbounded); else InvalidArgumentError."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise _invalid(f"max_rows must be a positive integer or None, got {value!r}")
    return value


def check_ui_hz(value: Any) -> float:
    """``value`` as a float if it is a rate in (0, :data:`MAX_UI_HZ`] refreshes per second."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or math.isnan(value)
        or not 0 < value <= MAX_UI_HZ
    ):
        raise _invalid(f"ui_hz must be a number within (0, {MAX_UI_HZ:g}], got {value!r}")
    return float(value)


def check_region(value: str | None) -> str:
    """``value`` trimmed and lower-cased if it is one of :data:`REGIONS`; else
    InvalidArgumentError (code ``ERR_INVALID_REGION``)."""
    region = (value or "").strip().lower()
    if region not in REGIONS:
        raise _invalid(
            f"unknown region {region!r}: choose one of {', '.join(REGIONS)}", code=ErrorCode.INVALID_REGION
        )
    return region


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SessionConfig:
    """What the last :func:`~.session.init` was called with (no secrets)."""

    app_id: str
    region: str
    presence: str
    roles: tuple[str, ...]
    manual: bool
    local: bool
    server_url: str | None
    generation: int


def default_config_path() -> Path:
    """``$COMETCHAT_NB_CONFIG`` or ``~/.config/cometchat_nb/config.ini``."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or "~/.config"
    return Path(base).expanduser() / "cometchat_nb" / "config.ini"


def read_config(path: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The ``[cometchat]`` section of the config file (``{}`` if there is none).

    Keys: ``app_id``, ``region``, ``auth_key`` (remembered as a secret). A file
    that cannot be parsed raises :class:`~cometchat_nb.errors.InvalidArgumentError`
    naming it.
    """
    file = Path(path) if path is not None else default_config_path()
    if not file.is_file():
        return {}
    parser = configparser.ConfigParser()
    try:
        parser.read(file, encoding="utf-8")
    except configparser.Error as exc:
        raise _invalid(f"cannot read {file}: {exc}".replace("\n", " ")) from None
    if not parser.has_section("cometchat"):
        return {}
    values = {k: v.strip() for k, v in parser.items("cometchat") if v.strip()}
    remember_secret(values.get("auth_key"))
    return values
