"""Token buckets kept in the database, so every service process limits as one (issue 15).

A bucket is one row of ``rate_buckets``: its level at its stamp.  Each change is one write
transaction whose first statement tops the bucket up to now (an upsert: a new bucket starts
full) and whose second takes a token only if one is there — a conditional UPDATE, so two
processes racing for the last token cannot both have it.  Stamps are seconds since the
epoch from the processes' own clocks (one machine, or machines kept in time by NTP); a stamp
from a clock ahead of ours never adds tokens.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from gridterm.township import db

# A bucket untouched for this long is full again for any limit the service uses (a burst of
# 30 at one every 2 s refills in a minute): its row can go.
FORGET_AFTER = 3600.0


@dataclass(frozen=True)
class Limit:
    capacity: float
    rate: float  # tokens per second


def _refill_sql(session: Session) -> str:
    least, greatest = ("LEAST", "GREATEST") if _pg(session) else ("MIN", "MAX")
    return (
        "INSERT INTO rate_buckets (key, tokens, stamp) VALUES (:key, :cap, :now) "
        "ON CONFLICT (key) DO UPDATE SET "
        f"tokens = {least}(:cap, rate_buckets.tokens + "
        f"{greatest}(0.0, :now - rate_buckets.stamp) * :rate), "
        f"stamp = {greatest}(rate_buckets.stamp, :now)"
    )


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _refill(session: Session, key: str, limit: Limit, now: float) -> None:
    params = {"key": key, "cap": float(limit.capacity), "now": now, "rate": float(limit.rate)}
    session.execute(text(_refill_sql(session)), params)


def take(sessions: sessionmaker[Session], key: str, limit: Limit, now: float | None = None) -> bool:
    """Take one token from ``key``'s bucket if it holds one; whether it did."""
    now = time.time() if now is None else now
    with db.write_session(sessions) as session:
        _refill(session, key, limit, now)
        result = session.execute(
            text("UPDATE rate_buckets SET tokens = tokens - 1 WHERE key = :key AND tokens >= 1"),
            {"key": key},
        )
        return result.rowcount == 1


def spend(
    sessions: sessionmaker[Session], key: str, limit: Limit, now: float | None = None
) -> None:
    """Take a token from ``key``'s bucket whatever its level (down to empty)."""
    now = time.time() if now is None else now
    with db.write_session(sessions) as session:
        _refill(session, key, limit, now)
        empty = "GREATEST" if _pg(session) else "MAX"
        session.execute(
            text(f"UPDATE rate_buckets SET tokens = {empty}(0.0, tokens - 1) WHERE key = :key"),
            {"key": key},
        )


def level(
    sessions: sessionmaker[Session], key: str, limit: Limit, now: float | None = None
) -> float:
    """The tokens ``key``'s bucket holds now (a read; nothing is written)."""
    now = time.time() if now is None else now
    with sessions() as session:
        row = session.execute(
            select(db.RateBucket.tokens, db.RateBucket.stamp).where(db.RateBucket.key == key)
        ).first()
    if row is None:
        return float(limit.capacity)
    tokens, stamp = row
    return min(float(limit.capacity), tokens + max(0.0, now - stamp) * limit.rate)


def forget_full(session: Session, now: float | None = None) -> int:
    """Drop buckets nobody touched for :data:`FORGET_AFTER` seconds (full again by now)."""
    now = time.time() if now is None else now
    result = session.execute(delete(db.RateBucket).where(db.RateBucket.stamp < now - FORGET_AFTER))
    return result.rowcount or 0
