"""Staff routes of the village's affairs (``/api/v1/staff``): residents' questions and the
village supervision committee's members.  Reviewing and publishing a notice is the ordinary
``POST /records/{id}/transition`` (``published``, or ``returned`` with a reason).

A question or member of another township answers 404, the same as one that does not exist.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.orm import Session

from gridterm.township.api.deps import current_staff, read_session, service_state, write_session
from gridterm.township.api.errors import ERROR_RESPONSES
from gridterm.township.api.schemas_board import (
    AnswerIn,
    DismissIn,
    QuestionOut,
    QuestionPage,
    QuestionState,
    SupervisorEnrolled,
    SupervisorIn,
    SupervisorList,
    SupervisorOut,
)
from gridterm.township.services import questions, supervisors
from gridterm.township.services.tokens import StaffIdentity

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], responses=ERROR_RESPONSES)
audit = logging.getLogger("gridterm.township.audit")

QuestionId = Path(max_length=64, description="a question's id")


@router.get("/questions", response_model=QuestionPage)
def question_list(
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(read_session),
    state: QuestionState = Query(default="open"),
    village: str | None = Query(default=None, max_length=200),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=10_000_000),
) -> QuestionPage:
    """The township's residents' questions: open ones oldest first, else newest first."""
    total, rows = questions.listing(session, staff.township_id, state, village, limit, offset)
    audit.info("staff %s listed %d questions", staff.staff_id, len(rows))
    return QuestionPage(
        total=total,
        limit=limit,
        offset=offset,
        items=[QuestionOut(**questions.as_dict(q, title)) for q, title in rows],
    )


@router.post("/questions/{question_id}/answer", response_model=QuestionOut)
def answer_question(
    body: AnswerIn,
    question_id: str = QuestionId,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> QuestionOut:
    """The village's answer: public at once, beside the question (given once: 409 after)."""
    row = questions.answer(session, staff, question_id, body.answer)
    audit.info("staff %s answered question %s", staff.staff_id, row.id)
    return QuestionOut(**questions.as_dict(row, None))


@router.post("/questions/{question_id}/dismiss", response_model=QuestionOut)
def dismiss_question(
    body: DismissIn,
    question_id: str = QuestionId,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> QuestionOut:
    """Set a question aside (abuse, nothing to do with the notice): never shown, not owed."""
    row = questions.dismiss(session, staff, question_id, body.reason)
    audit.info("staff %s set question %s aside", staff.staff_id, row.id)
    return QuestionOut(**questions.as_dict(row, None))


def _member(row) -> SupervisorOut:
    return SupervisorOut(
        id=row.id,
        village=row.village,
        name=row.name,
        phone=row.phone,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


@router.get("/supervisors", response_model=SupervisorList)
def supervisor_list(
    staff: StaffIdentity = Depends(current_staff), session: Session = Depends(read_session)
) -> SupervisorList:
    """The township's village supervision committee members (村务监督委员会)."""
    return SupervisorList(
        items=[_member(r) for r in supervisors.listing(session, staff.township_id)]
    )


@router.post("/supervisors", response_model=SupervisorEnrolled)
def enroll_supervisor(
    body: SupervisorIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> SupervisorEnrolled:
    """Enrol a member: the answer holds their personal link, shown this once."""
    token, row = supervisors.enroll(session, staff.township_id, body.village, body.name, body.phone)
    audit.info("staff %s enrolled supervisor %s", staff.staff_id, row.id)
    base = service_state(request).base_url or str(request.base_url).rstrip("/")
    return SupervisorEnrolled(
        **_member(row).model_dump(), token=token, link=f"{base.rstrip('/')}/v/s/{token}"
    )


@router.post("/supervisors/{supervisor_id}/revoke", response_model=SupervisorOut)
def revoke_supervisor(
    supervisor_id: str = Path(max_length=64),
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> SupervisorOut:
    """End a member's link; their countersignatures stay."""
    row = supervisors.revoke(session, staff.township_id, supervisor_id)
    audit.info("staff %s revoked supervisor %s", staff.staff_id, row.id)
    return _member(row)
