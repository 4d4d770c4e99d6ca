"""The period the county's figures cover: a few named ones a county leader asks for (this
month, last month, the last 30 days, this quarter, this year) and any two days typed.

Days are the township's calendar days (the console's clock is on the township's zone); both
ends are in the period, as ``GET /api/v1/staff/summary?from=&to=`` takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from gridterm.core.i18n import t

PRESETS = ("this_month", "last_month", "last_30", "this_quarter", "this_year")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    preset: str | None = None  # None: typed by hand

    @property
    def params(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()

    def text(self) -> str:
        """``本月 11-01 至 11-25`` / ``2026-10-01 至 2026-11-25``."""
        same_year = self.start.year == self.end.year
        fmt = (lambda d: d.isoformat()[5:]) if same_year else date.isoformat
        span = t("countyview.period.span", start=fmt(self.start), end=fmt(self.end))
        if self.preset is None:
            return span
        return f"{t(f'countyview.period.{self.preset}')} {span}"


def preset(name: str, today: date) -> Period:
    """The named period as of ``today`` (a period never ends after today)."""
    if name == "this_month":
        return Period(today.replace(day=1), today, name)
    if name == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end, name)
    if name == "last_30":
        return Period(today - timedelta(days=29), today, name)
    if name == "this_quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return Period(today.replace(month=first_month, day=1), today, name)
    if name == "this_year":
        return Period(today.replace(month=1, day=1), today, name)
    raise ValueError(name)


def next_preset(current: Period, today: date) -> Period:
    """The next named period (after a typed one: the first)."""
    at = PRESETS.index(current.preset) + 1 if current.preset in PRESETS else 0
    return preset(PRESETS[at % len(PRESETS)], today)


def typed(start: date, end: date) -> Period:
    """Two typed days, in either order."""
    return Period(min(start, end), max(start, end))
