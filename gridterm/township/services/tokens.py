"""Bearer tokens: making them, and finding who one belongs to.

The service never stores a token, only its SHA-256; a token is looked up by that hash and
compared in constant time.  A device token names an enrolled device (and through it the
officer, grid and township it writes for); a staff token names one township's staff member.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services.errors import TokenRefused


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(kind: str) -> str:
    """A bearer token (256 random bits) with a prefix saying what it is: ``gtd_`` for a device,
    ``gts_`` for staff.  The prefix also means a token never starts with "-", which a shell
    command line (``--token T``) would read as an option."""
    return f"gt{kind}_{secrets.token_urlsafe(32)}"


@dataclass(frozen=True)
class DeviceIdentity:
    device_id: str
    name: str
    secret: str
    officer_id: str
    grid_id: str
    township_id: str


@dataclass(frozen=True)
class StaffIdentity:
    """Who a staff token names.  ``role``: ``township`` (a township's staff: ``township_id``),
    ``county`` or ``leader`` (a county's staff or a county leader: ``county_id``, and
    ``township_id`` is "" — which matches no township, so a query scoped by it finds
    nothing); ``villages``: a leader's villages, as ``(township_id or "", village)``."""

    staff_id: str
    name: str
    township_id: str
    role: str = "township"
    county_id: str | None = None
    villages: tuple[tuple[str, str], ...] = ()

    @property
    def is_county(self) -> bool:
        return self.role in ("county", "leader")


def device_for_token(session: Session, token: str) -> DeviceIdentity:
    """The enrolled, unrevoked device ``token`` belongs to; :class:`TokenRefused` otherwise."""
    digest = token_hash(token)
    row = session.execute(
        select(db.Device, db.Officer.grid_id, db.Grid.township_id)
        .join(db.Officer, db.Officer.id == db.Device.officer_id)
        .join(db.Grid, db.Grid.id == db.Officer.grid_id)
        .where(db.Device.token_hash == digest)
    ).first()
    if row is None or not hmac.compare_digest(row[0].token_hash, digest):
        raise TokenRefused("token_invalid")
    device, grid_id, township_id = row
    if device.revoked_at is not None:
        raise TokenRefused("device_revoked")
    return DeviceIdentity(
        device_id=device.id,
        name=device.name,
        secret=device.secret,
        officer_id=device.officer_id,
        grid_id=grid_id,
        township_id=township_id,
    )


def staff_for_token(session: Session, token: str) -> StaffIdentity:
    """The unrevoked staff member ``token`` belongs to; :class:`TokenRefused` otherwise."""
    digest = token_hash(token)
    staff = session.execute(
        select(db.Staff).where(db.Staff.token_hash == digest)
    ).scalar_one_or_none()
    if staff is None or not hmac.compare_digest(staff.token_hash, digest):
        raise TokenRefused("token_invalid")
    if staff.revoked_at is not None:
        raise TokenRefused("staff_revoked")
    role = staff.role or "township"
    if role == "township":
        return StaffIdentity(
            staff_id=staff.id, name=staff.name, township_id=staff.township_id or ""
        )
    villages: tuple[tuple[str, str], ...] = ()
    if role == "leader":
        rows = session.execute(
            select(db.LeaderVillage.township_id, db.LeaderVillage.village)
            .where(db.LeaderVillage.staff_id == staff.id)
            .order_by(db.LeaderVillage.pk)
        ).all()
        villages = tuple((t or "", v) for t, v in rows)
    return StaffIdentity(
        staff_id=staff.id,
        name=staff.name,
        township_id="",
        role=role,
        county_id=staff.county_id,
        villages=villages,
    )
