"""Residents' questions about published notices, and the village's answers.

A resident asks from a notice's page with a mobile number (required: the village may call
back; it is shown masked, 138****5678, and only beside an answer).  A question is public only
once answered; staff may set one aside (abuse, nothing to do with the notice) with a reason,
and it is never shown.  What is neither answered nor set aside is owed by the village:
:func:`unanswered_by_village` counts it for the county's view.

Limits besides the page's per-address rate limit (:mod:`~gridterm.township.api.board`):
a question is at most :data:`TEXT_MAX` characters, and one phone number asks at most
:data:`PER_PHONE_PER_DAY` questions in 24 hours (across every service process: counted in
the database).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridterm.core import model
from gridterm.township import db
from gridterm.township.services.errors import InvalidInput, NotFound, QuestionRefused
from gridterm.township.services.inputs import CONTROL
from gridterm.township.services.tokens import StaffIdentity

TEXT_MAX = 500
ANSWER_MAX = 2000
PER_PHONE_PER_DAY = 5
STATES = ("open", "answered", "dismissed", "all")
_KEEP = re.compile(r"[\r\n\t]")


@dataclass(frozen=True)
class Asked:
    """What the resident typed, checked: the text and the normalised phone number."""

    text: str
    phone: str


def check(text: str | None, phone: str | None) -> Asked:
    """The question and phone as typed on the form, or :class:`QuestionRefused`."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").strip()
    if not text:
        raise QuestionRefused("text_empty")
    if len(text) > TEXT_MAX:
        raise QuestionRefused("text_too_long", max=TEXT_MAX, n=len(text))
    if CONTROL.search(_KEEP.sub("", text)):
        raise QuestionRefused("text_control")
    if not (phone or "").strip():
        raise QuestionRefused("phone_required")
    try:
        number = model.check_phone((phone or "")[:40])
    except model.ValidationError as exc:
        raise QuestionRefused("phone_invalid", detail=exc.message("zh_CN")) from None
    return Asked(text=text, phone=number)


def ask(session: Session, number: str, asked: Asked, now: dt.datetime) -> db.NoticeQuestion:
    """Keep a question about the notice ``number`` (its current version); the caller commits."""
    current = session.execute(
        select(db.NoticeVersion)
        .where(db.NoticeVersion.number == number, db.NoticeVersion.superseded_at.is_(None))
        .order_by(db.NoticeVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if current is None:
        raise NotFound("board.question.no_notice")
    recent = session.execute(
        select(func.count())
        .select_from(db.NoticeQuestion)
        .where(
            db.NoticeQuestion.phone == asked.phone,
            db.NoticeQuestion.asked_at > now - dt.timedelta(days=1),
        )
    ).scalar_one()
    if recent >= PER_PHONE_PER_DAY:
        raise QuestionRefused("too_many", n=PER_PHONE_PER_DAY)
    question = db.NoticeQuestion(
        id=str(uuid.uuid4()),
        number=number,
        version=current.version,
        township_id=current.township_id,
        village=current.village,
        text=asked.text,
        phone=asked.phone,
        asked_at=now,
    )
    session.add(question)
    session.flush()
    return question


def _load(session: Session, staff: StaffIdentity, question_id: str) -> db.NoticeQuestion:
    if len(question_id) > 64 or CONTROL.search(question_id):
        raise NotFound("board.question.not_found")
    row = session.execute(
        select(db.NoticeQuestion)
        .where(
            db.NoticeQuestion.id == question_id,
            db.NoticeQuestion.township_id == staff.township_id,
        )
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("board.question.not_found")
    return row


def _staff_text(value: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput("board.question.answer_empty")
    if len(text) > limit or CONTROL.search(_KEEP.sub("", text)):
        raise InvalidInput("staff.bad_text")
    return text


def answer(
    session: Session, staff: StaffIdentity, question_id: str, text: str
) -> db.NoticeQuestion:
    """The village's answer (given once: it is public at once); commits."""
    row = _load(session, staff, question_id)
    if row.answered_at is not None or row.dismissed_reason is not None:
        raise QuestionRefused("already_handled")
    row.answer = _staff_text(text, ANSWER_MAX)
    row.answered_at = db.utcnow()
    row.answered_by = staff.name[:200]
    session.commit()
    return row


def dismiss(
    session: Session, staff: StaffIdentity, question_id: str, reason: str
) -> db.NoticeQuestion:
    """Set a question aside, never shown (abuse, not about the notice); commits."""
    row = _load(session, staff, question_id)
    if row.answered_at is not None or row.dismissed_reason is not None:
        raise QuestionRefused("already_handled")
    row.dismissed_reason = _staff_text(reason, ANSWER_MAX)
    row.answered_at = db.utcnow()
    row.answered_by = staff.name[:200]
    session.commit()
    return row


def listing(
    session: Session,
    township_id: str,
    state: str = "open",
    village: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[tuple[db.NoticeQuestion, str | None]]]:
    """The township's questions (oldest open first; else newest first), each with the
    title of the notice it is about."""
    q = db.NoticeQuestion
    where = [q.township_id == township_id]
    if state == "open":
        where += [q.answered_at.is_(None), q.dismissed_reason.is_(None)]
    elif state == "answered":
        where += [q.answer.is_not(None)]
    elif state == "dismissed":
        where += [q.dismissed_reason.is_not(None)]
    if village:
        where.append(q.village == village)
    total = session.execute(select(func.count()).select_from(q).where(*where)).scalar_one()
    title = (
        select(db.NoticeVersion.title)
        .where(db.NoticeVersion.number == q.number, db.NoticeVersion.version == q.version)
        .scalar_subquery()
    )
    order = q.asked_at.asc() if state == "open" else q.asked_at.desc()
    rows = session.execute(
        select(q, title).where(*where).order_by(order, q.id).offset(offset).limit(limit)
    ).all()
    return int(total), [(row[0], row[1]) for row in rows]


def unanswered_by_village(
    session: Session, township_ids: Iterable[str], now: dt.datetime
) -> dict[str, dict[str, int]]:
    """``{township_id: {village: n}}``: the questions asked before ``now`` that were not
    answered (nor set aside) by ``now`` — what each village owed its residents at that
    moment.  Villages that owed nothing are left out."""
    ids = list(set(township_ids))
    if not ids:
        return {}
    q = db.NoticeQuestion
    rows = session.execute(
        select(q.township_id, q.village, func.count())
        .where(
            q.township_id.in_(ids),
            q.asked_at <= now,
            (q.answered_at.is_(None)) | (q.answered_at > now),
        )
        .group_by(q.township_id, q.village)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for township_id, village, count in rows:
        out.setdefault(township_id, {})[village] = int(count)
    return out


def as_dict(row: db.NoticeQuestion, title: str | None) -> dict[str, Any]:
    """A question as staff see it (the whole phone number: the village calls back)."""
    state = "open"
    if row.dismissed_reason is not None:
        state = "dismissed"
    elif row.answer is not None:
        state = "answered"
    return {
        "id": row.id,
        "number": row.number,
        "version": row.version,
        "notice_title": title,
        "village": row.village,
        "text": row.text,
        "phone": row.phone,
        "phone_masked": model.mask_phone(row.phone),
        "asked_at": row.asked_at,
        "state": state,
        "answer": row.answer,
        "dismissed_reason": row.dismissed_reason,
        "answered_at": row.answered_at,
        "answered_by": row.answered_by,
    }
