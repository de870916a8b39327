"""``UsersRequestBuilder``: pages of users, with every filter of the official SDK."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Self

from ...errors import InvalidArgumentError
from ...models import User
from .base import PagedBuilder, PagedRequest

__all__ = ["MAX_UIDS", "UsersRequest", "UsersRequestBuilder"]

#: ``setUIDs`` takes at most this many uids (the server's limit, REST "List Users").
MAX_UIDS: Final = 25
_SORT_BY: Final = ("status", "name")
_SORT_ORDER: Final = ("asc", "desc")
_SEARCH_IN: Final = ("uid", "name")


class UsersRequest(PagedRequest):
    endpoint = "users"

    async def fetch_next(self) -> list[User]:
        """The next page of users (empty when there are no more)."""
        return [User.from_wire(u) for u in await self._next_page()]

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next


class UsersRequestBuilder(PagedBuilder):
    """``CometChat.UsersRequestBuilder``: the query keys are those of the JS SDK's ``UsersRequest``."""

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

    def set_roles(self, roles: Sequence[str]) -> Self:
        """Only users with one of these roles (``roles=a,b``)."""
        self._set_list("roles", roles, "roles")
        return self

    def set_role(self, role: str) -> Self:
        """Only users with this role (the JS SDK folds it into ``roles``)."""
        return self.set_roles([role])

    def set_tags(self, tags: Sequence[str]) -> Self:
        """Only users with one of these tags."""
        self._set_list("tags", tags, "tags")
        return self

    def with_tags(self, with_tags: bool = True) -> Self:
        """Include each user's ``tags`` (the server leaves them out otherwise)."""
        self._set_flag("withTags", with_tags)
        return self

    def hide_blocked_users(self, hide: bool = True) -> Self:
        """Leave out the users the logged-in user blocked."""
        self._set_flag("hideBlockedUsers", hide)
        return self

    def friends_only(self, friends: bool = True) -> Self:
        """Only the logged-in user's friends."""
        self._set_flag("friendsOnly", friends)
        return self

    def set_uids(self, uids: Sequence[str]) -> Self:
        """Only these users (at most :data:`MAX_UIDS`)."""
        if not isinstance(uids, str) and len(uids) > MAX_UIDS:
            raise InvalidArgumentError(f"setUIDs takes at most {MAX_UIDS} uids, got {len(uids)}")
        self._set_list("uids", uids, "uids")
        return self

    def search_in(self, fields: Sequence[str]) -> Self:
        """Where ``setSearchKeyword`` looks: ``["uid"]``, ``["name"]`` or both (the default)."""
        if isinstance(fields, str) or not all(isinstance(f, str) and f.lower() in _SEARCH_IN for f in fields):
            raise InvalidArgumentError(f"searchIn takes a list of {' and '.join(_SEARCH_IN)}, got {fields!r}")
        self._params["searchIn"] = [f.lower() for f in fields] or None
        return self

    def sort_by(self, key: str) -> Self:
        """``"status"`` (online first; the default) or ``"name"`` (``CometChat.SORT_BY``)."""
        if not isinstance(key, str) or key.lower() not in _SORT_BY:
            raise InvalidArgumentError(f"sortBy takes {' or '.join(_SORT_BY)}, got {key!r}")
        self._params["sortBy"] = key.lower()
        return self

    def sort_by_order(self, order: str) -> Self:
        """``"asc"`` or ``"desc"`` (``CometChat.SORT_ORDER``)."""
        if not isinstance(order, str) or order.lower() not in _SORT_ORDER:
            raise InvalidArgumentError(f"sortByOrder takes {' or '.join(_SORT_ORDER)}, got {order!r}")
        self._params["sortOrder"] = order.lower()
        return self

    def build(self) -> UsersRequest:
        return UsersRequest(self._bound(), dict(self._params))

    # camelCase aliases -------------------------------------------------------------
    setStatus = set_status
    setRoles = set_roles
    setRole = set_role
    setTags = set_tags
    withTags = with_tags
    hideBlockedUsers = hide_blocked_users
    friendsOnly = friends_only
    setUIDs = set_uids
    searchIn = search_in
    sortBy = sort_by
    sortByOrder = sort_by_order
