"""Publishing a village notice (三务公开): the township's move, and what it makes.

Staff move a notice record ``submitted -> published`` through the ordinary transition
(:mod:`~gridterm.township.services.transitions` calls :func:`check_move` before and
:func:`after_move` after).  Publishing writes a :class:`~gridterm.township.db.NoticeVersion`:
the record's data exactly as it is, its hash, the finance rows masked for the public — never
changed afterwards.  A first notice gets a fresh public number (a receipt-style number:
ten random Crockford characters and a check character); a correction (``data.correction_of``
names the corrected notice's record id or its number, ``data.reason`` says why) gets the same
number and the next version, and the version it replaces — with its record — is superseded.

Nothing published is edited in place: a new rev of a published notice is refused at push
(:func:`published_revs`), and the officer writes a correction instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridterm.core import receipts, workflow
from gridterm.township import db
from gridterm.township.services import notice_masking, notice_signing
from gridterm.township.services.errors import Busy, NoticeRefused

NUMBER_ATTEMPTS = 5


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int)) else ""


def _reference(value: Any) -> tuple[str, str]:
    """What ``correction_of`` names: ("number", N) or ("record", id)."""
    text = _text(value)
    if receipts.is_valid_number(text):
        return "number", receipts.parse_number(text)
    return "record", text[:64]


def corrected_version(session: Session, rec: db.Record) -> db.NoticeVersion | None:
    """The published version the notice ``rec`` corrects (None for a first notice);
    :class:`NoticeRefused` when it names one the township never published."""
    data = rec.data if isinstance(rec.data, dict) else {}
    if not _text(data.get("correction_of")):
        return None
    how, ref = _reference(data.get("correction_of"))
    column = db.NoticeVersion.number if how == "number" else db.NoticeVersion.record_id
    found = session.execute(
        select(db.NoticeVersion)
        .where(column == ref, db.NoticeVersion.township_id == rec.township_id)
        .order_by(db.NoticeVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if found is None:
        raise NoticeRefused("board.refuse.not_published")
    return found


def check_move(session: Session, rec: db.Record, to: str) -> None:
    """Refuse a publication the notice is not ready for (before anything changes)."""
    if rec.kind != "notice" or to != "published":
        return
    data = rec.data if isinstance(rec.data, dict) else {}
    if not _text(data.get("village")) or not _text(data.get("title")):
        raise NoticeRefused("board.refuse.incomplete")
    target = corrected_version(session, rec)
    if target is None:
        return
    if not _text(data.get("reason")):
        raise NoticeRefused("board.refuse.reason")
    if target.village != _text(data.get("village")):
        raise NoticeRefused("board.refuse.other_village", village=target.village)


def after_move(session: Session, rec: db.Record, to: str, actor: str, by: str) -> None:
    """What a notice's move makes besides its new state: a published version."""
    if rec.kind == "notice" and to == "published":
        publish(session, rec, actor, by, db.utcnow())


def _period(data: dict[str, Any]) -> tuple[str | None, str | None]:
    period = data.get("period")
    if not isinstance(period, dict):
        return None, None
    start, end = (_text(period.get(k))[:10] or None for k in ("from", "to"))
    return start, end


def publish(
    session: Session, rec: db.Record, actor: str, by: str, now: dt.datetime
) -> db.NoticeVersion:
    """Write the version ``rec`` publishes (the caller has moved it and commits)."""
    data = rec.data if isinstance(rec.data, dict) else {}
    target = corrected_version(session, rec)
    pattern = None
    if data.get("items"):
        pattern = notice_masking.name_pattern(notice_masking.known_names(session, rec.township_id))
    start, end = _period(data)
    notice_signing.signing_key(session, create=True)  # the paper's QR is signed with it
    row = db.NoticeVersion(
        record_id=rec.id,
        rev=rec.rev,
        township_id=rec.township_id,
        village=_text(data.get("village"))[:200],
        type=_text(data.get("type"))[:16],
        title=_text(data.get("title")),
        content=data,
        content_hash=notice_signing.content_hash(data),
        public_items=notice_masking.public_rows(data.get("items"), pattern) or None,
        period_from=start,
        period_to=end,
        published_at=now,
        published_by=by[:200],
    )
    if target is None:
        return _insert_first(session, row)
    current = _supersede(session, target.number, _text(data.get("reason")), actor, now)
    row.number, row.version = target.number, current + 1
    row.reason = _text(data.get("reason"))
    _insert(session, row)
    return row


def _insert(session: Session, row: db.NoticeVersion) -> None:
    """Insert in a savepoint: a clash with a concurrent publication is :class:`Busy`."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Busy() from None


def _insert_first(session: Session, row: db.NoticeVersion) -> db.NoticeVersion:
    for _ in range(NUMBER_ATTEMPTS):
        row.number, row.version = receipts.new_number(), 1
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            continue  # the number was taken (the savepoint's rollback let go of the row)
    raise Busy()


def _supersede(session: Session, number: str, reason: str, actor: str, now: dt.datetime) -> int:
    """Mark the number's current version (and its record) superseded; its version number."""
    rows = (
        session.execute(
            select(db.NoticeVersion)
            .where(db.NoticeVersion.number == number)
            .order_by(db.NoticeVersion.version)
            .with_for_update()
        )
        .scalars()
        .all()
    )
    current = next((r for r in reversed(rows) if r.superseded_at is None), rows[-1])
    current.superseded_at = now
    old = session.execute(
        select(db.Record).where(db.Record.id == current.record_id).with_for_update()
    ).scalar_one_or_none()
    if old is not None and old.status == "published":
        workflow.check(old.status, "superseded", by_service=True)
        session.add(
            db.RecordEvent(
                record_id=old.id,
                at=now,
                actor=actor,
                from_status=old.status,
                to_status="superseded",
                reason=reason,
            )
        )
        old.status, old.status_at = "superseded", now
        old.seq = db.next_seq(session)  # the officer's device hears of it
    return max(r.version for r in rows)


def published_revs(session: Session, ids: Iterable[str]) -> dict[str, int]:
    """Which of ``ids`` are notices already published (or superseded), with the rev that was
    published: a newer rev would edit in place what the public has read, so the push refuses
    it (the same rev again is a harmless retry)."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(db.NoticeVersion.record_id, db.NoticeVersion.rev).where(
            db.NoticeVersion.record_id.in_(wanted)
        )
    ).all()
    return {r[0]: r[1] for r in rows}
