"""What the public, the officer's device and staff read of published notices.

* :func:`notice_page` — one public number: every version (oldest first), the current one,
  the supervision committee's countersignatures, the answered questions;
* :func:`verdict` — what a scanned paper is: ``current``, ``superseded`` or ``forged``
  (its number, version, hash and signature as the QR code carries them);
* :func:`pull_fields` / :func:`staff_fields` — the number, version and QR payload of a
  notice record, for the device's pull and the staff API.

The village's board (the list) is :mod:`~gridterm.township.services.notice_board`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridterm.core import model, receipts
from gridterm.township import db
from gridterm.township.services import notice_signing

VERDICTS = ("current", "superseded", "forged")


@dataclass(frozen=True)
class Countersign:
    name: str  # masked, for the public (staff get the whole name from staff_fields)
    decision: str  # "agree" | "object"
    note: str
    at: dt.datetime
    rev: int


@dataclass(frozen=True)
class Answered:
    phone: str  # masked
    asked_at: dt.datetime
    text: str
    answer: str
    answered_at: dt.datetime | None
    version: int


@dataclass
class NoticePage:
    number: str
    township: str
    versions: list[db.NoticeVersion]  # oldest first
    countersigns: dict[int, list[Countersign]] = field(default_factory=dict)  # by version
    questions: list[Answered] = field(default_factory=list)

    @property
    def current(self) -> db.NoticeVersion:
        live = [v for v in self.versions if v.superseded_at is None]
        return live[-1] if live else self.versions[-1]

    def version(self, n: int) -> db.NoticeVersion | None:
        return next((v for v in self.versions if v.version == n), None)

    def later(self, n: int) -> list[db.NoticeVersion]:
        return [v for v in self.versions if v.version > n]


def parse_number(text: str) -> str | None:
    """The notice number ``text`` stands for (any spelling a receipt number may have)."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        return receipts.parse_number(text)
    except receipts.ReceiptNumberError:
        return None


def _countersigns(session: Session, versions: list[db.NoticeVersion]) -> dict[int, list]:
    by_record = {v.record_id: v for v in versions}
    rows = session.execute(
        select(db.NoticeCountersign, db.VillageSupervisor.name)
        .join(db.VillageSupervisor, db.VillageSupervisor.id == db.NoticeCountersign.supervisor_id)
        .where(db.NoticeCountersign.record_id.in_(list(by_record)))
        .order_by(db.NoticeCountersign.at, db.NoticeCountersign.pk)
    ).all()
    out: dict[int, list[Countersign]] = {}
    for sign, name in rows:
        version = by_record[sign.record_id]
        # Only what the member read is countersigned: the published rev's very content.
        if sign.rev != version.rev or sign.content_hash != version.content_hash:
            continue
        out.setdefault(version.version, []).append(
            Countersign(model.mask_name(name), sign.decision, sign.note, sign.at, sign.rev)
        )
    return out


def _answered(session: Session, number: str) -> list[Answered]:
    rows = session.execute(
        select(db.NoticeQuestion)
        .where(
            db.NoticeQuestion.number == number,
            db.NoticeQuestion.answer.is_not(None),
            db.NoticeQuestion.dismissed_reason.is_(None),
        )
        .order_by(db.NoticeQuestion.asked_at)
    ).scalars()
    return [
        Answered(
            model.mask_phone(q.phone), q.asked_at, q.text, q.answer or "", q.answered_at, q.version
        )
        for q in rows
    ]


def notice_page(session: Session, number: str) -> NoticePage | None:
    """Everything the public page of ``number`` shows; None when nothing was published."""
    versions = list(
        session.execute(
            select(db.NoticeVersion)
            .where(db.NoticeVersion.number == number)
            .order_by(db.NoticeVersion.version)
        ).scalars()
    )
    if not versions:
        return None
    township = session.get(db.Township, versions[-1].township_id)
    return NoticePage(
        number=number,
        township=township.name if township else "",
        versions=versions,
        countersigns=_countersigns(session, versions),
        questions=_answered(session, number),
    )


def signature(session: Session, version: db.NoticeVersion) -> tuple[str, str] | None:
    """(HASH16, SIG) of a published version; None if the service has no key (never happens
    once something was published)."""
    key = notice_signing.signing_key(session)
    if key is None:
        return None
    short = notice_signing.short_hash(version.content_hash)
    return short, notice_signing.sign(key, version.number, version.version, short)


