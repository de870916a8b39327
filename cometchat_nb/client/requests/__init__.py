"""Paged requests: messages (history), users, groups, group members — one module per resource.

Builders mirror the JS SDK (``MessagesRequestBuilder().setUID(uid).setLimit(30).build()``);
the built request keeps its cursor, so calling ``fetch_previous()`` again
returns the page before the last one, and an empty page ends the sequence
without another network call (as the JS SDK does with ``meta.cursor``)::

    request = client.messages_request().set_uid("superhero2").set_limit(30).build()
    older = await request.fetch_previous()      # newest 30, oldest first
    older_still = await request.fetch_previous()

A builder is bound to a client's :meth:`~cometchat_nb.client.Client.rest_call`
(``client.users_request()`` …); the sync facade (:mod:`cometchat_nb.sdk`)
builds the same requests and fetches them with blocking ``fetchNext()``.

==============  =================================================================
``base``        ``RestCaller``, ``check_limit``, page-numbered ``PagedRequest``/``PagedBuilder``
``messages``    ``MessagesRequestBuilder`` (cursor by message id or timestamp)
``reactions``   ``ReactionsRequestBuilder`` (cursor merged from ``meta.next``/``previous``)
``users``       ``UsersRequestBuilder``
``groups``      ``GroupsRequestBuilder``, ``GroupMembersRequestBuilder``, ``BannedMembersRequestBuilder``
``blocking``    ``BlockedUsersRequestBuilder``
``conversations``  ``ConversationsRequestBuilder`` (page-based as the official SDK pages)
==============  =================================================================

A new listing (conversations, reactions, blocked users, banned members …) is a
module here — a page-numbered one subclasses ``PagedRequest``/``PagedBuilder`` —
re-exported below, and a ``*_request()`` method in its ``client/api`` module.
"""

from __future__ import annotations

from .base import RestCaller as RestCaller
from .blocking import BlockedDirections as BlockedDirections
from .blocking import BlockedUsersRequest as BlockedUsersRequest
from .blocking import BlockedUsersRequestBuilder as BlockedUsersRequestBuilder
from .conversations import ConversationsRequest as ConversationsRequest
from .conversations import ConversationsRequestBuilder as ConversationsRequestBuilder
from .groups import BannedMembersRequest as BannedMembersRequest
from .groups import BannedMembersRequestBuilder as BannedMembersRequestBuilder
from .groups import GroupMembersRequest as GroupMembersRequest
from .groups import GroupMembersRequestBuilder as GroupMembersRequestBuilder
from .groups import GroupsRequest as GroupsRequest
from .groups import GroupsRequestBuilder as GroupsRequestBuilder
from .messages import MessagesRequest as MessagesRequest
from .messages import MessagesRequestBuilder as MessagesRequestBuilder
from .reactions import ReactionsRequest as ReactionsRequest
from .reactions import ReactionsRequestBuilder as ReactionsRequestBuilder
from .users import UsersRequest as UsersRequest
from .users import UsersRequestBuilder as UsersRequestBuilder

__all__ = [
    "BannedMembersRequest",
    "BannedMembersRequestBuilder",
    "BlockedDirections",
    "BlockedUsersRequest",
    "BlockedUsersRequestBuilder",
    "ConversationsRequest",
    "ConversationsRequestBuilder",
    "GroupMembersRequest",
    "GroupMembersRequestBuilder",
    "GroupsRequest",
    "GroupsRequestBuilder",
    "MessagesRequest",
    "MessagesRequestBuilder",
    "ReactionsRequest",
    "ReactionsRequestBuilder",
    "RestCaller",
    "UsersRequest",
    "UsersRequestBuilder",
]
