"""Groups over REST: fetch, create, join, leave; administration; group, member and ban lists.

The administration calls answer as the JS SDK's do (``True``; the transfer's
message; per-uid results for ``addMembersToGroup``); the server enforces the
scope rules (README "Scope rules") and a refusal raises a
:class:`~cometchat_nb.errors.CometChatException` with CometChat's code
(``ERR_GROUP_NO_CLEARANCE``, ``ERR_WRONG_GROUP_PASS`` …). Every member hears the
action on its ``GroupListener`` (``onGroupMemberKicked`` …; :data:`..routing.GROUP_ACTIONS`).
"""

from __future__ import annotations

from typing import Any, Final

from ...errors import InvalidArgumentError, ProtocolError
from ...models import GROUP_MEMBER_SCOPE, Action, Group, GroupMember, message_from_wire
from ..requests import BannedMembersRequestBuilder, GroupMembersRequestBuilder, GroupsRequestBuilder
from .base import ApiBase

__all__ = ["GroupsApi"]

#: scope → the key of ``PUT groups/{guid}/members`` listing members added with it
_ADD_KEYS: Final = {
    GROUP_MEMBER_SCOPE.ADMIN: "admins",
    GROUP_MEMBER_SCOPE.MODERATOR: "moderators",
    GROUP_MEMBER_SCOPE.PARTICIPANT: "participants",
}


def _is_action(data: Any) -> bool:
    return isinstance(data, dict) and data.get("category") == "action"


def _id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{what} must be a non-empty string, got {value!r}")
    return value


def _scope(value: Any) -> str:
    if value not in _ADD_KEYS:
        raise InvalidArgumentError(f"scope must be one of {', '.join(_ADD_KEYS)}, got {value!r}")
    return str(value)


def _add_results(data: Any) -> dict[str, str]:
    """``{uid: "success" | error message}`` from the four per-uid maps (as the JS SDK folds them)."""
    if not isinstance(data, dict):
        raise ProtocolError(f"addMembersToGroup: expected an object in 'data', got {type(data).__name__}")
    out: dict[str, str] = {}
    for key in ("admins", "participants", "moderators", "usersToBan"):
        per_uid = data.get(key) or {}
        if not isinstance(per_uid, dict):
            raise ProtocolError(f"addMembersToGroup: 'data.{key}' is not an object")
        for uid, result in per_uid.items():
            if isinstance(result, dict) and result.get("success"):
                out[uid] = "success"
            else:
                error = result.get("error") if isinstance(result, dict) else None
                out[uid] = str(error.get("message", "")) if isinstance(error, dict) else "error"
    return out


