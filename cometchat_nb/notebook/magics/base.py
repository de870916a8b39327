"""What every group of ``%cometchat_*`` magics shares: the settings (traits), argument
parsing, the error boundary and the ``-o VAR`` output.

A group is a class deriving from :class:`MagicsBase`, decorated with
``@magics_class``, whose methods are ``@line_magic @boundary(name) @magic_arguments()
@argument(...)`` stacks; :class:`~cometchat_nb.notebook.magics.CometChatMagics`
inherits every group and :func:`combine_magics` gathers their magics. A group
reads the settings as ``self.connect_timeout`` …, parses with :meth:`MagicsBase.parse`
and hands DataFrames back with :meth:`MagicsBase.output` (``-o VAR`` stores instead
of displaying). Table magics (pages fetched into a typed DataFrame) add their
flags with :func:`table_arguments`.
"""

from __future__ import annotations

import argparse
import functools
import keyword
import shlex
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from IPython.core import magic_arguments as _ipython_magic_arguments
from IPython.core.error import UsageError
from IPython.core.magic import Magics, magics_class
from traitlets import Bool, Enum, Float, Int, TraitError, Unicode, observe, validate
from traitlets.config import Configurable

from ...errors import CometChatException, InvalidArgumentError
from .. import session
from ..config import (
    APP_DEFAULTS,
    DEFAULT_MAX_ROWS,
    DEFAULT_UI_HZ,
    MAX_UI_HZ,
    PRESENCE_CHOICES,
    REGIONS,
    check_max_rows,
    check_region,
    check_ui_hz,
)
from ..kernel import KERNEL_SWITCH_INTERVAL, check_switch_interval
from ..panel import ControlPanel
from ..secrets import one_line, scrub

__all__ = [
    "MagicsBase",
    "argument",
    "boundary",
    "combine_magics",
    "magic_arguments",
    "output_argument",
    "table_arguments",
    "without_comment",
]

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=type[Magics])


class _Decorator(Protocol):
    def __call__(self, fn: F, /) -> F: ...


# typed fronts for IPython.core.magic_arguments (which has no annotations)
def magic_arguments() -> _Decorator:
    """``IPython.core.magic_arguments.magic_arguments``, typed."""
    decorator: _Decorator = _ipython_magic_arguments.magic_arguments()  # type: ignore[no-untyped-call]
    return decorator


def argument(*names: str, **kwargs: Any) -> _Decorator:
    """``IPython.core.magic_arguments.argument``, typed (argparse's ``add_argument``)."""
    decorator: _Decorator = _ipython_magic_arguments.argument(*names, **kwargs)  # type: ignore[no-untyped-call]
    return decorator


