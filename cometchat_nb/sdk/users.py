"""The facade's user calls (blocking wrappers of :mod:`..client.api.users`)."""

from __future__ import annotations

from ..models import User
from .state import run

__all__ = ["UsersFacade"]


class UsersFacade:
    """``getUser`` (``UsersRequestBuilder`` is in :mod:`.requests`)."""

    @staticmethod
    def get_user(uid: str) -> User:
        user: User = run(lambda c: c.get_user(uid), "CometChat.getUser()")
        return user

    # camelCase aliases -------------------------------------------------------------
    getUser = get_user
