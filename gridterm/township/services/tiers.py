"""Risk tiers on the service: the facts the rules need, applied to records (issue 15).

The rules are data (``gridterm/core/tiers.json``, applied by :mod:`gridterm.core.tiers`);
this module supplies what the record alone cannot tell — how many matters the same
household raised within the window (:func:`repeat_counts`), how far past its time limit an
open record is (:func:`overdue_days`) — and writes the outcome: the tier, the rules that gave
it, when it took effect and the tier's time limit (``tier_due_at``).

* A new record takes its tier from its data as it is stored (:func:`initial_columns`); the
  push then weighs the facts (:func:`after_push`).
* The rules set a tier only while staff have not (``tier_by == "rule"``); staff set any tier
  with a reason (:func:`set_by_staff`), and that stands until staff change it again.
* A change of tier by the rules keeps the earlier of the old time limit and the new tier's
  own (raising a tier never gives more time); staff restart the clock.
* The officer's device learns a tier by pull.  A change made after the push (staff, the
  sweep) bumps the record's ``seq``; what the push itself decides does not — a push takes no
  lock on the change sequence (db/__init__.py) — and the device, holding the same rules,
  shows a new record's tier from its own data until the service next changes the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import tiers, workflow
from gridterm.township import db

RULE_ACTOR = "rule"


def deadline(rec: Any) -> dt.datetime | None:
    """A record's time limit: the one promised on its receipt (``due_at``, reports), else
    its tier's (``tier_due_at``)."""
    return rec.due_at or rec.tier_due_at


def overdue_days(rec: Any, now: dt.datetime) -> int | None:
    """Whole days past its time limit while open (0: less than a day); None: not overdue."""
    limit = deadline(rec)
    if rec.status not in workflow.OPEN_STATES or limit is None or limit >= now:
        return None
    return (now - limit) // dt.timedelta(days=1)


def household_key(
    kind: str, data: dict[str, Any], grid_id: str, visit_households: dict[str, str]
) -> str | None:
    links = data.get("links") if isinstance(data.get("links"), dict) else {}
    visit = links.get("visit") if isinstance(links, dict) else None
    household = visit_households.get(visit) if isinstance(visit, str) else None
    return tiers.household_key(kind, data, grid_id, household)


def visit_households(session: Session, grid_id: str, records: Iterable[dict[str, Any]]) -> dict:
    """The household of each visit the reports of ``records`` name (visit id -> household id),
    from the same batch first, else from the grid's stored visits."""
    batch = list(records)
    found: dict[str, str] = {}
    for rec in batch:
        data = rec.get("data") or {}
        if rec.get("kind") == "visit" and isinstance(data.get("household_id"), str):
            found[rec["id"]] = data["household_id"]
    wanted = set()
    for rec in batch:
        links = (rec.get("data") or {}).get("links")
        visit = links.get("visit") if isinstance(links, dict) else None
        if rec.get("kind") == "report" and isinstance(visit, str) and visit not in found:
            wanted.add(visit[:64])
    if wanted:
        rows = session.execute(
            select(db.Record.id, db.Record.data).where(
                db.Record.id.in_(sorted(wanted)),
                db.Record.grid_id == grid_id,
                db.Record.kind == "visit",
            )
        ).all()
        for rid, data in rows:
            if isinstance(data, dict) and isinstance(data.get("household_id"), str):
                found[rid] = data["household_id"]
    return found


