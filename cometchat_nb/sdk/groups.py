"""The facade's group calls (blocking wrappers of :mod:`..client.api.groups`)."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Group, GroupMember
from .state import run

__all__ = ["GroupsFacade"]


class GroupsFacade:
    """``getGroup``, ``createGroup``, ``joinGroup``, ``leaveGroup`` and group administration."""

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

    @staticmethod
    def update_group(group: Group) -> Group:
        updated: Group = run(lambda c: c.update_group(group), "CometChat.updateGroup()")
        return updated

    @staticmethod
    def delete_group(guid: str) -> bool:
        done: bool = run(lambda c: c.delete_group(guid), "CometChat.deleteGroup()")
        return done

    @staticmethod
    def add_members_to_group(
        guid: str, groupMembers: Sequence[GroupMember], bannedMembersList: Sequence[str] | None = None
    ) -> dict[str, str]:
        result: dict[str, str] = run(
            lambda c: c.add_members_to_group(guid, list(groupMembers), list(bannedMembersList or [])),
            "CometChat.addMembersToGroup()",
        )
        return result

    @staticmethod
    def kick_group_member(guid: str, uid: str) -> bool:
        done: bool = run(lambda c: c.kick_group_member(guid, uid), "CometChat.kickGroupMember()")
        return done

    @staticmethod
    def ban_group_member(guid: str, uid: str) -> bool:
        done: bool = run(lambda c: c.ban_group_member(guid, uid), "CometChat.banGroupMember()")
        return done

    @staticmethod
    def unban_group_member(guid: str, uid: str) -> bool:
        done: bool = run(lambda c: c.unban_group_member(guid, uid), "CometChat.unbanGroupMember()")
        return done

    @staticmethod
    def update_group_member_scope(guid: str, uid: str, scope: str) -> bool:
        done: bool = run(
            lambda c: c.update_group_member_scope(guid, uid, scope), "CometChat.updateGroupMemberScope()"
        )
        return done

    @staticmethod
    def transfer_group_ownership(guid: str, uid: str) -> str:
        message: str = run(
            lambda c: c.transfer_group_ownership(guid, uid), "CometChat.transferGroupOwnership()"
        )
        return message

    # camelCase aliases -------------------------------------------------------------
    getGroup = get_group
    createGroup = create_group
    joinGroup = join_group
    leaveGroup = leave_group
    updateGroup = update_group
    deleteGroup = delete_group
    addMembersToGroup = add_members_to_group
    kickGroupMember = kick_group_member
    banGroupMember = ban_group_member
    unbanGroupMember = unban_group_member
    updateGroupMemberScope = update_group_member_scope
    transferGroupOwnership = transfer_group_ownership
