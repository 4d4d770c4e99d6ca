"""The staff API (``/api/v1/staff``): township staff list, open, move and export records.

Every query is scoped to the caller's township: a record of another township answers 404, the
same as one that does not exist, so nothing about it leaks.  The rules are in services:
:mod:`~gridterm.township.services.search` (the list),
:mod:`~gridterm.township.services.records` (one record),
:mod:`~gridterm.township.services.transitions` (every change, with its audit) and
:mod:`~gridterm.township.services.export`.  Reads of a single record and exports are written
to the ``gridterm.township.audit`` log (ids only, never contents).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from gridterm.township.api import links
from gridterm.township.api.deps import current_staff, read_session, service_state, write_session
from gridterm.township.api.errors import ERROR_RESPONSES, from_service, request_language
from gridterm.township.api.schemas_staff import (
    BulkOut,
    BulkResult,
    BulkTransitionIn,
    CommentIn,
    DepartmentList,
    FeedbackIn,
    GridList,
    Kind,
    MeOut,
    NamedRef,
    RecordDetail,
    RecordPage,
    Status,
    TransitionIn,
)
from gridterm.township.services import (
    bounds,
    county,
    departments,
    directory,
    export,
    records,
    scope,
    search,
    summary,
    transitions,
)
from gridterm.township.services.tokens import StaffIdentity

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], responses=ERROR_RESPONSES)
audit = logging.getLogger("gridterm.township.audit")

RecordId = str
# Stated in /openapi.json; checked by the service, whose 422 names the value and the window.
_WHEN = {"pattern": bounds.QUERY_TIME_PATTERN}


def _lang(request: Request) -> str:
    return request_language(request.headers.get("accept-language"))


def _change(body: TransitionIn | BulkTransitionIn) -> transitions.Change:
    return transitions.Change(
        to=body.to,
        reason=body.reason,
        feedback=body.feedback,
        public_reply=body.public_reply,
        assignee=body.assignee,
        department=body.department,
        rev=body.rev if isinstance(body, TransitionIn) else None,
    )


@router.get("/me", response_model=MeOut)
def me(
    staff: StaffIdentity = Depends(current_staff), session: Session = Depends(read_session)
) -> MeOut:
    """Who the token names: a township's staff (``township``), or a county's staff or leader
    (``county``; a leader's ``villages``)."""
    town = None
    if staff.township_id:
        name = directory.township_name(session, staff.township_id)
        town = NamedRef(id=staff.township_id, name=name)
    place = county.describe(session, staff.county_id) if staff.is_county else None
    return MeOut(
        staff=NamedRef(id=staff.staff_id, name=staff.name),
        township=town,
        role=staff.role,
        county=NamedRef(**place) if place else None,
        villages=list(dict.fromkeys(v for _t, v in staff.villages)),
    )


@router.get("/grids", response_model=GridList)
def grids(
    staff: StaffIdentity = Depends(current_staff), session: Session = Depends(read_session)
) -> GridList:
    """The grids of the caller's township (a county's: of every township of it)."""
    items = []
    for township_id in scope.township_ids(session, staff):
        items += directory.grids(session, township_id)
    return GridList(items=items)


@router.get("/departments", response_model=DepartmentList)
def department_list(
    staff: StaffIdentity = Depends(current_staff), session: Session = Depends(read_session)
) -> DepartmentList:
    """Who records can be assigned to: the township's departments and named people — for a
    county's staff and leaders, the county's departments."""
    if staff.is_county:
        rows = county.departments(session, staff.county_id)
    else:
        rows = departments.list_departments(session, staff.township_id)
    return DepartmentList(items=[departments.as_dict(r) for r in rows])


@router.get(
    "/records", response_model=RecordPage, responses=links.to_record("$response.body#/items/0/id")
)
def list_records(
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(read_session),
    kind: list[str] | None = Query(
        default=None,
        max_length=8,
        description="one kind, several comma-separated (report,case) or kind repeated",
    ),
    status: Status | None = Query(default=None),
    open_only: bool | None = Query(
        default=None,
        alias="open",
        description="true: states that still need the township; false: the others",
    ),
    grid: str | None = Query(default=None, max_length=64),
    village: str | None = Query(default=None, max_length=200),
    category: str | None = Query(default=None, max_length=64),
    urgency: str | None = Query(default=None, max_length=32),
    date_from: str | None = Query(
        default=None,
        alias="from",
        max_length=40,
        description="YYYY-MM-DD or ISO time",
        json_schema_extra=_WHEN,
    ),
    date_to: str | None = Query(
        default=None,
        alias="to",
        max_length=40,
        description="YYYY-MM-DD (inclusive) or ISO time",
        json_schema_extra=_WHEN,
    ),
    overdue: bool | None = Query(default=None),
    q: str | None = Query(default=None, max_length=100, description="text search"),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=10_000_000),
    cursor: str | None = Query(default=None, max_length=200),
    tier: list[str] | None = Query(
        default=None, max_length=3, description="red, yellow, green: several, or repeated"
    ),
    level: str | None = Query(
        default=None, max_length=16, description="who owns it now: village, township, county"
    ),
    supervised: bool | None = Query(
        default=None, description="true: under the county's supervision, not closed"
    ),
    township: str | None = Query(
        default=None, max_length=64, description="one township of a county's (its id)"
    ),
    mine: bool | None = Query(default=None, description="a county leader's own villages"),
) -> RecordPage:
    query = search.RecordQuery(
        kind=kind,
        status=status,
        open_only=open_only,
        grid=grid,
        village=village,
        category=category,
        urgency=urgency,
        date_from=date_from,
        date_to=date_to,
        overdue=overdue,
        q=q,
        limit=limit,
        offset=offset,
        cursor=cursor,
        tier=tier,
        level=level,
        supervised=supervised,
        township=township,
        mine=mine,
    )
    page = search.list_records(session, staff.township_id, query, _lang(request), staff)
    return RecordPage(**page)


