"""Enrollment codes, and enrolling a device with one.

A code is 8 Crockford base32 characters, shown ``XXXX-XXXX``, issued by the township for one
officer (``services.admin.issue_code``), good once and for a limited time.  Only its hash is
stored.  Enrolling claims the code with a conditional UPDATE — two devices racing for the same
code cannot both win — and makes the device: its bearer token (only the hash is kept) and the
secret its receipts are signed with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services.errors import EnrollmentRefused
from gridterm.township.services.tokens import new_token, token_hash

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 8
_CODE_ALIASES = {"I": "1", "L": "1", "O": "0"}


def normalize_code(text: str) -> str | None:
    """The 8 characters a typed code stands for (case, dashes and spaces ignored; I/L read as
    1, O as 0), or None when it cannot be a code."""
    out = []
    for ch in text.strip().upper():
        if ch in " -\t":
            continue
        ch = _CODE_ALIASES.get(ch, ch)
        if ch not in CODE_ALPHABET:
            return None
        out.append(ch)
    return "".join(out) if len(out) == CODE_LENGTH else None


def code_hash(code: str) -> str:
    return hashlib.sha256(("gridterm-enroll|" + code).encode("ascii")).hexdigest()


def new_code() -> str:
    """A fresh code, shown as ``XXXX-XXXX``."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{body[:4]}-{body[4:]}"


@dataclass(frozen=True)
class Enrollment:
    """A new device and what it needs to know: who it writes for, and its two secrets."""

    device_id: str
    token: str
    device_secret: str
    officer: db.Officer
    grid: db.Grid
    township: db.Township


def _claim(session: Session, typed: str, now: dt.datetime) -> tuple[db.EnrollmentCode, str]:
    """The code's row, claimed for a new device id; :class:`EnrollmentRefused` otherwise."""
    code = normalize_code(typed)
    if code is None:
        raise EnrollmentRefused("code_invalid")
    row = session.execute(
        select(db.EnrollmentCode).where(db.EnrollmentCode.code_hash == code_hash(code))
    ).scalar_one_or_none()
    if row is None:
        raise EnrollmentRefused("code_invalid")
    if row.used_at is not None:
        raise EnrollmentRefused("code_used")
    if row.expires_at <= now:
        raise EnrollmentRefused("code_expired")
    device_id = str(uuid.uuid4())
    claimed = session.execute(
        update(db.EnrollmentCode)
        .where(db.EnrollmentCode.id == row.id, db.EnrollmentCode.used_at.is_(None))
        .values(used_at=now, device_id=device_id)
    ).rowcount
    if claimed != 1:  # another enrollment took it a moment ago
        raise EnrollmentRefused("code_used")
    return row, device_id


def _previous(session: Session, token: str | None) -> str | None:
    """The device whose token a re-enrolling device still holds (revoked or not), or None."""
    if not token:
        return None
    return session.execute(
        select(db.Device.id).where(db.Device.token_hash == token_hash(token))
    ).scalar_one_or_none()


def enroll(
    session: Session, typed_code: str, device_name: str, previous_token: str | None = None
) -> Enrollment:
    """Enroll a device with the code its user typed, in ``session``'s write transaction, and
    commit.  Raises :class:`EnrollmentRefused` (``code_invalid``, ``code_used``,
    ``code_expired``) and changes nothing then.  ``previous_token``: the token of the
    enrollment this one replaces on the same device, so the records it made are still this
    device's to send (an unknown token is simply ignored)."""
    now = db.utcnow()
    row, device_id = _claim(session, typed_code, now)
    officer = session.get(db.Officer, row.officer_id)
    grid = session.get(db.Grid, officer.grid_id)
    township = session.get(db.Township, grid.township_id)
    token = new_token("d")
    device_secret = secrets.token_urlsafe(32)
    session.add(
        db.Device(
            id=device_id,
            officer_id=officer.id,
            name=device_name.strip() or officer.name,
            token_hash=token_hash(token),
            secret=device_secret,
            enrolled_at=now,
            previous_id=_previous(session, previous_token),
        )
    )
    session.commit()
    return Enrollment(device_id, token, device_secret, officer, grid, township)
