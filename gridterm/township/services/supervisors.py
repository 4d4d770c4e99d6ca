"""The village supervision committee (村务监督委员会): its members and their countersignatures.

A member is enrolled by township staff (``POST /api/v1/staff/supervisors``: village, name,
phone) and gets a personal link, ``/v/s/{token}`` — a resident-facing role like the resident
page, with no account to remember: the link *is* the credential (256 random bits, kept only
as a hash; staff revoke it, and enrol the member again for a new one).  The link opens the
village's notices awaiting review and those published; the member countersigns one
(``agree``) or objects with a note (``object``).  A countersignature binds the rev and the
content hash the member read: a later rev is not countersigned by it.  Countersignatures of
a published version show on the notice's public page (the name masked); objections are for
staff, who see both on the notice's detail before publishing.
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services import notice_signing
from gridterm.township.services.errors import CountersignRefused, InvalidInput, NotFound
from gridterm.township.services.inputs import CONTROL
from gridterm.township.services.tokens import new_token, token_hash

DECISIONS = ("agree", "object")
NOTE_MAX = 500
LISTED = 50  # notices on a member's page
_OPEN = ("submitted", "published")


def _clean(value: str | None, limit: int, key: str) -> str:
    text = (value or "").strip()
    if len(text) > limit or CONTROL.search(text):
        raise InvalidInput(key)
    return text


def enroll(
    session: Session, township_id: str, village: str, name: str, phone: str = ""
) -> tuple[str, db.VillageSupervisor]:
    """A new member of ``village``'s committee: (their link's token, the row); commits."""
    village = _clean(village, 200, "board.supervisor.bad_village")
    name = _clean(name, 200, "board.supervisor.bad_name")
    if not village or not name:
        raise InvalidInput("board.supervisor.required")
    token = new_token("v")
    row = db.VillageSupervisor(
        id=str(uuid.uuid4()),
        township_id=township_id,
        village=village,
        name=name,
        phone=_clean(phone, 32, "board.supervisor.bad_phone"),
        token_hash=token_hash(token),
    )
    session.add(row)
    session.commit()
    return token, row


def listing(session: Session, township_id: str) -> list[db.VillageSupervisor]:
    return list(
        session.execute(
            select(db.VillageSupervisor)
            .where(db.VillageSupervisor.township_id == township_id)
            .order_by(db.VillageSupervisor.village, db.VillageSupervisor.created_at)
        ).scalars()
    )


def revoke(session: Session, township_id: str, supervisor_id: str) -> db.VillageSupervisor:
    """End a member's link (their countersignatures stay); commits."""
    row = session.get(db.VillageSupervisor, supervisor_id[:64])
    if row is None or row.township_id != township_id:
        raise NotFound("board.supervisor.not_found")
    if row.revoked_at is None:
        row.revoked_at = db.utcnow()
    session.commit()
    return row


def for_token(session: Session, token: str) -> db.VillageSupervisor | None:
    """The unrevoked member whose link holds ``token``, else None."""
    if not isinstance(token, str) or not 8 <= len(token) <= 100:
        return None
    digest = token_hash(token)
    row = session.execute(
        select(db.VillageSupervisor).where(db.VillageSupervisor.token_hash == digest)
    ).scalar_one_or_none()
    if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at:
        return None
    return row


@dataclass(frozen=True)
class Pending:
    """A notice on a member's page, with what this member has said of its current rev."""

    record: db.Record
    content_hash: str
    decision: str | None


def notices_for(session: Session, member: db.VillageSupervisor) -> list[Pending]:
    """The member's village's notices awaiting review or published, newest first."""
    rows = list(
        session.execute(
            select(db.Record)
            .where(
                db.Record.township_id == member.township_id,
                db.Record.kind == "notice",
                db.Record.village == member.village,
                db.Record.status.in_(_OPEN),
            )
            .order_by(db.Record.updated_at.desc(), db.Record.id)
            .limit(LISTED)
        ).scalars()
    )
    said = {
        (s.record_id, s.rev): s.decision
        for s in session.execute(
            select(db.NoticeCountersign).where(
                db.NoticeCountersign.supervisor_id == member.id,
                db.NoticeCountersign.record_id.in_([r.id for r in rows]),
            )
        ).scalars()
    }
    return [Pending(r, notice_signing.content_hash(r.data), said.get((r.id, r.rev))) for r in rows]


def countersign(
    session: Session,
    member: db.VillageSupervisor,
    record_id: str,
    rev: int,
    decision: str,
    note: str = "",
) -> db.NoticeCountersign:
    """The member's word on rev ``rev`` of a notice of their village; commits."""
    if decision not in DECISIONS:
        raise CountersignRefused("bad_decision")
    note = _clean(note, NOTE_MAX, "board.countersign.bad_note")
    if decision == "object" and not note:
        raise CountersignRefused("note_required")
    rec = session.execute(
        select(db.Record)
        .where(
            db.Record.id == record_id[:64],
            db.Record.township_id == member.township_id,
            db.Record.kind == "notice",
            db.Record.village == member.village,
        )
        .with_for_update()
    ).scalar_one_or_none()
    if rec is None or rec.status not in _OPEN:
        raise CountersignRefused("not_open")
    if rec.rev != rev:
        raise CountersignRefused("rev_moved")
    row = db.NoticeCountersign(
        record_id=rec.id,
        rev=rev,
        content_hash=notice_signing.content_hash(rec.data),
        supervisor_id=member.id,
        decision=decision,
        note=note,
        at=db.utcnow(),
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # the same member, the same rev, at the same instant
        session.rollback()
        raise CountersignRefused("already") from None
    return row
