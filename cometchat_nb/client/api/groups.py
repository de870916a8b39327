"""Groups over REST: fetch, create, join, leave; group and member lists."""

from __future__ import annotations

from typing import Any

from ...models import Action, Group, message_from_wire
from ..requests import GroupMembersRequestBuilder, GroupsRequestBuilder
from .base import ApiBase

__all__ = ["GroupsApi"]


def _is_action(data: Any) -> bool:
    return isinstance(data, dict) and data.get("category") == "action"


class GroupsApi(ApiBase):
    """``getGroup``, ``createGroup``, ``joinGroup``, ``leaveGroup``, group and member requests."""

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
        """Join a group (``CometChat.joinGroup(guid, type, password)``)."""
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
        """Leave a group (``CometChat.leaveGroup``)."""
        self._need_session("leaveGroup")
        self._bind()
        # As the JS SDK: DELETE groups/{guid}/members (``.../members/{uid}`` is the admin's kick).
        await self.rest_call("leaveGroup", path={"guid": guid})
        return True

    def groups_request(self) -> GroupsRequestBuilder:
        """A ``GroupsRequestBuilder`` bound to this client."""
        return GroupsRequestBuilder(self.rest_call)

    def group_members_request(self, guid: str) -> GroupMembersRequestBuilder:
        """A ``GroupMembersRequestBuilder`` for group ``guid``, bound to this client."""
        return GroupMembersRequestBuilder(guid, self.rest_call)

    # camelCase aliases -------------------------------------------------------------
    getGroup = get_group
    createGroup = create_group
    joinGroup = join_group
    leaveGroup = leave_group
