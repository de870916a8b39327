"""ProgressBar (notebook/progress.py): the text bar, and nothing when there is nowhere to show it."""

from __future__ import annotations

import io

from cometchat_nb.notebook import ProgressBar


def test_progress_bar_text_and_off() -> None:
    out = io.StringIO()
    with ProgressBar(4, "pages", unit="pages", mode="text", stream=out) as bar:
        bar.update(2, "half")
    assert out.getvalue().endswith("\rpages: [##########..........] 2/4 pages — half\n")
    quiet = ProgressBar(None, "x", mode="auto", stream=io.StringIO())  # not a terminal, no kernel
    assert quiet.mode == "off"
    quiet.update(3)
    quiet.close()
