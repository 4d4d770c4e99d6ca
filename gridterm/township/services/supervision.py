"""The county's supervision (督办) of a record, and staff setting a record's tier.

County staff and leaders supervise any open record of their townships: a deadline and a
note.  The record then heads its township's to-do list with a mark (``supervised=true`` in
the staff list) and counts against the township in the county's figures until it closes.
Supervising it again replaces the deadline and the note.  Each is an event on the record's
history; neither changes what the officer's device pulls, so ``seq`` is left alone.

Staff of either level set a record's tier with a reason (:func:`set_tier`); the device pulls
the new tier.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.orm import Session

from gridterm.core import tiers, workflow
from gridterm.township import db
from gridterm.township.services import bounds, scope
from gridterm.township.services import tiers as tier_rules
from gridterm.township.services.errors import Forbidden, InvalidInput, Refused
from gridterm.township.services.tokens import StaffIdentity
from gridterm.township.services.transitions import _actor, _write_guard

audit = logging.getLogger("gridterm.township.audit")


def _reason(text: str | None, key: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(key)
    return text


def parse_deadline(text: str, today: dt.date) -> dt.date:
    """A supervision deadline: ``YYYY-MM-DD``, today or later, in the years the service
    holds."""
    try:
        day = dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput("county.error.bad_deadline", value=(text or "")[:40]) from None
    if not bounds.in_window(day.year):
        raise InvalidInput("county.error.bad_deadline", value=text[:40])
    if day < today:
        raise InvalidInput("county.error.deadline_past", value=text[:40])
    return day


def supervise(
    session: Session,
    staff: StaffIdentity,
    record_id: str,
    deadline: str,
    note: str | None,
    now: dt.datetime | None = None,
) -> db.Record:
    """Supervise one open record of the county's townships (a deadline and a note)."""
    if not staff.is_county or not staff.county_id:
        raise Forbidden("county.error.county_only")
    now = now or db.utcnow()
    today = now.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    day = parse_deadline(deadline, today)
    with _write_guard(session):
        rec = scope.load(session, staff, record_id, lock=True)
        if rec.status not in workflow.OPEN_STATES:
            raise Refused("not_open", "county.error.not_open", status=rec.status)
        row = session.get(db.Supervision, rec.id)
        if row is None:
            row = db.Supervision(record_id=rec.id, county_id=staff.county_id)
            session.add(row)
        row.deadline = day
        row.note = (note or "").strip()
        row.by_id = staff.staff_id
        row.by_name = staff.name
        row.at = now
        session.add(
            db.RecordEvent(
                record_id=rec.id,
                at=now,
                actor=_actor(staff),
                action="supervise",
                value=day.isoformat(),
                reason=row.note or None,
            )
        )
        session.commit()
    audit.info("staff %s supervised record %s", staff.staff_id, rec.id)
    return rec


def set_tier(
    session: Session,
    staff: StaffIdentity,
    record_id: str,
    tier: str,
    reason: str | None,
    now: dt.datetime | None = None,
) -> db.Record:
    """Set one record's tier, with a reason (township or county staff)."""
    if tier not in tiers.TIERS:
        raise InvalidInput("county.error.bad_tier", tier=str(tier)[:40])
    text = _reason(reason, "county.error.tier_reason_required")
    now = now or db.utcnow()
    with _write_guard(session):
        rec = scope.load(session, staff, record_id, lock=True)
        if not tiers.is_tiered(rec.kind):
            raise Refused("not_tiered", "county.error.not_tiered", kind=rec.kind)
        tier_rules.set_by_staff(session, rec, tier, text, _actor(staff), now)
        session.commit()
    audit.info("staff %s set the tier of record %s", staff.staff_id, rec.id)
    return rec
