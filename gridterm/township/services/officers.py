"""Importing a township's officers for a training day (CSV or XLSX): all rows or none.

The sheet is read by the same reader as the roster (any encoding Excel saves, title rows,
merged cells, formulas refused), with the columns 姓名/name, 网格/grid and 手机号/phone.
A grid is named as it is in the township (or by its id); with ``create_grids`` a name the
township does not have yet becomes a new grid, else it is a problem (a typo must not make
a grid).  Importing again updates the same officers — known by phone within the township,
else by grid and name — and never doubles one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.core.model.problems import BAD_LINE
from gridterm.township import db
from gridterm.township.services.admin import AdminError, find_township, new_id
from gridterm.township.services.columns import OFFICERS, OFFICERS_REQUIRED
from gridterm.township.services.sheet_columns import Problems, RowValues, find_columns, row_values
from gridterm.township.services.sheets import read_sheet

NAME_MAX = model.NAME_MAX


@dataclass
class OfficerRow:
    row: int
    name: str
    grid: str
    phone: str


@dataclass
class OfficerReport:
    """What an import did (or, with ``check``, would do)."""

    township: str
    officers: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    new_grids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_officers(path: str | Path) -> tuple[list[OfficerRow], Problems]:
    """The officers of a list, checked, and what is wrong with it."""
    sheet = read_sheet(path)
    columns = find_columns(sheet, OFFICERS, OFFICERS_REQUIRED)
    problems = Problems(columns)
    found: list[OfficerRow] = []
    seen: dict[tuple[str, ...], int] = {}  # a phone, or a grid and a name -> its row
    for values in row_values(sheet, columns, problems, ("phone",)):
        officer = _officer(values, problems)
        if officer is None:
            continue
        keys = [("grid", officer.grid, officer.name)]
        if officer.phone:
            keys.append(("phone", officer.phone))
        other = next((seen[key] for key in keys if key in seen), None)
        if other is not None:
            same = t("training.error.same_officer", row=officer.row, other=other)
            problems.row(officer.row, same)
            continue
        seen.update(dict.fromkeys(keys, officer.row))
        found.append(officer)
    if not found and not problems.lines():
        raise AdminError("training.error.no_officers", path=str(sheet.path))
    return found, problems


def _officer(values: RowValues, problems: Problems) -> OfficerRow | None:
    header = problems.columns.header
    name, grid, phone = values.get("name"), values.get("grid"), values.get("phone")
    bad = False
    if not name:
        bad = (values.row, "name") not in problems.refused
        if bad:
            problems.cell(values.row, "name", t("model.required", field=header("name")))
    elif len(name) > NAME_MAX:
        problems.cell(
            values.row, "name", t("model.too_long", field=header("name"), max=NAME_MAX, n=len(name))
        )
        bad = True
    elif BAD_LINE.search(name):
        problems.cell(values.row, "name", t("model.control_chars_line", field=header("name")))
        bad = True
    if not grid and (values.row, "grid") not in problems.refused:
        problems.cell(values.row, "grid", t("model.required", field=header("grid")))
        bad = True
    if phone:
        try:
            phone = model.check_phone(phone)
        except model.ValidationError as exc:
            err = exc.errors[0]
            problems.cell(values.row, "phone", t(err.key, field=header("phone"), **err.params))
            bad = True
    if bad or problems.touch([values.row]):
        return None
    return OfficerRow(values.row, name, grid, phone)


def import_officers(
    session: Session,
    township: str,
    path: str | Path,
    *,
    check: bool = False,
    create_grids: bool = False,
) -> OfficerReport:
    """Import (or, with ``check``, only weigh) a list of officers into ``township``."""
    town = find_township(session, township)
    rows, problems = read_officers(path)
    report = OfficerReport(township=town.name, officers=len(rows))
    grids = list(session.execute(select(db.Grid).where(db.Grid.township_id == town.id)).scalars())
    by_name: dict[str, list[db.Grid]] = {}
    for grid in grids:
        by_name.setdefault(grid.name, []).append(grid)
    by_id = {grid.id: grid for grid in grids}
    wanted: dict[str, db.Grid | None] = {}
    for officer in rows:
        if officer.grid in by_id or officer.grid in wanted:
            continue
        named = by_name.get(officer.grid, [])
        if len(named) == 1:
            wanted[officer.grid] = named[0]
        elif named:
            problem = t("training.error.grid_ambiguous", grid=officer.grid)
            problems.cell(officer.row, "grid", problem)
        elif create_grids:
            wanted[officer.grid] = None
            report.new_grids.append(officer.grid)
        else:
            problem = t("training.error.no_grid", grid=officer.grid, township=town.name)
            problems.cell(officer.row, "grid", problem)
    report.problems = problems.lines()
    plan = _plan(session, town.id, rows, by_id, wanted, report)
    if report.problems or check:
        return report
    for name, grid in list(wanted.items()):
        if grid is None:
            wanted[name] = db.Grid(id=new_id(), township_id=town.id, name=name)
            session.add(wanted[name])
    session.flush()
    for officer, existing in plan:
        target = by_id.get(officer.grid) or wanted[officer.grid]
        assert target is not None
        if existing is None:
            session.add(
                db.Officer(id=new_id(), grid_id=target.id, name=officer.name, phone=officer.phone)
            )
        else:
            existing.name, existing.grid_id = officer.name, target.id
            existing.phone = officer.phone or existing.phone
    session.flush()
    return report


def _plan(
    session: Session,
    township_id: str,
    rows: list[OfficerRow],
    by_id: dict[str, db.Grid],
    wanted: dict[str, db.Grid | None],
    report: OfficerReport,
) -> list[tuple[OfficerRow, db.Officer | None]]:
    """Each row with the officer it updates (None: a new one); counts in ``report``."""
    stmt = (
        select(db.Officer)
        .join(db.Grid, db.Officer.grid_id == db.Grid.id)
        .where(db.Grid.township_id == township_id)
    )
    officers = list(session.execute(stmt).scalars())
    by_phone = {o.phone: o for o in officers if o.phone}
    by_grid_name = {(o.grid_id, o.name): o for o in officers}
    plan: list[tuple[OfficerRow, db.Officer | None]] = []
    for officer in rows:
        grid = by_id.get(officer.grid) or wanted.get(officer.grid)
        grid_id = grid.id if grid is not None else None
        existing = by_phone.get(officer.phone) if officer.phone else None
        if existing is None and grid_id is not None:
            existing = by_grid_name.get((grid_id, officer.name))
        if existing is None:
            report.added += 1
        elif (existing.name, existing.grid_id, existing.phone or officer.phone) == (
            officer.name,
            grid_id,
            officer.phone or existing.phone,
        ):
            report.unchanged += 1
        else:
            report.changed += 1
        plan.append((officer, existing))
    return plan
