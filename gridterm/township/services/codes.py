"""Enrollment codes for a whole township (or one grid) at once, for a training day: one
fresh one-time code for every officer, as rows for a sheet to print and hand out.

A fresh sheet replaces the last one: the officers' codes not used yet stop working, so a
lost or reprinted sheet leaves one valid code per officer.  Only the codes' hashes are
kept (as for ``gridterm admin code``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services.admin import AdminError, find_grid, find_township, new_id
from gridterm.township.services.enrollment import code_hash, new_code, normalize_code


@dataclass(frozen=True)
class CodeRow:
    """One line of the sheet."""

    officer: str
    grid: str
    code: str
    expires: dt.datetime


def issue_codes(
    session: Session,
    township: str,
    grid: str | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=24),
) -> list[CodeRow]:
    """A fresh code for every officer of ``township`` (or of its ``grid``), by grid and name."""
    town = find_township(session, township)
    stmt = (
        select(db.Officer, db.Grid)
        .join(db.Grid, db.Officer.grid_id == db.Grid.id)
        .where(db.Grid.township_id == town.id)
        .order_by(db.Grid.name, db.Officer.name, db.Officer.id)
    )
    if grid is not None:
        target = find_grid(session, grid)
        if target.township_id != town.id:
            raise AdminError("training.error.grid_elsewhere", grid=target.name, township=town.name)
        stmt = stmt.where(db.Grid.id == target.id)
    found = session.execute(stmt).all()
    if not found:
        raise AdminError("training.error.nobody", township=town.name)
    now = db.utcnow()
    officer_ids = [officer.id for officer, _grid in found]
    # The last sheet's codes not used yet stop working (in chunks: IN lists stay short).
    for start in range(0, len(officer_ids), 500):
        session.execute(
            update(db.EnrollmentCode)
            .where(
                db.EnrollmentCode.officer_id.in_(officer_ids[start : start + 500]),
                db.EnrollmentCode.used_at.is_(None),
                db.EnrollmentCode.expires_at > now,
            )
            .values(expires_at=now)
        )
    expires = now + ttl
    rows: list[CodeRow] = []
    for officer, officer_grid in found:
        code = new_code()
        session.add(
            db.EnrollmentCode(
                id=new_id(),
                code_hash=code_hash(normalize_code(code) or ""),
                officer_id=officer.id,
                expires_at=expires,
            )
        )
        rows.append(CodeRow(officer.name, officer_grid.name, code, expires))
    session.flush()
    return rows
