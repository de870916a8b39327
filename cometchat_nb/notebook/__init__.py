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
"""

from __future__ import annotations

from . import session as session
from .demo import SimulatedUser as SimulatedUser
from .live_frame import COLUMNS as COLUMNS
from .live_frame import DICTIONARY_COLUMNS as DICTIONARY_COLUMNS
from .live_frame import SCHEMA as SCHEMA
from .live_frame import LiveFrame as LiveFrame
from .live_frame import event_name as event_name
from .magics import CometChatMagics as CometChatMagics
from .magics import load_ipython_extension as load_ipython_extension
from .magics import unload_ipython_extension as unload_ipython_extension
from .panel import ControlPanel as ControlPanel
from .progress import ProgressBar as ProgressBar

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
