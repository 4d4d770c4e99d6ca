"""The trend charts' data: per township, week by week, the items overdue and the share
settled in the village (``GET /api/v1/staff/summary/weekly``).

Each township is drawn with its own marker character as well as its own colour, so the
lines can be told apart without colour; the legend (drawn by the console, not by plotext,
which measures Chinese names wrongly) names each marker.
"""

from __future__ import annotations

from dataclasses import dataclass

MARKERS = ("x", "o", "+", "*", "#", "@", "%", "&", "=", "$")
WEEK_CHOICES = (8, 12, 26, 52)


@dataclass(frozen=True)
class Series:
    name: str
    marker: str
    xs: list[int]  # week positions, 1-based
    ys: list[float]


def week_labels(weeks: list[str]) -> list[str]:
    """``W45`` for ``2026-W45`` (the year only where it changes, ``26W01``)."""
    out = []
    last_year = None
    for week in weeks:
        year, _, number = str(week).partition("-W")
        if not number:
            out.append(str(week))
            continue
        out.append(f"W{number}" if last_year in (None, year) else f"{year[-2:]}W{number}")
        last_year = year
    return out


def series(answer: dict, field: str, only: str | None = None) -> list[Series]:
    """One series per township for ``field`` (``overdue`` or ``settled_in_village_pct``);
    weeks with nothing to measure (null) are left out of the line.  ``only``: one township
    (by id)."""
    out = []
    for index, row in enumerate(answer.get("townships") or []):
        if only is not None and row.get("township_id") != only:
            continue
        values = row.get(field) or []
        xs, ys = [], []
        for position, value in enumerate(values, 1):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                xs.append(position)
                ys.append(float(value))
        marker = MARKERS[index % len(MARKERS)]
        out.append(Series(str(row.get("township") or ""), marker, xs, ys))
    return out


def legend(drawn: list[Series]) -> str:
    """``x 东河镇  o 石桥镇``."""
    return "  ".join(f"{s.marker} {s.name}" for s in drawn)


def next_weeks(current: int) -> int:
    at = WEEK_CHOICES.index(current) + 1 if current in WEEK_CHOICES else 0
    return WEEK_CHOICES[at % len(WEEK_CHOICES)]


def next_township(answer: dict, current: str | None) -> str | None:
    """All townships -> each one alone -> all again."""
    ids = [row.get("township_id") for row in answer.get("townships") or []]
    if current not in ids:
        return ids[0] if ids else None
    at = ids.index(current) + 1
    return ids[at] if at < len(ids) else None
