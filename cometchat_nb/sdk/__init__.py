"""``CometChat``: the sync facade that mirrors the CometChat JS SDK.

A snippet from the CometChat docs ports line by line::

    from cometchat_nb import CometChat

    settings = (CometChat.AppSettingsBuilder()
                .subscribePresenceForAllUsers()
                .setRegion(region)
                .autoEstablishSocketConnection(False)
                .build())
    CometChat.init(app_id, settings)
    CometChat.login(uid, auth_key)
    CometChat.addConnectionListener("conn", CometChat.ConnectionListener(
        onConnected=lambda: print("connected"),
        inConnecting=lambda: print("connecting"),
        onDisconnected=lambda: print("disconnected"),
    ))
    CometChat.connect()          # blocks until connected (or raises)
    CometChat.disconnect()       # blocks until closed

Every method delegates to one default :class:`~cometchat_nb.client.Client`
running on the SDK's own loop thread (:mod:`cometchat_nb.runtime`), so calls
are plain blocking functions in scripts and notebooks alike. Each is defined
in snake_case (``get_logged_in_user``, ``add_message_listener`` …) with its
docs name as an alias; parameters keep the docs' names (``authToken=``).
Listeners may be added before :meth:`CometChat.init`; they survive re-init.
Sync listener callbacks run on the client's dispatch thread, where calling
back into ``CometChat`` is fine; coroutine listeners run on the SDK loop,
where blocking calls raise ``ERR_WRONG_THREAD`` (await the Client instead).

Modules, one per domain like :mod:`cometchat_nb.client.api` (each a class of
static methods ending in its camelCase aliases, listed as a base of ``CometChat``)::

    state.py      the default client, listeners kept across re-init, run()
    requests.py   the *RequestBuilder classes with blocking fetches
    namespace.py  CometChat.X: model classes, listeners, constants
    core.py       init, login/logout, connect/disconnect, status, waits, listeners
    messages.py   send, edit, delete, fetch one message
    transient.py  typing indicators and receipts
    users.py      getUser, createUser, updateUser, updateCurrentUserDetails, online counts
    groups.py     getGroup, createGroup, joinGroup, leaveGroup, group administration
    blocking.py   blockUsers, unblockUsers
    reactions.py  addReaction, removeReaction
    media.py      sendMediaMessage, downloadAttachment
"""

from __future__ import annotations

from .blocking import BlockingFacade
from .conversations import ConversationsFacade
from .core import CoreFacade
from .groups import GroupsFacade
from .media import MediaFacade
from .messages import MessagesFacade
from .namespace import Namespace
from .reactions import ReactionsFacade
from .transient import TransientFacade
from .users import UsersFacade

__all__ = ["CometChat"]


class CometChat(
    Namespace,
    CoreFacade,
    MessagesFacade,
    TransientFacade,
    UsersFacade,
    GroupsFacade,
    BlockingFacade,
    ReactionsFacade,
    MediaFacade,
    ConversationsFacade,
):
    """The CometChat SDK, sync flavour (all static methods; see the module docstring)."""
