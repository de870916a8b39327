"""The panel's HTML fragments (notebook/render.py), without widgets: the badge and its
retry countdown, counters, the live tail — escaped and scrubbed."""

from __future__ import annotations

from cometchat_nb.notebook.render import badge_html, clock, counters_html, short, tail_html
from cometchat_nb.notebook.secrets import remember_secret


def test_retry_countdown_in_the_badge() -> None:
    status = {"state": "disconnected", "uid": "u", "attempt": 3, "retry_in": 5.0, "since": 1000.0}
    badge = badge_html(status, now=1002.0)
    assert "data-state='disconnected'" in badge
    assert "attempt 3" in badge and "retry in 3.0 s" in badge
    assert "retry in" not in badge_html({**status, "state": "connected"}, now=1002.0)


def test_badge_scrubs_and_escapes_the_last_error() -> None:
    remember_secret("render-secret-1234")
    status = {"state": "failed", "last_error": "<bad> key render-secret-1234"}
    badge = badge_html(status, now=0.0)
    assert "render-secret-1234" not in badge and "&lt;bad&gt; key ***" in badge
    assert "data-state='uninitialized'" in badge_html({}, now=0.0)


def test_counters_most_first_and_total() -> None:
    table = counters_html({"b_event": 1, "a<event>": 5, "c_event": 1}, total=9)
    assert table.index("a&lt;event&gt;") < table.index("b_event") < table.index("c_event")
    assert "<i>total</i></td><td style='text-align:right'>9</td>" in table


def test_tail_newest_first_with_details() -> None:
    records = [
        {"received_at": 0.0, "event": "connected", "state": "connected", "extra": None},
        {"received_at": 1.5, "event": "text_message_received", "sender": "a", "text": "<hi>"},
        {"received_at": 2.0, "event": "typing_started", "extra": '{"metadata": 1}'},
    ]
    table = tail_html(records)
    assert table.index("typing_started") < table.index("text_message_received") < table.index(">connected<")
    assert "&lt;hi&gt;" in table and "{&quot;metadata&quot;: 1}" in table
    assert clock(1.5).endswith(".500") and clock(None) == ""
    assert short("x" * 100, 10) == "x" * 9 + "…" and short(None) == ""
