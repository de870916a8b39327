"""The REST v3 API of the embedded server (protocol.md §3).

* ``routing.py``: :class:`~.routing.Route`, :class:`~.routing.Call`, lookup.
* One module per resource, each exporting its ``ROUTES`` and the handlers they
  name: ``auth.py`` (auth tokens, ``me``, settings, telemetry), ``users.py``,
  ``groups.py``, ``messages.py`` (send/edit/delete and every history route),
  ``threads.py`` (replies, thread pages), ``history.py`` (the history filters), ``reactions.py``,
  ``media.py`` (uploaded files), ``conversations.py`` (the conversation list, read marks,
  unread counts).
* ``http.py``: :class:`~.http.RestApi`, the only module importing aiohttp:
  credentials, bodies, envelopes, status codes, CORS, fault gates.

A handler is ``handler(svc, call) -> (data, meta)``: it reads parameters with
:mod:`..params`, calls the rules of :mod:`..service` and shapes the reply; it
raises :class:`~cometchat_nb.errors.ApiError` for a refusal. A new resource is a
new module here with its ``ROUTES``, added to :data:`ROUTES` below.
"""

from __future__ import annotations

from typing import Final

from . import auth, conversations, groups, media, messages, reactions, threads, users
from .routing import Route

__all__ = ["ROUTES"]

#: Every route the server answers, matched in this order (a path fits at most one
#: route per method: ``tests/server/test_layout.py`` checks it).
ROUTES: Final[tuple[Route, ...]] = (
    *auth.ROUTES,
    *users.ROUTES,
    *messages.ROUTES,
    *groups.ROUTES,
    *threads.ROUTES,
    *reactions.ROUTES,
    *media.ROUTES,
    *conversations.ROUTES,
)
