"""The conversation magics: ``%cometchat_conversations``."""

from __future__ import annotations

from typing import Any

from IPython.core.magic import line_magic, magics_class

from ..conversations import fetch_conversations
from .base import MagicsBase, argument, boundary, magic_arguments, table_arguments

__all__ = ["ConversationMagics"]


@magics_class
class ConversationMagics(MagicsBase):
    """``%cometchat_conversations``."""

    @line_magic
    @boundary("cometchat_conversations")
    @magic_arguments()
    @argument("--unread", "-u", action="store_true", help="Only conversations with unread messages.")
    @argument(
        "--type", "-t", choices=("user", "group"), default=None, help="Only user or only group conversations."
    )
    @table_arguments("conversations", max_limit=50)
    def cometchat_conversations(self, line: str = "") -> Any:
        """The logged-in user's conversations, newest first, with their unread counts and last
        message, as a typed DataFrame (fetched page by page with a progress bar)."""
        args = self.parse("cometchat_conversations", line)
        df = fetch_conversations(unread=args.unread, type=args.type, limit=args.limit, pages=args.pages)
        return self.output(df, args.out)
