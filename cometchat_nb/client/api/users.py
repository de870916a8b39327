"""Users over REST: one user, user lists, user management, online counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...errors import ErrorCode, InvalidArgumentError, ProtocolError
from ...models import User
from ..requests import UsersRequestBuilder
from .base import ApiBase

__all__ = ["DEFAULT_WS_API_VERSION", "UsersApi"]

#: ``settings.WS_API_VERSION`` when the server's settings lack it
DEFAULT_WS_API_VERSION = "v1"


def _user(user: Any, what: str) -> User:
    if not isinstance(user, User):
        raise InvalidArgumentError(f"{what} takes a User, got {type(user).__name__}")
    if not isinstance(user.uid, str) or not user.uid.strip():
        raise InvalidArgumentError(f"{what}: the user's uid must be a non-empty string")
    return user


def _api_key(api_key: Any) -> str:
    if not isinstance(api_key, str) or not api_key.strip():
        raise InvalidArgumentError("an API key is needed for this call", code=ErrorCode.EMPTY_APIKEY)
    return api_key


class UsersApi(ApiBase):
    """``getUser``, ``createUser``, ``updateUser``, ``updateCurrentUserDetails``, online counts,
    ``UsersRequestBuilder``."""

    async def get_user(self, uid: str) -> User:
        """One user by uid (``CometChat.getUser``), with ``blocked_by_me``/``has_blocked_me``."""
        self._bind()
        data, _ = await self.rest_call("user", path={"uid": uid})
        return User.from_wire(data)

    async def create_user(self, user: User, api_key: str) -> User:
        """Create ``user`` (``CometChat.createUser(user, apiKey)``): an admin call with the API
        key (the ``apiKey`` header), as the JS SDK; no login needed."""
        self._bind()
        data, _ = await self._rest.call(
            self._hosts, "createUser", body=_user(user, "createUser").to_wire(), api_key=_api_key(api_key)
        )
        return User.from_wire(data)

    async def update_user(self, user: User, api_key: str) -> User:
        """Update any user (``CometChat.updateUser(user, apiKey)``; admin call, role included)."""
        self._bind()
        u = _user(user, "updateUser")
        data, _ = await self._rest.call(
            self._hosts, "updateUser", path={"uid": u.uid}, body=u.to_wire(), api_key=_api_key(api_key)
        )
        return User.from_wire(data)

    async def update_current_user_details(self, user: User) -> User:
        """Change the logged-in user's name, avatar, link, status message, metadata or tags
        (``CometChat.updateCurrentUserDetails``; ``PUT me``). The role never changes this way."""
        session = self._need_session("updateCurrentUserDetails")
        self._bind()
        if not isinstance(user, User):
            raise InvalidArgumentError(f"updateCurrentUserDetails takes a User, got {type(user).__name__}")
        body = user.to_wire()
        body["uid"] = session.uid  # as the JS SDK: always the logged-in user
        body.pop("role", None)
        data, _ = await self.rest_call("updateMyDetails", body=body)
        updated = User.from_wire(data)
        if self._session is session:
            session.user = updated
            self._saver.save_now()
        return updated

    async def _online_members(self, body: dict[str, Any]) -> dict[str, Any]:
        session = self._need_session("online counts")
        self._bind()
        raw = self._server_settings.raw if self._server_settings is not None else {}
        version = raw.get("WS_API_VERSION") if isinstance(raw.get("WS_API_VERSION"), str) else None
        data, _ = await self._rest.call(
            self._hosts,
            "onlineMembers",
            path={"wsApiVersion": version or DEFAULT_WS_API_VERSION},
            body=body,
            auth_token=session.auth_token,
            jwt=session.jwt,
        )
        if not isinstance(data, dict):
            raise ProtocolError(f"online-members: expected an object in 'data', got {type(data).__name__}")
        return data

    async def get_online_user_count(self) -> int:
        """How many users of the app are online (``CometChat.getOnlineUserCount``)."""
        data = await self._online_members({})
        count = data.get("onlineUsersCount")
        if not isinstance(count, int):
            raise ProtocolError("online-members: 'onlineUsersCount' is missing")
        return count

    async def get_online_group_member_count(self, guids: Sequence[str]) -> dict[str, int]:
        """``{guid: online members}`` for each group (``CometChat.getOnlineGroupMemberCount``)."""
        if isinstance(guids, str) or not guids or not all(isinstance(g, str) and g for g in guids):
            raise InvalidArgumentError(
                f"getOnlineGroupMemberCount takes a non-empty list of guids, got {guids!r}"
            )
        data = await self._online_members({"groups": list(guids)})
        groups = data.get("groups")
        if not isinstance(groups, dict):
            raise ProtocolError("online-members: 'groups' is missing")
        return {str(k): int(v) for k, v in groups.items()}

    def users_request(self) -> UsersRequestBuilder:
        """A ``UsersRequestBuilder`` bound to this client."""
        return UsersRequestBuilder(self.rest_call)

    # camelCase aliases -------------------------------------------------------------
    getUser = get_user
    createUser = create_user
    updateUser = update_user
    updateCurrentUserDetails = update_current_user_details
    getOnlineUserCount = get_online_user_count
    getOnlineGroupMemberCount = get_online_group_member_count
