"""The county's figures per township (and per village, for a county leader), from the records
themselves — outcomes, never logins or clicks (issue 15).  docs/county.md defines each figure
exactly; in short, over a period of days ``[from, to]`` (China time) and at ``now``:

* the period's **cohort** is the reports and cases raised (``created_at``) in the period:
  ``received``; of them ``closed`` (closed now), ``closed_on_time`` (closed by their time
  limit), ``settled_in_village`` (closed by the village — the officer closed it — never
  escalated, and not a case that failed and was referred on); its cases are
  ``mediation_cases``, those with the outcome "settled" ``mediation_settled``;
* **follow-ups** due in the period: each follow-up (回访) a case lists with a due date in the
  period, and each closed report whose tier owes a check back that falls due in the period;
  done: the case's follow-up has its ``done_at``, the report reached ``checked_back``;
* **now**: ``overdue_now`` (open and past the time limit), ``red_open``, ``supervised_open``
  (under supervision, not closed), ``escalated_open`` (the county holds it).

Percentages are 0–100 (one decimal), or None when there is nothing to divide by.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, or_, select, type_coerce
from sqlalchemy.orm import Session

from gridterm.core import tiers, workflow
from gridterm.core.model import CHINA_TIME
from gridterm.township import db
from gridterm.township.services import scope, summary_extra
from gridterm.township.services.errors import InvalidInput
from gridterm.township.services.tokens import StaffIdentity

KINDS = ("report", "case")
MAX_DAYS = 3660  # a period of at most ten years

FIGURES = (
    "received",
    "closed",
    "closed_on_time",
    "closed_on_time_pct",
    "overdue_now",
    "settled_in_village",
    "settled_in_village_pct",
    "mediation_cases",
    "mediation_settled",
    "mediation_settled_pct",
    "follow_ups_due",
    "follow_ups_done",
    "follow_ups_done_pct",
    "red_open",
    "supervised_open",
    "escalated_open",
)


def pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Tally:
    """The counts of one township or village."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def figures(self) -> dict[str, Any]:
        c = self.counts
        return {
            "received": c["received"],
            "closed": c["closed"],
            "closed_on_time": c["closed_on_time"],
            "closed_on_time_pct": pct(c["closed_on_time"], c["closed"]),
            "overdue_now": c["overdue_now"],
            "settled_in_village": c["settled_in_village"],
            "settled_in_village_pct": pct(c["settled_in_village"], c["received"]),
            "mediation_cases": c["mediation_cases"],
            "mediation_settled": c["mediation_settled"],
            "mediation_settled_pct": pct(c["mediation_settled"], c["mediation_cases"]),
            "follow_ups_due": c["follow_ups_due"],
            "follow_ups_done": c["follow_ups_done"],
            "follow_ups_done_pct": pct(c["follow_ups_done"], c["follow_ups_due"]),
            "red_open": c["red_open"],
            "supervised_open": c["supervised_open"],
            "escalated_open": c["escalated_open"],
        }


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), CHINA_TIME)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), CHINA_TIME)


def period(date_from: str | None, date_to: str | None, now: dt.datetime) -> Period:
    """The period asked for: ``YYYY-MM-DD`` days, both included; by default the 30 days
    ending today (China time)."""
    today = now.astimezone(CHINA_TIME).date()
    last = _day(date_to) if date_to else today
    first = _day(date_from) if date_from else last - dt.timedelta(days=29)
    if first > last or (last - first).days > MAX_DAYS:
        raise InvalidInput("county.error.bad_period", start=first.isoformat(), end=last.isoformat())
    return Period(first, last)


def _day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("county.error.bad_day", value=text[:40]) from None
    if not 1900 <= day.year <= 2999:
        raise InvalidInput("county.error.bad_day", value=text[:40])
    return day


# --------------------------------------------------------------------------- the record rules


def deadline(row: Any) -> dt.datetime | None:
    return row.due_at or row.tier_due_at


def on_time(row: Any) -> bool:
    limit = deadline(row)
    return limit is None or (row.closed_at is not None and row.closed_at <= limit)


def settled_in_village(row: Any) -> bool:
    if row.closed_level != "village" or row.escalated_at is not None:
        return False
    data = row.data if isinstance(row.data, dict) else {}
    return not (row.kind == "case" and data.get("outcome") == "failed_referred")


def overdue_at(row: Any, moment: dt.datetime) -> bool:
    """Open at ``moment`` (raised by then, not closed by then, not sent back to the officer)
    and past its time limit."""
    limit = deadline(row)
    if limit is None or limit >= moment or row.created_at > moment:
        return False
    if row.closed_at is not None:
        return row.closed_at > moment
    return row.status in workflow.OPEN_STATES


# --------------------------------------------------------------------------- the rows read


_COLUMNS = (
    db.Record.id,
    db.Record.kind,
    db.Record.township_id,
    db.Record.status,
    db.Record.created_at,
    db.Record.closed_at,
    db.Record.closed_level,
    db.Record.escalated_at,
    db.Record.due_at,
    db.Record.tier_due_at,
    db.Record.tier,
    # Only a case's data says anything the figures count (its outcome, its follow-ups): a
    # report's is not read at all.
    type_coerce(case((db.Record.kind == "case", db.Record.data)), db.Record.data.type).label(
        "data"
    ),
)


def _read(session: Session, township_ids: list[str], *where: Any) -> list[Any]:
    if not township_ids:
        return []
    stmt = (
        select(*_COLUMNS, scope.village_of().label("village"))
        .select_from(db.Record)
        .outerjoin(db.Grid, db.Grid.id == db.Record.grid_id)
        .where(db.Record.township_id.in_(township_ids), db.Record.kind.in_(KINDS), *where)
    )
    return list(session.execute(stmt).all())