class GroupsApi(ApiBase):
    """Group calls of the JS SDK (fetch, create, join, leave, administration) and their requests."""

    async def get_group(self, guid: str) -> Group:
        """One group by guid (``CometChat.getGroup``)."""
        self._bind()
        data, _ = await self.rest_call("group", path={"guid": guid})
        return Group.from_wire(data)

    async def create_group(self, group: Group) -> Group:
        """Create a group you own (``CometChat.createGroup``)."""
        self._bind()
        data, _ = await self.rest_call("createGroup", body=group.to_wire())
        return Group.from_wire(data)

    async def join_group(self, guid: str, group_type: str = "public", password: str | None = None) -> Group:
        """Join a group (``CometChat.joinGroup(guid, type, password)``).

        A password group checks ``password`` (``ERR_WRONG_GROUP_PASS``); a private
        group is joined only by being added (``ERR_GROUP_JOIN_NOT_ALLOWED``)."""
        self._bind()
        body: dict[str, Any] = {"type": group_type}
        if password is not None:
            body["password"] = password
        data, _ = await self.rest_call("joinGroup", path={"guid": guid}, body=body)
        # The answer is the ``joined`` action; like the JS SDK, take the group
        # from ``data.entities.for.entity`` (a bare group from an older server works too).
        action = message_from_wire(data, source="sent") if _is_action(data) else None
        if isinstance(action, Action) and isinstance(action.action_for, Group):
            group = action.action_for
        else:
            group = Group.from_wire(data)
        group.has_joined = True
        return group

    async def leave_group(self, guid: str) -> bool:
        """Leave a group (``CometChat.leaveGroup``); the owner must transfer ownership first."""
        self._need_session("leaveGroup")
        self._bind()
        # As the JS SDK: DELETE groups/{guid}/members (``.../members/{uid}`` is the admin's kick).
        await self.rest_call("leaveGroup", path={"guid": guid})
        return True

    async def update_group(self, group: Group) -> Group:
        """Change a group's name, description, icon, metadata or tags (``CometChat.updateGroup``;
        moderators and above). The group's ``type`` cannot change (``ERR_BAD_REQUEST``)."""
        self._bind()
        if not isinstance(group, Group):
            raise InvalidArgumentError(f"updateGroup takes a Group, got {type(group).__name__}")
        data, _ = await self.rest_call(
            "updateGroup", path={"guid": _id(group.guid, "guid")}, body=group.to_wire()
        )
        return Group.from_wire(data)

    async def delete_group(self, guid: str) -> bool:
        """Delete a group (``CometChat.deleteGroup``; admins and the owner)."""
        self._bind()
        await self.rest_call("deleteGroup", path={"guid": _id(guid, "guid")})
        return True

    async def add_members_to_group(
        self, guid: str, members: list[GroupMember], banned_uids: list[str] | None = None
    ) -> dict[str, str]:
        """Add ``members`` with their scopes and ban ``banned_uids`` (``CometChat.addMembersToGroup``).

        Sent as the JS SDK sends it: ``{admins, moderators, participants, usersToBan}``
        (uid lists). Returns ``{uid: "success"}`` or ``{uid: the error's message}``
        per uid; a refusal for one uid does not raise (a non-moderator adding raises)."""
        self._bind()
        lists: dict[str, list[str]] = {key: [] for key in (*_ADD_KEYS.values(), "usersToBan")}
        for member in members or []:
            if not isinstance(member, GroupMember):
                raise InvalidArgumentError(
                    f"addMembersToGroup takes GroupMember objects (GroupMember(uid, scope=...)), "
                    f"got {type(member).__name__}"
                )
            lists[_ADD_KEYS[_scope(member.scope)]].append(_id(member.uid, "uid"))
        lists["usersToBan"] = [_id(uid, "banned uid") for uid in banned_uids or []]
        body = {key: uids for key, uids in lists.items() if uids}
        if not body:
            raise InvalidArgumentError("addMembersToGroup needs at least one member or banned uid")
        data, _ = await self.rest_call("addMembersToGroup", path={"guid": _id(guid, "guid")}, body=body)
        return _add_results(data)

    async def kick_group_member(self, guid: str, uid: str) -> bool:
        """Remove ``uid`` from the group; they may join again (``CometChat.kickGroupMember``)."""
        self._bind()
        await self.rest_call("kickGroupMembers", path={"guid": _id(guid, "guid"), "uid": _id(uid, "uid")})
        return True

    async def ban_group_member(self, guid: str, uid: str) -> bool:
        """Remove ``uid`` and keep them out until unbanned (``CometChat.banGroupMember``)."""
        self._bind()
        await self.rest_call("banGroupMember", path={"guid": _id(guid, "guid"), "uid": _id(uid, "uid")})
        return True

    async def unban_group_member(self, guid: str, uid: str) -> bool:
        """Lift ``uid``'s ban; they are not re-added (``CometChat.unbanGroupMember``)."""
        self._bind()
        await self.rest_call("unbanGroupMember", path={"guid": _id(guid, "guid"), "uid": _id(uid, "uid")})
        return True

    async def update_group_member_scope(self, guid: str, uid: str, scope: str) -> bool:
        """Make ``uid`` an admin, moderator or participant (``CometChat.updateGroupMemberScope``)."""
        self._bind()
        await self.rest_call(
            "changeScopeOfMember",
            path={"guid": _id(guid, "guid"), "uid": _id(uid, "uid")},
            body={"scope": _scope(scope)},
        )
        return True

    async def transfer_group_ownership(self, guid: str, uid: str) -> str:
        """Make member ``uid`` the owner (``CometChat.transferGroupOwnership``; the owner only).

        Returns the server's message, as the JS SDK resolves."""
        self._bind()
        data, _ = await self.rest_call(
            "transferOwnership", path={"guid": _id(guid, "guid")}, body={"owner": _id(uid, "uid")}
        )
        message = data.get("message") if isinstance(data, dict) else None
        if isinstance(message, str) and message:
            return message
        return f"Ownership transferred to user {uid} for the group with guid {guid}."

    def groups_request(self) -> GroupsRequestBuilder:
        """A ``GroupsRequestBuilder`` bound to this client."""
        return GroupsRequestBuilder(self.rest_call)

    def group_members_request(self, guid: str) -> GroupMembersRequestBuilder:
        """A ``GroupMembersRequestBuilder`` for group ``guid``, bound to this client."""
        return GroupMembersRequestBuilder(guid, self.rest_call)

    def banned_members_request(self, guid: str) -> BannedMembersRequestBuilder:
        """A ``BannedMembersRequestBuilder`` for group ``guid``, bound to this client."""
        return BannedMembersRequestBuilder(guid, self.rest_call)

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