# Declared before /records/{record_id}: Starlette tries routes in order, and that path would
# otherwise catch this one (OPTIONS, GET answered "Allow: GET").
@router.post(
    "/records/bulk-transition",
    response_model=BulkOut,
    responses=links.to_record("$response.body#/results/0/id"),
)
def bulk_transition(
    body: BulkTransitionIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> BulkOut:
    lang = _lang(request)
    results = []
    for outcome in transitions.bulk_transition(session, staff, body.ids, _change(body)):
        if outcome.error is None:
            results.append(BulkResult(id=outcome.id, ok=True, status=outcome.status))
            continue
        error = from_service(outcome.error, lang)
        results.append(
            BulkResult(
                id=outcome.id,
                ok=False,
                status=outcome.status,
                code=error.code,
                detail=error.message(lang),
            )
        )
    return BulkOut(results=results)


@router.get(
    "/records/{record_id}",
    response_model=RecordDetail,
    operation_id=links.GET_RECORD,
    responses=links.to_record("$response.body#/id"),
)
def get_record(
    record_id: RecordId,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(read_session),
) -> RecordDetail:
    return RecordDetail(**records.read(session, staff, record_id, _lang(request)))


@router.post(
    "/records/{record_id}/transition",
    response_model=RecordDetail,
    operation_id=links.TRANSITION,
    responses=links.to_record("$response.body#/id"),
)
def transition(
    record_id: RecordId,
    body: TransitionIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> RecordDetail:
    rec = transitions.transition(session, staff, record_id, _change(body))
    return RecordDetail(**records.detail(session, rec, _lang(request), staff))


@router.post(
    "/records/{record_id}/feedback",
    response_model=RecordDetail,
    operation_id=links.FEEDBACK,
    responses=links.to_record("$response.body#/id"),
)
def feedback(
    record_id: RecordId,
    body: FeedbackIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> RecordDetail:
    rec = transitions.give_feedback(session, staff, record_id, body.feedback, body.public_reply)
    return RecordDetail(**records.detail(session, rec, _lang(request), staff))


@router.post(
    "/records/{record_id}/comments",
    response_model=RecordDetail,
    operation_id=links.COMMENT,
    responses=links.to_record("$response.body#/id"),
)
def comment(
    record_id: RecordId,
    body: CommentIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> RecordDetail:
    rec = transitions.add_comment(session, staff, record_id, body.text)
    return RecordDetail(**records.detail(session, rec, _lang(request), staff))


_EXPORT_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    export.MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
    "application/x-ndjson": {"schema": {"type": "string"}},
}


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"description": "The export file", "content": _EXPORT_CONTENT}},
)
def export_records(
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    fmt: export.Format = Query(default="xlsx", alias="format"),
    since: str | None = Query(
        default=None, max_length=40, description="YYYY-MM-DD or ISO time", json_schema_extra=_WHEN
    ),
    kind: Kind | None = Query(default=None),
    summary_from: str | None = Query(
        default=None,
        alias="from",
        max_length=10,
        description="the summary sheet's first day, YYYY-MM-DD (default: 29 days before `to`)",
    ),
    summary_to: str | None = Query(
        default=None,
        alias="to",
        max_length=10,
        description="the summary sheet's last day, YYYY-MM-DD (default: today)",
    ),
) -> StreamingResponse:
    """The records of the caller's township (a county's: of every township of it) as a file;
    the XLSX workbook ends with a sheet of the county's figures (docs/county.md)."""
    state = service_state(request)
    base = state.base_url or str(request.base_url).rstrip("/")
    with state.sessions() as session:
        towns = scope.township_ids(session, staff)
        figures = None
        if fmt == "xlsx":
            figures = summary.summary(session, staff, summary_from, summary_to)
    where = staff.township_id if not staff.is_county else towns
    job = export.start(state.sessions, where, since, kind, figures, base)
    headers = {
        "Content-Disposition": f'attachment; filename="{export.filename(fmt)}"',
        "X-Record-Count": str(job.total),
        "Cache-Control": "no-store",
    }
    audit.info("staff %s exported %d records as %s", staff.staff_id, job.total, fmt)
    return StreamingResponse(
        export.body(job, fmt), media_type=export.MEDIA_TYPES[fmt], headers=headers
    )
