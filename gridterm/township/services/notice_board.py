"""A village's public board: what is published, newest first, by type and period.

A village is named as written (``/v/石桥村``).  Two townships of one county service may
both have a 石桥村: the board then asks which one (``township`` narrows it).  Only the
current version of each public number is listed; its page holds the older ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from gridterm.core import model
from gridterm.township import db

TYPES = ("party", "village", "finance", "four_two")
PAGE = 30
YEARS = (1900, 2999)  # the years the service holds (services/bounds.py)


@dataclass(frozen=True)
class Item:
    number: str
    version: int
    type: str
    title: str
    period_from: str | None
    period_to: str | None
    published_at: dt.datetime


@dataclass
class Board:
    village: str
    townships: list[tuple[str, str]]  # (id, name) of every township with this village
    township: tuple[str, str] | None  # the one shown (None: several, and none chosen)
    items: list[Item] = field(default_factory=list)
    total: int = 0
    years: list[int] = field(default_factory=list)
    types: list[str] = field(default_factory=list)  # the types this village has published


def _townships(session: Session, village: str) -> list[tuple[str, str]]:
    rows = session.execute(
        select(db.Township.id, db.Township.name)
        .join(db.NoticeVersion, db.NoticeVersion.township_id == db.Township.id)
        .where(db.NoticeVersion.village == village)
        .distinct()
        .order_by(db.Township.name, db.Township.id)
    ).all()
    return [(r[0], r[1]) for r in rows]


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime(year, 1, 1, tzinfo=model.CHINA_TIME),
        dt.datetime(year + 1, 1, 1, tzinfo=model.CHINA_TIME),
    )


def _in_year(year: int):
    """A notice belongs to the years its period covers; one without a period, to the year
    it was published in (China time)."""
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    start, end = _year_bounds(year)
    nv = db.NoticeVersion
    return or_(
        and_(
            nv.period_from.is_not(None),
            nv.period_from <= last,
            func.coalesce(nv.period_to, nv.period_from) >= first,
        ),
        and_(nv.period_from.is_(None), nv.published_at >= start, nv.published_at < end),
    )


def _years(session: Session, where) -> list[int]:
    rows = session.execute(
        select(
            db.NoticeVersion.period_from, db.NoticeVersion.period_to, db.NoticeVersion.published_at
        ).where(*where)
    ).all()
    years: set[int] = set()
    for start, end, published in rows:
        if start and start[:4].isdigit():
            last = end[:4] if end and end[:4].isdigit() else start[:4]
            years.update(range(int(start[:4]), max(int(start[:4]), int(last)) + 1))
        elif published is not None:
            years.add(published.astimezone(model.CHINA_TIME).year)
    return sorted((y for y in years if YEARS[0] <= y <= YEARS[1]), reverse=True)


def board(
    session: Session,
    village: str,
    *,
    township: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    offset: int = 0,
    limit: int = PAGE,
) -> Board | None:
    """The board of ``village``; None when it has published nothing (or ``township`` is not
    one of those that have a village of that name)."""
    townships = _townships(session, village)
    if not townships:
        return None
    chosen = next((t for t in townships if t[0] == township), None)
    if township is not None and chosen is None:
        return None
    if chosen is None and len(townships) == 1:
        chosen = townships[0]
    out = Board(village=village, townships=townships, township=chosen)
    if chosen is None:
        return out
    nv = db.NoticeVersion
    where = [nv.village == village, nv.township_id == chosen[0], nv.superseded_at.is_(None)]
    out.years = _years(session, where)
    out.types = [
        t
        for t in TYPES
        if t in set(session.execute(select(nv.type).where(*where).distinct()).scalars())
    ]
    if kind in TYPES:
        where.append(nv.type == kind)
    if year is not None and YEARS[0] <= year <= YEARS[1]:
        where.append(_in_year(year))
    out.total = session.execute(select(func.count()).select_from(nv).where(*where)).scalar_one()
    rows = session.execute(
        select(nv)
        .where(*where)
        .order_by(nv.published_at.desc(), nv.pk.desc())
        .offset(offset)
        .limit(limit)
    ).scalars()
    out.items = [
        Item(r.number, r.version, r.type, r.title, r.period_from, r.period_to, r.published_at)
        for r in rows
    ]
    return out
