"""One record as township staff see it: found in their township, summed up, in full.

A record of another township is :class:`NotFound`, the same as one that does not exist, so
nothing about it leaks.  The summary is one line of the staff list; the detail adds the data,
receipts, every rev the devices sent and every event of its review.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import workflow
from gridterm.township import db
from gridterm.township.services import attachments, departments, ladder, notice_views, scope
from gridterm.township.services.labels import vocab_label
from gridterm.township.services.tokens import StaffIdentity

audit = logging.getLogger("gridterm.township.audit")


def read(session: Session, staff: StaffIdentity, record_id: str, lang: str) -> dict[str, Any]:
    """The detail of one record of the caller's scope (a township's staff: their township; a
    county's: its townships); the read goes to the audit log."""
    rec = scope.load(session, staff, record_id, lock=False)
    audit.info("staff %s read record %s", staff.staff_id, rec.id)
    return detail(session, rec, lang, staff)


def allowed_moves(session: Session, rec: db.Record, staff: StaffIdentity | None) -> list[str]:
    """The moves the caller may make on ``rec`` (a township escalates only when it belongs
    to a county)."""
    if staff is None:
        return workflow.allowed(rec.status)
    moves = workflow.allowed(rec.status, "county" if staff.is_county else "township")
    if "escalated" in moves:
        town = session.get(db.Township, rec.township_id)
        if town is None or town.county_id is None:
            moves.remove("escalated")
    return moves


def is_overdue(rec: Any, now: dt.datetime) -> bool:
    return rec.status in workflow.OPEN_STATES and rec.due_at is not None and rec.due_at < now


def receipt_numbers(rec: Any) -> list[str]:
    out = []
    for r in rec.receipts or []:
        if isinstance(r, dict) and isinstance(r.get("number"), str):
            out.append(r["number"])
    return out


def summary_text(rec: db.Record) -> str:
    """What the record is about, in one short line: ``类别：描述…``."""
    data = rec.data or {}
    if rec.kind == "report":
        what, detail = vocab_label("category", data.get("category")), data.get("description")
    elif rec.kind == "case":
        what, detail = vocab_label("dispute_type", data.get("dispute_type")), data.get("summary")
    elif rec.kind == "visit":
        what, detail = data.get("template_id"), data.get("notes")
    elif rec.kind in ("notice", "matter"):
        what, detail = data.get("village"), data.get("title")
    else:
        what, detail = data.get("village"), data.get("head")
    detail = " ".join(str(detail or "").split())
    if len(detail) > 40:
        detail = detail[:39] + "…"
    return "：".join(p for p in (str(what or ""), detail) if p)


def summary(
    rec: db.Record,
    grid_name: str | None,
    officer_name: str | None,
    now: dt.datetime,
    lang: str,
    assignee: db.Department | None = None,
    joined: ladder.Joined | None = None,
) -> dict[str, Any]:
    """One line of the staff list, shaped like the API's ``RecordSummary``; ``assignee``: the
    entry of the departments list the record is assigned to; ``joined``: what the county
    ladder's fields show of the rows around it."""
    short = "zh" if lang.startswith("zh") else "en"
    return {
        "id": rec.id,
        "kind": rec.kind,
        "rev": rec.rev,
        "grid": rec.grid_id,
        "grid_name": grid_name,
        "village": rec.village or None,
        "officer": officer_name or rec.officer_id,
        "device": rec.device_id,
        "status": rec.status,
        "status_label": workflow.label(rec.status, short),
        "category": rec.category or None,
        "urgency": rec.urgency or None,
        "summary": summary_text(rec),
        "created_at": rec.created_at,
        "updated_at": rec.updated_at,
        "received_at": rec.received_at,
        "status_at": rec.status_at,
        "due_at": rec.due_at,
        "overdue": is_overdue(rec, now),
        "seq": rec.seq,
        "receipt_numbers": receipt_numbers(rec),
        "assignee": departments.as_dict(assignee) if assignee else None,
        **ladder.fields(rec, joined or ladder.Joined(), lang),
    }


def joined_for(session: Session, rec: db.Record) -> ladder.Joined:
    """The rows around one record that its ladder fields show."""
    town = session.get(db.Township, rec.township_id)
    grid = session.get(db.Grid, rec.grid_id)
    return ladder.Joined(
        township_name=town.name if town else None,
        grid_village=grid.village if grid else None,
        supervision=session.get(db.Supervision, rec.id),
        county_department=departments.get(session, rec.county_department_id),
    )


def _rev(rev: db.RecordRev, device_name: str | None) -> dict[str, Any]:
    try:
        body = json.loads(rev.body)
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    updated = body.get("updated_at")
    try:
        updated_at = dt.datetime.fromisoformat(updated) if isinstance(updated, str) else None
    except ValueError:
        updated_at = None
    return {
        "rev": rev.rev,
        "device": device_name or rev.device_id,
        "received_at": rev.received_at,
        "updated_at": updated_at,
        "data": body.get("data") if isinstance(body.get("data"), dict) else {},
    }


def _event(e: db.RecordEvent, assignee: db.Department | None) -> dict[str, Any]:
    return {
        "at": e.at,
        "actor": e.actor,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "reason": e.reason,
        "feedback": e.feedback,
        "public_reply": e.public_reply,
        "comment": e.comment,
        "assignee": departments.as_dict(assignee) if assignee else None,
        "action": e.action,
        "value": e.value,
    }


def detail(
    session: Session, rec: db.Record, lang: str, staff: StaffIdentity | None = None
) -> dict[str, Any]:
    """The record in full with its history, shaped like the API's ``RecordDetail``."""
    now = db.utcnow()
    grid_name = session.execute(select(db.Grid.name).where(db.Grid.id == rec.grid_id)).scalar()
    officer_name = session.execute(
        select(db.Officer.name).where(db.Officer.id == rec.officer_id)
    ).scalar()
    rows = session.execute(
        select(db.RecordRev, db.Device.name)
        .outerjoin(db.Device, db.Device.id == db.RecordRev.device_id)
        .where(db.RecordRev.record_id == rec.id)
        .order_by(db.RecordRev.rev)
    ).all()
    events = session.execute(
        select(db.RecordEvent, db.Department)
        .outerjoin(db.Department, db.Department.id == db.RecordEvent.assignee_id)
        .where(db.RecordEvent.record_id == rec.id)
        .order_by(db.RecordEvent.at, db.RecordEvent.pk)
    ).all()
    assignee = departments.get(session, rec.assignee_id)
    return {
        **summary(rec, grid_name, officer_name, now, lang, assignee, joined_for(session, rec)),
        "data": rec.data or {},
        "receipts": [r for r in rec.receipts or [] if isinstance(r, dict)],
        "feedback": rec.feedback,
        "public_reply": rec.public_reply,
        "handled_by": rec.handled_by,
        "allowed_transitions": allowed_moves(session, rec, staff),
        "revs": [_rev(rev, device_name) for rev, device_name in rows],
        "events": [_event(e, a) for e, a in events],
        "attachments": attachments.for_record(session, rec.data),
        "notice": notice_views.staff_fields(session, rec),
    }
