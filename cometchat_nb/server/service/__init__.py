"""The domain rules of the embedded server: who may read, post, edit, join and
kick what, and what each change stores and pushes.

Plain functions over a :class:`Service` (the store, the configuration, the
clock and a :class:`Notifier` to reach the sockets), one module per domain:

* ``core.py``: :class:`Service`, the shared lookups (``user_or_fail``,
  ``group_or_fail``, ``message_or_fail``, ``can_read``, ``audience``), the
  fan-out of a stored message, and the error builders.
* ``auth.py``: auth tokens, ``me`` and its JWT, settings, logout, revocation,
  a socket's JWT.
* ``users.py``, ``groups.py``, ``messages.py``: the REST resources' rules.
* ``relays.py``: typing, transient messages and receipts sent over a socket,
  and the conversation-level read/delivered marks.
* ``conversations.py``: each user's conversation list, read marks, unread
  counts, message receipts and the groups' "read/delivered by all".
* ``presence.py``: who hears that a user came online or went offline.

Nothing here imports aiohttp or websockets (``tests/server/test_layout.py``
checks it), so every rule is tested with a :class:`~.store.Store` in memory and
a recording notifier (``tests/server/test_service.py``). Failures raise
:class:`~cometchat_nb.errors.ApiError` with a CometChat code; the REST and
socket layers turn them into replies. A new domain (conversations, reactions,
blocking …) is a new module here taking ``svc: Service`` first.
"""

from __future__ import annotations

from .core import Notifier as Notifier
from .core import Service as Service

__all__ = ["Notifier", "Service"]
