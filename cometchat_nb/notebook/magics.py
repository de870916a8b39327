"""IPython magics: ``%load_ext cometchat_nb``, then ``%cometchat_*``.

::

    %cometchat_init --local                 # or: %cometchat_init APP_ID --region eu
    %cometchat_login superhero1             # key: env / config file / local server
    %cometchat_send superhero2 hello there
    %cometchat_events -o ev --type text_message_received
    %cometchat_status
    %cometchat_panel

Every magic is a thin wrapper around a function of
:mod:`cometchat_nb.notebook.session` (scripts and tests call those). Each has
``magic_arguments`` help (``%cometchat_connect?``); an unknown flag, a user
mistake or an SDK error becomes a one-line ``UsageError`` such as
``[USER_NOT_LOGGED_IN] connect() needs a logged-in user: …`` (with
``%config CometChatMagics.short_errors = False`` the original exception is
raised instead). Auth keys and tokens are never echoed.

Settings are traits (``%config CometChatMagics.max_rows = 5000``, or
``c.CometChatMagics.region = "us"`` in ``ipython_config.py``): ``app_id``,
``region``, ``presence``, ``auto_connect``, ``max_rows``, ``keep_raw``,
``ui_hz``, ``short_errors``, ``connect_timeout``, ``reconnect_min_delay``,
``reconnect_max_delay``, ``switch_interval``. ``max_rows``/``keep_raw``/``ui_hz``/
``switch_interval`` apply at once; the others at the next ``%cometchat_init``.
"""

from __future__ import annotations

import argparse
import functools
import keyword
import shlex
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from IPython.core import magic_arguments as _ma
from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from traitlets import Bool, Enum, Float, Int, TraitError, Unicode, observe, validate
from traitlets.config import Configurable

from ..errors import CometChatException
from ..sdk import CometChat
from . import session

__all__ = ["CometChatMagics", "load_ipython_extension", "unload_ipython_extension"]

F = TypeVar("F", bound=Callable[..., Any])


class _Decorator(Protocol):
    def __call__(self, fn: F, /) -> F: ...


# typed fronts for IPython.core.magic_arguments (which has no annotations)
def magic_arguments() -> _Decorator:
    decorator: _Decorator = _ma.magic_arguments()  # type: ignore[no-untyped-call]
    return decorator


def argument(*names: str, **kwargs: Any) -> _Decorator:
    decorator: _Decorator = _ma.argument(*names, **kwargs)  # type: ignore[no-untyped-call]
    return decorator


_SUBCOMMANDS = (
    "init",
    "login",
    "logout",
    "connect",
    "disconnect",
    "status",
    "send",
    "events",
    "wait",
    "history",
    "panel",
)


def _one_line(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, CometChatException) else f"{type(exc).__name__}: {exc}"
    return session.scrub(" ".join(text.split()))


