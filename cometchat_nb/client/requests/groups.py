"""Pages of groups, of a group's members and of its banned members.

``GroupsRequestBuilder``, ``GroupMembersRequestBuilder``, ``BannedMembersRequestBuilder``:
the query keys are those of the JS SDK's ``GroupsRequest``/``GroupMembersRequest``/
``BannedMembersRequest`` (``searchKey``, ``scopes``, ``status``, ``hasJoined``,
``tags``, ``withTags``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Self

from ...errors import InvalidArgumentError
from ...models import Group, GroupMember
from .base import PagedBuilder, PagedRequest, RestCaller

__all__ = [
    "BannedMembersRequest",
    "BannedMembersRequestBuilder",
    "GroupMembersRequest",
    "GroupMembersRequestBuilder",
    "GroupsRequest",
    "GroupsRequestBuilder",
]

_SCOPES: Final = ("admin", "moderator", "participant")


class GroupsRequest(PagedRequest):
    endpoint = "groups"

    async def fetch_next(self) -> list[Group]:
        """The next page of groups."""
        return [Group.from_wire(g) for g in await self._next_page()]

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next


class GroupsRequestBuilder(PagedBuilder):
    """``CometChat.GroupsRequestBuilder``."""

    def joined_only(self, joined: bool = True) -> Self:
        """Only the groups the logged-in user belongs to."""
        self._params["hasJoined"] = 1 if joined else None
        return self

    def set_tags(self, tags: Sequence[str]) -> Self:
        """Only groups with one of these tags."""
        self._set_list("tags", tags, "tags")
        return self

    def with_tags(self, with_tags: bool = True) -> Self:
        """Include each group's ``tags``."""
        self._set_flag("withTags", with_tags)
        return self

    def build(self) -> GroupsRequest:
        return GroupsRequest(self._bound(), dict(self._params))

    # camelCase aliases -------------------------------------------------------------
    joinedOnly = joined_only
    setTags = set_tags
    withTags = with_tags


class GroupMembersRequest(PagedRequest):
    endpoint = "groupMembers"

    async def fetch_next(self) -> list[GroupMember]:
        """The next page of members."""
        return [GroupMember.from_wire(m) for m in await self._next_page()]

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next


class _GroupListBuilder(PagedBuilder):
    """A listing of one group's users: the guid and the scope filter."""

    def __init__(self, guid: str, caller: RestCaller | None = None) -> None:
        super().__init__(caller)
        self._guid = ""
        self.set_guid(guid)

    @property
    def guid(self) -> str:
        return self._guid

    def set_guid(self, guid: str) -> Self:
        if not isinstance(guid, str) or not guid:
            raise InvalidArgumentError("GUID cannot be empty")
        self._guid = guid
        return self

    def set_scopes(self, scopes: Sequence[str]) -> Self:
        """Only members with one of these scopes (``admin``, ``moderator``, ``participant``)."""
        if isinstance(scopes, str) or not all(s in _SCOPES for s in scopes):
            raise InvalidArgumentError(f"scopes must be a list of {', '.join(_SCOPES)}, got {scopes!r}")
        self._params["scopes"] = list(scopes) or None
        return self

    # camelCase aliases -------------------------------------------------------------
    setGuid = set_guid
    setScopes = set_scopes


class GroupMembersRequestBuilder(_GroupListBuilder):
    """``CometChat.GroupMembersRequestBuilder(guid)``."""

    def set_status(self, status: str) -> Self:
        """Only members with this presence: ``"online"`` (sent ``available``) or ``"offline"``."""
        wire = {"online": "available", "available": "available", "offline": "offline"}.get(
            status.lower() if isinstance(status, str) else ""
        )
        if wire is None:
            raise InvalidArgumentError("status must be 'online' (or 'available') or 'offline'")
        self._params["status"] = wire
        return self

    def build(self) -> GroupMembersRequest:
        return GroupMembersRequest(self._bound(), dict(self._params), {"guid": self._guid})

    # camelCase aliases -------------------------------------------------------------
    setStatus = set_status


class BannedMembersRequest(PagedRequest):
    endpoint = "bannedGroupMembers"

    async def fetch_next(self) -> list[GroupMember]:
        """The next page of banned members (each with the scope they had)."""
        return [GroupMember.from_wire(m) for m in await self._next_page()]

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next


class BannedMembersRequestBuilder(_GroupListBuilder):
    """``CometChat.BannedMembersRequestBuilder(guid)``."""

    def build(self) -> BannedMembersRequest:
        return BannedMembersRequest(self._bound(), dict(self._params), {"guid": self._guid})
