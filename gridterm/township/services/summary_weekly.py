"""The county's trends, week by week: per township, the records overdue at the end of each
week and the share of each week's records settled in the village (docs/county.md).

Weeks are ISO weeks in China time (``2026-W45``), the last ``weeks`` of them ending with the
current one; the current week's "end" is now.  A record's time limit and how it closed are
read as they are now (a limit moved by an extension counts as moved for every week).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_

from gridterm.core.model import CHINA_TIME
from gridterm.township import db
from gridterm.township.services import scope
from gridterm.township.services.errors import InvalidInput
from gridterm.township.services.summary import _names, _read, overdue_at, pct, settled_in_village
from gridterm.township.services.tokens import StaffIdentity

MAX_WEEKS = 52


def week_starts(weeks: int, now: dt.datetime) -> list[dt.datetime]:
    """The Mondays (00:00 China time) of the last ``weeks`` ISO weeks, oldest first."""
    today = now.astimezone(CHINA_TIME).date()
    monday = today - dt.timedelta(days=today.weekday())
    return [
        dt.datetime.combine(monday - dt.timedelta(weeks=n), dt.time(), CHINA_TIME)
        for n in range(weeks - 1, -1, -1)
    ]


def label(start: dt.datetime) -> str:
    year, week, _ = start.date().isocalendar()
    return f"{year}-W{week:02d}"


def weekly(
    session, staff: StaffIdentity, weeks: int, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Shaped like the API's ``WeeklyOut``."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput("county.error.bad_weeks", max=MAX_WEEKS)
    now = now or db.utcnow()
    starts = week_starts(weeks, now)
    ends = [*starts[1:], starts[-1] + dt.timedelta(weeks=1)]
    ids = scope.township_ids(session, staff)
    first = starts[0]
    # Every record open at some moment of the weeks (the week it was raised in included).
    rows = _read(
        session,
        ids,
        db.Record.created_at < now,
        or_(db.Record.closed_at.is_(None), db.Record.closed_at >= first),
    )
    by_town: dict[str, list[Any]] = {tid: [] for tid in ids}
    for row in rows:
        by_town.setdefault(row.township_id, []).append(row)
    names = _names(session, ids)
    out = []
    for tid in ids:
        overdue, settled = [], []
        for start, end in zip(starts, ends, strict=True):
            moment = min(end, now)
            overdue.append(sum(1 for r in by_town[tid] if overdue_at(r, moment)))
            cohort = [r for r in by_town[tid] if start <= r.created_at < end]
            settled.append(pct(sum(1 for r in cohort if settled_in_village(r)), len(cohort)))
        out.append(
            {
                "township": names.get(tid, ""),
                "township_id": tid,
                "overdue": overdue,
                "settled_in_village_pct": settled,
            }
        )
    return {"weeks": [label(s) for s in starts], "townships": out}
