"""``GroupsRequestBuilder`` and ``GroupMembersRequestBuilder``: pages of groups and of a group's members."""

from __future__ import annotations

from typing import Self

from ...errors import InvalidArgumentError
from ...models import Group, GroupMember
from .base import PagedBuilder, PagedRequest, RestCaller

__all__ = ["GroupMembersRequest", "GroupMembersRequestBuilder", "GroupsRequest", "GroupsRequestBuilder"]


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
        self._params["hasJoined"] = bool(joined) or None
        return self

    def build(self) -> GroupsRequest:
        return GroupsRequest(self._bound(), dict(self._params))

    # camelCase aliases -------------------------------------------------------------
    joinedOnly = joined_only


class GroupMembersRequest(PagedRequest):
    endpoint = "groupMembers"

    async def fetch_next(self) -> list[GroupMember]:
        """The next page of members."""
        return [GroupMember.from_wire(m) for m in await self._next_page()]

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next


class GroupMembersRequestBuilder(PagedBuilder):
    """``CometChat.GroupMembersRequestBuilder(guid)``."""

    def __init__(self, guid: str, caller: RestCaller | None = None) -> None:
        if not guid:
            raise InvalidArgumentError("GUID cannot be empty")
        super().__init__(caller)
        self._guid = guid

    @property
    def guid(self) -> str:
        return self._guid

    def build(self) -> GroupMembersRequest:
        return GroupMembersRequest(self._bound(), dict(self._params), {"guid": self._guid})