def _variable_name(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise argparse.ArgumentTypeError(f"-o needs a valid Python variable name, got {name!r}")
    return name


def output_argument() -> _Decorator:
    """The ``-o/--out VAR`` flag of magics that return a value (see :meth:`MagicsBase.output`)."""
    return argument(
        "-o",
        "--out",
        type=_variable_name,
        default=None,
        help="Store the result in this variable and display nothing.",
    )


def table_arguments(noun: str, *, limit: int = 30, max_limit: int = 100) -> _Decorator:
    """The flags of a table magic: ``--limit`` (``noun`` per page), ``--pages`` and ``-o``."""
    decorators = (
        argument(
            "--limit", "-l", type=int, default=limit, help=f"{noun.capitalize()} per page (1..{max_limit})."
        ),
        argument("--pages", "-p", type=int, default=1, help="Pages to fetch."),
        output_argument(),
    )

    def decorate(fn: F) -> F:
        for decorator in reversed(decorators):  # in the order above in the help
            fn = decorator(fn)
        return fn

    return decorate


def boundary(name: str) -> _Decorator:
    """Turn user mistakes and SDK errors into a one-line ``UsageError`` (unless
    ``short_errors`` is off). ``name``: the magic, for the message."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(self: MagicsBase, line: str = "", *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, line, *args, **kwargs)
            except UsageError as exc:
                message = scrub(str(exc))
                if message.startswith("%"):
                    raise
                raise UsageError(f"%{name}: {message} (see %{name}?)") from None
            except (CometChatException, ValueError, TraitError, OSError) as exc:
                if not self.short_errors:
                    raise
                raise UsageError(one_line(exc)) from None

        return wrapper  # type: ignore[return-value]

    return decorate


def combine_magics(cls: M) -> M:
    """``@magics_class`` for a class whose magics come from its bases (the groups).

    IPython's ``@magics_class`` records only the magics defined in the class body
    it decorates; this adds those of every ``@magics_class`` base in the MRO.
    """
    cls = magics_class(cls)
    table: dict[str, dict[str, Any]] = {"line": {}, "cell": {}}
    for klass in reversed(cls.__mro__):
        own = klass.__dict__.get("magics")
        if isinstance(own, dict):
            for kind, magics in own.items():
                table.setdefault(kind, {}).update(magics)
    cls.magics = table
    return cls


def _trait_error(exc: InvalidArgumentError) -> TraitError:
    return TraitError(exc.message)


def without_comment(line: str) -> str:
    """``line`` without a trailing Python-style comment: from an unquoted ``#``
    that stands alone as a word (``%cometchat_send bob hi  # greet him``). A ``#``
    joined to other characters (``#general``, ``issue#3``) or in quotes stays: it is text."""
    quote: str | None = None
    escaped = False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote is not None:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif (
            ch == "#" and (i == 0 or line[i - 1].isspace()) and (i + 1 == len(line) or line[i + 1].isspace())
        ):
            return line[:i].rstrip()
    return line


@magics_class
class MagicsBase(Magics, Configurable):
    """The settings of the ``%cometchat_*`` magics (traits: ``%config CometChatMagics.*``) and
    the helpers every group of magics uses."""

    app_id = Unicode("", help="Default app id for %cometchat_init (else the config file's).").tag(config=True)
    region = Unicode("", help=f"Default region: {', '.join(REGIONS)} ('': the config file's, else eu).").tag(
        config=True
    )
    presence = Enum(list(PRESENCE_CHOICES), default_value="all", help="Default presence subscription.").tag(
        config=True
    )
    auto_connect = Bool(
        APP_DEFAULTS.auto_establish_socket_connection,
        help="Open the socket on login (False: only %cometchat_connect does).",
    ).tag(config=True)
    max_rows = Int(
        DEFAULT_MAX_ROWS, allow_none=True, help="Rows kept by the live frame (None: unbounded)."
    ).tag(config=True)
    keep_raw = Bool(False, help="Keep the full JSON of each event (about 300 bytes per event).").tag(
        config=True
    )
    ui_hz = Float(DEFAULT_UI_HZ, help=f"Control panel refreshes per second (at most; <= {MAX_UI_HZ:g}).").tag(
        config=True
    )
    short_errors = Bool(True, help="One-line UsageError for expected errors (False: full traceback).").tag(
        config=True
    )
    connect_timeout = Float(
        APP_DEFAULTS.connect_timeout, help="Seconds to wait for the socket (connect and auth)."
    ).tag(config=True)
    reconnect_min_delay = Float(
        APP_DEFAULTS.reconnect_min_delay, help="Smallest reconnect backoff delay, seconds."
    ).tag(config=True)
    reconnect_max_delay = Float(
        APP_DEFAULTS.reconnect_max_delay, help="Largest reconnect backoff delay, seconds."
    ).tag(config=True)
    switch_interval = Float(
        KERNEL_SWITCH_INTERVAL,
        allow_none=True,
        help="Python's thread switch interval in the kernel, seconds (None: leave Python's 5 ms). "
        "Short keeps cells responsive while the SDK's thread ingests events.",
    ).tag(config=True)

    # -- validation: one check per setting (config.py, kernel.py), whatever door it came through
    @validate("region")
    def _check_region(self, proposal: Any) -> str:
        value = str(proposal["value"]).strip().lower()
        try:
            return check_region(value) if value else value
        except InvalidArgumentError as exc:
            raise _trait_error(exc) from None

    @validate("max_rows")
    def _check_max_rows(self, proposal: Any) -> int | None:
        try:
            return check_max_rows(proposal["value"])
        except InvalidArgumentError as exc:
            raise _trait_error(exc) from None

    @validate("ui_hz")
    def _check_ui_hz(self, proposal: Any) -> float:
        try:
            return check_ui_hz(proposal["value"])
        except InvalidArgumentError as exc:
            raise _trait_error(exc) from None

    @validate("switch_interval")
    def _check_switch_interval(self, proposal: Any) -> float | None:
        try:
            return check_switch_interval(proposal["value"])
        except InvalidArgumentError as exc:
            raise _trait_error(exc) from None

    @validate("connect_timeout", "reconnect_min_delay", "reconnect_max_delay")
    def _check_seconds(self, proposal: Any) -> float:
        value = float(proposal["value"])
        if not value >= 0:
            raise TraitError(f"{proposal['trait'].name} must be a number of seconds >= 0, got {value!r}")
        return value

    @observe("max_rows", "keep_raw", "ui_hz", "switch_interval")
    def _apply(self, change: Any) -> None:
        self.apply_settings(change["name"])

    def apply_settings(self, *names: str) -> None:
        """Push the settings that apply at once (``max_rows``, ``keep_raw``, ``switch_interval``
        to the session, ``ui_hz`` to the control panel); all of them without ``names``."""
        wanted = set(names or ("max_rows", "keep_raw", "ui_hz", "switch_interval"))
        if "ui_hz" in wanted:
            ControlPanel.set_default_ui_hz(self.ui_hz)
        pushed = {
            name: getattr(self, name)
            for name in ("max_rows", "keep_raw", "switch_interval")
            if name in wanted
        }
        if pushed:
            session.configure(**pushed)

    # -- helpers for the magics --------------------------------------------------------------
    def parse(self, magic: str, line: str) -> argparse.Namespace:
        """Parse ``line`` with the magic's ``magic_arguments`` parser.

        Words are split the POSIX shell way (quotes group words and are removed,
        ``"two  spaces"`` stays one argument) after a trailing comment is cut
        (:func:`without_comment`); unbalanced quotes raise ValueError.
        The magic is looked up by name because IPython's ``line_magic`` types the
        attribute as a union mypy cannot call.
        """
        parser: argparse.ArgumentParser = getattr(self, magic).parser
        return parser.parse_args(shlex.split(without_comment(line)))

    def output(self, value: Any, out: str | None) -> Any:
        """``value`` to display, or, with ``-o VAR`` (``out``), stored in the user's ``VAR``
        and None (nothing displayed)."""
        if out is None:
            return value
        if self.shell is None:
            raise UsageError("-o needs an IPython shell")
        self.shell.user_ns[out] = value
        return None
