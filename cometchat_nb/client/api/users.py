"""Users over REST: one user, and user lists."""

from __future__ import annotations

from ...models import User
from ..requests import UsersRequestBuilder
from .base import ApiBase

__all__ = ["UsersApi"]


class UsersApi(ApiBase):
    """``getUser`` and ``UsersRequestBuilder``."""

    async def get_user(self, uid: str) -> User:
        """One user by uid (``CometChat.getUser``)."""
        self._bind()
        data, _ = await self.rest_call("user", path={"uid": uid})
        return User.from_wire(data)

    def users_request(self) -> UsersRequestBuilder:
        """A ``UsersRequestBuilder`` bound to this client."""
        return UsersRequestBuilder(self.rest_call)

    # camelCase aliases -------------------------------------------------------------
    getUser = get_user
