"""The magics of the session's lifecycle: ``%cometchat_init``, ``_login``, ``_logout``,
``_connect``, ``_disconnect``, ``_status``, ``_wait`` and ``_panel``."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import line_magic, magics_class

from ...errors import CometChatException
from ...sdk import CometChat
from .. import session
from ..config import PRESENCE_CHOICES, REGIONS
from ..panel import ControlPanel
from ..secrets import one_line
from ..status import StatusReport
from .base import MagicsBase, argument, boundary, magic_arguments

__all__ = ["ConnectionMagics"]


@magics_class
class ConnectionMagics(MagicsBase):
    """Initialise, log in and out, connect and disconnect, wait, show the status and the panel."""

    @line_magic
    @boundary("cometchat_init")
    @magic_arguments()
    @argument("app_id", nargs="?", default=None, help="CometChat app id (optional with --local).")
    @argument(
        "--region",
        "-r",
        default=None,
        help=f"{', '.join(REGIONS)} (default: %%config CometChatMagics.region, the config file, eu; "
        "the local server decides with --local).",
    )
    @argument("--presence", "-p", default=None, help=f"{', '.join(PRESENCE_CHOICES)}.")
    @argument("--roles", default=None, help="Comma-separated roles for --presence roles.")
    @argument("--manual", action="store_true", help="No socket until %%cometchat_connect.")
    @argument("--auto", action="store_true", help="Open the socket on login (the default).")
    @argument(
        "--local", action="store_true", help="Start (once) an embedded server for this kernel and use it."
    )
    def cometchat_init(self, line: str = "") -> None:
        """Initialise the CometChat SDK for this kernel (``CometChat.init``)."""
        args = self.parse("cometchat_init", line)
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
    @boundary("cometchat_login")
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
        args = self.parse("cometchat_login", line)
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
                print(f"Not connected yet: {one_line(exc)} (the SDK keeps retrying)")
            else:
                print("Connected.")

    @line_magic
    @boundary("cometchat_logout")
    @magic_arguments()
    def cometchat_logout(self, line: str = "") -> None:
        """Log out (``CometChat.logout``): closes the socket and forgets the saved session."""
        self.parse("cometchat_logout", line)
        session.logout()
        print("Logged out.")

    @line_magic
    @boundary("cometchat_connect")
    @magic_arguments()
    @argument("--timeout", type=float, default=None, help="Seconds to wait (default: connect_timeout).")
    def cometchat_connect(self, line: str = "") -> None:
        """Open the socket (``CometChat.connect``); waits until connected and caught up on missed messages.

        Needs a logged-in user. On timeout the SDK keeps retrying in the
        background (%cometchat_disconnect stops it).
        """
        args = self.parse("cometchat_connect", line)
        report = session.connect(self.connect_timeout if args.timeout is None else args.timeout)
        rtt = f" (rtt {report['rtt_ms']} ms)" if report.get("rtt_ms") is not None else ""
        print(f"Connected as {report.get('uid')}{rtt}.")

    @line_magic
    @boundary("cometchat_disconnect")
    @magic_arguments()
    def cometchat_disconnect(self, line: str = "") -> None:
        """Close the socket and stop reconnecting (``CometChat.disconnect``). Idempotent."""
        self.parse("cometchat_disconnect", line)
        session.disconnect()
        print("Disconnected.")

    @line_magic
    @boundary("cometchat_status")
    @magic_arguments()
    def cometchat_status(self, line: str = "") -> StatusReport:
        """Show the connection status: state, attempt, retry_in, last error, rtt, queued frames,
        catch-up and event counts (HTML in notebooks, text elsewhere)."""
        self.parse("cometchat_status", line)
        return session.status()

    @line_magic
    @boundary("cometchat_wait")
    @magic_arguments()
    @argument("--state", "-s", default=None, help="Wait for this connection state (e.g. connected).")
    @argument("--count", "-n", type=int, default=None, help="Wait until this many events were seen.")
    @argument("--type", "-t", default=None, help="Count only these events (with --count).")
    @argument("--catchup", action="store_true", help="Wait for a pending catch-up to finish.")
    @argument("--timeout", type=float, default=session.WAIT, help="Seconds (default 10).")
    def cometchat_wait(self, line: str = "") -> None:
        """Block until a state, an event count or the end of catch-up — deterministic notebooks
        without ``sleep``. Example: ``%cometchat_wait --count 3 --type text_message_received``."""
        args = self.parse("cometchat_wait", line)
        if args.state is None and args.count is None and not args.catchup:
            raise UsageError("give --state, --count or --catchup")
        session.wait(
            state=args.state, count=args.count, type=args.type, catchup=args.catchup, timeout=args.timeout
        )

    @line_magic
    @boundary("cometchat_panel")
    @magic_arguments()
    def cometchat_panel(self, line: str = "") -> Any:
        """Show the control panel (one per kernel; it mirrors what magics and code do)."""
        self.parse("cometchat_panel", line)
        return ControlPanel.shared(ui_hz=self.ui_hz)
