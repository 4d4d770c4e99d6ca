"""The county's table of figures: one row per township (or per village of a county leader),
the columns that fit the screen, each cell as a person reads it.

The figures are the service's (``GET /api/v1/staff/summary``, defined in docs/county.md):
the console only words them.  A percentage whose denominator is 0 comes as null and reads
``—`` (nothing to measure), never 0%.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridterm.core.i18n import t

WIDE = 110  # from this many columns the table shows the counts behind the percentages too


@dataclass(frozen=True)
class Column:
    key: str  # the summary row's field
    percent: bool = False
    wide_only: bool = False

    def head(self) -> str:
        return t(f"countyview.col.{self.key}")


COLUMNS = (
    Column("received"),
    Column("closed", wide_only=True),
    Column("closed_on_time_pct", percent=True),
    Column("overdue_now"),
    Column("settled_in_village_pct", percent=True),
    Column("mediation_settled_pct", percent=True),
    Column("follow_ups_done_pct", percent=True),
    Column("red_open"),
    # residents' questions on the villages' notices nobody has answered (issue 17)
    Column("unanswered_questions", wide_only=True),
    Column("supervised_open", wide_only=True),
    Column("escalated_open", wide_only=True),
)


def columns_for(width: int) -> list[Column]:
    return [c for c in COLUMNS if width >= WIDE or not c.wide_only]


def percent_text(value: object) -> str:
    """``83%`` (rounded to a whole number); ``—`` for null (a denominator of 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return t("countyview.none")
    return f"{round(value)}%"


def count_text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return t("countyview.none")
    return str(value)


def cell(row: dict, column: Column) -> str:
    value = row.get(column.key)
    return percent_text(value) if column.percent else count_text(value)


def name_of(row: dict) -> str:
    """The row's township, or village for a county leader's villages."""
    return str(row.get("township") or row.get("village") or "")


def table(rows: list[dict], width: int, *, first: str = "township") -> tuple[list, list]:
    """``(columns, rows)`` for ``gridterm.ui.kit.tables.fill``: the name first, then the
    figures that fit ``width``; each row keyed by its township id (or village name)."""
    shown = columns_for(width)
    columns = [("name", t(f"countyview.col.{first}"))]
    columns += [(c.key, c.head()) for c in shown]
    out = []
    for index, row in enumerate(rows):
        key = str(row.get("township_id") or row.get("village") or index)
        out.append((key, [name_of(row), *(cell(row, c) for c in shown)]))
    return columns, out


def legend(width: int) -> str:
    """What the short column heads mean (one line under the table)."""
    return t("countyview.legend.wide" if width >= WIDE else "countyview.legend")
