"""What a push means for the township's review workflow (``workflow.py`` says the rules).

Called by the push handler, inside its write transaction, with the revs it just stored:

* a returned record whose officer sent a new rev is back in the queue as ``reported``;
* a report or case the officer closed, never touched by staff (no event of theirs: a tier
  the rules set does not count), is ``closed_on_spot``.

Both are changes of a service-owned field, so each bumps the record's ``seq`` (the device
pulls the new state) and writes a ``record_events`` row naming the device.  Most pushes touch
neither case and cost one indexed SELECT.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import workflow
from gridterm.township import db
from gridterm.township.services import ladder


def after_push(
    session: Session, device_id: str, stored: Iterable[Mapping[str, Any]], now=None
) -> int:
    """Apply the workflow effects of newly stored revs; returns how many records changed."""
    newest: dict[str, Mapping[str, Any]] = {}
    for rec in stored:
        rid = rec.get("id")
        if isinstance(rid, str) and (rid not in newest or newest[rid]["rev"] < rec["rev"]):
            newest[rid] = rec
    if not newest:
        return 0
    candidates = list(
        session.execute(
            select(db.Record)
            .where(
                db.Record.id.in_(list(newest)),
                db.Record.status.in_(["returned", "reported"]),
            )
            .with_for_update()
        ).scalars()
    )
    touched = _touched_by_staff(session, [r.id for r in candidates if r.status == "reported"])
    now = now or db.utcnow()
    changed = 0
    for row in candidates:
        if row.status == "reported" and row.id in touched:
            continue  # staff have had a say on it: the officer's close waits for them
        rec = newest[row.id]
        if row.rev != rec["rev"]:
            continue  # an older rev than the one already current: nothing new happened
        if row.status == "returned":
            target = workflow.status_after_new_rev(row.status, row.kind, rec.get("data"))
        else:
            target = workflow.initial_status(row.kind, rec.get("data"))
        if target == row.status or target is None:
            continue
        session.add(
            db.RecordEvent(
                record_id=row.id,
                at=now,
                actor=f"device:{device_id}"[:200],
                from_status=row.status,
                to_status=target,
                reason=f"rev {row.rev}",
            )
        )
        row.status = target
        row.status_at = now
        if target in workflow.CLOSED_STATES:
            ladder.mark_closed(row, now, "village")
        row.seq = db.next_seq(session)
        changed += 1
    session.flush()
    return changed


def _touched_by_staff(session: Session, ids: list[str]) -> set[str]:
    """Which of ``ids`` staff have acted on (any event of theirs)."""
    if not ids:
        return set()
    rows = session.execute(
        select(db.RecordEvent.record_id)
        .where(db.RecordEvent.record_id.in_(ids), db.RecordEvent.actor.like("staff:%"))
        .distinct()
    ).scalars()
    return set(rows)
