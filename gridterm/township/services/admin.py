"""Admin operations on the township's accounts, as plain functions: townships, grids,
officers, enrollment codes, staff, revocation.  The roster import, templates and mediators
have modules of their own (roster, templates, mediators).

``gridterm admin …`` calls these, and so do the tests and the demo.  Each takes an open
:class:`~sqlalchemy.orm.Session` (the caller commits) and raises :class:`AdminError` with a
message a person can act on.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core.errors import GridtermError
from gridterm.township import db
from gridterm.township.services.client_versions import policy, version_words
from gridterm.township.services.enrollment import code_hash, new_code, normalize_code
from gridterm.township.services.tokens import new_token, token_hash

NAME_MAX = 200


class AdminError(GridtermError):
    key = "service.admin.error.db"


def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AdminError("service.admin.error.name_required")
    if len(name) > NAME_MAX:
        raise AdminError("service.admin.error.name_too_long", max=NAME_MAX)
    return name


def new_id() -> str:
    return str(uuid.uuid4())


def _find(session: Session, table: Any, ref: str, what: str) -> Any:
    """A row by id, else by exact name when that name is unique."""
    row = session.get(table, ref)
    if row is not None:
        return row
    rows = session.execute(select(table).where(table.name == ref)).scalars().all()
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise AdminError(f"service.admin.error.ambiguous_{what}", ref=ref)
    raise AdminError(f"service.admin.error.no_{what}", ref=ref)


def find_township(session: Session, ref: str) -> db.Township:
    return _find(session, db.Township, ref, "township")


def find_grid(session: Session, ref: str) -> db.Grid:
    return _find(session, db.Grid, ref, "grid")


def find_officer(session: Session, ref: str) -> db.Officer:
    return _find(session, db.Officer, ref, "officer")


def add_township(session: Session, name: str) -> db.Township:
    row = db.Township(id=new_id(), name=clean_name(name))
    session.add(row)
    session.flush()
    return row


def add_grid(session: Session, township: str, name: str) -> db.Grid:
    parent = find_township(session, township)
    row = db.Grid(id=new_id(), township_id=parent.id, name=clean_name(name))
    session.add(row)
    session.flush()
    return row


MOBILE = re.compile(r"^1[3-9]\d{9}$")


def add_officer(session: Session, grid: str, name: str, phone: str = "") -> db.Officer:
    parent = find_grid(session, grid)
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not MOBILE.match(phone):
        raise AdminError("service.admin.error.bad_phone", value=phone)
    row = db.Officer(id=new_id(), grid_id=parent.id, name=clean_name(name), phone=phone)
    session.add(row)
    session.flush()
    return row


_TTL = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.IGNORECASE)


def parse_ttl(text: str) -> dt.timedelta:
    """``30m``, ``24h``, ``7d`` (a bare number is hours)."""
    m = _TTL.match(text or "")
    if not m or int(m.group(1)) <= 0:
        raise AdminError("service.admin.error.bad_ttl", value=text)
    n = int(m.group(1))
    unit = (m.group(2) or "h").lower()
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit] * n
    if seconds > 366 * 86400:
        raise AdminError("service.admin.error.bad_ttl", value=text)
    return dt.timedelta(seconds=seconds)


def issue_code(
    session: Session, officer: str, ttl: dt.timedelta = dt.timedelta(hours=24)
) -> tuple[str, db.EnrollmentCode]:
    """A one-time enrollment code for ``officer``: returns (``XXXX-XXXX``, its row).  Only the
    code's hash is stored."""
    target = find_officer(session, officer)
    code = new_code()
    row = db.EnrollmentCode(
        id=new_id(),
        code_hash=code_hash(normalize_code(code)),
        officer_id=target.id,
        expires_at=db.utcnow() + ttl,
    )
    session.add(row)
    session.flush()
    return code, row


def add_staff(session: Session, township: str, name: str) -> tuple[str, db.Staff]:
    """A staff member of ``township``: returns (token, row).  Only the token's hash is kept."""
    parent = find_township(session, township)
    token = new_token("s")
    row = db.Staff(
        id=new_id(), township_id=parent.id, name=clean_name(name), token_hash=token_hash(token)
    )
    session.add(row)
    session.flush()
    return token, row


def revoke_device(session: Session, device: str) -> tuple[db.Device, bool]:
    """Revoke ``device`` (its id); returns (device, whether it was revoked just now)."""
    row = session.get(db.Device, device)
    if row is None:
        raise AdminError("service.admin.error.no_device", ref=device)
    if row.revoked_at is not None:
        return row, False
    row.revoked_at = db.utcnow()
    session.flush()
    return row, True


def revoke_staff(session: Session, staff: str) -> tuple[db.Staff, bool]:
    """Revoke a staff member's token (by staff id); returns (row, whether revoked just now)."""
    row = session.get(db.Staff, staff)
    if row is None:
        raise AdminError("service.admin.error.no_staff", ref=staff)
    if row.revoked_at is not None:
        return row, False
    row.revoked_at = db.utcnow()
    session.flush()
    return row, True


def set_pull_floor(session: Session, floor: int) -> None:
    """Devices whose cursor is below ``floor`` get 410 and do a full pull."""
    db.meta_set(session, db.PULL_FLOOR_KEY, str(int(floor)))


def overview(session: Session) -> list[str]:
    """Townships, grids, officers and devices as indented lines (ids included); each device
    with the gridterm it last reported and whether the township wants it updated."""
    lines: list[str] = []
    versions = policy(session)
    towns = session.execute(select(db.Township).order_by(db.Township.name)).scalars().all()
    for town in towns:
        lines.append(f"{town.name}  [{town.id}]")
        grids = session.execute(
            select(db.Grid).where(db.Grid.township_id == town.id).order_by(db.Grid.name)
        ).scalars()
        for grid in grids:
            lines.append(f"  {grid.name}  [{grid.id}]")
            officers = session.execute(
                select(db.Officer).where(db.Officer.grid_id == grid.id).order_by(db.Officer.name)
            ).scalars()
            for officer in officers:
                lines.append(f"    {officer.name} {officer.phone}  [{officer.id}]".rstrip())
                devices = session.execute(
                    select(db.Device)
                    .where(db.Device.officer_id == officer.id)
                    .order_by(db.Device.enrolled_at)
                ).scalars()
                for dev in devices:
                    state = "revoked" if dev.revoked_at else "active"
                    when = dev.enrolled_at.date().isoformat()
                    client = version_words(versions, dev.client_version)
                    lines.append(f"      {dev.name} {when} {state} {client}  [{dev.id}]")
    return lines
