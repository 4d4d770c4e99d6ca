"""A record's place on the county ladder, as the staff API shows it (issue 15).

:func:`fields` is what a record summary gains: its tier and why, who owns it now
(``level``), its township and village, the county's supervision, the county department on
it and when the county signed for it.  :func:`mark_closed` keeps when a record first closed
and which level closed it — what the county's figures count from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gridterm.core import tiers, workflow
from gridterm.township import db
from gridterm.township.services import tiers as tier_rules


def mark_closed(rec: Any, now: dt.datetime, level: str) -> None:
    """The record has just entered a closed state, closed by ``level`` (village, township,
    county): kept the first time only (a check back after it does not move it)."""
    if rec.closed_at is None:
        rec.closed_at = now
        rec.closed_level = level


def closing_level(from_status: str) -> str:
    """Which level closes a record that staff move out of ``from_status``."""
    return "county" if from_status in workflow.COUNTY_STATES else "township"


@dataclass(frozen=True)
class Joined:
    """What a summary shows of the rows around a record (looked up with it)."""

    township_name: str | None = None
    grid_village: str | None = None
    supervision: db.Supervision | None = None
    county_department: db.Department | None = None


def supervision_dict(row: db.Supervision | None, rec: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "deadline": row.deadline.isoformat(),
        "note": row.note or "",
        "by": row.by_name,
        "at": row.at,
        "done_at": rec.closed_at,
    }


def village(rec: Any, grid_village: str | None) -> str | None:
    """The record's own village, else its grid's (None when neither says)."""
    return rec.village or grid_village or None


def fields(rec: Any, joined: Joined, lang: str) -> dict[str, Any]:
    """The ladder's fields of one record, shaped like the API's ``RecordSummary``."""
    dept = joined.county_department
    return {
        "tier": rec.tier or tiers.default_tier(),
        "tier_reason": tier_rules.reason_text(rec, lang),
        "tier_by": rec.tier_by or "rule",
        "tier_rules": [r for r in (rec.tier_reason or "").split() if r]
        if rec.tier_by != "staff"
        else [],
        "tier_due_at": rec.tier_due_at,
        "level": tiers.level(rec.status, rec.tier),
        "township": {"id": rec.township_id, "name": joined.township_name or ""},
        "village": village(rec, joined.grid_village),
        "supervision": supervision_dict(joined.supervision, rec),
        "county_department": {"id": dept.id, "name": dept.name} if dept else None,
        "signed_at": rec.signed_at,
        "escalated_at": rec.escalated_at,
        "closed_at": rec.closed_at,
    }