def _supervised(session: Session, township_ids: list[str]) -> set[str]:
    if not township_ids:
        return set()
    rows = session.execute(
        select(db.Supervision.record_id)
        .join(db.Record, db.Record.id == db.Supervision.record_id)
        .where(db.Record.township_id.in_(township_ids), db.Record.closed_at.is_(None))
    ).scalars()
    return set(rows)


def _follow_ups(session: Session, township_ids: list[str], when: Period) -> list[tuple[Any, bool]]:
    """(record row, done) for each follow-up due in the period (see the module's words)."""
    out: list[tuple[Any, bool]] = []
    for row in _read(
        session, township_ids, db.Record.kind == "case", db.Record.created_at < when.end
    ):
        items = (row.data or {}).get("follow_ups") if isinstance(row.data, dict) else None
        for item in items or ():
            due = item.get("due") if isinstance(item, dict) else None
            try:
                day = dt.date.fromisoformat(due) if isinstance(due, str) else None
            except ValueError:
                day = None
            if day is not None and when.first <= day <= when.last:
                out.append((row, bool(item.get("done_at"))))
    longest = max((tiers.follow_up_days(t) or 0 for t in tiers.TIERS), default=0)
    closed = _read(
        session,
        township_ids,
        db.Record.kind == "report",
        db.Record.closed_at.is_not(None),
        db.Record.closed_at >= when.start - dt.timedelta(days=longest),
        db.Record.closed_at < when.end,
    )
    for row in closed:
        days = tiers.follow_up_days(row.tier or tiers.default_tier())
        if days is None:
            continue
        due = (row.closed_at + dt.timedelta(days=days)).astimezone(CHINA_TIME).date()
        if when.first <= due <= when.last:
            out.append((row, row.status == "checked_back"))
    return out


# --------------------------------------------------------------------------- the tallies


class Tallies:
    """Tallies by township, and by each of a leader's villages."""

    def __init__(self, township_ids: list[str], villages: Iterable[tuple[str, str]]) -> None:
        self.towns = {tid: Tally() for tid in township_ids}
        self.villages = {v: Tally() for v in villages}

    def each(self, row: Any) -> list[Tally]:
        found = [self.towns[row.township_id]] if row.township_id in self.towns else []
        for (town, name), tally in self.villages.items():
            if row.village == name and (not town or town == row.township_id):
                found.append(tally)
        return found

    def add(self, row: Any, name: str, n: int = 1) -> None:
        for tally in self.each(row):
            tally.add(name, n)


def _cohort_counts(row: Any) -> dict[str, int]:
    """What a record raised in the period adds."""
    out = {"received": 1, "settled_in_village": int(settled_in_village(row))}
    if row.closed_at is not None:
        out["closed"] = 1
        out["closed_on_time"] = int(on_time(row))
    if row.kind == "case":
        outcome = (row.data or {}).get("outcome") if isinstance(row.data, dict) else None
        out["mediation_cases"] = 1
        out["mediation_settled"] = int(outcome == "success")
    return out


def _current_counts(row: Any, supervised: set[str], now: dt.datetime) -> dict[str, int]:
    """What a record not closed (or under supervision) adds, as it stands now."""
    is_open = row.status in workflow.OPEN_STATES
    return {
        "overdue_now": int(is_open and overdue_at(row, now)),
        "red_open": int(is_open and row.tier == "red"),
        "supervised_open": int(row.id in supervised and row.closed_at is None),
        "escalated_open": int(row.status in workflow.COUNTY_STATES),
    }


def _tally(session: Session, tallies: Tallies, ids: list[str], when: Period, now: dt.datetime):
    supervised = _supervised(session, ids)
    # One read of the period's records and of those the "now" figures count (each row once:
    # an open record of the period is both).
    in_period = and_(db.Record.created_at >= when.start, db.Record.created_at < when.end)
    current = or_(db.Record.closed_at.is_(None), db.Record.id.in_(sorted(supervised)))
    for row in _read(session, ids, or_(in_period, current)):
        targets = tallies.each(row)
        if not targets:
            continue
        counts: dict[str, int] = {}
        if when.start <= row.created_at < when.end:
            counts.update(_cohort_counts(row))
        if row.closed_at is None or row.id in supervised:
            counts.update(_current_counts(row, supervised, now))
        for tally in targets:
            for name, n in counts.items():
                tally.add(name, n)
    for row, done in _follow_ups(session, ids, when):
        tallies.add(row, "follow_ups_due")
        tallies.add(row, "follow_ups_done", done)


def _names(session: Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(db.Township.id, db.Township.name).where(db.Township.id.in_(ids)))
    return dict(rows.all())


def summary(
    session: Session,
    staff: StaffIdentity,
    date_from: str | None,
    date_to: str | None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The figures of every township in ``staff``'s scope over the period, and of a leader's
    villages; shaped like the API's ``SummaryOut``."""
    now = now or db.utcnow()
    when = period(date_from, date_to, now)
    ids = scope.township_ids(session, staff)
    tallies = Tallies(ids, staff.villages if staff.role == "leader" else ())
    _tally(session, tallies, ids, when, now)
    names = _names(session, ids)
    villages = [
        {"village": name, "township_id": town or None, "township": names.get(town)}
        | tally.figures()
        for (town, name), tally in tallies.villages.items()
    ]
    townships = [
        {"township": names.get(tid, ""), "township_id": tid, **tallies.towns[tid].figures()}
        for tid in ids
    ]
    out = {
        "from": when.first.isoformat(),
        "to": when.last.isoformat(),
        "generated_at": now,
        "townships": townships,
        "villages": villages,
    }
    # Per-village counts other parts of the service add (issue 17's unanswered questions).
    summary_extra.add_to(out, summary_extra.count(session, ids, now))
    return out
