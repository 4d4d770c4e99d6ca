"""Attachments on the service: which content it holds, which records name it, and who may
see it (issue 16; docs/evidence.md).

* Devices upload content by SHA-256 in chunks (:mod:`~gridterm.township.services.uploads`);
  :func:`receive_chunk` and :func:`status` are the two device calls, :func:`record_content`
  writes the row once content is whole and checked.  Content is kept once, however many
  devices or records send it.
* A record names content in ``data.attachments``; each stored rev's names are kept
  (:func:`note_refs`, called by the push), so an old rev's photo stays with its history.
* Staff see content only through a record of their township that names it
  (:func:`visible`); anything else is :class:`NotFound`, the same as content that is not
  there.
* Content no record names is the uploading device's for a grace period, then dropped
  (:func:`sweep_unnamed`).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from gridterm.township import db
from gridterm.township.services import bulk_sql, photo_retention
from gridterm.township.services.content_store import ContentStore, content_key
from gridterm.township.services.errors import AttachmentRefused, NotFound
from gridterm.township.services.image_types import TYPES
from gridterm.township.services.uploads import ByteRange, Finished, Limits, Staging

__all__ = ["TYPES", "Evidence", "Progress"]

_SHA = re.compile(r"[0-9a-f]{64}")
# A record names at most this many (the model allows 20; a bound here keeps a record that
# slipped past it from costing more).
MAX_PER_RECORD = 50


@dataclass
class Evidence:
    """Where content is kept and what the service takes."""

    store: ContentStore
    staging: Staging
    limits: Limits = field(default_factory=Limits)
    swept_at: float = 0.0  # monotonic time of the last sweep of every device's partials

    @classmethod
    def make(cls, store: ContentStore, staging_folder: Path, limits: Limits | None = None):
        return cls(store, Staging(staging_folder, store), limits or Limits())

    def sweep_partials(self, every: float = 3600.0) -> int:
        """Remove partial uploads untouched for the grace period, every device's (a device
        that never comes back included); at most once per ``every`` seconds."""
        now = time.monotonic()
        if self.swept_at and now - self.swept_at < every:
            return 0
        self.swept_at = now
        return self.staging.sweep(self.limits.grace)


@dataclass(frozen=True)
class Progress:
    """The answer to one chunk: what the service holds, and content to write a row for."""

    received: int
    complete: bool
    finished: Finished | None = None


# --------------------------------------------------------------------------- records


def named_in(data: Any) -> list[str]:
    """The SHA-256 of each attachment ``data`` names, in order, once each."""
    items = data.get("attachments") if isinstance(data, dict) else None
    out: list[str] = []
    for item in items if isinstance(items, list) else ():
        sha = item.get("sha256") if isinstance(item, dict) else None
        if isinstance(sha, str) and _SHA.fullmatch(sha) and sha not in out:
            out.append(sha)
        if len(out) >= MAX_PER_RECORD:
            break
    return out


def note_refs(session: Session, records: Iterable[tuple[str, Any]]) -> None:
    """Keep that each record (id, data) names its attachments; the caller commits."""
    now = db.utcnow()
    rows = [
        {"record_id": rid, "sha256": sha, "named_at": now}
        for rid, data in records
        for sha in named_in(data)
    ]
    if rows:
        stmt = bulk_sql.insert(session, db.AttachmentRef).on_conflict_do_nothing(
            index_elements=["record_id", "sha256"]
        )
        session.execute(stmt, rows)


def for_record(session: Session, data: Any) -> list[dict[str, Any]]:
    """The record's attachments as staff see them: each as the device described it, with
    ``available`` (the service holds the content) and the staff ``url`` of the content."""
    items = data.get("attachments") if isinstance(data, dict) else None
    items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    shas = [i["sha256"] for i in items if isinstance(i.get("sha256"), str)]
    held = set()
    if shas:
        held = set(
            session.execute(
                select(db.AttachmentContent.sha256).where(db.AttachmentContent.sha256.in_(shas))
            ).scalars()
        )
    gone = photo_retention.removals(session, shas)
    out = []
    for item in items[:MAX_PER_RECORD]:
        sha = item.get("sha256")
        if not isinstance(sha, str) or not _SHA.fullmatch(sha):
            continue
        removed = None
        if sha in gone:
            at = gone[sha].removed_at
            removed = {"at": at.replace(tzinfo=dt.timezone.utc).isoformat(), "why": gone[sha].why}
        entry = {**item, "available": sha in held, "url": staff_path(sha), "removed": removed}
        out.append(entry)
    return out


def staff_path(sha256: str) -> str:
    return f"/api/v1/staff/attachments/{sha256}"


# --------------------------------------------------------------------------- devices


def status(
    sessions: sessionmaker[Session], evidence: Evidence, device_id: str, shas: list[str]
) -> tuple[list[dict[str, Any]], list[Finished]]:
    """What the service holds of each of ``shas``: complete (anyone's upload), the device's
    own partial upload, or missing.  A partial upload that is whole (its last request was
    cut before the check) is checked now: the caller writes rows for the returned content."""
    wanted = list(dict.fromkeys(shas))
    with sessions() as session:
        sizes = _sizes(session, wanted)
    items, finished = [], []
    for sha in wanted:
        if sha in sizes:
            items.append({"sha256": sha, "state": "complete", "received": sizes[sha]})
            continue
        held = evidence.staging.held(device_id, sha)
        if held is not None and held.whole:
            try:
                done = evidence.staging.finish(device_id, sha, held.total, evidence.limits)
            except AttachmentRefused:
                held = None  # not what it claimed: dropped, to be sent again
            else:
                finished.append(done)
                items.append({"sha256": sha, "state": "complete", "received": done.size})
                continue
        if held is None or held.received == 0:
            items.append({"sha256": sha, "state": "missing", "received": 0})
        else:
            items.append({"sha256": sha, "state": "partial", "received": held.received})
    return items, finished


def receive_chunk(
    sessions: sessionmaker[Session],
    evidence: Evidence,
    device_id: str,
    sha256: str,
    rng: ByteRange,
    body: bytes,
) -> Progress:
    """One chunk of the device's upload of ``sha256``.  Content the service already holds
    is complete at once, whatever was sent."""
    staging = evidence.staging
    with sessions() as session:
        size = _sizes(session, [sha256]).get(sha256)
        if size is not None:
            return Progress(received=size, complete=True)
        held = staging.held(device_id, sha256)
        if rng.start == 0 and (held is None or held.received == 0):
            staging.sweep(evidence.limits.grace, device_id)
            _check_quota(session, evidence, device_id, rng.total)
    received = staging.write(device_id, sha256, rng, body)
    if received < rng.total:
        return Progress(received=received, complete=False)
    finished = staging.finish(device_id, sha256, rng.total, evidence.limits)
    return Progress(received=finished.size, complete=True, finished=finished)


def _sizes(session: Session, shas: list[str]) -> dict[str, int]:
    """The size of each of ``shas`` the service holds — or removed on purpose (retention,
    erasure): to a device that is the same answer, complete, so it never sends it again."""
    if not shas:
        return {}
    rows = session.execute(
        select(db.AttachmentContent.sha256, db.AttachmentContent.size).where(
            db.AttachmentContent.sha256.in_(shas)
        )
    ).all()
    sizes = {sha: size for sha, size in rows}
    for sha, gone in photo_retention.removals(session, shas).items():
        sizes.setdefault(sha, gone.size)
    return sizes


def _unnamed(device_id: str | None = None):
    named = exists().where(db.AttachmentRef.sha256 == db.AttachmentContent.sha256)
    cond = ~named
    if device_id is not None:
        cond = cond & (db.AttachmentContent.device_id == device_id)
    return cond


def _check_quota(session: Session, evidence: Evidence, device_id: str, total: int) -> None:
    unnamed = session.execute(
        select(func.coalesce(func.sum(db.AttachmentContent.size), 0)).where(_unnamed(device_id))
    ).scalar_one()
    pending = int(unnamed) + evidence.staging.open_bytes(device_id)
    limit = evidence.limits.device_quota
    if pending + total > limit:
        raise AttachmentRefused("quota_exceeded", limit=limit // (1024 * 1024))


def record_content(
    sessions: sessionmaker[Session],
    finished: list[Finished],
    device_id: str,
    grace: dt.timedelta,
) -> list[str]:
    """Write the rows of content now whole and checked (kept once: a second upload of the
    same content changes nothing), and drop content no record named within the grace
    period.  Returns the keys of the dropped content, for the caller to delete from the
    store after the commit."""
    with db.write_session(sessions) as session:
        # Removed while its last chunk was being checked (an erasure racing the upload): the
        # removal wins, and the bytes just stored go again.
        gone = photo_retention.removals(session, [f.sha256 for f in finished])
        finished = [f for f in finished if f.sha256 not in gone]
        if finished:
            rows = [
                {
                    "sha256": f.sha256,
                    "size": f.size,
                    "type": f.type,
                    "stored_at": db.utcnow(),
                    "device_id": device_id,
                }
                for f in finished
            ]
            stmt = bulk_sql.insert(session, db.AttachmentContent).on_conflict_do_nothing(
                index_elements=["sha256"]
            )
            session.execute(stmt, rows)
        return [content_key(sha) for sha in gone] + sweep_unnamed(session, grace)


def sweep_unnamed(
    session: Session, grace: dt.timedelta, now: dt.datetime | None = None, limit: int = 50
) -> list[str]:
    """Delete the rows of (at most ``limit``) content stored longer than ``grace`` ago that
    no record names; the store keys to delete once this commits."""
    cutoff = (now or db.utcnow()) - grace
    shas = list(
        session.execute(
            select(db.AttachmentContent.sha256)
            .where(_unnamed(), db.AttachmentContent.stored_at < cutoff)
            .limit(limit)
        ).scalars()
    )
    if shas:
        session.execute(
            delete(db.AttachmentContent).where(db.AttachmentContent.sha256.in_(shas), _unnamed())
        )
    return [content_key(sha) for sha in shas]


# --------------------------------------------------------------------------- staff


def township_scope(township_id: str) -> ColumnElement[bool]:
    """The records a township's staff see.  Photos take the records' scope as a WHERE clause,
    so a wider scope (a county's) is the records' own clause, passed as it is."""
    return db.Record.township_id == township_id


def visible(session: Session, scope: ColumnElement[bool], sha256: str) -> db.AttachmentContent:
    """The content, when a record in ``scope`` (a WHERE clause on records) names it and the
    service holds it; NotFound otherwise (whether it exists elsewhere or not)."""
    if not _SHA.fullmatch(sha256):
        raise NotFound("evidence_service.error.not_found")
    named = session.execute(
        select(db.AttachmentRef.record_id)
        .join(db.Record, db.Record.id == db.AttachmentRef.record_id)
        .where(db.AttachmentRef.sha256 == sha256, scope)
        .limit(1)
    ).first()
    row = session.get(db.AttachmentContent, sha256) if named else None
    if row is None:
        raise NotFound("evidence_service.error.not_found")
    return row
