"""The magics of messages: ``%cometchat_send``, ``%cometchat_events`` (the live frame) and
``%cometchat_history`` (a table magic: pages of earlier messages)."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import line_magic, magics_class

from .. import session
from ..history import fetch_history
from .base import MagicsBase, argument, boundary, magic_arguments, output_argument, table_arguments

__all__ = ["MessageMagics"]


@magics_class
class MessageMagics(MagicsBase):
    """Send messages, read the live events, fetch history."""

    @line_magic
    @boundary("cometchat_send")
    @magic_arguments()
    @argument("to", help="Receiver uid (or guid with --group).")
    @argument("text", nargs="+", help="The message text (quote it to keep spacing).")
    @argument("--group", "-g", action="store_true", help="Send to a group.")
    def cometchat_send(self, line: str = "") -> None:
        """Send a text message: ``%cometchat_send superhero2 hello there [--group]``."""
        try:
            args = self.parse("cometchat_send", line)
            to, text, group = args.to, " ".join(args.text), args.group
        except ValueError:  # unbalanced quotes ("don't"): split on whitespace instead
            words = line.split()
            if "#" in words:  # a trailing comment (unbalanced quotes: the shell rules do not apply)
                words = words[: words.index("#")]
            group = any(w in ("--group", "-g") for w in words)
            words = [w for w in words if w not in ("--group", "-g")]
            if len(words) < 2:
                raise UsageError("usage: %cometchat_send TO TEXT... [--group]") from None
            to, text = words[0], " ".join(words[1:])
        sent = session.send(to, text, group=group)
        print(f"Sent message {sent.id} to {'group ' if group else ''}{to}.")

    @line_magic
    @boundary("cometchat_events")
    @magic_arguments()
    @output_argument()
    @argument("--tail", "-n", type=int, default=None, help="Only the last N rows.")
    @argument("--type", "-t", default=None, help="Only these events (e.g. text_message_received; commas).")
    def cometchat_events(self, line: str = "") -> Any:
        """The live events DataFrame (a snapshot), optionally filtered; with -o VAR it is stored in
        VAR and nothing is displayed."""
        args = self.parse("cometchat_events", line)
        return self.output(session.events(tail=args.tail, type=args.type), args.out)

    @line_magic
    @boundary("cometchat_history")
    @magic_arguments()
    @argument("--uid", "-u", default=None, help="Conversation with this user.")
    @argument("--guid", "-g", default=None, help="Conversation of this group.")
    @table_arguments("messages")
    def cometchat_history(self, line: str = "") -> Any:
        """Fetch earlier messages of a conversation (with a progress bar) as a DataFrame."""
        args = self.parse("cometchat_history", line)
        df = fetch_history(uid=args.uid, guid=args.guid, limit=args.limit, pages=args.pages)
        return self.output(df, args.out)
