"""The status report (notebook/status.py): before init, rendering, scrubbing, require_init."""

from __future__ import annotations

import pytest

from cometchat_nb import StateError
from cometchat_nb.notebook.secrets import remember_secret
from cometchat_nb.notebook.status import StatusReport, require_init, status_report


def test_before_init() -> None:
    report = status_report(events=3, local_server=None)
    assert report == {"state": "uninitialized", "status": "disconnected", "events": 3, "local_server": None}
    with pytest.raises(StateError, match="run %cometchat_init") as info:
        require_init("connect()")
    assert info.value.code == "COMETCHAT_INITIALIZATION_NOT_DONE"


def test_rendering_orders_scrubs_and_escapes() -> None:
    remember_secret("status-secret-42")
    report = StatusReport(zeta=1, state="failed", last_error="<x> status-secret-42", retry_in=1.234)
    text = repr(report)
    assert text.splitlines()[0].startswith("state") and text.splitlines()[-1].startswith("zeta")
    assert "1.23 s" in text and "status-secret-42" not in text
    html = report._repr_html_()
    assert "&lt;x&gt; ***" in html and "status-secret-42" not in html
