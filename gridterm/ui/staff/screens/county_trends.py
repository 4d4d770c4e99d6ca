"""The county's trend charts, drawn in the terminal by plotext (through textual-plotext):
items overdue and the share settled in the village, per township, week by week.

Each township has its own marker character (x, o, +…) as well as its own colour, so the
lines read without colour; the legend under the charts names the markers (Textual draws it:
plotext's own legend and title miscount the width of Chinese names).  ``t`` on the county
console shows one township alone, ``w`` more or fewer weeks.
"""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

from gridterm.core.i18n import t
from gridterm.ui.staff.county.trends import Series, legend, series, week_labels


def count_ticks(top: float) -> list[int]:
    """Whole-number ticks from 0 to at least ``top`` (at most five)."""
    top = max(1, math.ceil(top))
    step = max(1, math.ceil(top / 4))
    return list(range(0, top + step, step))


def percent_ticks(height: int) -> list[int]:
    """As many of 0, 25, 50, 75, 100 as the chart has rows for.  More ticks than rows and
    plotext keeps whichever label lands last on a row — an order that changes from one run
    to the next (two screenshots of one screen differed by a label)."""
    rows = height - 3  # the frame's two lines and the week labels
    if rows >= 5:
        return [0, 25, 50, 75, 100]
    return [0, 50, 100] if rows >= 3 else [0, 100]


def label_ticks(labels: list[str], width: int) -> tuple[list[int], list[str]]:
    """Every week's label when they fit in ``width`` cells, else every n-th."""
    if not labels:
        return [], []
    room = max(1, width // (max(len(x) for x in labels) + 2))
    every = max(1, math.ceil(len(labels) / room))
    positions = list(range(1, len(labels) + 1, every))
    return positions, [labels[p - 1] for p in positions]


class TrendChart(PlotextPlot):
    """One chart: a line per township over the weeks."""

    def __init__(self, *, percent: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.percent = percent
        self.drawn: list[Series] = []
        self.labels: list[str] = []

    def show(self, drawn: list[Series], labels: list[str]) -> None:
        self.drawn = drawn
        self.labels = labels
        self.refresh()

    def render(self):
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        positions, shown = label_ticks(self.labels, max(10, self.size.width - 8))
        if positions:
            plt.xticks(positions, shown)
            plt.xlim(1, max(2, len(self.labels)))
        top = max((max(s.ys) for s in self.drawn if s.ys), default=0.0)
        ticks = percent_ticks(self.size.height) if self.percent else count_ticks(top)
        plt.yticks(ticks, [f"{v}%" if self.percent else str(v) for v in ticks])
        plt.ylim(0, ticks[-1])
        for line in self.drawn:
            if line.ys:
                plt.plot(line.xs, line.ys, marker=line.marker)
        return super().render()


class TrendPanel(Vertical):
    """Both charts, their titles and the legend."""

    DEFAULT_CSS = """
    TrendPanel { height: 1fr; }
    TrendPanel > .trend-title { height: 1; padding: 0 1; text-style: bold; }
    TrendPanel > TrendChart { height: 1fr; }
    TrendPanel > #tr-legend { height: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(t("countyview.trend.overdue"), classes="trend-title", markup=False)
        yield TrendChart(percent=False, id="tr-overdue")
        yield Static(t("countyview.trend.settled"), classes="trend-title", markup=False)
        yield TrendChart(percent=True, id="tr-settled")
        yield Static(t("countyview.trend.loading"), id="tr-legend", markup=False)

    def show(self, answer: dict, only: str | None, weeks: int) -> None:
        labels = week_labels(answer.get("weeks") or [])
        overdue = series(answer, "overdue", only)
        self.query_one("#tr-overdue", TrendChart).show(overdue, labels)
        settled = series(answer, "settled_in_village_pct", only)
        self.query_one("#tr-settled", TrendChart).show(settled, labels)
        if not overdue:
            said = t("countyview.trend.empty")
        else:
            said = legend(overdue)
        keys = t("countyview.trend.keys", weeks=weeks)
        self.query_one("#tr-legend", Static).update(f"{said}\n{keys}")
