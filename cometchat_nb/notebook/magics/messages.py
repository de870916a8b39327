"""The magics of messages: ``%cometchat_send``, ``%cometchat_events`` (the live frame) and
``%cometchat_history`` (a table magic: pages of earlier messages)."""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import line_magic, magics_class
from IPython.display import Image

from .. import session
from ..history import fetch_history
from .base import MagicsBase, argument, boundary, magic_arguments, output_argument, table_arguments

__all__ = ["MessageMagics"]

_SEND_FLAGS = {"--reply-to": "reply_to", "-r": "reply_to", "--file": "file", "-f": "file"}


def _split_send_line(line: str) -> argparse.Namespace:
    """``%cometchat_send``'s arguments split on whitespace (a line shlex cannot split)."""
    out = argparse.Namespace(
        to=None, text=[], group=False, reply_to=None, file=None, media_type=None, show=False
    )
    words = line.split()
    if "#" in words:  # a trailing comment (unbalanced quotes: the shell rules do not apply)
        words = words[: words.index("#")]
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("--group", "-g"):
            out.group = True
        elif word == "--show":
            out.show = True
        elif word in _SEND_FLAGS or word == "--media-type":
            if i + 1 >= len(words):
                raise UsageError(f"{word} needs a value")
            setattr(out, _SEND_FLAGS.get(word, "media_type"), words[i + 1])
            i += 1
        elif out.to is None:
            out.to = word
        else:
            out.text.append(word)
        i += 1
    if out.to is None:
        raise UsageError("usage: %cometchat_send TO TEXT... [--group] [--reply-to ID] [--file PATH]")
    return out


@magics_class
class MessageMagics(MagicsBase):
    """Send messages, read the live events, fetch history."""

    @line_magic
    @boundary("cometchat_send")
    @magic_arguments()
    @argument("to", help="Receiver uid (or guid with --group).")
    @argument("text", nargs="*", help="The text (quote it to keep spacing); with --file, the caption.")
    @argument("--group", "-g", action="store_true", help="Send to a group.")
    @argument("--reply-to", "-r", default=None, metavar="ID", help="Reply in the thread of message ID.")
    @argument("--file", "-f", default=None, metavar="PATH", help="Send this file as a media message.")
    @argument("--media-type", default=None, help="image, video, audio or file (default: from the MIME type).")
    @argument("--show", action="store_true", help="Display a sent image inline.")
    def cometchat_send(self, line: str = "") -> Any:
        """Send a text message: ``%cometchat_send superhero2 hello there [--group]``; a reply
        with ``--reply-to ID``, a file (image, video, audio, any file) with ``--file PATH``
        and the text as its caption; ``--show`` displays a sent image inline."""
        try:
            args = self.parse("cometchat_send", line)
        except ValueError:  # unbalanced quotes ("don't"): split on whitespace instead
            args = _split_send_line(line)
        text = " ".join(args.text)
        if not text and args.file is None:
            raise UsageError("usage: %cometchat_send TO TEXT... [--group] [--reply-to ID] [--file PATH]")
        sent = session.send(
            args.to,
            text,
            group=args.group,
            reply_to=args.reply_to,
            file=args.file,
            media_type=args.media_type,
        )
        what = "message" if args.file is None else f"{sent.type} message"
        thread = f" in the thread of {args.reply_to}" if args.reply_to else ""
        print(f"Sent {what} {sent.id} to {'group ' if args.group else ''}{args.to}{thread}.")
        if args.show and args.file is not None and sent.type == "image":
            with open(args.file, "rb") as f:
                return Image(data=f.read())  # type: ignore[no-untyped-call]
        return None

    @line_magic
    @boundary("cometchat_react")
    @magic_arguments()
    @argument("message_id", help="The message to react to.")
    @argument("reaction", help="The reaction (an emoji or a short text).")
    @argument("--remove", action="store_true", help="Take the reaction back.")
    def cometchat_react(self, line: str = "") -> None:
        """React to a message: ``%cometchat_react 42 👍 [--remove]``; prints its reaction counts."""
        args = self.parse("cometchat_react", line)
        message = session.react(args.message_id, args.reaction, remove=args.remove)
        counts = " ".join(f"{c.reaction}×{c.count}" for c in message.reactions) or "none"
        print(f"Reactions of message {message.id}: {counts}.")

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
    @argument("--parent", default=None, metavar="ID", help="The replies in the thread of message ID.")
    @argument("--search", default=None, help="Only messages containing this text.")
    @argument("--tags", default=None, help="Only messages with one of these tags (commas).")
    @argument("--attachments", default=None, help="Only media of these types (image,video,audio,file).")
    @argument("--mentions", default=None, help="Only messages mentioning one of these uids (commas).")
    @argument("--has-reactions", action="store_true", help="Only messages with reactions.")
    @argument("--hide-replies", action="store_true", help="Leave thread replies out.")
    @table_arguments("messages")
    def cometchat_history(self, line: str = "") -> Any:
        """Fetch earlier messages of a conversation (with a progress bar) as a DataFrame,
        optionally filtered (``--parent ID`` reads a thread)."""
        args = self.parse("cometchat_history", line)

        def words(value: str | None) -> list[str] | None:
            return [w.strip() for w in value.split(",") if w.strip()] if value else None

        df = fetch_history(
            uid=args.uid,
            guid=args.guid,
            limit=args.limit,
            pages=args.pages,
            parent=args.parent,
            search=args.search,
            tags=words(args.tags),
            attachment_types=words(args.attachments),
            mentioned_uids=words(args.mentions),
            has_reactions=args.has_reactions,
            hide_replies=args.hide_replies,
        )
        return self.output(df, args.out)
