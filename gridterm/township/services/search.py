"""The staff list: filter, search and page a township's records.

Filters are plain equality on indexed columns; the text search matches the record's search
column (every text of its data, lower-cased, made at push time), its id, or — when the text
is a receipt number — the record that number is bound to.  Pages are by offset or, steadier
while records keep arriving, by a cursor on (updated_at, id).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from gridterm.core import tiers, workflow
from gridterm.township import db
from gridterm.township.services import bounds, inputs, ladder, records, scope
from gridterm.township.services.errors import BadCursor, InvalidInput


@dataclass(frozen=True)
class RecordQuery:
    """What the staff list was asked for, as the caller sent it (checked here)."""

    kind: list[str] | None = None
    status: str | None = None
    open_only: bool | None = None
    grid: str | None = None
    village: str | None = None
    category: str | None = None
    urgency: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    overdue: bool | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0
    cursor: str | None = None
    # The county ladder's (issue 15): tiers (several), who owns it now, under supervision,
    # one township of a county's, a leader's own villages.
    tier: list[str] | None = None
    level: str | None = None
    supervised: bool | None = None
    township: str | None = None
    mine: bool | None = None


def overdue_clause(now: dt.datetime):
    """Open, with a time limit, and past it."""
    return and_(
        db.Record.status.in_(sorted(workflow.OPEN_STATES)),
        db.Record.due_at.is_not(None),
        db.Record.due_at < now,
    )


def encode_cursor(rec: db.Record) -> str:
    raw = json.dumps([rec.updated_at.isoformat(), rec.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    """The (updated_at, id) a cursor of :func:`encode_cursor` holds; BadCursor otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, rid = json.loads(raw)
        moment = dt.datetime.fromisoformat(stamp)
        if not isinstance(rid, str) or moment.tzinfo is None or inputs.CONTROL.search(rid):
            raise ValueError
        if not bounds.in_window(moment.year):  # a made-up cursor at the calendar's edge
            raise ValueError
        return moment, rid
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise BadCursor("staff.bad_cursor", value=cursor[:40]) from None


def text_match(text: str):
    """Records whose text holds ``text``, whose id is ``text``, or that the receipt numbered
    ``text`` (typed any way a receipt number may be) belongs to."""
    matches = [
        db.Record.search.contains(text.lower(), autoescape=True),
        db.Record.id == text,
    ]
    try:
        from gridterm.core.receipts import parse_number

        number = parse_number(text)
    except Exception:  # noqa: BLE001 - not a receipt number; plain text search only
        number = None
    if number:
        matches.append(
            db.Record.id.in_(select(db.Receipt.record_id).where(db.Receipt.number == number))
        )
    return or_(*matches)


def _state_conditions(query: RecordQuery) -> list[Any]:
    conditions: list[Any] = []
    kinds = inputs.kinds(query.kind)
    if kinds:
        conditions.append(db.Record.kind.in_(kinds))
    if query.status:
        conditions.append(db.Record.status == query.status)
    # Open: still waiting for the township — in the review's workflow, or a village notice
    # not yet reviewed (the console's to-do list holds both).
    waiting = sorted(workflow.OPEN_STATES | workflow.VILLAGE_OPEN)
    if query.open_only is True:
        conditions.append(db.Record.status.in_(waiting))
    elif query.open_only is False:
        conditions.append(db.Record.status.not_in(waiting))
    for column, value in (
        (db.Record.grid_id, query.grid),
        (scope.village_of(), query.village),
        (db.Record.category, query.category),
        (db.Record.urgency, query.urgency),
    ):
        value = inputs.clean_text(value)
        if value:
            conditions.append(column == value)
    return conditions


def _date_conditions(query: RecordQuery) -> list[Any]:
    start = inputs.parse_moment(query.date_from)
    end = inputs.parse_moment(query.date_to, end=True)
    if start and end and start > end:
        raise InvalidInput("staff.bad_range", start=query.date_from, end=query.date_to)
    conditions: list[Any] = []
    if start:
        conditions.append(db.Record.created_at >= start)
    if end:
        # A bare end date means up to the end of that day; a time means up to that instant.
        if inputs.is_day(query.date_to):
            conditions.append(db.Record.created_at < end)
        else:
            conditions.append(db.Record.created_at <= end)
    return conditions


def tier_codes(values: list[str] | None) -> list[str]:
    """``tier=red,yellow`` and ``tier=red&tier=yellow`` alike; an unknown tier is refused."""
    out: list[str] = []
    for value in values or ():
        for part in value.split(","):
            name = part.strip()
            if not name:
                continue
            if name not in tiers.TIERS:
                raise InvalidInput("county.error.bad_tier", tier=name[:40])
            if name not in out:
                out.append(name)
    return out


