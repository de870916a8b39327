"""HTML fragments of the control panel: the status badge, the event counters and the
live tail. Pure functions of plain data (no widgets), each value HTML-escaped and
secrets scrubbed, so they are tested without a panel.
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping, Sequence
from typing import Any, Final

from .secrets import scrub

__all__ = ["badge_html", "clock", "conversations_html", "counters_html", "short", "tail_html"]

_BADGE_COLORS: Final = {
    "connected": "#1e8e3e",
    "connecting": "#f29900",
    "disconnected": "#e37400",
    "suspended": "#d56e0c",
    "failed": "#d93025",
    "closing": "#80868b",
    "closed": "#80868b",
    "initialized": "#80868b",
    "uninitialized": "#9aa0a6",
}
_LEFT: Final = "<td style='text-align:left'>"
_RIGHT: Final = "<td style='text-align:right'>"
_TAIL_HEADINGS: Final = ("time", "event", "sender", "receiver", "text / details", "source", "state")
_COUNTERS_SHOWN: Final = 15


def clock(timestamp: Any) -> str:
    """Epoch seconds → local ``HH:MM:SS.mmm`` ("" for anything else)."""
    if not isinstance(timestamp, (int, float)):
        return ""
    return time.strftime("%H:%M:%S", time.localtime(timestamp)) + f".{int(timestamp * 1000) % 1000:03d}"


def short(text: Any, width: int = 60) -> str:
    """``text`` as a string of at most ``width`` characters (an ellipsis marks a cut)."""
    if text is None:
        return ""
    s = str(text)
    return s if len(s) <= width else s[: width - 1] + "…"


def badge_html(status: Mapping[str, Any], now: float) -> str:
    """The state badge (``data-state`` attribute, a colour per state) and one line of detail:
    uid, mode, attempt, the retry countdown at ``now``, rtt, the last error."""
    state = str(status.get("state", "uninitialized"))
    color = _BADGE_COLORS.get(state, "#80868b")
    parts: list[str] = []
    if status.get("uid"):
        parts.append(str(status["uid"]))
    if status.get("mode"):
        parts.append(f"{status['mode']} mode")
    if state != "connected" and status.get("attempt"):
        parts.append(f"attempt {status['attempt']}")
    retry_in, since = status.get("retry_in"), status.get("since")
    if state in ("disconnected", "suspended") and isinstance(retry_in, (int, float)) and since:
        left = max(0.0, float(since) + float(retry_in) - now)
        parts.append(f"retry in {left:.1f} s")
    if state == "connected" and status.get("rtt_ms") is not None:
        parts.append(f"rtt {status['rtt_ms']} ms")
    if state not in ("connected", "uninitialized", "initialized") and status.get("last_error"):
        parts.append(short(scrub(str(status["last_error"])), 80))
    detail = html.escape(" · ".join(parts))
    return (
        f"<span class='cometchat-badge' data-state='{html.escape(state)}' style='background:{color};"
        f"color:white;padding:2px 8px;border-radius:10px;font-weight:bold'>{html.escape(state)}</span>"
        f"<span style='margin-left:8px;color:#555'>{detail}</span>"
    )


def counters_html(counts: Mapping[str, int], total: int) -> str:
    """The busiest event names with their counts (most first), and the total."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:_COUNTERS_SHOWN]
    rows = "".join(f"<tr>{_LEFT}{html.escape(name)}</td>{_RIGHT}{n}</td></tr>" for name, n in ranked)
    return (
        "<table class='cometchat-counters'><tr><th style='text-align:left'>event</th>"
        f"<th style='text-align:right'>count</th></tr>{rows}"
        f"<tr>{_LEFT}<i>total</i></td>{_RIGHT}{total}</td></tr></table>"
    )


def tail_html(records: Sequence[Mapping[str, Any]]) -> str:
    """The rows of ``LiveFrame.tail_records()`` as a table, newest first."""
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in _TAIL_HEADINGS)
    body = []
    for record in reversed(records):
        details = record.get("text") if record.get("text") is not None else record.get("extra")
        cells = (
            clock(record.get("received_at")),
            record.get("event") or "",
            record.get("sender") or "",
            record.get("receiver") or "",
            short(details),
            record.get("source") or "",
            record.get("state") or "",
        )
        body.append("<tr>" + "".join(f"{_LEFT}{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return f"<table class='cometchat-tail'><tr>{head}</tr>{''.join(body)}</table>"


_CONVERSATION_HEADINGS: Final = ("with", "type", "unread", "last message", "from", "time")


def conversations_html(conversations: Sequence[Any]) -> str:
    """``Conversation`` objects (newest first) as a table: who with, unread count (bold
    when not zero), the last message's text, sender and time."""
    if not conversations:
        return "<i>no conversations yet</i>"
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in _CONVERSATION_HEADINGS)
    body = []
    for c in conversations:
        last = c.last_message
        who = c.conversation_with
        name = getattr(who, "name", None) or c.with_id
        unread = int(c.unread_message_count or 0)
        text = getattr(last, "text", None) if last is not None else None
        shown = text if isinstance(text, str) else (last.type if last is not None else "")
        sender = last.sender.uid if last is not None and last.sender is not None else ""
        cells = (
            f"{_LEFT}{html.escape(str(name))} <small>({html.escape(str(c.with_id))})</small></td>",
            f"{_LEFT}{html.escape(str(c.conversation_type))}</td>",
            f"{_RIGHT}<b>{unread}</b></td>" if unread else f"{_RIGHT}0</td>",
            f"{_LEFT}{html.escape(short(shown))}</td>",
            f"{_LEFT}{html.escape(sender)}</td>",
            f"{_LEFT}{html.escape(clock(last.sent_at if last is not None else None))}</td>",
        )
        body.append(f"<tr data-conversation='{html.escape(str(c.conversation_id))}'>{''.join(cells)}</tr>")
    return f"<table class='cometchat-conversations'><tr>{head}</tr>{''.join(body)}</table>"
