"""What a staff member may see: the townships of their scope, and the village of a record.

A township's staff see their township; a county's staff and leaders see every township of
their county (docs/county.md).  A record outside the caller's scope is :class:`NotFound`,
the same as one that does not exist, so nothing about it leaks.

A record's village (county leaders are responsible for villages) is its own (a household's
``village``), else the village its grid lies in (``grids.village``) — :func:`village_of`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services.errors import NotFound
from gridterm.township.services.inputs import CONTROL
from gridterm.township.services.tokens import StaffIdentity


def township_ids(session: Session, staff: StaffIdentity) -> list[str]:
    """The townships ``staff`` may see (a county's: each of its townships, by name)."""
    if not staff.is_county:
        return [staff.township_id] if staff.township_id else []
    if not staff.county_id:
        return []
    rows = session.execute(
        select(db.Township.id)
        .where(db.Township.county_id == staff.county_id)
        .order_by(db.Township.name, db.Township.id)
    ).scalars()
    return list(rows)


def in_scope(staff: StaffIdentity):
    """The WHERE clause of the records ``staff`` may see."""
    if not staff.is_county:
        return db.Record.township_id == staff.township_id
    county = select(db.Township.id).where(db.Township.county_id == (staff.county_id or ""))
    return db.Record.township_id.in_(county.scalar_subquery())


def load(session: Session, staff: StaffIdentity, record_id: str, *, lock: bool) -> db.Record:
    """The record ``record_id`` if ``staff`` may see it (row-locked with ``lock``), else
    NotFound."""
    if len(record_id) > 64 or CONTROL.search(record_id):
        raise NotFound("staff.not_found", id=repr(record_id[:64]))
    stmt = select(db.Record).where(db.Record.id == record_id, in_scope(staff))
    if lock:
        stmt = stmt.with_for_update()
    rec = session.execute(stmt).scalar_one_or_none()
    if rec is None:
        raise NotFound("staff.not_found", id=record_id[:64])
    return rec


def village_of():
    """The SQL expression of a record's village: its own, else its grid's ("" when neither
    says; the query must join ``grids``)."""
    return case((db.Record.village != "", db.Record.village), else_=db.Grid.village)


def leader_villages_clause(staff: StaffIdentity) -> Any:
    """Records of a leader's villages (false for anyone else); the query joins ``grids``."""
    village = village_of()
    parts = []
    for township_id, name in staff.villages:
        if township_id:
            parts.append(and_(village == name, db.Record.township_id == township_id))
        else:
            parts.append(village == name)
    return or_(*parts) if parts else db.Record.id.is_(None)
