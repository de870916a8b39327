"""The facade's blocking calls (blocking wrappers of :mod:`..client.api.blocking`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .state import run

__all__ = ["BlockingFacade"]


class BlockingFacade:
    """``blockUsers``, ``unblockUsers`` (``BlockedUsersRequestBuilder`` is in :mod:`.requests`)."""

    @staticmethod
    def block_users(blockedUids: Sequence[str]) -> dict[str, Any]:
        """The server's answer per uid (``{uid: {"success": True, …}}``), as the JS SDK resolves."""
        result: dict[str, Any] = run(lambda c: c.block_users(blockedUids), "CometChat.blockUsers()")
        return result

    @staticmethod
    def unblock_users(blockedUids: Sequence[str]) -> dict[str, Any]:
        result: dict[str, Any] = run(lambda c: c.unblock_users(blockedUids), "CometChat.unblockUsers()")
        return result

    # camelCase aliases -------------------------------------------------------------
    blockUsers = block_users
    unblockUsers = unblock_users
