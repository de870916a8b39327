"""The magics of the app's directory: ``%cometchat_users``, ``%cometchat_groups`` and
``%cometchat_members GUID`` (table magics: typed DataFrames with presence, scope and
block flags; :mod:`..directory`)."""

from __future__ import annotations

from typing import Any

from IPython.core.magic import line_magic, magics_class

from ..directory import fetch_groups, fetch_members, fetch_users
from .base import MagicsBase, argument, boundary, magic_arguments, table_arguments

__all__ = ["DirectoryMagics"]


def _words(value: str | None) -> list[str]:
    return [w.strip() for w in (value or "").split(",") if w.strip()]


@magics_class
class DirectoryMagics(MagicsBase):
    """Users, groups and members as DataFrames."""

    @line_magic
    @boundary("cometchat_users")
    @magic_arguments()
    @argument("--online", action="store_true", help="Only online users.")
    @argument("--offline", action="store_true", help="Only offline users.")
    @argument("--search", "-s", default=None, help="Only users whose uid or name contains this.")
    @argument("--roles", "-r", default=None, help="Only users with one of these roles (commas).")
    @argument("--tags", "-t", default=None, help="Only users with one of these tags (commas).")
    @argument("--hide-blocked", action="store_true", help="Leave out the users you blocked.")
    @argument("--friends", action="store_true", help="Only your friends.")
    @table_arguments("users")
    def cometchat_users(self, line: str = "") -> Any:
        """The app's users with presence and block flags: ``%cometchat_users [--online] [-o df]``."""
        args = self.parse("cometchat_users", line)
        status = "online" if args.online else "offline" if args.offline else None
        if args.online and args.offline:
            raise ValueError("choose one of --online and --offline")
        frame = fetch_users(
            status=status,
            search=args.search,
            roles=_words(args.roles),
            tags=_words(args.tags),
            hide_blocked=args.hide_blocked,
            friends_only=args.friends,
            limit=args.limit,
            pages=args.pages,
        )
        return self.output(frame, args.out)

    @line_magic
    @boundary("cometchat_groups")
    @magic_arguments()
    @argument("--joined", "-j", action="store_true", help="Only groups you belong to.")
    @argument("--search", "-s", default=None, help="Only groups whose name contains this.")
    @argument("--tags", "-t", default=None, help="Only groups with one of these tags (commas).")
    @table_arguments("groups")
    def cometchat_groups(self, line: str = "") -> Any:
        """The app's groups with your scope: ``%cometchat_groups [--joined] [-o df]``."""
        args = self.parse("cometchat_groups", line)
        frame = fetch_groups(
            joined_only=args.joined,
            search=args.search,
            tags=_words(args.tags),
            limit=args.limit,
            pages=args.pages,
        )
        return self.output(frame, args.out)

    @line_magic
    @boundary("cometchat_members")
    @magic_arguments()
    @argument("guid", help="The group.")
    @argument("--scopes", default=None, help="Only these scopes: admin, moderator, participant (commas).")
    @argument("--online", action="store_true", help="Only online members.")
    @argument("--search", "-s", default=None, help="Only members whose uid or name contains this.")
    @table_arguments("members")
    def cometchat_members(self, line: str = "") -> Any:
        """A group's members with scope, presence and block flags: ``%cometchat_members GUID``."""
        args = self.parse("cometchat_members", line)
        frame = fetch_members(
            args.guid,
            scopes=_words(args.scopes),
            status="online" if args.online else None,
            search=args.search,
            limit=args.limit,
            pages=args.pages,
        )
        return self.output(frame, args.out)
