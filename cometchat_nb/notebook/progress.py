"""Progress bars for long history fetches and catch-up waits.

:class:`ProgressBar` shows an ``ipywidgets.IntProgress`` with a label when the
code runs in a Jupyter kernel, a one-line text bar on a stream (stderr by
default) on a terminal, or nothing (output captured, ``mode="off"``). It is updated from the
thread that created it — the kernel thread, since every caller here is a
magic or a session function running in a cell — so no widget is ever touched
from the SDK's threads.
"""

from __future__ import annotations

import sys
from typing import Any, Literal, TextIO

from .kernel import in_kernel

__all__ = ["Mode", "ProgressBar"]

Mode = Literal["auto", "widget", "text", "off"]
"""Where a progress bar shows: ``auto`` (widget in a kernel, text on a terminal, else
nothing), ``widget``, ``text`` or ``off``."""


class ProgressBar:
    """A progress bar: ``update(value, note)`` then ``close(note)``.

    ``total`` None means "unknown": the widget grows its maximum as values
    arrive and the text bar prints only the count. ``mode``: ``auto`` (widget
    in a kernel, text on a terminal, nothing otherwise), ``widget``, ``text``
    or ``off``.
    """

    def __init__(
        self,
        total: int | None,
        description: str,
        *,
        unit: str = "",
        mode: Mode = "auto",
        stream: TextIO | None = None,
    ) -> None:
        self.total = total
        self.description = description
        self.unit = unit
        self.value = 0
        self.note = ""
        self._stream = stream if stream is not None else sys.stderr
        if mode == "auto":
            tty = getattr(self._stream, "isatty", lambda: False)()
            mode = "widget" if in_kernel() else "text" if tty else "off"
        self._mode: Mode = mode
        self._bar: Any = None
        self._label: Any = None
        self._box: Any = None
        self._closed = False
        if self._mode == "widget":
            import ipywidgets as widgets
            from IPython.display import display

            self._bar = widgets.IntProgress(
                value=0, min=0, max=max(1, total or 1), description=description, bar_style="info"
            )
            self._label = widgets.HTML(value="")
            self._box = widgets.HBox([self._bar, self._label])
            display(self._box)  # type: ignore[no-untyped-call]

    @property
    def mode(self) -> str:
        """The backend in use: ``widget``, ``text`` or ``off``."""
        return self._mode

    def update(self, value: int, note: str = "") -> None:
        """Show ``value`` (of ``total``) and a short note."""
        self.value, self.note = value, note
        if self._mode == "widget":
            if self.total is None and value >= self._bar.max:
                self._bar.max = max(1, value * 2)
            self._bar.value = min(value, self._bar.max)
            self._label.value = note
        elif self._mode == "text":
            self._stream.write("\r" + self._text())
            self._stream.flush()

    def close(self, note: str | None = None, *, ok: bool = True) -> None:
        """Finish: the widget turns green (or red with ``ok=False``); the text bar ends its line."""
        if self._closed:
            return
        self._closed = True
        if note is not None:
            self.note = note
        if self._mode == "widget":
            self._bar.bar_style = "success" if ok else "danger"
            if ok:
                self._bar.max = max(1, self.value)
                self._bar.value = self._bar.max
            self._label.value = self.note
        elif self._mode == "text":
            self._stream.write("\r" + self._text() + "\n")
            self._stream.flush()

    def _text(self, width: int = 20) -> str:
        if self.total:
            filled = min(width, round(width * self.value / self.total))
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {self.value}/{self.total}"
        else:
            bar = f"{self.value}"
        unit = f" {self.unit}" if self.unit else ""
        note = f" — {self.note}" if self.note else ""
        return f"{self.description}: {bar}{unit}{note}"

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close(ok=exc_type is None)
