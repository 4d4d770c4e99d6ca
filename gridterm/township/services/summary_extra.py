"""Columns other parts of the service add to the county's figures, counted per village
(issue 15's summary; docs/county.md "Columns other parts add").

A column is a function ``(session, township_ids, now) -> {township_id: {village: n}}`` (the
shape of issue 17's ``services.questions.unanswered_by_village``), named in :data:`COLUMNS`
by the key it takes in the summary.  Every row of the summary gets every column: a village's
row its count (summed over the townships when the row stands for a village of any township),
a township's row the sum over its villages; 0 where the function says nothing.  The XLSX
sheet shows each column under the catalog's ``county.col.<key>``.
"""

from __future__ import annotations

import datetime as dt
import pkgutil
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from gridterm.township.services import questions

VillageCounts = Mapping[str, Mapping[str, int]]
VillageColumn = Callable[[Session, list[str], dt.datetime], VillageCounts]

# key -> the function, or its "package.module:function" path (imported when first asked).
COLUMNS: dict[str, VillageColumn | str] = {
    # Issue 17: residents' questions about published notices that nobody has answered yet.
    "unanswered_questions": questions.unanswered_by_village,
}


def _resolve(entry: VillageColumn | str) -> VillageColumn:
    return pkgutil.resolve_name(entry) if isinstance(entry, str) else entry


def column_keys(columns: Mapping[str, VillageColumn | str] | None = None) -> list[str]:
    return list(COLUMNS if columns is None else columns)


def count(
    session: Session,
    township_ids: list[str],
    now: dt.datetime,
    columns: Mapping[str, VillageColumn | str] | None = None,
) -> dict[str, VillageCounts]:
    """Each column's counts for ``township_ids`` at ``now``."""
    chosen = COLUMNS if columns is None else columns
    return {key: _resolve(fn)(session, township_ids, now) for key, fn in chosen.items()}


def for_township(counted: Mapping[str, VillageCounts], township_id: str) -> dict[str, int]:
    """A township's row: each column summed over the township's villages."""
    return {
        key: sum(int(n) for n in by_town.get(township_id, {}).values())
        for key, by_town in counted.items()
    }


def for_village(
    counted: Mapping[str, VillageCounts], township_id: str | None, village: str
) -> dict[str, int]:
    """A village's row (``township_id`` None: that village of any township)."""
    out: dict[str, int] = {}
    for key, by_town in counted.items():
        towns = [township_id] if township_id else list(by_town)
        out[key] = sum(int(by_town.get(town, {}).get(village, 0)) for town in towns)
    return out


def add_to(summary: dict[str, Any], counted: Mapping[str, VillageCounts]) -> None:
    """Put the columns on every township and village row of ``summary`` (in place)."""
    for row in summary["townships"]:
        row.update(for_township(counted, row["township_id"]))
    for row in summary["villages"]:
        row.update(for_village(counted, row.get("township_id"), row["village"]))
