"""The state of the ``CometChat`` facade as the notebook shows it (``%cometchat_status``),
and the guard every command runs first (:func:`require_init`).

:func:`status_report` reads the facade; :class:`StatusReport` is a dict that
prints as aligned text and renders as an HTML table, with secrets scrubbed.
:func:`~.session.status` adds the session's own lines (event count, local server).
"""

from __future__ import annotations

import html
import time
from typing import Any, Final

from ..errors import ErrorCode, StateError
from ..sdk import CometChat
from .secrets import scrub

__all__ = ["StatusReport", "require_init", "status_report"]


def require_init(what: str) -> None:
    """Raise :class:`~cometchat_nb.errors.StateError` naming the magic to run unless the SDK
    is initialised (``what``: the command, e.g. ``"connect()"``)."""
    if not CometChat.isInitialized():
        raise StateError(
            f"{what} needs an initialised SDK: run %cometchat_init APP_ID (or %cometchat_init --local) first",
            code=ErrorCode.NOT_INITIALIZED,
        )


class StatusReport(dict[str, Any]):
    """The connection status as a dict, rendered as an HTML table in notebooks."""

    ORDER: Final = (
        "state",
        "status",
        "uid",
        "app_id",
        "mode",
        "attempt",
        "retry_in",
        "since",
        "last_error",
        "last_error_code",
        "rtt_ms",
        "reconnects",
        "queued_out",
        "dispatch_backlog",
        "frames_in",
        "last_message_id",
        "catchup_pending",
        "catchup",
        "events",
        "local_server",
    )
    """The keys shown first, in this order (others follow, sorted)."""

    def _items(self) -> list[tuple[str, str]]:
        keys = [k for k in self.ORDER if k in self] + sorted(k for k in self if k not in self.ORDER)
        out = []
        for key in keys:
            value = self[key]
            if key == "since" and isinstance(value, (int, float)):
                text = f"{time.strftime('%H:%M:%S', time.localtime(value))} ({time.time() - value:.1f} s ago)"
            elif key == "retry_in" and isinstance(value, (int, float)):
                text = f"{value:.2f} s"
            else:
                text = "—" if value is None else str(value)
            out.append((key, scrub(text)))
        return out

    def __repr__(self) -> str:
        width = max((len(k) for k in self), default=0)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in self._items())

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in self._items()
        )
        return f"<table class='cometchat-status'>{rows}</table>"


def status_report(*, events: int, local_server: str | None) -> StatusReport:
    """The facade's status (``state`` ``"uninitialized"`` before ``init``), its last
    catch-up in one line, and the given ``events`` count and ``local_server`` url."""
    if not CometChat.isInitialized():
        report = StatusReport(state="uninitialized", status="disconnected")
    else:
        client = CometChat.client()
        report = StatusReport(client.status())
        last = client.last_catchup
        if last is not None:
            gap = ", gap possible" if last.gap_possible else ""
            report["catchup"] = f"{last.delivered} messages in {last.pages} pages{gap}"
    report["events"] = events
    report["local_server"] = local_server
    return report
