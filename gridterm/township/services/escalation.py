"""Escalation to the county: who may move a record, what each county move writes, and the
sweep that escalates an overdue red item by itself (issue 15; docs/county.md).

The moves are :mod:`gridterm.core.workflow`'s; here is what they mean on the service:

* the county moves a record out of its states, a township every other (``wrong_level``);
* a township escalates only when it belongs to a county (``no_county``);
* ``escalated`` keeps when it first went up, ``signed`` starts the county's clock (the
  tier's time limit counted again from the signing), ``county_assigned`` names a county
  department of the caller's county, ``returned_to_township`` gives the township the
  tier's time limit again.

:func:`sweep` is run periodically by every service process (one background task each:
:mod:`gridterm.township.app`), and by tests with a fake ``now``.  Each of its changes is one
short transaction whose UPDATE says what it expects to find (a compare-and-set), so two
processes sweeping at once change each record once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from gridterm.core import tiers, workflow
from gridterm.township import db
from gridterm.township.services import buckets
from gridterm.township.services import tiers as tier_rules
from gridterm.township.services.errors import InvalidInput, Refused
from gridterm.township.services.tokens import StaffIdentity

log = logging.getLogger("gridterm.township.audit")

SWEEP_ACTOR = "system:sweep"
SWEEP_BATCH = 500
# The township's own open states: what a red item past its time limit leaves for the county.
TOWNSHIP_OPEN = sorted(workflow.OPEN_STATES - workflow.COUNTY_STATES - {"returned_to_township"})


def check_level(rec: db.Record, staff: StaffIdentity) -> None:
    """Refuse a change by the level that does not own the record now."""
    mine = "county" if staff.is_county else "township"
    if workflow.mover(rec.status) != mine:
        key = "county.error.county_owns" if mine == "township" else "county.error.township_owns"
        raise Refused("wrong_level", key, status=workflow.label(rec.status, "zh"))


def check_escalation(session: Session, rec: db.Record, to: str) -> None:
    """A township escalates only when it belongs to a county."""
    if to != "escalated":
        return
    county = session.execute(
        select(db.Township.county_id).where(db.Township.id == rec.township_id)
    ).scalar()
    if not county:
        raise Refused("no_county", "county.error.no_county_for_township")


def department_for(
    session: Session, rec: Any, staff: StaffIdentity, to: str, department: str | None
) -> db.Department | None:
    """The county department a move to ``county_assigned`` names (required; of the caller's
    county); no other move names one."""
    if to != "county_assigned":
        if department:
            raise InvalidInput("county.error.department_not_expected", to=to)
        return None
    if not department:
        raise InvalidInput("county.error.department_required")
    row = session.get(db.Department, department[:64])
    if row is None or not staff.county_id or row.county_id != staff.county_id:
        raise InvalidInput("county.error.unknown_department", id=department[:64])
    return row


def on_move(rec: db.Record, to: str, now: dt.datetime, dept: db.Department | None) -> None:
    """What a move onto the ladder writes besides the state."""
    if to == "escalated":
        rec.escalated_at = rec.escalated_at or now
        rec.county_department_id = None
    elif to == "signed":
        rec.signed_at = now
        tier_rules.restart_clock(rec, now)
    elif to == "county_assigned" and dept is not None:
        rec.county_department_id = dept.id
    elif to == "returned_to_township":
        rec.county_department_id = None
        tier_rules.restart_clock(rec, now)


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class SweepResult:
    escalated: int = 0
    raised: int = 0
    assessed: int = 0


def _deadline():
    return func.coalesce(db.Record.due_at, db.Record.tier_due_at)


def _escalating_tiers() -> list[str]:
    return [t for t in tiers.TIERS if tiers.escalates(t)]


def overdue_red_ids(session: Session, now: dt.datetime, limit: int = SWEEP_BATCH) -> list[str]:
    """Records of an escalating tier past the tier's time limit, still the township's and
    never escalated, in a township that belongs to a county."""
    counties = select(db.Township.id).where(db.Township.county_id.is_not(None))
    rows = session.execute(
        select(db.Record.id)
        .where(
            db.Record.tier.in_(_escalating_tiers()),
            db.Record.status.in_(TOWNSHIP_OPEN),
            db.Record.escalated_at.is_(None),
            db.Record.tier_due_at < now,
            db.Record.township_id.in_(counties.scalar_subquery()),
        )
        .order_by(db.Record.tier_due_at, db.Record.id)
        .limit(limit)
    ).scalars()
    return list(rows)


def escalate_one(session: Session, record_id: str, now: dt.datetime) -> bool:
    """Escalate one overdue red record, if it still is one: a compare-and-set on its state,
    so a second process sweeping at the same moment changes nothing.  The caller commits."""
    status = session.execute(select(db.Record.status).where(db.Record.id == record_id)).scalar()
    if status not in TOWNSHIP_OPEN:
        return False
    done = session.execute(
        update(db.Record)
        .where(
            db.Record.id == record_id,
            db.Record.status == status,
            db.Record.escalated_at.is_(None),
            db.Record.tier.in_(_escalating_tiers()),
            db.Record.tier_due_at < now,
        )
        .values(status="escalated", status_at=now, escalated_at=now, county_department_id=None)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    session.execute(
        update(db.Record)
        .where(db.Record.id == record_id)
        .values(seq=db.next_seq(session))
        .execution_options(synchronize_session=False)
    )
    session.add(
        db.RecordEvent(
            record_id=record_id,
            at=now,
            actor=SWEEP_ACTOR,
            from_status=status,
            to_status="escalated",
            reason="tier_time_limit",
        )
    )
    return True


def raise_candidates(session: Session, now: dt.datetime, limit: int = SWEEP_BATCH) -> list[str]:
    """Open records the overdue rules would put in a higher tier than they hold now."""
    clauses = []
    for rule in tiers.rules_doc().get("rules") or ():
        if "overdue_days_at_least" not in rule:
            continue
        lower = [t for t in tiers.TIERS if tiers.rank(t) < tiers.rank(rule["tier"])]
        past = now - dt.timedelta(days=rule["overdue_days_at_least"])
        clauses.append(and_(_deadline() < past, db.Record.tier.in_(lower)))
    if not clauses:
        return []
    rows = session.execute(
        select(db.Record.id)
        .where(
            db.Record.kind.in_([k for k in ("report", "case") if tiers.is_tiered(k)]),
            db.Record.tier_by == "rule",
            db.Record.tier_at.is_not(None),
            db.Record.status.in_(sorted(workflow.OPEN_STATES)),
            or_(*clauses),
        )
        .order_by(db.Record.id)
        .limit(limit)
    ).scalars()
    return list(rows)


def reassess_one(session: Session, record_id: str, now: dt.datetime) -> bool:
    """Weigh the rules again for one record, its row locked; the caller commits."""
    rec = session.execute(
        select(db.Record).where(db.Record.id == record_id).with_for_update()
    ).scalar_one_or_none()
    if rec is None:
        return False
    return tier_rules.reassess(session, [rec], now) > 0


def assess_unassessed(session: Session, now: dt.datetime, limit: int = 200) -> int:
    """Records that reached the service before tiers existed: their household and their
    tier, as if they had just arrived (their clock from when they were received)."""
    kinds = [k for k in ("report", "case") if tiers.is_tiered(k)]
    recs = list(
        session.execute(
            select(db.Record)
            .where(db.Record.kind.in_(kinds), db.Record.tier_at.is_(None))
            .order_by(db.Record.id)
            .limit(limit)
            .with_for_update()
        ).scalars()
    )
    for rec in recs:
        data = rec.data if isinstance(rec.data, dict) else {}
        envelope = {"id": rec.id, "kind": rec.kind, "data": data}
        visits = tier_rules.visit_households(session, rec.grid_id, [envelope])
        rec.household_key = tier_rules.household_key(rec.kind, data, rec.grid_id, visits)
        start = rec.received_at or now
        for key, value in tier_rules.initial_columns(rec.kind, data, start).items():
            setattr(rec, key, value)
    session.flush()
    tier_rules.reassess(session, recs, now)
    return len(recs)


def _each(
    write_sessions: sessionmaker[Session], ids: list[str], work: Any, now: dt.datetime
) -> int:
    count = 0
    for record_id in ids:
        with db.write_session(write_sessions) as session:
            count += bool(work(session, record_id, now))
    return count


def sweep(
    write_sessions: sessionmaker[Session],
    read_sessions: sessionmaker[Session] | None = None,
    now: dt.datetime | None = None,
) -> SweepResult:
    """One pass: assess records without a tier, raise the tiers of overdue records, escalate
    red records past their tier's time limit, drop rate-limit buckets that are full again."""
    now = now or db.utcnow()
    reads = read_sessions or write_sessions
    with db.write_session(write_sessions) as session:
        assessed = assess_unassessed(session, now)
    with reads() as session:
        raise_ids = raise_candidates(session, now)
    raised = _each(write_sessions, raise_ids, reassess_one, now)
    with reads() as session:
        red_ids = overdue_red_ids(session, now)
    escalated = _each(write_sessions, red_ids, escalate_one, now)
    with db.write_session(write_sessions) as session:
        buckets.forget_full(session)
    if escalated or raised:
        log.info("sweep: %d escalated, %d raised", escalated, raised)
    return SweepResult(escalated=escalated, raised=raised, assessed=assessed)
