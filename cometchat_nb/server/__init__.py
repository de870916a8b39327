"""The embedded CometChat-compatible server (REST v3 + WebSocket + SQLite).

Depends on :mod:`cometchat_nb.protocol`, models, errors and settings only,
never on the client. Start it from Python with :class:`EmbeddedServer` or
from a shell with ``cometchat-nb serve`` (``python -m cometchat_nb.server serve``).

Where things are (lowest layer first; each module's docstring says more)::

    config.py       ServerConfig, limits (MAX_NAME, PER_PAGE_MAX …), seed data,
                    the advertised app settings, listen_socket
    tokens.py       auth tokens and the socket JWT (pure)
    store/          SQLite, one mixin per table group on one connection:
                    users.py (users, tokens, friends), groups.py (groups, members,
                    passwords), messages.py (messages, history pages), receipts.py,
                    conversations.py (latest message, read marks, unread counters,
                    kept by triggers); migrations.py: the schema's history,
                    upgraded in place on open
    params.py       body_* / query_* parsing -> ERR_BAD_REQUEST naming the field
    service/        the domain rules as plain functions ``rule(svc, ...)`` over a
                    Service (store, config, clock, notifier): auth.py, users.py,
                    groups.py, messages.py, relays.py (typing, receipts),
                    conversations.py (lists, read marks, unread counts),
                    presence.py; no aiohttp, no websockets
    rest/           one module per resource exporting ROUTES (auth, users, groups,
                    messages, conversations), assembled in rest/__init__.py; handlers are
                    ``handler(svc, call) -> (data, meta)``; http.py is the aiohttp
                    side (credentials, bodies, envelopes, CORS)
    hub.py          the registry of authenticated sockets and broadcast()
    ws.py           SocketServer: socket auth, pings, relays, presence, and the
                    Notifier the rules push frames through
    faults.py       the fault hooks tests inject, read by rest/ and ws.py
    app.py          ChatServer: lifecycle and wiring, admin helpers, fault hooks
    embedded.py     EmbeddedServer: ChatServer on its own thread, thread-safe calls
    cli.py          ``cometchat-nb serve``

Adding a feature (a conversation list, reactions, blocking …):

1. the schema: append a ``Migration`` to ``store/migrations.py``, put the new
   table's queries in ``store/<tables>.py`` as a mixin and add it to ``Store``;
2. the rules: ``service/<domain>.py``, functions taking ``svc`` first, raising
   ``ApiError(message, code=ErrorCode.X)``, pushing frames with
   ``svc.fan_out`` / ``svc.notifier.push``; tested without sockets in
   ``tests/server/test_service*.py`` (``helpers.memory_service``);
3. the API: ``rest/<resource>.py`` with its ``ROUTES``, added to
   ``rest.ROUTES``; parameters read with ``params``.

``tests/server/test_layout.py`` keeps the socket-free parts socket-free, the
route table unambiguous and every module under 600 lines.
"""

from __future__ import annotations

from .embedded import EmbeddedServer as EmbeddedServer

__all__ = ["EmbeddedServer"]
