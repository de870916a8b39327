"""The client's API, one module per domain, each a mixin of :class:`~cometchat_nb.client.Client`.

==================  =====================================================================
``base``            ``ApiBase``: what a mixin may use of the client core
``connection``      connect, disconnect, wait for a state or catch-up, ``status()``
``listeners``       ``add_listener(kind, id, listener)``, the typed one-liners, event sinks
``messages``        send, edit, delete, fetch one message; ``messages_request()``
``transient``       typing indicators and receipts (socket frames, queued while offline)
``users``           ``get_user``, create/update users, online counts; ``users_request()``
``groups``          get, create, join, leave, administration; group, member and ban requests
``blocking``        ``block_users``, ``unblock_users``; ``blocked_users_request()``
``reactions``       add, remove a reaction; ``reactions_request()``
``media``           ``send_media_message`` (multipart upload), ``download_attachment``
``conversations``   conversations, read/delivered marks, unread counts; ``conversations_request()``
==================  =====================================================================

A new domain (conversations, reactions, blocking …) is a module here with one
``class XApi(ApiBase)`` ending in its camelCase alias block, added to the
bases of ``Client`` in ``client/client.py``.
"""

from __future__ import annotations

from .base import ApiBase as ApiBase
from .blocking import BlockingApi as BlockingApi
from .connection import ConnectionApi as ConnectionApi
from .conversations import ConversationsApi as ConversationsApi
from .groups import GroupsApi as GroupsApi
from .listeners import ListenersApi as ListenersApi
from .media import MediaApi as MediaApi
from .messages import MessagesApi as MessagesApi
from .reactions import ReactionsApi as ReactionsApi
from .transient import TransientApi as TransientApi
from .users import UsersApi as UsersApi

__all__ = [
    "ApiBase",
    "BlockingApi",
    "ConnectionApi",
    "ConversationsApi",
    "GroupsApi",
    "ListenersApi",
    "MediaApi",
    "MessagesApi",
    "ReactionsApi",
    "TransientApi",
    "UsersApi",
]
