"""``BlockedUsersRequestBuilder``: pages of the users in a block with the logged-in user."""

from __future__ import annotations

from typing import Final, Self

from ...errors import InvalidArgumentError
from ...models import User
from .base import PagedBuilder, PagedRequest, RestCaller

__all__ = ["BlockedDirections", "BlockedUsersRequest", "BlockedUsersRequestBuilder"]


class BlockedDirections:
    """``CometChat.BlockedUsersRequest.directions`` (the JS SDK's values; ``direction=`` on the wire)."""

    BOTH: Final = "both"
    HAS_BLOCKED_ME: Final = "hasBlockedMe"
    BLOCKED_BY_ME: Final = "blockedByMe"


_DIRECTIONS: Final = (
    BlockedDirections.BOTH,
    BlockedDirections.HAS_BLOCKED_ME,
    BlockedDirections.BLOCKED_BY_ME,
)


class BlockedUsersRequest(PagedRequest):
    """``GET blockedusers?per_page&page&direction&searchKey``: users with their block flags."""

    endpoint = "blockedUsers"
    #: ``BlockedUsersRequest.directions`` of the JS SDK
    directions = BlockedDirections

    def get_direction(self) -> str:
        return str(self._query.get("direction", BlockedDirections.BOTH))

    def get_limit(self) -> int:
        return self.limit

    async def fetch_next(self) -> list[User]:
        """The next page of users (empty when there are no more)."""
        return [User.from_wire(u) for u in await self._next_page()]

    # camelCase aliases -------------------------------------------------------------
    getDirection = get_direction
    getLimit = get_limit
    fetchNext = fetch_next


class BlockedUsersRequestBuilder(PagedBuilder):
    """``CometChat.BlockedUsersRequestBuilder``: ``direction`` defaults to both ways, as the JS SDK's."""

    def __init__(self, caller: RestCaller | None = None) -> None:
        super().__init__(caller)
        self._params["direction"] = BlockedDirections.BOTH

    def set_direction(self, direction: str) -> Self:
        """``BlockedUsersRequest.directions.BOTH`` / ``HAS_BLOCKED_ME`` / ``BLOCKED_BY_ME``."""
        if direction not in _DIRECTIONS:
            raise InvalidArgumentError(
                f"direction must be one of {', '.join(_DIRECTIONS)}, got {direction!r}"
            )
        self._params["direction"] = direction
        return self

    def blocked_by_me(self) -> Self:
        """Only the users the logged-in user blocked."""
        return self.set_direction(BlockedDirections.BLOCKED_BY_ME)

    def has_blocked_me(self) -> Self:
        """Only the users who blocked the logged-in user."""
        return self.set_direction(BlockedDirections.HAS_BLOCKED_ME)

    def build(self) -> BlockedUsersRequest:
        return BlockedUsersRequest(self._bound(), dict(self._params))

    # camelCase aliases -------------------------------------------------------------
    setDirection = set_direction
    blockedByMe = blocked_by_me
    hasBlockedMe = has_blocked_me
