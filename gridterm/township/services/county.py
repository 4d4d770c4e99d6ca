"""The county above the townships, as plain functions: counties, their townships, their
departments (住建, 应急管理 …), their staff and leaders (each responsible for some villages:
包村), and the village each grid lies in.

``gridterm admin county|department|liaison|staff|township|grid …`` call these, and so do the
tests.  Each takes an open session (the caller commits) and raises
:class:`~gridterm.township.services.admin.AdminError` with a message a person can act on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.services import departments as departments_service
from gridterm.township.services.admin import (
    AdminError,
    clean_name,
    find_grid,
    find_township,
    new_id,
)
from gridterm.township.services.tokens import new_token, token_hash


def find_county(session: Session, ref: str) -> db.County:
    """A county by id or by name (names are unique)."""
    row = session.get(db.County, ref) if len(ref) <= 36 else None
    if row is None:
        row = session.execute(select(db.County).where(db.County.name == ref)).scalar()
    if row is None:
        raise AdminError("county.error.no_county", ref=ref)
    return row


def add_county(session: Session, name: str) -> db.County:
    """A new county; AdminError when the name is taken (the unique constraint decides)."""
    row = db.County(id=new_id(), name=clean_name(name))
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise AdminError("county.error.county_exists", name=row.name) from None
    return row


def set_township_county(session: Session, township: str, county: str) -> db.Township:
    """Attach ``township`` to ``county`` (the records it already holds come into the county's
    view at once)."""
    town = find_township(session, township)
    town.county_id = find_county(session, county).id
    session.flush()
    return town


def set_grid_village(session: Session, grid: str, village: str) -> db.Grid:
    """Say which village ``grid`` lies in ("" to forget it)."""
    row = find_grid(session, grid)
    village = (village or "").strip()
    if len(village) > 200:
        raise AdminError("service.admin.error.name_too_long", max=200)
    row.village = village
    session.flush()
    return row


def add_department(session: Session, county: str, name: str) -> db.Department:
    """A department of ``county`` (county staff assign escalated records to it)."""
    parent = find_county(session, county)
    row = db.Department(
        id=new_id(), township_id=None, county_id=parent.id, name=clean_name(name), kind="department"
    )
    return departments_service.insert(session, row, parent.name)


def departments(session: Session, county_id: str | None) -> list[db.Department]:
    """The county's departments, by name."""
    if not county_id:
        return []
    rows = session.execute(
        select(db.Department)
        .where(db.Department.county_id == county_id)
        .order_by(db.Department.name, db.Department.id)
    ).scalars()
    return list(rows)


def add_staff(session: Session, county: str, name: str) -> tuple[str, db.Staff]:
    """A member of ``county``'s staff: returns (token, row); only the token's hash is kept."""
    parent = find_county(session, county)
    token = new_token("s")
    row = db.Staff(
        id=new_id(),
        township_id=None,
        county_id=parent.id,
        role="county",
        name=clean_name(name),
        token_hash=token_hash(token),
    )
    session.add(row)
    session.flush()
    return token, row


def add_liaison(
    session: Session, county: str, name: str, village: str, township: str | None = None
) -> tuple[str | None, db.Staff, bool]:
    """Make ``name`` a leader of ``county`` responsible for ``village`` (of ``township``
    only, when given).  The first time, the leader is made: (token, row, True); again with
    the same name, the village is added to that leader: (None, row, whether it was new)."""
    parent = find_county(session, county)
    name = clean_name(name)
    village = clean_name(village)
    town_id = ""
    if township:
        town = find_township(session, township)
        if town.county_id != parent.id:
            raise AdminError("county.error.not_in_county", township=town.name, county=parent.name)
        town_id = town.id
    leader = session.execute(
        select(db.Staff).where(
            db.Staff.county_id == parent.id,
            db.Staff.role == "leader",
            db.Staff.name == name,
            db.Staff.revoked_at.is_(None),
        )
    ).scalar_one_or_none()
    token = None
    if leader is None:
        token = new_token("s")
        leader = db.Staff(
            id=new_id(),
            township_id=None,
            county_id=parent.id,
            role="leader",
            name=name,
            token_hash=token_hash(token),
        )
        session.add(leader)
        session.flush()
    link = db.LeaderVillage(staff_id=leader.id, village=village, township_id=town_id)
    try:
        with session.begin_nested():
            session.add(link)
        added = True
    except IntegrityError:
        added = False
    return token, leader, added


def county_of(session: Session, township_id: str) -> str | None:
    """The county ``township_id`` belongs to (None: none)."""
    return session.execute(
        select(db.Township.county_id).where(db.Township.id == township_id)
    ).scalar()


def describe(session: Session, county_id: str | None) -> dict[str, Any] | None:
    """``{"id", "name"}`` of a county, or None."""
    if not county_id:
        return None
    row = session.get(db.County, county_id)
    return {"id": row.id, "name": row.name} if row else None


def overview(session: Session) -> list[str]:
    """Counties with their townships, departments, staff and leaders (ids included)."""
    lines: list[str] = []
    for county in session.execute(select(db.County).order_by(db.County.name)).scalars():
        lines.append(f"{county.name}  [{county.id}]")
        towns = session.execute(
            select(db.Township).where(db.Township.county_id == county.id).order_by(db.Township.name)
        ).scalars()
        lines += [f"  {town.name}  [{town.id}]" for town in towns]
        lines += [f"  * {d.name}  [{d.id}]" for d in departments(session, county.id)]
        people = session.execute(
            select(db.Staff)
            .where(db.Staff.county_id == county.id, db.Staff.revoked_at.is_(None))
            .order_by(db.Staff.role, db.Staff.name)
        ).scalars()
        for person in people:
            villages = session.execute(
                select(db.LeaderVillage.village).where(db.LeaderVillage.staff_id == person.id)
            ).scalars()
            shown = "、".join(villages)
            role = t(f"county.role.{person.role}")
            who = f"{person.name} {shown}".strip()
            lines.append(f"  {role}: {who}  [{person.id}]")
    return lines
