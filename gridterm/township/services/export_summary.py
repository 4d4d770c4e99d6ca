"""The county's figures as a sheet of the XLSX export (issue 15): one row per township of the
caller's scope, then one per village of a county leader's, the figures of
:mod:`~gridterm.township.services.summary` under headers a clerk reads (docs/county.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridterm.core.i18n import t
from gridterm.township.services import summary_extra
from gridterm.township.services.export_columns import LANG, Column
from gridterm.township.services.export_xlsx import Sheet
from gridterm.township.services.summary import FIGURES


@dataclass(frozen=True)
class FigureColumn(Column):
    """A column of the summary sheet: its header from the county catalog."""

    @property
    def header(self) -> str:
        return t(f"county.col.{self.key}", lang=LANG)


def _get(key: str):
    return lambda row: row.get(key)


COLUMNS = [
    FigureColumn("township", _get("township"), "name"),
    FigureColumn("village", _get("village"), "name"),
    *(FigureColumn(key, _get(key), "number") for key in FIGURES),
]


def sheet(summary: dict[str, Any]) -> Sheet:
    """The sheet of ``summary`` (shaped like the API's ``SummaryOut``), then a column for
    each count other parts add (:mod:`~gridterm.township.services.summary_extra`)."""
    rows = [*summary.get("townships", ()), *summary.get("villages", ())]
    title = t("county.sheet.summary", lang=LANG, start=summary["from"], end=summary["to"])
    extra = [FigureColumn(key, _get(key), "number") for key in summary_extra.column_keys()]
    columns: list[Column] = [*COLUMNS, *extra]
    return Sheet(title, columns, [[col.get(row) for col in columns] for row in rows])
