"""Staff changes to records: move one or many along the workflow, give feedback, comment.

Every change takes the record's row lock, follows :mod:`gridterm.core.workflow`, bumps the
record's ``seq`` when the device must hear of it (so the officer's device pulls the new status
and feedback) and writes a ``record_events`` row: the audit of who changed what.  Each function
commits; the ids of what changed go to the ``gridterm.township.audit`` log, never contents.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gridterm.core import model, workflow
from gridterm.township import db
from gridterm.township.services import departments, escalation, ladder, notices, scope
from gridterm.township.services.errors import (
    Busy,
    InvalidInput,
    NotFound,
    RevMoved,
    ServiceError,
    TransitionRefused,
)
from gridterm.township.services.tokens import StaffIdentity

audit = logging.getLogger("gridterm.township.audit")

_CONTENTION_STATES = {"40P01", "40001", "55P03"}  # deadlock, serialization, lock not available


@dataclass(frozen=True)
class Change:
    """A move to ``to``, with what staff wrote along with it."""

    to: str
    reason: str | None = None
    feedback: str | None = None
    public_reply: str | None = None
    assignee: str | None = None  # an entry of the township's departments list (to "assigned")
    department: str | None = None  # a county department (to "county_assigned")
    rev: int | None = None  # the rev staff read: refused when the officer has sent a newer one


@dataclass(frozen=True)
class BulkOutcome:
    """One id of a bulk move: moved (``error`` None) or refused, and its state after."""

    id: str
    status: str | None
    error: ServiceError | None = None


@contextmanager
def _write_guard(session: Session) -> Iterator[None]:
    """Two writers that lock the same rows in different orders (a staff bulk change and a
    device's push, say) can deadlock on PostgreSQL, and a busy SQLite can time out: the
    database then aborts one transaction.  Nothing was changed; :class:`Busy` says try again."""
    try:
        yield
    except DBAPIError as exc:
        session.rollback()
        state = getattr(exc.orig, "sqlstate", None)
        if state in _CONTENTION_STATES or "locked" in str(exc.orig).lower():
            raise Busy() from None
        raise


def _actor(staff: StaffIdentity) -> str:
    return f"staff:{staff.staff_id}:{staff.name}"[:200]


def _check(
    session: Session, rec: db.Record, change: Change, staff: StaffIdentity | None = None
) -> None:
    # The level first: "the county holds it" says more than "no such move from here".
    if staff is not None:
        escalation.check_level(rec, staff)
    try:
        workflow.check(rec.status, change.to, change.reason)
    except workflow.TransitionError as exc:
        raise TransitionRefused(exc) from None
    if change.rev is not None and change.rev != rec.rev:
        raise RevMoved(seen=change.rev, rev=rec.rev)
    notices.check_move(session, rec, change.to)


def extension_due(rec: db.Record) -> dt.datetime | None:
    """An extension gives the record the longest time limit the rules allow (DOMAIN.md: at
    most 15 days with approval), counted from when it was reported; never earlier than now."""
    days = model.vocab().get("time_limits", {}).get("extension_max_days")
    if not isinstance(days, (int, float)) or rec.created_at is None:
        return rec.due_at
    extended = rec.created_at + dt.timedelta(days=days)
    return max(extended, rec.due_at) if rec.due_at else extended


def _apply(
    session: Session,
    rec: db.Record,
    staff: StaffIdentity,
    change: Change,
    assignee: db.Department | None = None,
    county_department: db.Department | None = None,
) -> None:
    now = db.utcnow()
    closer = ladder.closing_level(rec.status)
    event = db.RecordEvent(
        record_id=rec.id,
        at=now,
        actor=_actor(staff),
        from_status=rec.status,
        to_status=change.to,
        reason=change.reason,
        feedback=change.feedback,
        public_reply=change.public_reply,
        assignee_id=(county_department or assignee).id if (county_department or assignee) else None,
    )
    escalation.on_move(rec, change.to, now, county_department)
    if change.to in workflow.CLOSED_STATES:
        ladder.mark_closed(rec, now, closer)
    rec.status = change.to
    if change.to == "assigned":
        rec.assignee_id = assignee.id if assignee else None
    rec.status_at = now
    rec.handled_by = staff.name
    if change.feedback is not None:
        rec.feedback = change.feedback
    elif change.to == "returned" and change.reason:
        # The officer owes the fix, so the officer is told why: the reason is what their
        # device shows (it pulls ``feedback``, never the events) unless staff wrote feedback.
        rec.feedback = change.reason
    if change.public_reply is not None:
        rec.public_reply = change.public_reply
    if change.to == "extended":
        rec.due_at = extension_due(rec)
    rec.seq = db.next_seq(session)
    session.add(event)
    notices.after_move(session, rec, change.to, _actor(staff), staff.name)


def transition(session: Session, staff: StaffIdentity, record_id: str, change: Change) -> db.Record:
    """Move one record; NotFound, TransitionRefused or Busy when it cannot be done."""
    with _write_guard(session):
        rec = scope.load(session, staff, record_id, lock=True)
        _check(session, rec, change, staff)
        escalation.check_escalation(session, rec, change.to)
        assignee = departments.assignee_for(session, rec.township_id, change.to, change.assignee)
        dept = escalation.department_for(session, rec, staff, change.to, change.department)
        _apply(session, rec, staff, change, assignee, dept)
        session.commit()
    audit.info("staff %s moved record %s to %s", staff.staff_id, rec.id, change.to)
    return rec


def give_feedback(
    session: Session,
    staff: StaffIdentity,
    record_id: str,
    feedback: str | None,
    public_reply: str | None,
) -> db.Record:
    """Set the officer's feedback and/or the resident's public reply (at least one)."""
    if feedback is None and public_reply is None:
        raise InvalidInput("staff.feedback_empty")
    with _write_guard(session):
        rec = scope.load(session, staff, record_id, lock=True)
        if staff.is_county:
            escalation.check_level(rec, staff)
        if feedback is not None:
            rec.feedback = feedback
        if public_reply is not None:
            rec.public_reply = public_reply
        rec.handled_by = staff.name
        rec.seq = db.next_seq(session)
        session.add(
            db.RecordEvent(
                record_id=rec.id,
                at=db.utcnow(),
                actor=_actor(staff),
                feedback=feedback,
                public_reply=public_reply,
            )
        )
        session.commit()
    audit.info("staff %s gave feedback on record %s", staff.staff_id, rec.id)
    return rec


def add_comment(session: Session, staff: StaffIdentity, record_id: str, text: str) -> db.Record:
    """A note between staff on the record's history."""
    # A comment is between staff: the device never sees it, so seq is left alone.
    with _write_guard(session):
        rec = scope.load(session, staff, record_id, lock=True)
        session.add(
            db.RecordEvent(record_id=rec.id, at=db.utcnow(), actor=_actor(staff), comment=text)
        )
        session.commit()
    return rec


def bulk_transition(
    session: Session, staff: StaffIdentity, ids: list[str], change: Change
) -> list[BulkOutcome]:
    """Move every record it can of ``ids`` (each id once, in the order given); one outcome
    per id.  The rows are locked in id order, so two bulk moves never deadlock each other."""
    wanted = list(dict.fromkeys(ids))
    outcomes: list[BulkOutcome] = []
    # Whom to assign to is the request's, not a record's: refused, nothing moves.
    assignee = departments.assignee_for(session, staff.township_id, change.to, change.assignee)
    dept = escalation.department_for(session, None, staff, change.to, change.department)
    with _write_guard(session):
        found = {
            r.id: r
            for r in session.execute(
                select(db.Record)
                .where(db.Record.id.in_(wanted), scope.in_scope(staff))
                .order_by(db.Record.id)
                .with_for_update()
            ).scalars()
        }
        for rid in wanted:
            rec = found.get(rid)
            if rec is None:
                outcomes.append(BulkOutcome(rid, None, NotFound("staff.not_found", id=rid[:64])))
                continue
            try:
                _check(session, rec, change, staff)
                escalation.check_escalation(session, rec, change.to)
            except ServiceError as exc:
                outcomes.append(BulkOutcome(rid, rec.status, exc))
                continue
            _apply(session, rec, staff, change, assignee, dept)
            outcomes.append(BulkOutcome(rid, rec.status))
        session.commit()
    moved = sum(o.error is None for o in outcomes)
    audit.info("staff %s moved %d records to %s", staff.staff_id, moved, change.to)
    return outcomes
