"""Blocking over REST: block and unblock users; the blocked-users listing.

The server enforces a block (README "Users, groups and blocking"): a direct
message between a blocked pair is refused with ``ERR_BLOCKED_RECEIVER`` (the
sender blocked the receiver) or ``ERR_BLOCKED_SENDER`` (the receiver blocked
the sender), which ``send_message`` raises as a
:class:`~cometchat_nb.errors.CometChatException` with that ``code``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...errors import ErrorCode, InvalidArgumentError, ProtocolError
from ..requests import BlockedUsersRequestBuilder
from .base import ApiBase

__all__ = ["BlockingApi", "check_uids"]


def check_uids(uids: Sequence[str], what: str) -> list[str]:
    """``uids`` if it is a non-empty list of non-empty strings, else ``InvalidArgumentError``."""
    if isinstance(uids, str) or not isinstance(uids, list | tuple):
        raise InvalidArgumentError(f"{what} takes a list of uids, got {type(uids).__name__}")
    if not uids:
        raise InvalidArgumentError(
            "The users list needs to have at least one UID.", code=ErrorCode.EMPTY_USERS_LIST
        )
    if not all(isinstance(u, str) and u.strip() for u in uids):
        raise InvalidArgumentError(f"{what}: every uid must be a non-empty string, got {uids!r}")
    return list(uids)


def _per_uid(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProtocolError(f"{what}: expected an object in 'data', got {type(data).__name__}")
    return data


class BlockingApi(ApiBase):
    """``blockUsers``, ``unblockUsers``, ``BlockedUsersRequestBuilder``."""

    async def block_users(self, uids: Sequence[str]) -> dict[str, Any]:
        """Block ``uids`` (``CometChat.blockUsers``): the server's answer per uid, as the JS SDK
        hands it over — ``{uid: {"success": True, "message": …}}`` or
        ``{uid: {"success": False, "error": {"code", "message"}}}`` (blocking oneself,
        an unknown uid); a failure for one uid does not raise."""
        self._bind()
        data, _ = await self.rest_call("blockUsers", body={"blockedUids": check_uids(uids, "blockUsers")})
        return _per_uid(data, "blockUsers")

    async def unblock_users(self, uids: Sequence[str]) -> dict[str, Any]:
        """Unblock ``uids`` (``CometChat.unblockUsers``); the answer as for :meth:`block_users`."""
        self._bind()
        data, _ = await self.rest_call("unblockUsers", body={"blockedUids": check_uids(uids, "unblockUsers")})
        return _per_uid(data, "unblockUsers")

    def blocked_users_request(self) -> BlockedUsersRequestBuilder:
        """A ``BlockedUsersRequestBuilder`` bound to this client."""
        return BlockedUsersRequestBuilder(self.rest_call)

    # camelCase aliases -------------------------------------------------------------
    blockUsers = block_users
    unblockUsers = unblock_users