def level_clause(level: str):
    """Records owned now by ``level`` (village, township or county: :func:`tiers.level`)."""
    county = db.Record.status.in_(sorted(workflow.COUNTY_STATES))
    if level == "county":
        return county
    if level not in tiers.LEVELS:
        raise InvalidInput("county.error.bad_level", level=level[:40])
    owned = [t for t in tiers.TIERS if tiers.level(None, t) == level]
    return and_(~county, db.Record.tier.in_(owned))


def supervised_clause():
    """Under the county's supervision and not closed yet."""
    # IN, not a correlated EXISTS: the list also joins supervisions (for the mark).
    supervised = select(db.Supervision.record_id).scalar_subquery()
    return and_(db.Record.id.in_(supervised), db.Record.closed_at.is_(None))


def _ladder_conditions(query: RecordQuery, staff: Any) -> list[Any]:
    out: list[Any] = []
    wanted = tier_codes(query.tier)
    if wanted:
        out.append(db.Record.tier.in_(wanted))
    if query.level:
        out.append(level_clause(query.level))
    if query.supervised is True:
        out.append(supervised_clause())
    elif query.supervised is False:
        out.append(~supervised_clause())
    town = inputs.clean_text(query.township)
    if town:
        out.append(db.Record.township_id == town[:64])
    if query.mine and staff is not None:
        out.append(scope.leader_villages_clause(staff))
    return out


def conditions(
    township_id: str, query: RecordQuery, now: dt.datetime, staff: Any = None
) -> list[Any]:
    """The WHERE clauses ``query`` asks for, within ``township_id`` (or within ``staff``'s
    scope, when given); InvalidInput when a value cannot be used.  The query must join
    ``grids`` (a record's village may be its grid's)."""
    if staff is not None:
        out = [scope.in_scope(staff)]
    else:
        out = [db.Record.township_id == township_id]
    out += _state_conditions(query)
    out += _ladder_conditions(query, staff)
    out += _date_conditions(query)
    if query.overdue is True:
        out.append(overdue_clause(now))
    elif query.overdue is False:
        out.append(~overdue_clause(now))
    text = inputs.clean_text(query.q)
    if text:
        out.append(text_match(text))
    return out


def list_records(
    session: Session, township_id: str, query: RecordQuery, lang: str, staff: Any = None
) -> dict[str, Any]:
    """One page of the township's records (or of ``staff``'s scope, when given), newest change
    first, shaped like the API's ``RecordPage``; raises InvalidInput or BadCursor for a query
    it cannot run."""
    now = db.utcnow()
    where = conditions(township_id, query, now, staff)
    total = session.execute(
        select(func.count())
        .select_from(db.Record)
        .outerjoin(db.Grid, db.Grid.id == db.Record.grid_id)
        .where(*where)
    ).scalar_one()
    county_dept = aliased(db.Department)
    stmt = (
        select(
            db.Record,
            db.Grid.name,
            db.Officer.name,
            db.Department,
            db.Township.name,
            db.Grid.village,
            db.Supervision,
            county_dept,
        )
        .outerjoin(db.Grid, db.Grid.id == db.Record.grid_id)
        .outerjoin(db.Officer, db.Officer.id == db.Record.officer_id)
        .outerjoin(db.Department, db.Department.id == db.Record.assignee_id)
        .outerjoin(db.Township, db.Township.id == db.Record.township_id)
        .outerjoin(db.Supervision, db.Supervision.record_id == db.Record.id)
        .outerjoin(county_dept, county_dept.id == db.Record.county_department_id)
        .where(*where)
        .order_by(db.Record.updated_at.desc(), db.Record.id.desc())
        .limit(query.limit + 1)
    )
    offset = query.offset
    if query.cursor:
        stamp, rid = decode_cursor(query.cursor)
        stmt = stmt.where(
            or_(
                db.Record.updated_at < stamp,
                and_(db.Record.updated_at == stamp, db.Record.id < rid),
            )
        )
        offset = 0
    elif offset:
        stmt = stmt.offset(offset)
    rows = session.execute(stmt).all()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    items = []
    for rec, grid, officer, assignee, town, grid_village, supervision, dept in rows:
        joined = ladder.Joined(town, grid_village, supervision, dept)
        items.append(records.summary(rec, grid, officer, now, lang, assignee, joined))
    return {
        "total": total,
        "limit": query.limit,
        "offset": offset,
        "next_cursor": encode_cursor(rows[-1][0]) if more and rows else None,
        "items": items,
    }
