"""``UsersRequestBuilder``: pages of users."""

from __future__ import annotations

from typing import Self

from ...errors import InvalidArgumentError
from ...models import User
from .base import PagedBuilder, PagedRequest

__all__ = ["UsersRequest", "UsersRequestBuilder"]


class UsersRequest(PagedRequest):
    endpoint = "users"

    async def fetch_next(self) -> list[User]:
        """The next page of users (empty when there are no more)."""
        return [User.from_wire(u) for u in await self._next_page()]

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next


class UsersRequestBuilder(PagedBuilder):
    """``CometChat.UsersRequestBuilder``."""

    def set_status(self, status: str) -> Self:
        """Only users with this presence: ``"online"`` (or ``"available"``) or ``"offline"``.

        Sent as CometChat's REST API takes it: ``status=available`` for online users,
        as the official SDKs send ``USER_STATUS.ONLINE``.
        """
        wire = {"online": "available", "available": "available", "offline": "offline"}.get(
            status.lower() if isinstance(status, str) else ""
        )
        if wire is None:
            raise InvalidArgumentError("status must be 'online' (or 'available') or 'offline'")
        self._params["status"] = wire
        return self

    def set_roles(self, roles: list[str]) -> Self:
        self._params["roles"] = list(roles)
        return self

    def build(self) -> UsersRequest:
        return UsersRequest(self._bound(), dict(self._params))

    # camelCase aliases -------------------------------------------------------------
    setStatus = set_status
    setRoles = set_roles
