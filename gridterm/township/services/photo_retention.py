"""Photos kept no longer than needed, and erased on request (PIPL; docs/evidence.md
"Retention and erasure").

Photos of hazards, homes and people are personal information: a township keeps them while
the matter is open and for a period after it closed (its own rule), then removes them
(:func:`purge_closed`), and erases one at once when the person in it asks or it was sent by
mistake (:func:`erase`).  Removing deletes the bytes from the content store and leaves a row
in ``attachment_removals``: the record still lists the photo's name (its history is the
township's account of what was done), staff see it was removed and when, and a device that
still holds the photo is told the service has it, so it stops sending it and may prune it.

The functions change rows only and return the store keys to delete once the caller commits
(as the grace-period sweep does): a crash in between leaves bytes nobody can reach, never a
row pointing at bytes that are gone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.orm import Session

from gridterm.core import workflow
from gridterm.township import db
from gridterm.township.services import bulk_sql
from gridterm.township.services.content_store import content_key, thumb_key
from gridterm.township.services.errors import NotFound
from gridterm.township.services.thumbnails import THUMB_PX

WHY = ("retention", "erasure")


@dataclass
class Removed:
    """What a purge or an erasure removed: the hashes, their bytes, and the store keys to
    delete after the commit."""

    shas: list[str] = field(default_factory=list)
    size: int = 0
    keys: list[str] = field(default_factory=list)


def purge_closed(
    session: Session,
    days: int,
    township_id: str | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    note: str = "",
) -> Removed:
    """Remove the photos whose every naming record closed more than ``days`` days ago (only
    those of ``township_id``'s records when given: a photo another township's open record
    also names is kept).  With ``dry_run`` nothing changes; the answer says what would go."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    cutoff = (now or db.utcnow()) - dt.timedelta(days=days)
    ref, rec = db.AttachmentRef, db.Record
    closed_at = func.coalesce(rec.status_at, rec.updated_at)
    still_needed = ~rec.status.in_(sorted(workflow.CLOSED_STATES)) | (closed_at >= cutoff)
    if township_id is not None:
        still_needed = still_needed | (rec.township_id != township_id)
    needed = (
        select(ref.sha256)
        .join(rec, rec.id == ref.record_id)
        .where(ref.sha256 == db.AttachmentContent.sha256, still_needed)
    )
    named_here = select(ref.sha256).join(rec, rec.id == ref.record_id)
    named_here = named_here.where(ref.sha256 == db.AttachmentContent.sha256)
    if township_id is not None:
        named_here = named_here.where(rec.township_id == township_id)
    rows = session.execute(
        select(db.AttachmentContent.sha256, db.AttachmentContent.size).where(
            exists(named_here), ~exists(needed)
        )
    ).all()
    return _remove(session, dict(rows), "retention", note, dry_run)


def erase(session: Session, sha256: str, note: str, township_id: str | None = None) -> Removed:
    """Erase one photo now, whatever the state of the records naming it (a request under
    PIPL, a photo sent by mistake).  With ``township_id``, only a photo one of its records
    names (NotFound otherwise, as for staff)."""
    named = select(db.AttachmentRef.sha256).where(db.AttachmentRef.sha256 == sha256)
    if township_id is not None:
        named = named.join(db.Record, db.Record.id == db.AttachmentRef.record_id).where(
            db.Record.township_id == township_id
        )
    if session.execute(named.limit(1)).first() is None:
        raise NotFound("evidence_service.error.not_found")
    row = session.get(db.AttachmentContent, sha256)
    if row is None and session.get(db.AttachmentRemoval, sha256) is not None:
        return Removed()  # already removed: nothing more to do
    sizes = {sha256: row.size if row is not None else 0}
    return _remove(session, sizes, "erasure", note, dry_run=False)


def erase_record(session: Session, record_id: str, note: str) -> Removed:
    """Erase every photo any rev of the record named (a resident asking that the photos of
    their report go); NotFound for a record that does not exist."""
    if session.get(db.Record, record_id) is None:
        raise NotFound("staff.not_found", id=record_id[:64])
    shas = list(
        session.execute(
            select(db.AttachmentRef.sha256).where(db.AttachmentRef.record_id == record_id)
        ).scalars()
    )
    gone = removals(session, shas)
    held = dict(
        session.execute(
            select(db.AttachmentContent.sha256, db.AttachmentContent.size).where(
                db.AttachmentContent.sha256.in_(shas)
            )
        ).all()
    )
    sizes = {sha: held.get(sha, 0) for sha in shas if sha not in gone}
    return _remove(session, sizes, "erasure", note, dry_run=False)


def removals(session: Session, shas: list[str]) -> dict[str, db.AttachmentRemoval]:
    """The removal rows of those of ``shas`` the township removed."""
    if not shas:
        return {}
    rows = session.execute(
        select(db.AttachmentRemoval).where(db.AttachmentRemoval.sha256.in_(shas))
    ).scalars()
    return {row.sha256: row for row in rows}


def removed_in_township(session: Session, township_id: str | list[str]) -> frozenset[str]:
    """Every photo the township's records (or several townships', a county's export) name
    that was removed (for an export's rows)."""
    ids = [township_id] if isinstance(township_id, str) else list(township_id)
    rows = session.execute(
        select(db.AttachmentRemoval.sha256)
        .join(db.AttachmentRef, db.AttachmentRef.sha256 == db.AttachmentRemoval.sha256)
        .join(db.Record, db.Record.id == db.AttachmentRef.record_id)
        .where(db.Record.township_id.in_(ids))
        .distinct()
    ).scalars()
    return frozenset(rows)


def _remove(session: Session, sizes: dict[str, int], why: str, note: str, dry_run: bool) -> Removed:
    shas = sorted(sizes)
    out = Removed(shas=shas, size=sum(sizes.values()))
    if dry_run or not shas:
        return out
    now = db.utcnow()
    rows = [
        {"sha256": sha, "size": sizes[sha], "removed_at": now, "why": why, "note": note[:500]}
        for sha in shas
    ]
    stmt = bulk_sql.insert(session, db.AttachmentRemoval).on_conflict_do_nothing(
        index_elements=["sha256"]
    )
    for start in range(0, len(rows), 500):
        session.execute(stmt, rows[start : start + 500])
        chunk = shas[start : start + 500]
        session.execute(
            delete(db.AttachmentContent).where(and_(db.AttachmentContent.sha256.in_(chunk)))
        )
    out.keys = [k for sha in shas for k in (content_key(sha), thumb_key(sha, THUMB_PX))]
    return out
