"""The request builders of the facade: bound to the default client, with blocking fetches."""

from __future__ import annotations

from typing import Any

from ..client import requests as async_requests
from ..models import BaseMessage, Reaction
from .state import NETWORK_TIMEOUT, current_client, state

__all__ = [
    "BannedMembersRequestBuilder",
    "BlockedUsersRequestBuilder",
    "ConversationsRequestBuilder",
    "GroupMembersRequestBuilder",
    "GroupsRequestBuilder",
    "MessagesRequestBuilder",
    "ReactionsRequestBuilder",
    "SyncMessagesRequest",
    "SyncPagedRequest",
    "SyncReactionsRequest",
    "UsersRequestBuilder",
]


class SyncMessagesRequest:
    """``MessagesRequest`` with blocking ``fetchPrevious()``/``fetchNext()``."""

    def __init__(self, request: async_requests.MessagesRequest) -> None:
        self._request = request

    def fetch_previous(self) -> list[BaseMessage]:
        result: list[BaseMessage] = state.runtime.run(
            self._request.fetch_previous(), NETWORK_TIMEOUT, what="fetchPrevious()"
        )
        return result

    def fetch_next(self) -> list[BaseMessage]:
        result: list[BaseMessage] = state.runtime.run(
            self._request.fetch_next(), NETWORK_TIMEOUT, what="fetchNext()"
        )
        return result

    # camelCase aliases -------------------------------------------------------------
    fetchPrevious = fetch_previous
    fetchNext = fetch_next


class SyncPagedRequest:
    """A page-numbered request (users, groups, members) with a blocking ``fetchNext()``."""

    def __init__(self, request: Any) -> None:
        self._request = request

    def fetch_next(self) -> list[Any]:
        result: list[Any] = state.runtime.run(self._request.fetch_next(), NETWORK_TIMEOUT, what="fetchNext()")
        return result

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next


class MessagesRequestBuilder(async_requests.MessagesRequestBuilder):
    """``CometChat.MessagesRequestBuilder()`` bound to the default client (blocking fetches)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> SyncMessagesRequest:  # type: ignore[override]
        return SyncMessagesRequest(
            async_requests.MessagesRequest(current_client().rest_call, dict(self._params))
        )


class UsersRequestBuilder(async_requests.UsersRequestBuilder):
    """``CometChat.UsersRequestBuilder()`` (blocking ``fetchNext()``)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> SyncPagedRequest:  # type: ignore[override]
        return SyncPagedRequest(async_requests.UsersRequest(current_client().rest_call, dict(self._params)))


class GroupsRequestBuilder(async_requests.GroupsRequestBuilder):
    """``CometChat.GroupsRequestBuilder()`` (blocking ``fetchNext()``)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> SyncPagedRequest:  # type: ignore[override]
        return SyncPagedRequest(async_requests.GroupsRequest(current_client().rest_call, dict(self._params)))


class GroupMembersRequestBuilder(async_requests.GroupMembersRequestBuilder):
    """``CometChat.GroupMembersRequestBuilder(guid)`` (blocking ``fetchNext()``)."""

    def __init__(self, guid: str) -> None:
        super().__init__(guid, None)

    def build(self) -> SyncPagedRequest:  # type: ignore[override]
        request = async_requests.GroupMembersRequest(
            current_client().rest_call, dict(self._params), {"guid": self.guid}
        )
        return SyncPagedRequest(request)


class SyncReactionsRequest:
    """``ReactionsRequest`` with blocking ``fetchNext()``/``fetchPrevious()``."""

    def __init__(self, request: async_requests.ReactionsRequest) -> None:
        self._request = request

    def fetch_next(self) -> list[Reaction]:
        result: list[Reaction] = state.runtime.run(
            self._request.fetch_next(), NETWORK_TIMEOUT, what="fetchNext()"
        )
        return result

    def fetch_previous(self) -> list[Reaction]:
        result: list[Reaction] = state.runtime.run(
            self._request.fetch_previous(), NETWORK_TIMEOUT, what="fetchPrevious()"
        )
        return result

    # camelCase aliases -------------------------------------------------------------
    fetchNext = fetch_next
    fetchPrevious = fetch_previous


class ReactionsRequestBuilder(async_requests.ReactionsRequestBuilder):
    """``CometChat.ReactionsRequestBuilder()`` bound to the default client (blocking fetches)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> SyncReactionsRequest:  # type: ignore[override]
        request = async_requests.ReactionsRequest(current_client().rest_call, self._checked())
        return SyncReactionsRequest(request)


class BannedMembersRequestBuilder(async_requests.BannedMembersRequestBuilder):
    """``CometChat.BannedMembersRequestBuilder(guid)`` (blocking ``fetchNext()``)."""

    def __init__(self, guid: str) -> None:
        super().__init__(guid, None)

    def build(self) -> SyncPagedRequest:  # type: ignore[override]
        request = async_requests.BannedMembersRequest(
            current_client().rest_call, dict(self._params), {"guid": self.guid}
        )
        return SyncPagedRequest(request)


class BlockedUsersRequestBuilder(async_requests.BlockedUsersRequestBuilder):
    """``CometChat.BlockedUsersRequestBuilder()`` (blocking ``fetchNext()``)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> SyncPagedRequest:  # type: ignore[override]
        return SyncPagedRequest(
            async_requests.BlockedUsersRequest(current_client().rest_call, dict(self._params))
        )


class ConversationsRequestBuilder(async_requests.ConversationsRequestBuilder):
    """``CometChat.ConversationsRequestBuilder()`` (blocking ``fetchNext()``)."""

    def __init__(self) -> None:
        super().__init__(None)

    def build(self) -> SyncPagedRequest:  # type: ignore[override]
        return SyncPagedRequest(
            async_requests.ConversationsRequest(current_client().rest_call, dict(self._params))
        )
