"""``%cometchat_users``, ``%cometchat_groups``, ``%cometchat_members GUID``: the app's users,
groups and a group's members as typed DataFrames (table commands, :mod:`.tables`).

Every frame has real dtypes (``string[pyarrow]``, categoricals, UTC timestamps, nullable
booleans and integers). Users carry their presence and the block flags as the logged-in
user sees them (``blocked_by_me``, ``has_blocked_me``); members carry their scope and
the same flags (read from the blocked-users list, both directions, since the members
listing has no block flags); groups the logged-in user's scope and ``has_joined``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd

from ..errors import InvalidArgumentError
from ..models import Group, GroupMember, User
from ..sdk import CometChat
from .progress import Mode
from .status import require_init
from .tables import Column, fetch_pages, typed_frame

__all__ = ["GROUP_COLUMNS", "MEMBER_COLUMNS", "USER_COLUMNS", "fetch_groups", "fetch_members", "fetch_users"]


def _tags(tags: list[str] | None) -> str | None:
    return ",".join(tags) if tags else None


USER_COLUMNS: Final = (
    Column("uid", "string", lambda u: u.uid),
    Column("name", "string", lambda u: u.name),
    Column("status", "category", lambda u: u.status),
    Column("role", "category", lambda u: u.role),
    Column("status_message", "string", lambda u: u.status_message),
    Column("last_active_at", "timestamp", lambda u: u.last_active_at),
    Column("blocked_by_me", "bool", lambda u: u.blocked_by_me),
    Column("has_blocked_me", "bool", lambda u: u.has_blocked_me),
    Column("tags", "string", lambda u: _tags(u.tags)),
)
"""``%cometchat_users``: one row per user."""

GROUP_COLUMNS: Final = (
    Column("guid", "string", lambda g: g.guid),
    Column("name", "string", lambda g: g.name),
    Column("type", "category", lambda g: g.type),
    Column("owner", "category", lambda g: g.owner),
    Column("scope", "category", lambda g: g.scope),
    Column("has_joined", "bool", lambda g: g.has_joined),
    Column("members_count", "int", lambda g: g.members_count),
    Column("created_at", "timestamp", lambda g: g.created_at),
    Column("tags", "string", lambda g: _tags(g.tags)),
)
"""``%cometchat_groups``: one row per group."""

MEMBER_COLUMNS: Final = (
    Column("uid", "string", lambda m: m.uid),
    Column("name", "string", lambda m: m.name),
    Column("scope", "category", lambda m: m.scope),
    Column("status", "category", lambda m: m.status),
    Column("joined_at", "timestamp", lambda m: m.joined_at),
    Column("blocked_by_me", "bool", lambda m: m.blocked_by_me),
    Column("has_blocked_me", "bool", lambda m: m.has_blocked_me),
)
"""``%cometchat_members GUID``: one row per member."""

_STATUSES: Final = ("online", "offline")
#: the blocked users read to flag members (one page each way is plenty for a notebook)
_BLOCK_PAGE: Final = 100


def _status(status: str | None) -> str | None:
    if status is not None and status not in _STATUSES:
        raise InvalidArgumentError(f"status must be 'online' or 'offline', got {status!r}")
    return status


def fetch_users(
    *,
    status: str | None = None,
    search: str | None = None,
    roles: Sequence[str] = (),
    tags: Sequence[str] = (),
    hide_blocked: bool = False,
    friends_only: bool = False,
    limit: int = 30,
    pages: int = 1,
    progress: Mode = "auto",
) -> pd.DataFrame:
    """Up to ``pages`` pages of users (a progress bar), filtered as ``UsersRequestBuilder``
    filters them, in a :data:`USER_COLUMNS` frame."""
    require_init("fetch_users()")
    builder = CometChat.UsersRequestBuilder().setLimit(limit).withTags(True)
    if _status(status) is not None:
        builder.setStatus(status or "")
    if search:
        builder.setSearchKeyword(search)
    if roles:
        builder.setRoles(list(roles))
    if tags:
        builder.setTags(list(tags))
    builder.hideBlockedUsers(hide_blocked).friendsOnly(friends_only)
    request = builder.build()
    users = fetch_pages(
        request.fetchNext, limit=limit, pages=pages, description="users", noun="users", progress=progress
    )
    return typed_frame(users, USER_COLUMNS)


def fetch_groups(
    *,
    joined_only: bool = False,
    search: str | None = None,
    tags: Sequence[str] = (),
    limit: int = 30,
    pages: int = 1,
    progress: Mode = "auto",
) -> pd.DataFrame:
    """Up to ``pages`` pages of groups in a :data:`GROUP_COLUMNS` frame."""
    require_init("fetch_groups()")
    builder = CometChat.GroupsRequestBuilder().setLimit(limit).withTags(True).joinedOnly(joined_only)
    if search:
        builder.setSearchKeyword(search)
    if tags:
        builder.setTags(list(tags))
    request = builder.build()
    groups: list[Group] = fetch_pages(
        request.fetchNext, limit=limit, pages=pages, description="groups", noun="groups", progress=progress
    )
    return typed_frame(groups, GROUP_COLUMNS)


def fetch_members(
    guid: str,
    *,
    scopes: Sequence[str] = (),
    status: str | None = None,
    search: str | None = None,
    limit: int = 30,
    pages: int = 1,
    progress: Mode = "auto",
) -> pd.DataFrame:
    """Up to ``pages`` pages of group ``guid``'s members in a :data:`MEMBER_COLUMNS` frame,
    their block flags read from the logged-in user's blocked-users list."""
    require_init("fetch_members()")
    builder = CometChat.GroupMembersRequestBuilder(guid).setLimit(limit)
    if scopes:
        builder.setScopes(list(scopes))
    if _status(status) is not None:
        builder.setStatus(status or "")
    if search:
        builder.setSearchKeyword(search)
    request = builder.build()
    members: list[GroupMember] = fetch_pages(
        request.fetchNext,
        limit=limit,
        pages=pages,
        description=f"members of {guid}",
        noun="members",
        progress=progress,
    )
    blocked: list[User] = CometChat.BlockedUsersRequestBuilder().setLimit(_BLOCK_PAGE).build().fetchNext()
    flags = {u.uid: u for u in blocked}
    for member in members:
        seen = flags.get(member.uid)
        if seen is not None:
            member.blocked_by_me, member.has_blocked_me = seen.blocked_by_me, seen.has_blocked_me
    return typed_frame(members, MEMBER_COLUMNS)
