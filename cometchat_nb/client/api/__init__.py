"""The client's API, one module per domain, each a mixin of :class:`~cometchat_nb.client.Client`.

==================  =====================================================================
``base``            ``ApiBase``: what a mixin may use of the client core
``connection``      connect, disconnect, wait for a state or catch-up, ``status()``
``listeners``       ``add_listener(kind, id, listener)``, the typed one-liners, event sinks
``messages``        send, edit, delete, fetch one message; ``messages_request()``
``transient``       typing indicators and receipts (socket frames, queued while offline)
``users``           ``get_user``; ``users_request()``
``groups``          get, create, join, leave; ``groups_request()``, ``group_members_request()``
``conversations``   conversations, read/delivered marks, unread counts; ``conversations_request()``
==================  =====================================================================

A new domain (conversations, reactions, blocking …) is a module here with one
``class XApi(ApiBase)`` ending in its camelCase alias block, added to the
bases of ``Client`` in ``client/client.py``.
"""

from __future__ import annotations

from .base import ApiBase as ApiBase
from .connection import ConnectionApi as ConnectionApi
from .conversations import ConversationsApi as ConversationsApi
from .groups import GroupsApi as GroupsApi
from .listeners import ListenersApi as ListenersApi
from .messages import MessagesApi as MessagesApi
from .transient import TransientApi as TransientApi
from .users import UsersApi as UsersApi

__all__ = [
    "ApiBase",
    "ConnectionApi",
    "ConversationsApi",
    "GroupsApi",
    "ListenersApi",
    "MessagesApi",
    "TransientApi",
    "UsersApi",
]