def verdict(
    session: Session, page: NoticePage, v: str | None, h: str | None, s: str | None
) -> str | None:
    """What the scanned QR says of the paper: None when the page was opened without one."""
    if v is None and h is None and s is None:
        return None
    try:
        n = int(v or "")
    except ValueError:
        return "forged"
    version = page.version(n) if 0 < n < 2**31 else None
    short = (h or "").strip().lower()
    if version is None or notice_signing.short_hash(version.content_hash) != short:
        return "forged"
    key = notice_signing.signing_key(session)
    if not notice_signing.verify(key, page.number, n, short, (s or "").strip()):
        return "forged"
    return "current" if version.superseded_at is None else "superseded"


def _versions_of(session: Session, ids: list[str]) -> dict[str, db.NoticeVersion]:
    if not ids:
        return {}
    rows = session.execute(
        select(db.NoticeVersion).where(db.NoticeVersion.record_id.in_(ids))
    ).scalars()
    return {r.record_id: r for r in rows}


def qr_payload(session: Session, version: db.NoticeVersion, base_url: str) -> str | None:
    signed = signature(session, version)
    if signed is None:
        return None
    return notice_signing.qr_payload(base_url, version.number, version.version, *signed)


def pull_fields(
    session: Session, ids: Iterable[str], base_url: str | None
) -> dict[str, dict[str, Any]]:
    """For each published notice record among ``ids``: what its device pulls with it —
    ``notice_number``, ``notice_version``, ``published_at`` and ``notice_qr`` (the payload
    the device prints on its 58 mm copy, the same the A4 page carries)."""
    out: dict[str, dict[str, Any]] = {}
    for rid, version in _versions_of(session, list(set(ids))).items():
        out[rid] = {
            "notice_number": version.number,
            "notice_version": version.version,
            "published_at": version.published_at.isoformat(),
            "notice_qr": qr_payload(session, version, base_url) if base_url else None,
        }
    return out


def _countersigns_of_record(session: Session, rec: db.Record) -> list[dict[str, Any]]:
    rows = session.execute(
        select(db.NoticeCountersign, db.VillageSupervisor.name)
        .join(db.VillageSupervisor, db.VillageSupervisor.id == db.NoticeCountersign.supervisor_id)
        .where(db.NoticeCountersign.record_id == rec.id)
        .order_by(db.NoticeCountersign.at, db.NoticeCountersign.pk)
    ).all()
    return [
        {
            "name": name,
            "decision": sign.decision,
            "note": sign.note,
            "at": sign.at,
            "rev": sign.rev,
            "current_rev": sign.rev == rec.rev,
        }
        for sign, name in rows
    ]


def staff_fields(session: Session, rec: db.Record) -> dict[str, Any] | None:
    """The ``notice`` part of a notice record's detail for staff (None for other kinds)."""
    if rec.kind != "notice":
        return None
    version = _versions_of(session, [rec.id]).get(rec.id)
    out: dict[str, Any] = {
        "number": None,
        "version": None,
        "published_at": None,
        "current": None,
        "page": None,
        "print": None,
        "qr_query": None,
        "versions": [],
        "countersigns": _countersigns_of_record(session, rec),
        "questions_open": 0,
    }
    if version is None:
        return out
    signed = signature(session, version)
    open_questions = session.execute(
        select(func.count())
        .select_from(db.NoticeQuestion)
        .where(
            db.NoticeQuestion.number == version.number,
            db.NoticeQuestion.answered_at.is_(None),
            db.NoticeQuestion.dismissed_reason.is_(None),
        )
    ).scalar_one()
    siblings = session.execute(
        select(db.NoticeVersion)
        .where(db.NoticeVersion.number == version.number)
        .order_by(db.NoticeVersion.version)
    ).scalars()
    out.update(
        number=version.number,
        version=version.version,
        published_at=version.published_at,
        current=version.superseded_at is None,
        page=f"/v/n/{version.number}",
        print=f"/v/n/{version.number}/print",
        qr_query=notice_signing.query(version.version, *signed) if signed else None,
        questions_open=int(open_questions),
        versions=[
            {
                "version": v.version,
                "record_id": v.record_id,
                "published_at": v.published_at,
                "reason": v.reason,
                "current": v.superseded_at is None,
            }
            for v in siblings
        ],
    )
    return out
