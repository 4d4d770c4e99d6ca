"""The county's part of the staff API (issue 15; docs/county.md): the summary figures and
their weekly trends, a record's tier set by staff, the county's supervision (督办).

The moves of the ladder (escalate, sign for, assign to a county department, return, done)
are the staff API's one transition route (:mod:`gridterm.township.api.staff`); who may see
what is :mod:`~gridterm.township.services.scope`'s.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from gridterm.township.api import links
from gridterm.township.api.deps import current_staff, read_session, write_session
from gridterm.township.api.errors import ERROR_RESPONSES, request_language
from gridterm.township.api.schemas_county import SummaryOut, SuperviseIn, TierIn, WeeklyOut
from gridterm.township.api.schemas_staff import RecordDetail
from gridterm.township.services import records, summary, summary_weekly, supervision
from gridterm.township.services.tokens import StaffIdentity

router = APIRouter(prefix="/api/v1/staff", tags=["county"], responses=ERROR_RESPONSES)

_DAY = {"pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _lang(request: Request) -> str:
    return request_language(request.headers.get("accept-language"))


@router.get("/summary", response_model=SummaryOut, response_model_by_alias=True)
def county_summary(
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(read_session),
    date_from: str | None = Query(
        default=None,
        alias="from",
        max_length=10,
        json_schema_extra=_DAY,
        description="YYYY-MM-DD (default: 29 days before `to`)",
    ),
    date_to: str | None = Query(
        default=None,
        alias="to",
        max_length=10,
        json_schema_extra=_DAY,
        description="YYYY-MM-DD, included (default: today, China time)",
    ),
) -> SummaryOut:
    """Each township's figures over the period (a county's: every township of it; a
    leader's villages too), from the records themselves."""
    return SummaryOut(**summary.summary(session, staff, date_from, date_to))


@router.get("/summary/weekly", response_model=WeeklyOut)
def county_weekly(
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(read_session),
    weeks: int = Query(default=12, ge=1, le=summary_weekly.MAX_WEEKS),
) -> WeeklyOut:
    """Per township, week by week: records overdue at each week's end, and the share of each
    week's records settled in the village."""
    return WeeklyOut(**summary_weekly.weekly(session, staff, weeks))


@router.post(
    "/records/{record_id}/tier",
    response_model=RecordDetail,
    responses=links.to_record("$response.body#/id"),
)
def set_tier(
    record_id: str,
    body: TierIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> RecordDetail:
    """Set a report's or case's risk tier, with a reason (township or county staff)."""
    rec = supervision.set_tier(session, staff, record_id, body.tier, body.reason)
    return RecordDetail(**records.detail(session, rec, _lang(request), staff))


@router.post(
    "/records/{record_id}/supervise",
    response_model=RecordDetail,
    responses=links.to_record("$response.body#/id"),
)
def supervise(
    record_id: str,
    body: SuperviseIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> RecordDetail:
    """督办: a deadline and a note on an open record of the county's townships."""
    rec = supervision.supervise(session, staff, record_id, body.deadline, body.note)
    return RecordDetail(**records.detail(session, rec, _lang(request), staff))
