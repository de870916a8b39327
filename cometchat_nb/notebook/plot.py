"""The control panel's plot: events per second by type, as PNG bytes (matplotlib, Agg).

Imported by the panel only when it first draws, so a panel without a plot never
imports matplotlib.
"""

from __future__ import annotations

import io

__all__ = ["RatePlot"]


class RatePlot:
    """Events per second by type (the ``top`` busiest, the rest as "other"), as PNG bytes.

    One figure is built once and its lines updated in place, with fixed
    margins: building a figure and ``tight_layout`` on every redraw took most
    of the kernel thread while events streamed in.
    """

    def __init__(self, top: int = 5) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.top = top
        self.fig = Figure(figsize=(5.2, 1.9), dpi=80)
        self.canvas = FigureCanvasAgg(self.fig)
        self.fig.subplots_adjust(left=0.1, right=0.98, top=0.96, bottom=0.24)
        ax = self.ax = self.fig.add_subplot()
        ax.set_xlabel("seconds ago", fontsize=7)
        ax.set_ylabel("events/s", fontsize=7)
        ax.tick_params(labelsize=6)
        self.lines = [ax.plot([], [], linewidth=1.2)[0] for _ in range(top)]
        self.other = ax.plot([], [], linewidth=1.0, linestyle="--")[0]
        self._labels: tuple[str, ...] = ()

    def render(self, seconds: list[int], series: dict[str, list[int]]) -> bytes:
        x = [s - seconds[-1] for s in seconds]
        ranked = sorted(series.items(), key=lambda kv: -sum(kv[1]))
        shown = ranked[: self.top]
        rest = ranked[self.top :]
        peak = 1
        for line, item in zip(self.lines, shown + [None] * (self.top - len(shown)), strict=True):
            line.set_visible(item is not None)
            if item is not None:
                name, counts = item
                line.set_data(x, counts)
                line.set_label(name)
                peak = max(peak, *counts)
        self.other.set_visible(bool(rest))
        if rest:
            other = [sum(v) for v in zip(*(c for _, c in rest), strict=True)]
            self.other.set_data(x, other)
            self.other.set_label("other")
            peak = max(peak, *other)
        self.ax.set_xlim(x[0], 0)
        self.ax.set_ylim(0, peak * 1.1)
        labels = tuple(name for name, _ in shown) + (("other",) if rest else ())
        if labels != self._labels:
            self._labels = labels
            legend = self.ax.get_legend()
            if legend is not None:
                legend.remove()
            if labels:
                self.ax.legend(fontsize=6, loc="upper left", frameon=False)
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()
