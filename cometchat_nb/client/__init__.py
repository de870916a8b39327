"""The asyncio client: REST over httpx, the socket over picows, the reconnect loop, exactly-once delivery.

:class:`Client` is the async API of one user session (the sync
:class:`~cometchat_nb.CometChat` facade drives one on the SDK's loop thread).
It is a façade: the rules live in small modules beside it, the pure ones
(``delivery``, ``routing``) tested without a socket or a loop.

Where things are (lowest layer first; ``tests/test_layering.py`` enforces the
order and that nothing imports in a cycle)::

    wire.py         the reader's decoder: text-message frames straight from bytes (msgspec)
    store.py        SessionStore backends (a 0600 file per app id; memory)
    http.py         RestApi: REST calls over one httpx.AsyncClient, envelopes -> errors
    dialing.py      how the socket reaches the host: proxy from the environment, TCP connect
    connection.py   one socket session: picows reader callback, keepalive, auth handshake
    dispatch.py     the listener registry; callbacks run on a dispatch thread, isolated
    delivery.py     PURE: DeliveryLedger, the exactly-once rules (cursor, gap, dedupe)
    routing.py      PURE: Router, frame kind -> callback names and arguments (tables)
    supervisor.py   the reconnect loop and the connection state machine
    catchup.py      CatchupRunner: pages of missed messages through the ledger
    outbound.py     OutboundQueue: typing/receipt frames, queued while they cannot go
    persist.py      Session, SessionSaver: the saved session and its numbered writes
    requests/       the *RequestBuilder classes, one module per resource
    api/            the REST wrappers, one mixin per domain (ApiBase declares what
                    they may use): connection, listeners, messages, transient,
                    users, groups, reactions, media
    client.py       Client: wiring, init/close, login/logout, the socket callbacks

Where a feature goes (conversations, reactions, blocking … ; the names are examples)
----------------------------------------------------------------------------------

1. **The wire**: its endpoints in :data:`cometchat_nb.protocol.rest.ENDPOINTS`
   (one ``Endpoint(...)`` line each); a new socket frame in
   :mod:`cometchat_nb.protocol.frames` (a frozen dataclass) and its decoder in
   :mod:`cometchat_nb.protocol.codec`.
2. **The models**: ``models/<chapter>.py`` (``Conversation`` in a new
   ``models/conversations.py``, ``Reaction`` beside ``ReactionEvent`` …), the only
   place that knows their JSON keys; re-exported by ``models/__init__.py``.
3. **A listing**: ``client/requests/<resource>.py`` (``ConversationsRequestBuilder``;
   page-numbered ones subclass ``PagedBuilder``/``PagedRequest``), re-exported by
   ``client/requests/__init__.py``.
4. **The async API**: ``client/api/<domain>.py`` with ``class ConversationsApi(ApiBase)``
   — REST wrappers ``await self.rest_call("endpointName", path=..., query=..., body=...)``,
   a ``conversations_request()`` factory, and one camelCase alias block at the end —
   then one line: add it to the bases of :class:`Client` (and to ``api/__init__.py``).
5. **The sync facade**: ``sdk/<domain>.py`` with ``class ConversationsFacade`` of static
   methods (``run(lambda c: c.get_conversation(...), "CometChat.getConversation()")``),
   added to the bases of ``CometChat`` in ``sdk/__init__.py``; its sync builder in
   ``sdk/requests.py``; classes and constants reachable as ``CometChat.X`` in
   ``sdk/namespace.py``.
6. **Live events**: the callback name in its listener's ``EVENTS``
   (:mod:`cometchat_nb.listeners`); a new frame's route in
   :data:`.routing.FRAME_ROUTES` (one function and one line), a new receipt or
   group action in :data:`.routing.RECEIPT_CALLBACKS` / :data:`.routing.GROUP_ACTIONS`.
   ``tests/client/test_routing.py`` then checks that every emitted name is receivable.
7. **Tests**: ``tests/client/test_<domain>.py`` through a real ``EmbeddedServer``
   (helpers in ``tests/support``), ``tests/sdk/`` for the facade; each new module in
   ``ORDER`` of ``tests/test_layering.py``.

Naming: every method is defined in snake_case; each public class ends with one
block of camelCase aliases of the CometChat docs names (``getConversation =
get_conversation``); ``tests/test_naming.py`` checks it.
"""

from __future__ import annotations

from .catchup import CatchupResult as CatchupResult
from .client import Client as Client
from .dispatch import Event as Event
from .store import FileSessionStore as FileSessionStore
from .store import MemorySessionStore as MemorySessionStore
from .store import SessionStore as SessionStore

__all__ = ["CatchupResult", "Client", "Event", "FileSessionStore", "MemorySessionStore", "SessionStore"]
