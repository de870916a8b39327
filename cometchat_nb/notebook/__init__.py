"""The notebook layer: IPython magics, a control panel and a live DataFrame of events.

The only part of cometchat_nb that imports IPython, ipywidgets, pandas,
pyarrow and matplotlib (matplotlib only when the panel draws). ``import
cometchat_nb`` does not import it; ``%load_ext cometchat_nb`` does.

* :class:`LiveFrame` — every SDK event as a row of a typed DataFrame.
* :class:`ControlPanel` — an ipywidgets panel mirroring the session.
* :class:`CometChatMagics` — ``%cometchat_init``, ``_login``, ``_connect`` … (:mod:`.magics`).
* :mod:`.session` — the plain functions behind the magics (scripts and tests call them).
* :class:`SimulatedUser` — a second user generating traffic on the local server.
* :class:`ProgressBar` — the progress bar of history fetches and catch-up waits.

Modules, in import order (each imports only modules above it; ``tests/test_layering.py``
enforces the order and that nothing imports in a cycle, lazy imports included):

==================  ===========================================================================
``kernel``          the Jupyter kernel: ``in_kernel()``, the thread switch interval
``progress``        ``ProgressBar``
``secrets``         ``scrub``, ``remember_secret``, ``one_line`` (how errors are shown)
``config``          defaults and validators of the notebook settings, ``REGIONS``, the config file
``rows``            event → row: ``COLUMNS`` and the extractors (pure: no pandas)
``arrow``           rows → Arrow batches → typed pandas (``SCHEMA``)
``live_frame``      ``LiveFrame``: the buffer, snapshots, ``wait_for``, Parquet
``tables``          table commands: ``fetch_pages`` (progress bar) and ``typed_frame`` (``Column``)
``status``          ``StatusReport``, ``require_init``
``history``         ``fetch_history`` (a table command)
``directory``       ``fetch_users``, ``fetch_groups``, ``fetch_members`` (table commands)
``conversations``   ``fetch_conversations`` (a table command: ``%cometchat_conversations``)
``session``         the commands (init, login, connect, send, events, wait …) and kernel state
``demo``            ``SimulatedUser``
``plot``, ``render`` the panel's events/s plot and its HTML fragments
``panel``           ``ControlPanel`` (``ControlPanel.shared()`` is the kernel's panel)
``magics``          ``magics.base`` (traits, parsing, ``-o``) < one module per group < ``CometChatMagics``
==================  ===========================================================================

Adding to it
------------

* **A LiveFrame column**: :mod:`.rows` (``COLUMNS``, the table in its docstring,
  the extractors); only a column that is neither a string nor a category needs a
  line in :mod:`.arrow` (``_TYPES``). Nothing else changes.
* **A table command** (``%cometchat_conversations``, ``_users``, ``_groups``,
  ``_members`` …): a module of its own next to :mod:`.history` with one plain
  function — ``require_init``, build the SDK request, ``tables.fetch_pages``, then
  ``tables.typed_frame(items, COLUMNS)`` with a tuple of ``tables.Column`` — and its
  test in ``tests/notebook/test_<module>.py``.
* **A magic**: in the group module it belongs to (:mod:`.magics.messages` for
  ``%cometchat_send``/``_history`` flags), or a new group module
  (``magics/conversations.py``, ``magics/directory.py`` …) holding a
  ``@magics_class`` subclass of ``magics.base.MagicsBase``, added to the bases of
  ``CometChatMagics``. A table magic is ``@table_arguments("users")`` plus
  ``return self.output(frame, args.out)``; ``%cometchat NAME`` finds it by itself.
"""

from __future__ import annotations

from . import session as session
from .arrow import SCHEMA as SCHEMA
from .demo import SimulatedUser as SimulatedUser
from .live_frame import LiveFrame as LiveFrame
from .magics import CometChatMagics as CometChatMagics
from .magics import load_ipython_extension as load_ipython_extension
from .magics import unload_ipython_extension as unload_ipython_extension
from .panel import ControlPanel as ControlPanel
from .progress import ProgressBar as ProgressBar
from .rows import COLUMNS as COLUMNS
from .rows import DICTIONARY_COLUMNS as DICTIONARY_COLUMNS
from .rows import event_name as event_name

__all__ = [
    "COLUMNS",
    "DICTIONARY_COLUMNS",
    "SCHEMA",
    "CometChatMagics",
    "ControlPanel",
    "LiveFrame",
    "ProgressBar",
    "SimulatedUser",
    "event_name",
    "load_ipython_extension",
    "session",
    "unload_ipython_extension",
]