def initial_columns(kind: str, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """The tier columns of a record the service has never seen: its data's tier."""
    if not tiers.is_tiered(kind):
        return {
            "tier": tiers.default_tier(),
            "tier_reason": "",
            "tier_by": "rule",
            "tier_at": None,
            "tier_due_at": None,
        }
    found = tiers.assess(kind, data)
    return {
        "tier": found.tier,
        "tier_reason": " ".join(found.rules),
        "tier_by": "rule",
        "tier_at": now,
        "tier_due_at": now + dt.timedelta(days=tiers.days(found.tier)),
    }


def repeat_counts(session: Session, recs: list[db.Record]) -> dict[str, int]:
    """For each record with a household: the matters (reports and cases) that household
    raised in its township within the window up to the record's own time, itself included."""
    keyed = [r for r in recs if r.household_key]
    if not keyed:
        return {}
    window = dt.timedelta(days=tiers.repeat_window_days())
    earliest = min(r.created_at for r in keyed) - window
    kinds = [k for k in ("report", "case") if tiers.is_tiered(k)]
    rows = session.execute(
        select(db.Record.township_id, db.Record.household_key, db.Record.created_at).where(
            db.Record.township_id.in_(sorted({r.township_id for r in keyed})),
            db.Record.household_key.in_(sorted({r.household_key for r in keyed})),
            db.Record.kind.in_(kinds),
            db.Record.created_at >= earliest,
        )
    ).all()
    by_key: dict[tuple[str, str], list[dt.datetime]] = {}
    for township_id, key, created in rows:
        by_key.setdefault((township_id, key), []).append(created)
    out = {}
    for rec in keyed:
        times = by_key.get((rec.township_id, rec.household_key), [])
        start = rec.created_at - window
        out[rec.id] = max(1, sum(1 for t in times if start <= t <= rec.created_at))
    return out


def _apply(
    session: Session,
    rec: db.Record,
    found: tiers.Assessment,
    now: dt.datetime,
    tell_device: bool,
) -> bool:
    """Write a rule's assessment; True when the tier changed (``tell_device``: the device
    pulls it)."""
    reason = " ".join(found.rules)
    if found.tier == rec.tier and reason == rec.tier_reason and rec.tier_at is not None:
        return False
    changed = found.tier != rec.tier or rec.tier_at is None
    rec.tier_reason = reason
    if changed:
        own = now + dt.timedelta(days=tiers.days(found.tier))
        rec.tier_due_at = min(rec.tier_due_at, own) if rec.tier_due_at else own
        rec.tier_at = now
        if found.tier != rec.tier:
            session.add(
                db.RecordEvent(
                    record_id=rec.id,
                    at=now,
                    actor=RULE_ACTOR,
                    action="tier",
                    value=found.tier,
                    reason=reason,
                )
            )
            rec.tier = found.tier
            if tell_device:
                rec.seq = db.next_seq(session)
            return True
    return False


def reassess(
    session: Session, recs: list[db.Record], now: dt.datetime, tell_device: bool = True
) -> int:
    """Weigh every rule again for ``recs`` (those staff have not set); returns how many
    changed tier."""
    mine = [r for r in recs if tiers.is_tiered(r.kind) and r.tier_by == "rule"]
    counts = repeat_counts(session, mine)
    changed = 0
    for rec in mine:
        facts = tiers.Facts(repeat_count=counts.get(rec.id, 1), overdue_days=overdue_days(rec, now))
        found = tiers.assess(rec.kind, rec.data, facts)
        changed += _apply(session, rec, found, now, tell_device)
    return changed


def after_push(session: Session, stored: list[dict[str, Any]], now: dt.datetime) -> int:
    """Inside the push's transaction: weigh every rule, facts included (the household's
    matters lately, the time limit), for the reports and cases just stored."""
    wanted = {
        r["id"]
        for r in stored
        if tiers.is_tiered(r.get("kind", "")) and isinstance(r.get("id"), str)
    }
    if not wanted:
        return 0
    recs = list(
        session.execute(
            select(db.Record).where(db.Record.id.in_(sorted(wanted))).with_for_update()
        ).scalars()
    )
    changed = reassess(session, recs, now, tell_device=False)
    session.flush()
    return changed


def set_by_staff(
    session: Session, rec: db.Record, tier: str, reason: str, actor: str, now: dt.datetime
) -> None:
    """Staff set ``rec``'s tier, with a reason: it stands, and the tier's clock restarts."""
    session.add(
        db.RecordEvent(
            record_id=rec.id,
            at=now,
            actor=actor,
            action="tier",
            value=tier,
            reason=reason,
        )
    )
    rec.tier = tier
    rec.tier_reason = reason
    rec.tier_by = "staff"
    rec.tier_at = now
    rec.tier_due_at = now + dt.timedelta(days=tiers.days(tier))
    rec.seq = db.next_seq(session)


def restart_clock(rec: db.Record, now: dt.datetime) -> None:
    """The tier's time limit counted again from ``now`` (the county signed for it, or gave
    it back to the township)."""
    rec.tier_due_at = now + dt.timedelta(days=tiers.days(rec.tier or tiers.default_tier()))


def reason_text(rec: Any, lang: str) -> str:
    """Why the record has its tier, in words: the staff's reason, or the rules' labels."""
    if rec.tier_by == "staff":
        return rec.tier_reason or ""
    return tiers.reason_text([r for r in (rec.tier_reason or "").split() if r], lang)
