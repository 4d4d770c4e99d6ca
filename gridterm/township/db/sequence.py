"""The change sequence devices pull by, and the service's key/value settings."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gridterm.township.db.models import Counter, Meta

SEQ_COUNTER = "change_seq"
PULL_FLOOR_KEY = "pull_floor"


def next_seq(session: Session, n: int = 1) -> int:
    """Reserve ``n`` change-sequence numbers; returns the highest (the range is
    ``result - n + 1 … result``).  Holds the counter row's lock until the transaction ends,
    so numbers become visible in commit order across every service process."""
    stmt = (
        update(Counter)
        .where(Counter.name == SEQ_COUNTER)
        .values(value=Counter.value + n)
        .returning(Counter.value)
    )
    value = session.execute(stmt).scalar_one_or_none()
    if value is None:
        raise RuntimeError("change_seq counter missing: run `gridterm admin migrate`")
    return int(value)


def current_seq(session: Session) -> int:
    value = session.execute(select(Counter.value).where(Counter.name == SEQ_COUNTER)).scalar()
    return int(value or 0)


def meta_get(session: Session, key: str, default: str | None = None) -> str | None:
    value = session.execute(select(Meta.value).where(Meta.key == key)).scalar()
    return default if value is None else value


def meta_set(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
    session.flush()


def pull_floor(session: Session) -> int:
    """The oldest cursor the service still honours (cursor 0, a full pull, always is)."""
    return int(meta_get(session, PULL_FLOOR_KEY, "0") or 0)
