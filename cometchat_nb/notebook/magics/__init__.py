"""IPython magics: ``%load_ext cometchat_nb``, then ``%cometchat_*``.

::

    %cometchat_init --local                 # or: %cometchat_init APP_ID --region eu
    %cometchat_login superhero1             # key: env / config file / local server
    %cometchat_send superhero2 hello there
    %cometchat_events -o ev --type text_message_received
    %cometchat_status
    %cometchat_panel
    %cometchat_users --online -o users      # also: %cometchat_groups, %cometchat_members GUID

Every magic is a thin wrapper around a plain function of the notebook layer
(:mod:`~cometchat_nb.notebook.session` and its neighbours; scripts and tests call
those). Each has ``magic_arguments`` help (``%cometchat_connect?``); an unknown
flag, a user mistake or an SDK error becomes a one-line ``UsageError`` such as
``[USER_NOT_LOGGED_IN] connect() needs a logged-in user: …`` (with
``%config CometChatMagics.short_errors = False`` the original exception is
raised instead). Auth keys and tokens are never echoed.

Settings are traits (``%config CometChatMagics.max_rows = 5000``, or
``c.CometChatMagics.region = "us"`` in ``ipython_config.py``): ``app_id``,
``region``, ``presence``, ``auto_connect``, ``max_rows``, ``keep_raw``,
``ui_hz``, ``short_errors``, ``connect_timeout``, ``reconnect_min_delay``,
``reconnect_max_delay``, ``switch_interval``. ``max_rows``/``keep_raw``/``ui_hz``/
``switch_interval`` apply at once; the others at the next ``%cometchat_init``.

Layout: the settings and shared helpers in :mod:`.base`; one module per group of
magics (:mod:`.connection`, :mod:`.messages`, :mod:`.directory`), each a ``MagicsBase`` subclass;
:class:`CometChatMagics` inherits every group (add a new group to its bases).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import line_magic

from .. import session
from .base import combine_magics
from .connection import ConnectionMagics
from .conversations import ConversationMagics
from .directory import DirectoryMagics
from .messages import MessageMagics

__all__ = ["CometChatMagics", "load_ipython_extension", "unload_ipython_extension"]

_PREFIX = "cometchat_"


@combine_magics
class CometChatMagics(ConnectionMagics, MessageMagics, DirectoryMagics, ConversationMagics):
    """The ``%cometchat_*`` magics and their settings (see the module docstring)."""

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        # Magics.__init__ appends us to shell.configurables (so %config works) and makes
        # the shell our config parent (so ipython_config.py settings apply).
        super().__init__(shell=shell, **kwargs)
        self.apply_settings()

    def subcommands(self) -> list[str]:
        """The ``SUBCOMMAND`` of every ``%cometchat_SUBCOMMAND`` magic, sorted."""
        line: dict[str, Any] = self.magics["line"]
        return sorted(name.removeprefix(_PREFIX) for name in line if name.startswith(_PREFIX))

    @line_magic
    def cometchat(self, line: str = "") -> Any:
        """Umbrella magic: ``%cometchat SUBCOMMAND ARGS`` runs ``%cometchat_SUBCOMMAND ARGS``
        (SUBCOMMAND: init, login, logout, connect, disconnect, status, send, events, wait,
        history, panel, … — every ``%cometchat_*`` magic)."""
        sub, _, rest = line.strip().partition(" ")
        names = self.subcommands()
        if sub not in names:
            raise UsageError(f"%cometchat: unknown subcommand {sub!r}; choose one of {', '.join(names)}")
        method: Callable[[str], Any] = self.magics["line"][_PREFIX + sub]
        return method(rest)


_loaded: dict[int, CometChatMagics] = {}


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext cometchat_nb``: register the magics on ``ipython`` (idempotent)."""
    if id(ipython) in _loaded:
        return
    magics = CometChatMagics(shell=ipython)
    ipython.register_magics(magics)
    _loaded[id(ipython)] = magics


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext cometchat_nb``: remove the magics, close the panel, detach the
    live frame, shut the SDK down and stop the local server (no thread is left)."""
    magics = _loaded.pop(id(ipython), None)
    if magics is not None:
        table = ipython.magics_manager.magics["line"]
        for name in list(magics.magics["line"]):
            table.pop(name, None)
        ipython.magics_manager.registry.pop(type(magics).__name__, None)
        configurables = getattr(ipython, "configurables", [])
        if magics in configurables:
            configurables.remove(magics)
    session.shutdown()