def _boundary(name: str) -> _Decorator:
    """Turn user mistakes and SDK errors into a one-line ``UsageError`` (unless short_errors is off)."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(self: CometChatMagics, line: str = "", *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, line, *args, **kwargs)
            except UsageError as exc:
                message = session.scrub(str(exc))
                if message.startswith("%"):
                    raise
                raise UsageError(f"%{name}: {message} (see %{name}?)") from None
            except (CometChatException, ValueError, TraitError, OSError) as exc:
                if not self.short_errors:
                    raise
                raise UsageError(_one_line(exc)) from None

        return wrapper  # type: ignore[return-value]

    return decorate


def _out_name(name: str | None) -> str | None:
    if name is None:
        return None
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"-o needs a valid Python variable name, got {name!r}")
    return name


@magics_class
class CometChatMagics(Magics, Configurable):
    """The ``%cometchat_*`` magics and their settings (see the module docstring)."""

    app_id = Unicode("", help="Default app id for %cometchat_init (else the config file's).").tag(config=True)
    region = Unicode("", help="Default region: eu, us or in ('': the config file's, else eu).").tag(
        config=True
    )
    presence = Enum(
        list(session.PRESENCE_CHOICES), default_value="all", help="Default presence subscription."
    ).tag(config=True)
    auto_connect = Bool(True, help="Open the socket on login (False: only %cometchat_connect does).").tag(
        config=True
    )
    max_rows = Int(100_000, allow_none=True, help="Rows kept by the live frame (None: unbounded).").tag(
        config=True
    )
    keep_raw = Bool(False, help="Keep the full JSON of each event (about 300 bytes per event).").tag(
        config=True
    )
    ui_hz = Float(4.0, help="Control panel refreshes per second (at most).").tag(config=True)
    short_errors = Bool(True, help="One-line UsageError for expected errors (False: full traceback).").tag(
        config=True
    )
    connect_timeout = Float(10.0, help="Seconds to wait for the socket (connect and auth).").tag(config=True)
    reconnect_min_delay = Float(0.5, help="Smallest reconnect backoff delay, seconds.").tag(config=True)
    reconnect_max_delay = Float(20.0, help="Largest reconnect backoff delay, seconds.").tag(config=True)
    switch_interval = Float(
        session.KERNEL_SWITCH_INTERVAL,
        allow_none=True,
        help="Python's thread switch interval in the kernel, seconds (None: leave Python's 5 ms). "
        "Short keeps cells responsive while the SDK's thread ingests events.",
    ).tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        # Magics.__init__ appends us to shell.configurables (so %config works) and makes
        # the shell our config parent (so ipython_config.py settings apply).
        super().__init__(shell=shell, **kwargs)
        session.configure(
            max_rows=self.max_rows,
            keep_raw=self.keep_raw,
            ui_hz=self.ui_hz,
            switch_interval=self.switch_interval,
        )

    def _parse(self, magic: str, line: str) -> argparse.Namespace:
        """Parse ``line`` with the magic's ``magic_arguments`` parser.

        Words are split the POSIX shell way (quotes group words and are removed,
        ``"two  spaces"`` stays one argument); unbalanced quotes raise ValueError.
        The magic is looked up by name because IPython's ``line_magic`` types the
        attribute as a union mypy cannot call.
        """
        parser: argparse.ArgumentParser = getattr(self, magic).parser
        return parser.parse_args(shlex.split(line))

    def _user_ns(self) -> dict[str, Any]:
        if self.shell is None:
            raise UsageError("-o needs an IPython shell")
        ns: dict[str, Any] = self.shell.user_ns
        return ns

    # -- traits -------------------------------------------------------------------------
    @validate("region")
    def _check_region(self, proposal: Any) -> str:
        value = str(proposal["value"]).strip().lower()
        if value and value not in session.REGIONS:
            raise TraitError(f"region must be one of {', '.join(session.REGIONS)}, got {proposal['value']!r}")
        return value

    @validate("max_rows")
    def _check_max_rows(self, proposal: Any) -> int | None:
        value = proposal["value"]
        if value is not None and value < 1:
            raise TraitError(f"max_rows must be >= 1 or None, got {value!r}")
        return value  # type: ignore[no-any-return]

    @validate("ui_hz")
    def _check_ui_hz(self, proposal: Any) -> float:
        value = float(proposal["value"])
        if not 0 < value <= 60:
            raise TraitError(f"ui_hz must be within (0, 60], got {value!r}")
        return value

    @validate("switch_interval")
    def _check_switch_interval(self, proposal: Any) -> float | None:
        value = proposal["value"]
        if value is not None and not 0 < value <= 1:
            raise TraitError(f"switch_interval must be within (0, 1] seconds or None, got {value!r}")
        return value  # type: ignore[no-any-return]

    @validate("connect_timeout", "reconnect_min_delay", "reconnect_max_delay")
    def _check_seconds(self, proposal: Any) -> float:
        value = float(proposal["value"])
        if not value >= 0:
            raise TraitError(f"{proposal['trait'].name} must be a number of seconds >= 0, got {value!r}")
        return value

    @observe("max_rows", "keep_raw", "ui_hz", "switch_interval")
    def _apply(self, change: Any) -> None:
        session.configure(**{change["name"]: change["new"]})

    # -- magics -------------------------------------------------------------------------
    @line_magic
    @_boundary("cometchat_init")
    @magic_arguments()
    @argument("app_id", nargs="?", default=None, help="CometChat app id (optional with --local).")
    @argument(
        "--region",
        "-r",
        default=None,
        help="eu, us or in (default: %%config CometChatMagics.region, the config file, eu; "
        "the local server decides with --local).",
    )
    @argument("--presence", "-p", default=None, help="all, roles, friends or none.")
    @argument("--roles", default=None, help="Comma-separated roles for --presence roles.")
    @argument("--manual", action="store_true", help="No socket until %%cometchat_connect.")
    @argument("--auto", action="store_true", help="Open the socket on login (the default).")
    @argument(
        "--local", action="store_true", help="Start (once) an embedded server for this kernel and use it."
    )
    def cometchat_init(self, line: str = "") -> None:
        """Initialise the CometChat SDK for this kernel (``CometChat.init``)."""
        args = self._parse("cometchat_init", line)
        if args.manual and args.auto:
            raise UsageError("--manual and --auto exclude each other")
        manual = args.manual or (not args.auto and not self.auto_connect)
        summary = session.init(
            app_id=args.app_id or self.app_id or None,
            region=args.region or self.region or None,  # else the config file's, else eu
            presence=args.presence or self.presence,
            manual=manual,
            local=args.local,
            roles=args.roles.split(",") if args.roles else None,
            connect_timeout=self.connect_timeout,
            reconnect_min_delay=self.reconnect_min_delay,
            reconnect_max_delay=self.reconnect_max_delay,
        )
        where = f" on the local server {summary['local_server']}" if summary["local_server"] else ""
        restored = f"; restored the session of {summary['restored_user']}" if summary["restored_user"] else ""
        print(
            f"CometChat initialised: app {summary['app_id']} ({summary['region']}, {summary['mode']} mode, "
            f"presence {summary['presence']}){where}{restored}."
        )

    @line_magic
    @_boundary("cometchat_login")
    @magic_arguments()
    @argument("uid", nargs="?", default=None, help="User id to log in as.")
    @argument(
        "--auth-key", "-k", default=None, help="Auth key (better: COMETCHAT_AUTH_KEY or the config file)."
    )
    @argument("--auth-token", "-t", default=None, help="Log in with an auth token instead of uid + key.")
    @argument("--no-wait", action="store_true", help="Return without waiting for the socket (auto mode).")
    def cometchat_login(self, line: str = "") -> None:
        """Log in (``CometChat.login``); in auto mode also wait until connected and caught up.

        The auth key is taken, in order, from --auth-key, the local server,
        the COMETCHAT_AUTH_KEY environment variable, or auth_key in the
        [cometchat] section of ~/.config/cometchat_nb/config.ini
        (COMETCHAT_NB_CONFIG) — keep it out of saved notebooks. It is never printed.
        """
        args = self._parse("cometchat_login", line)
        if args.auth_key and args.auth_token:
            raise UsageError("give --auth-key or --auth-token, not both")
        if not args.uid and not args.auth_token:
            raise UsageError("a UID is needed (or --auth-token)")
        user = session.login(args.uid, auth_key=args.auth_key, auth_token=args.auth_token)
        name = f" ({user.name})" if user.name else ""
        print(f"Logged in as {user.uid}{name}.")
        if CometChat.client().settings.auto_establish_socket_connection and not args.no_wait:
            try:
                session.wait_connected(self.connect_timeout)
            except CometChatException as exc:
                print(f"Not connected yet: {_one_line(exc)} (the SDK keeps retrying)")
            else:
                print("Connected.")

    @line_magic
    @_boundary("cometchat_logout")
    @magic_arguments()
    def cometchat_logout(self, line: str = "") -> None:
        """Log out (``CometChat.logout``): closes the socket and forgets the saved session."""
        self._parse("cometchat_logout", line)
        session.logout()
        print("Logged out.")

    @line_magic
    @_boundary("cometchat_connect")
    @magic_arguments()
    @argument("--timeout", type=float, default=None, help="Seconds to wait (default: connect_timeout).")
    def cometchat_connect(self, line: str = "") -> None:
        """Open the socket (``CometChat.connect``); waits until connected and caught up on missed messages.

        Needs a logged-in user. On timeout the SDK keeps retrying in the
        background (%cometchat_disconnect stops it).
        """
        args = self._parse("cometchat_connect", line)
        report = session.connect(self.connect_timeout if args.timeout is None else args.timeout)
        rtt = f" (rtt {report['rtt_ms']} ms)" if report.get("rtt_ms") is not None else ""
        print(f"Connected as {report.get('uid')}{rtt}.")

    @line_magic
    @_boundary("cometchat_disconnect")
    @magic_arguments()
    def cometchat_disconnect(self, line: str = "") -> None:
        """Close the socket and stop reconnecting (``CometChat.disconnect``). Idempotent."""
        self._parse("cometchat_disconnect", line)
        session.disconnect()
        print("Disconnected.")

    @line_magic
    @_boundary("cometchat_status")
    @magic_arguments()
    def cometchat_status(self, line: str = "") -> session.StatusReport:
        """Show the connection status: state, attempt, retry_in, last error, rtt, queued frames,
        catch-up and event counts (HTML in notebooks, text elsewhere)."""
        self._parse("cometchat_status", line)
        return session.status()

    @line_magic
    @_boundary("cometchat_send")
    @magic_arguments()
    @argument("to", help="Receiver uid (or guid with --group).")
    @argument("text", nargs="+", help="The message text (quote it to keep spacing).")
    @argument("--group", "-g", action="store_true", help="Send to a group.")
    def cometchat_send(self, line: str = "") -> None:
        """Send a text message: ``%cometchat_send superhero2 hello there [--group]``."""
        try:
            args = self._parse("cometchat_send", line)
            to, text, group = args.to, " ".join(args.text), args.group
        except ValueError:  # unbalanced quotes ("don't"): split on whitespace instead
            words = line.split()
            group = any(w in ("--group", "-g") for w in words)
            words = [w for w in words if w not in ("--group", "-g")]
            if len(words) < 2:
                raise UsageError("usage: %cometchat_send TO TEXT... [--group]") from None
            to, text = words[0], " ".join(words[1:])
        sent = session.send(to, text, group=group)
        print(f"Sent message {sent.id} to {'group ' if group else ''}{to}.")

    @line_magic
    @_boundary("cometchat_events")
    @magic_arguments()
    @argument("-o", "--out", default=None, help="Store the DataFrame in this variable and display nothing.")
    @argument("--tail", "-n", type=int, default=None, help="Only the last N rows.")
    @argument("--type", "-t", default=None, help="Only these events (e.g. text_message_received; commas).")
    def cometchat_events(self, line: str = "") -> Any:
        """The live events DataFrame (a snapshot), optionally filtered; with -o VAR it is stored in
        VAR and nothing is displayed."""
        args = self._parse("cometchat_events", line)
        out = _out_name(args.out)
        df = session.events(tail=args.tail, type=args.type)
        if out is not None:
            self._user_ns()[out] = df
            return None
        return df

    @line_magic
    @_boundary("cometchat_wait")
    @magic_arguments()
    @argument("--state", "-s", default=None, help="Wait for this connection state (e.g. connected).")
    @argument("--count", "-n", type=int, default=None, help="Wait until this many events were seen.")
    @argument("--type", "-t", default=None, help="Count only these events (with --count).")
    @argument("--catchup", action="store_true", help="Wait for a pending catch-up to finish.")
    @argument("--timeout", type=float, default=session.WAIT, help="Seconds (default 10).")
    def cometchat_wait(self, line: str = "") -> None:
        """Block until a state, an event count or the end of catch-up — deterministic notebooks
        without ``sleep``. Example: ``%cometchat_wait --count 3 --type text_message_received``."""
        args = self._parse("cometchat_wait", line)
        if args.state is None and args.count is None and not args.catchup:
            raise UsageError("give --state, --count or --catchup")
        session.wait(
            state=args.state, count=args.count, type=args.type, catchup=args.catchup, timeout=args.timeout
        )

    @line_magic
    @_boundary("cometchat_history")
    @magic_arguments()
    @argument("--uid", "-u", default=None, help="Conversation with this user.")
    @argument("--guid", "-g", default=None, help="Conversation of this group.")
    @argument("--limit", "-l", type=int, default=30, help="Messages per page (1..100).")
    @argument("--pages", "-p", type=int, default=1, help="Pages to fetch, going back in time.")
    @argument("-o", "--out", default=None, help="Store the DataFrame in this variable and display nothing.")
    def cometchat_history(self, line: str = "") -> Any:
        """Fetch earlier messages of a conversation (with a progress bar) as a DataFrame."""
        args = self._parse("cometchat_history", line)
        out = _out_name(args.out)
        df = session.fetch_history(uid=args.uid, guid=args.guid, limit=args.limit, pages=args.pages)
        if out is not None:
            self._user_ns()[out] = df
            return None
        return df

    @line_magic
    @_boundary("cometchat_panel")
    @magic_arguments()
    def cometchat_panel(self, line: str = "") -> Any:
        """Show the control panel (one per kernel; it mirrors what magics and code do)."""
        self._parse("cometchat_panel", line)
        return session.panel(ui_hz=self.ui_hz)

    @line_magic
    def cometchat(self, line: str = "") -> Any:
        """Umbrella magic: ``%cometchat SUBCOMMAND ARGS`` runs ``%cometchat_SUBCOMMAND ARGS``.

        Subcommands: init, login, logout, connect, disconnect, status, send,
        events, wait, history, panel.
        """
        sub, _, rest = line.strip().partition(" ")
        if sub not in _SUBCOMMANDS:
            raise UsageError(
                f"%cometchat: unknown subcommand {sub!r}; choose one of {', '.join(_SUBCOMMANDS)}"
            )
        method: Callable[[str], Any] = getattr(self, f"cometchat_{sub}")
        return method(rest)


_loaded: dict[int, CometChatMagics] = {}


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext cometchat_nb``: register the magics on ``ipython`` (idempotent)."""
    if id(ipython) in _loaded:
        return
    magics = CometChatMagics(shell=ipython)
    ipython.register_magics(magics)
    _loaded[id(ipython)] = magics


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext cometchat_nb``: remove the magics, close the panel, detach the
    live frame, shut the SDK down and stop the local server (no thread is left)."""
    magics = _loaded.pop(id(ipython), None)
    if magics is not None:
        table = ipython.magics_manager.magics["line"]
        for name in list(magics.magics["line"]):
            table.pop(name, None)
        ipython.magics_manager.registry.pop(type(magics).__name__, None)
        configurables = getattr(ipython, "configurables", [])
        if magics in configurables:
            configurables.remove(magics)
    session.shutdown()
