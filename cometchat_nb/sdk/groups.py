"""The facade's group calls (blocking wrappers of :mod:`..client.api.groups`)."""

from __future__ import annotations

from ..models import Group
from .state import run

__all__ = ["GroupsFacade"]


class GroupsFacade:
    """``getGroup``, ``createGroup``, ``joinGroup``, ``leaveGroup``."""

    @staticmethod
    def get_group(guid: str) -> Group:
        group: Group = run(lambda c: c.get_group(guid), "CometChat.getGroup()")
        return group

    @staticmethod
    def create_group(group: Group) -> Group:
        created: Group = run(lambda c: c.create_group(group), "CometChat.createGroup()")
        return created

    @staticmethod
    def join_group(guid: str, groupType: str = "public", password: str | None = None) -> Group:
        group: Group = run(lambda c: c.join_group(guid, groupType, password), "CometChat.joinGroup()")
        return group

    @staticmethod
    def leave_group(guid: str) -> bool:
        left: bool = run(lambda c: c.leave_group(guid), "CometChat.leaveGroup()")
        return left

    # camelCase aliases -------------------------------------------------------------
    getGroup = get_group
    createGroup = create_group
    joinGroup = join_group
    leaveGroup = leave_group
