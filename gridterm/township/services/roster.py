"""Importing the township's household roster (CSV or XLSX) into a grid: all rows or none.

The sheet is read as Excel and WPS save it (:mod:`sheets`), its header found among its first
rows and its columns known by their Chinese or English names (:mod:`sheet_columns`), its
rows made into households in either layout (:mod:`roster_rows`), and every household checked
with the app's own validation (every member's ID number and phone as the device checks
them).  Any problem refuses the whole file, each told by its row and column.

Importing again updates the same households: each has a stable key (its 户号, else its head's
ID number, else village + group + number), unique in its grid.  A household that changed
keeps its id and gets a new change number, so devices pull the new version in place; one
that did not change is left alone; one no longer in the file is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.services.admin import AdminError, find_grid, new_id
from gridterm.township.services.columns import NUMBER_FIELDS, ROSTER, ROSTER_REQUIRED
from gridterm.township.services.roster_rows import HOUSEHOLD_NO_MAX, Draft, drafts
from gridterm.township.services.sheet_columns import (
    Columns,
    Problems,
    find_columns,
    row_values,
)
from gridterm.township.services.sheets import read_sheet

MAX_PROBLEMS_SHOWN = 200


@dataclass
class Household:
    """A household checked and ready: its stable key, its data and its first row."""

    key: str
    data: dict[str, Any]
    row: int


@dataclass
class RosterReport:
    """What an import did (or, with ``check``, would do)."""

    grid: str
    households: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_roster(path: str | Path) -> tuple[list[Household], list[str], Columns]:
    """The households of a roster file and every problem found (none: all are good)."""
    sheet = read_sheet(path)
    columns = find_columns(sheet, ROSTER, ROSTER_REQUIRED)
    problems = Problems(columns)
    found = drafts(row_values(sheet, columns, problems, NUMBER_FIELDS), columns, problems)
    households: list[Household] = []
    seen: dict[str, int] = {}
    for draft in found:
        if draft.broken:
            continue
        try:
            data = model.validate_data("household", draft.data)
        except model.ValidationError as exc:
            _tell(exc, draft, problems)
            continue
        if problems.touch(draft.rows):  # a cell refused as read, a tag not known …
            continue
        if len(draft.household_no) > HOUSEHOLD_NO_MAX:
            problem = t("roster.error.household_no_long", max=HOUSEHOLD_NO_MAX)
            problems.cell(draft.row, "household_no", problem)
            continue
        key = stable_key(data, draft.household_no)
        if key in seen:
            duplicate = t("service.admin.error.duplicate_household", row=draft.row, other=seen[key])
            problems.row(draft.row, duplicate)
            continue
        seen[key] = draft.row
        households.append(Household(key, data, draft.row))
    lines = problems.lines()
    if not households and not lines:
        raise AdminError("service.admin.error.empty_file", path=str(sheet.path))
    return households, lines, columns


def stable_key(data: dict[str, Any], household_no: str = "") -> str:
    """What makes a roster row the same household on the next import."""
    if household_no:
        return "no:" + household_no
    head = data.get("head", "")
    for member in data.get("members") or []:
        if member.get("name") == head and member.get("id_number"):
            return "id:" + member["id_number"]
    place = data.get("number") or head  # without a number, the head tells neighbours apart
    return "addr:" + "|".join((data.get("village", ""), data.get("group", ""), place))


def _tell(exc: model.ValidationError, draft: Draft, problems: Problems) -> None:
    """The app's validation problems, told by the row and column they came from."""
    columns = problems.columns
    for err in exc.errors:
        path = err.field.removeprefix("data.")
        place = draft.where.get(path)
        while place is None and ("[" in path or "." in path):
            path = path[: max(path.rfind("["), path.rfind("."))]
            place = draft.where.get(path)
        if place is None or not columns.has(place[1]):
            problems.row(
                draft.row, t("service.admin.error.row", row=draft.row, problem=err.message())
            )
        elif place not in problems.refused:
            row, name = place
            problems.cell(row, name, t(err.key, field=columns.header(name), **err.params))


def import_roster(
    session: Session, grid: str, path: str | Path, *, check: bool = False
) -> RosterReport:
    """Import (or, with ``check``, only weigh) a roster into ``grid``.  With any problem the
    report lists them and nothing is written; the caller raises or prints."""
    target = find_grid(session, grid)
    households, problems, columns = read_roster(path)
    report = RosterReport(grid=target.name, ignored_columns=columns.ignored)
    report.problems = problems
    report.households = len(households)
    rows = session.execute(select(db.Household).where(db.Household.grid_id == target.id))
    existing = list(rows.scalars())
    by_key = {row.roster_key: row for row in existing if row.roster_key}
    # Imported before keys were kept: known by the key their data gives.
    legacy = {stable_key(row.data): row for row in existing if not row.roster_key}
    adds: list[Household] = []
    changes: list[tuple[db.Household, Household]] = []
    for household in households:
        row = by_key.get(household.key) or legacy.pop(household.key, None)
        if row is None:
            adds.append(household)
        elif row.data != household.data or row.roster_key != household.key:
            changes.append((row, household))
        else:
            report.unchanged += 1
    report.added, report.changed = len(adds), len(changes)
    if problems or check:
        return report
    _write(session, target.id, adds, changes)
    return report


def _write(
    session: Session,
    grid_id: str,
    adds: list[Household],
    changes: list[tuple[db.Household, Household]],
) -> None:
    if not adds and not changes:
        return
    count = len(adds) + len(changes)
    # One change number each: a device's next pull brings exactly these, in place.
    first = db.next_seq(session, count) - count + 1
    now = db.utcnow()
    for n, (row, household) in enumerate(changes):
        row.data = household.data
        row.roster_key = household.key
        row.imported_at = now
        row.seq = first + n
    session.add_all(
        db.Household(
            id=new_id(),
            grid_id=grid_id,
            data=household.data,
            roster_key=household.key,
            imported_at=now,
            seq=first + len(changes) + n,
        )
        for n, household in enumerate(adds)
    )
    try:
        session.flush()
    except IntegrityError:
        # Another import into this grid committed the same households meanwhile.
        raise AdminError("roster.error.concurrent") from None


def problems_text(problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > len(shown):
        shown.append(t("roster.more_problems", n=len(problems) - len(shown)))
    return "\n".join(shown)


def import_households(session: Session, grid: str, path: str | Path) -> int:
    """Import a roster into ``grid``; AdminError listing every problem, with nothing
    written, when there is any.  Returns the number of households in the file."""
    report = import_roster(session, grid, path)
    if report.problems:
        raise AdminError(
            "service.admin.error.import_rows",
            path=str(path),
            problems=problems_text(report.problems),
        )
    return report.households
