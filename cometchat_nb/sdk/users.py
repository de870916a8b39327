"""The facade's user calls (blocking wrappers of :mod:`..client.api.users`)."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import User
from .state import run

__all__ = ["UsersFacade"]


class UsersFacade:
    """``getUser``, user management, online counts (``UsersRequestBuilder`` is in :mod:`.requests`)."""

    @staticmethod
    def get_user(uid: str) -> User:
        user: User = run(lambda c: c.get_user(uid), "CometChat.getUser()")
        return user

    @staticmethod
    def create_user(user: User, apiKey: str) -> User:
        created: User = run(lambda c: c.create_user(user, apiKey), "CometChat.createUser()")
        return created

    @staticmethod
    def update_user(user: User, apiKey: str) -> User:
        updated: User = run(lambda c: c.update_user(user, apiKey), "CometChat.updateUser()")
        return updated

    @staticmethod
    def update_current_user_details(user: User) -> User:
        updated: User = run(
            lambda c: c.update_current_user_details(user), "CometChat.updateCurrentUserDetails()"
        )
        return updated

    @staticmethod
    def get_online_user_count() -> int:
        count: int = run(lambda c: c.get_online_user_count(), "CometChat.getOnlineUserCount()")
        return count

    @staticmethod
    def get_online_group_member_count(groups: Sequence[str]) -> dict[str, int]:
        counts: dict[str, int] = run(
            lambda c: c.get_online_group_member_count(groups), "CometChat.getOnlineGroupMemberCount()"
        )
        return counts

    # camelCase aliases -------------------------------------------------------------
    getUser = get_user
    createUser = create_user
    updateUser = update_user
    updateCurrentUserDetails = update_current_user_details
    getOnlineUserCount = get_online_user_count
    getOnlineGroupMemberCount = get_online_group_member_count
