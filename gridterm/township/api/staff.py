"""The staff API (``/api/v1/staff``): township staff list, open, move and export records.

Every query is scoped to the caller's township: a record of another township answers 404, the
same as one that does not exist, so nothing about it leaks.  Every change takes the record's
row lock, follows :mod:`gridterm.core.workflow`, bumps the record's ``seq`` (so the
officer's device pulls the new status and feedback) and writes a ``record_events`` row: the
audit of who changed what.  Reads of a single record and exports are written to the
``gridterm.township.audit`` log (ids only, never contents).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gridterm.core import workflow
from gridterm.core.model import CHINA_TIME
from gridterm.township import db
from gridterm.township.api.deps import (
    StaffIdentity,
    current_staff,
    read_session,
    service_state,
    write_session,
)
from gridterm.township.api.errors import ERROR_RESPONSES, ApiError, request_language
from gridterm.township.api.schemas_staff import (
    BulkOut,
    BulkResult,
    BulkTransitionIn,
    CommentIn,
    EventOut,
    FeedbackIn,
    GridList,
    GridOut,
    Kind,
    MeOut,
    NamedRef,
    RecordDetail,
    RecordPage,
    RecordSummary,
    RevOut,
    Status,
    TransitionIn,
)
from gridterm.township.services import export

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], responses=ERROR_RESPONSES)
audit = logging.getLogger("gridterm.township.audit")

CST = CHINA_TIME
EXPORT_PAGE = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
RecordId = str


# --------------------------------------------------------------------------- helpers


def _lang(request: Request) -> str:
    return request_language(request.headers.get("accept-language"))


def _now() -> dt.datetime:
    return db.utcnow()


def _parse_moment(
    value: str | None, *, end: bool = False, key: str = "staff.bad_since"
) -> dt.datetime | None:
    """A date (``YYYY-MM-DD``, China time; ``end`` means the end of that day) or ISO time."""
    if value is None or value == "":
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            start = dt.datetime.combine(day, dt.time(), CST)
            return start + dt.timedelta(days=1) if end else start
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(422, "invalid_request", key, value=value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CST)
    return moment


def _clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    if _CONTROL.search(value):
        raise ApiError(422, "invalid_request", "staff.bad_text")
    return value.strip() or None


def _overdue_clause(now: dt.datetime):
    return and_(
        db.Record.status.in_(sorted(workflow.OPEN_STATES)),
        db.Record.due_at.is_not(None),
        db.Record.due_at < now,
    )


KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]


def _kinds(values: list[str] | None) -> list[str]:
    """``kind=report,case`` and ``kind=report&kind=case`` alike: the kinds asked for, each
    known, in first-seen order; a kind we do not know is a 422 naming it."""
    kinds: list[str] = []
    for value in values or ():
        for part in value.split(","):
            name = part.strip()
            if not name:
                continue
            if name not in KINDS:
                raise ApiError(
                    422,
                    "invalid_request",
                    "staff.bad_kind",
                    kind=name[:40],
                    known=", ".join(KINDS),
                )
            if name not in kinds:
                kinds.append(name)
    return kinds


def _is_overdue(rec: db.Record, now: dt.datetime) -> bool:
    return rec.status in workflow.OPEN_STATES and rec.due_at is not None and rec.due_at < now


def _summary_text(rec: db.Record) -> str:
    data = rec.data or {}
    if rec.kind == "report":
        what, detail = export.vocab_label("category", data.get("category")), data.get("description")
    elif rec.kind == "case":
        what, detail = (
            export.vocab_label("dispute_type", data.get("dispute_type")),
            data.get("summary"),
        )
    elif rec.kind == "visit":
        what, detail = data.get("template_id"), data.get("notes")
    else:
        what, detail = data.get("village"), data.get("head")
    detail = " ".join(str(detail or "").split())
    if len(detail) > 40:
        detail = detail[:39] + "…"
    return "：".join(p for p in (str(what or ""), detail) if p)


def _receipt_numbers(rec: db.Record) -> list[str]:
    out = []
    for r in rec.receipts or []:
        if isinstance(r, dict) and isinstance(r.get("number"), str):
            out.append(r["number"])
    return out


def _summary(
    rec: db.Record, grid_name: str | None, officer_name: str | None, now: dt.datetime, lang: str
) -> dict[str, Any]:
    short = "zh" if lang.startswith("zh") else "en"
    return {
        "id": rec.id,
        "kind": rec.kind,
        "rev": rec.rev,
        "grid": rec.grid_id,
        "grid_name": grid_name,
        "village": rec.village or None,
        "officer": officer_name or rec.officer_id,
        "device": rec.device_id,
        "status": rec.status,
        "status_label": workflow.label(rec.status, short),
        "category": rec.category or None,
        "urgency": rec.urgency or None,
        "summary": _summary_text(rec),
        "created_at": rec.created_at,
        "updated_at": rec.updated_at,
        "received_at": rec.received_at,
        "status_at": rec.status_at,
        "due_at": rec.due_at,
        "overdue": _is_overdue(rec, now),
        "seq": rec.seq,
        "receipt_numbers": _receipt_numbers(rec),
    }


def _encode_cursor(rec: db.Record) -> str:
    raw = json.dumps([rec.updated_at.isoformat(), rec.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, rid = json.loads(raw)
        moment = dt.datetime.fromisoformat(stamp)
        if not isinstance(rid, str) or moment.tzinfo is None or _CONTROL.search(rid):
            raise ValueError
        return moment, rid
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(400, "bad_cursor", "staff.bad_cursor", value=cursor[:40]) from None


def _load(session: Session, staff: StaffIdentity, record_id: str, *, lock: bool) -> db.Record:
    if len(record_id) > 64 or _CONTROL.search(record_id):
        # Not an id any record can have (and PostgreSQL refuses NUL in text): simply not found.
        raise ApiError(404, "not_found", "staff.not_found", id=repr(record_id[:64]))
    stmt = select(db.Record).where(
        db.Record.id == record_id, db.Record.township_id == staff.township_id
    )
    if lock:
        stmt = stmt.with_for_update()
    rec = session.execute(stmt).scalar_one_or_none()
    if rec is None:
        raise ApiError(404, "not_found", "staff.not_found", id=record_id[:64])
    return rec


_CONTENTION_STATES = {"40P01", "40001", "55P03"}  # deadlock, serialization, lock not available


@contextmanager
def _write_guard(session: Session) -> Iterator[None]:
    """Two writers that lock the same rows in different orders (a staff bulk change and a
    device's push, say) can deadlock on PostgreSQL, and a busy SQLite can time out: the
    database then aborts one transaction.  Nothing was changed; answer 409 "try again"."""
    try:
        yield
    except DBAPIError as exc:
        session.rollback()
        state = getattr(exc.orig, "sqlstate", None)
        if state in _CONTENTION_STATES or "locked" in str(exc.orig).lower():
            raise ApiError(409, "busy", "staff.busy", headers={"Retry-After": "1"}) from None
        raise


def _transition_error(exc: workflow.TransitionError, lang: str) -> ApiError:
    short = "zh" if lang.startswith("zh") else "en"
    params = {
        "from_status": exc.from_status,
        "to_status": exc.to_status,
        "from_label": workflow.label(exc.from_status, short),
        "to_label": workflow.label(exc.to_status, short),
        "allowed": ", ".join(workflow.allowed(exc.from_status)) or "-",
    }
    if exc.code == "reason_required":
        return ApiError(422, "reason_required", "staff.reason_required", **params)
    if exc.code == "unknown_status":
        return ApiError(422, "unknown_status", "staff.unknown_status", **params)
    return ApiError(409, "invalid_transition", "staff.invalid_transition", **params)


def _extension_due(rec: db.Record) -> dt.datetime | None:
    """An extension gives the record the longest time limit the rules allow (DOMAIN.md: at
    most 15 days with approval), counted from when it was reported; never earlier than now."""
    days = export._vocab().get("time_limits", {}).get("extension_max_days")
    if not isinstance(days, (int, float)) or rec.created_at is None:
        return rec.due_at
    extended = rec.created_at + dt.timedelta(days=days)
    return max(extended, rec.due_at) if rec.due_at else extended


def _apply_transition(
    session: Session, rec: db.Record, staff: StaffIdentity, body: TransitionIn | BulkTransitionIn
) -> None:
    now = _now()
    event = db.RecordEvent(
        record_id=rec.id,
        at=now,
        actor=_actor(staff),
        from_status=rec.status,
        to_status=body.to,
        reason=body.reason,
        feedback=body.feedback,
        public_reply=body.public_reply,
    )
    rec.status = body.to
    rec.status_at = now
    rec.handled_by = staff.name
    if body.feedback is not None:
        rec.feedback = body.feedback
    if body.public_reply is not None:
        rec.public_reply = body.public_reply
    if body.to == "extended":
        rec.due_at = _extension_due(rec)
    rec.seq = db.next_seq(session)
    session.add(event)


def _actor(staff: StaffIdentity) -> str:
    return f"staff:{staff.staff_id}:{staff.name}"[:200]


def _detail(session: Session, rec: db.Record, staff: StaffIdentity, lang: str) -> RecordDetail:
    now = _now()
    grid_name = session.execute(select(db.Grid.name).where(db.Grid.id == rec.grid_id)).scalar()
    officer_name = session.execute(
        select(db.Officer.name).where(db.Officer.id == rec.officer_id)
    ).scalar()
    revs = []
    rows = session.execute(
        select(db.RecordRev, db.Device.name)
        .outerjoin(db.Device, db.Device.id == db.RecordRev.device_id)
        .where(db.RecordRev.record_id == rec.id)
        .order_by(db.RecordRev.rev)
    ).all()
    for rev, device_name in rows:
        try:
            body = json.loads(rev.body)
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        updated = body.get("updated_at")
        try:
            updated_at = dt.datetime.fromisoformat(updated) if isinstance(updated, str) else None
        except ValueError:
            updated_at = None
        revs.append(
            RevOut(
                rev=rev.rev,
                device=device_name or rev.device_id,
                received_at=rev.received_at,
                updated_at=updated_at,
                data=body.get("data") if isinstance(body.get("data"), dict) else {},
            )
        )
    events = [
        EventOut(
            at=e.at,
            actor=e.actor,
            from_status=e.from_status,
            to_status=e.to_status,
            reason=e.reason,
            feedback=e.feedback,
            public_reply=e.public_reply,
            comment=e.comment,
        )
        for e in session.execute(
            select(db.RecordEvent)
            .where(db.RecordEvent.record_id == rec.id)
            .order_by(db.RecordEvent.at, db.RecordEvent.pk)
        ).scalars()
    ]
    return RecordDetail(
        **_summary(rec, grid_name, officer_name, now, lang),
        data=rec.data or {},
        receipts=[r for r in rec.receipts or [] if isinstance(r, dict)],
        feedback=rec.feedback,
        public_reply=rec.public_reply,
        handled_by=rec.handled_by,
        allowed_transitions=workflow.allowed(rec.status),
        revs=revs,
        events=events,
    )


# --------------------------------------------------------------------------- who am I


@router.get("/me", response_model=MeOut)
def me(
    staff: StaffIdentity = Depends(current_staff), session: Session = Depends(read_session)
) -> MeOut:
    township = session.get(db.Township, staff.township_id)
    return MeOut(
        staff=NamedRef(id=staff.staff_id, name=staff.name),
        township=NamedRef(id=staff.township_id, name=township.name if township else ""),
    )


@router.get("/grids", response_model=GridList)
def grids(
    staff: StaffIdentity = Depends(current_staff), session: Session = Depends(read_session)
) -> GridList:
    rows = session.execute(
        select(db.Grid).where(db.Grid.township_id == staff.township_id).order_by(db.Grid.name)
    ).scalars()
    out = {g.id: GridOut(id=g.id, name=g.name) for g in rows}
    officers = session.execute(
        select(db.Officer).where(db.Officer.grid_id.in_(list(out))).order_by(db.Officer.name)
    ).scalars()
    for o in officers:
        out[o.grid_id].officers.append(NamedRef(id=o.id, name=o.name))
    return GridList(items=list(out.values()))


# --------------------------------------------------------------------------- list


@router.get("/records", response_model=RecordPage)
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
        default=None, alias="from", max_length=40, description="YYYY-MM-DD or ISO time"
    ),
    date_to: str | None = Query(
        default=None, alias="to", max_length=40, description="YYYY-MM-DD (inclusive) or ISO time"
    ),
    overdue: bool | None = Query(default=None),
    q: str | None = Query(default=None, max_length=100, description="text search"),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=10_000_000),
    cursor: str | None = Query(default=None, max_length=200),
) -> RecordPage:
    lang = _lang(request)
    now = _now()
    conditions = [db.Record.township_id == staff.township_id]
    kinds = _kinds(kind)
    if kinds:
        conditions.append(db.Record.kind.in_(kinds))
    if status:
        conditions.append(db.Record.status == status)
    if open_only is True:
        conditions.append(db.Record.status.in_(sorted(workflow.OPEN_STATES)))
    elif open_only is False:
        conditions.append(db.Record.status.not_in(sorted(workflow.OPEN_STATES)))
    for column, value in (
        (db.Record.grid_id, grid),
        (db.Record.village, village),
        (db.Record.category, category),
        (db.Record.urgency, urgency),
    ):
        value = _clean_text(value)
        if value:
            conditions.append(column == value)
    start = _parse_moment(date_from)
    end = _parse_moment(date_to, end=True)
    if start and end and start > end:
        raise ApiError(422, "invalid_request", "staff.bad_range", start=date_from, end=date_to)
    if start:
        conditions.append(db.Record.created_at >= start)
    if end:
        if date_to and len(date_to.strip()) == 10:
            conditions.append(db.Record.created_at < end)
        else:
            conditions.append(db.Record.created_at <= end)
    if overdue is True:
        conditions.append(_overdue_clause(now))
    elif overdue is False:
        conditions.append(~_overdue_clause(now))
    text = _clean_text(q)
    if text:
        matches = [
            db.Record.search.contains(text.lower(), autoescape=True),
            db.Record.id == text,
        ]
        try:
            from gridterm.core.receipts import parse_number

            number = parse_number(text)
        except Exception:  # noqa: BLE001 - not a receipt number; plain text search only
            number = None
        if number:
            matches.append(
                db.Record.id.in_(select(db.Receipt.record_id).where(db.Receipt.number == number))
            )
        conditions.append(or_(*matches))

    total = session.execute(
        select(func.count()).select_from(db.Record).where(*conditions)
    ).scalar_one()

    stmt = (
        select(db.Record, db.Grid.name, db.Officer.name)
        .outerjoin(db.Grid, db.Grid.id == db.Record.grid_id)
        .outerjoin(db.Officer, db.Officer.id == db.Record.officer_id)
        .where(*conditions)
        .order_by(db.Record.updated_at.desc(), db.Record.id.desc())
        .limit(limit + 1)
    )
    if cursor:
        stamp, rid = _decode_cursor(cursor)
        stmt = stmt.where(
            or_(
                db.Record.updated_at < stamp,
                and_(db.Record.updated_at == stamp, db.Record.id < rid),
            )
        )
        offset = 0
    elif offset:
        stmt = stmt.offset(offset)
    rows = session.execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [RecordSummary(**_summary(r, g, o, now, lang)) for r, g, o in rows]
    return RecordPage(
        total=total,
        limit=limit,
        offset=offset,
        next_cursor=_encode_cursor(rows[-1][0]) if more and rows else None,
        items=items,
    )


# --------------------------------------------------------------------------- one record


@router.get("/records/{record_id}", response_model=RecordDetail)
def get_record(
    record_id: RecordId,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(read_session),
) -> RecordDetail:
    rec = _load(session, staff, record_id, lock=False)
    audit.info("staff %s read record %s", staff.staff_id, rec.id)
    return _detail(session, rec, staff, _lang(request))


@router.post("/records/{record_id}/transition", response_model=RecordDetail)
def transition(
    record_id: RecordId,
    body: TransitionIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> RecordDetail:
    lang = _lang(request)
    with _write_guard(session):
        rec = _load(session, staff, record_id, lock=True)
        try:
            workflow.check(rec.status, body.to, body.reason)
        except workflow.TransitionError as exc:
            raise _transition_error(exc, lang) from None
        _apply_transition(session, rec, staff, body)
        session.commit()
    audit.info("staff %s moved record %s to %s", staff.staff_id, rec.id, body.to)
    return _detail(session, rec, staff, lang)


@router.post("/records/{record_id}/feedback", response_model=RecordDetail)
def feedback(
    record_id: RecordId,
    body: FeedbackIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> RecordDetail:
    if body.feedback is None and body.public_reply is None:
        raise ApiError(422, "invalid_request", "staff.feedback_empty")
    with _write_guard(session):
        rec = _load(session, staff, record_id, lock=True)
        if body.feedback is not None:
            rec.feedback = body.feedback
        if body.public_reply is not None:
            rec.public_reply = body.public_reply
        rec.handled_by = staff.name
        rec.seq = db.next_seq(session)
        session.add(
            db.RecordEvent(
                record_id=rec.id,
                at=_now(),
                actor=_actor(staff),
                feedback=body.feedback,
                public_reply=body.public_reply,
            )
        )
        session.commit()
    audit.info("staff %s gave feedback on record %s", staff.staff_id, rec.id)
    return _detail(session, rec, staff, _lang(request))


@router.post("/records/{record_id}/comments", response_model=RecordDetail)
def comment(
    record_id: RecordId,
    body: CommentIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> RecordDetail:
    # A comment is between staff: the device never sees it, so seq is left alone.
    with _write_guard(session):
        rec = _load(session, staff, record_id, lock=True)
        session.add(
            db.RecordEvent(record_id=rec.id, at=_now(), actor=_actor(staff), comment=body.text)
        )
        session.commit()
    return _detail(session, rec, staff, _lang(request))


@router.post("/records/bulk-transition", response_model=BulkOut)
def bulk_transition(
    body: BulkTransitionIn,
    request: Request,
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(write_session),
) -> BulkOut:
    lang = _lang(request)
    wanted = list(dict.fromkeys(body.ids))
    with _write_guard(session):
        found = {
            r.id: r
            for r in session.execute(
                select(db.Record)
                .where(db.Record.id.in_(wanted), db.Record.township_id == staff.township_id)
                .order_by(db.Record.id)
                .with_for_update()
            ).scalars()
        }
        results = []
        for rid in wanted:
            rec = found.get(rid)
            if rec is None:
                error = ApiError(404, "not_found", "staff.not_found", id=rid[:64])
                results.append(
                    BulkResult(id=rid, ok=False, code=error.code, detail=error.message(lang))
                )
                continue
            try:
                workflow.check(rec.status, body.to, body.reason)
            except workflow.TransitionError as exc:
                error = _transition_error(exc, lang)
                results.append(
                    BulkResult(
                        id=rid,
                        ok=False,
                        status=rec.status,
                        code=error.code,
                        detail=error.message(lang),
                    )
                )
                continue
            _apply_transition(session, rec, staff, body)
            results.append(BulkResult(id=rid, ok=True, status=rec.status))
        session.commit()
    audit.info(
        "staff %s moved %d records to %s", staff.staff_id, sum(r.ok for r in results), body.to
    )
    return BulkOut(results=results)


# --------------------------------------------------------------------------- export


def _export_row(rec: Any, grid_name: str | None, officer_name: str | None, now) -> dict:
    return {
        "id": rec.id,
        "kind": rec.kind,
        "rev": rec.rev,
        "grid": rec.grid_id,
        "grid_name": grid_name,
        "village": rec.village,
        "officer": officer_name or rec.officer_id,
        "officer_id": rec.officer_id,
        "device": rec.device_id,
        "created_at": rec.created_at,
        "updated_at": rec.updated_at,
        "received_at": rec.received_at,
        "status": rec.status,
        "status_at": rec.status_at,
        "due_at": rec.due_at,
        "overdue": _is_overdue(rec, now),
        "feedback": rec.feedback,
        "public_reply": rec.public_reply,
        "handled_by": rec.handled_by,
        "receipt_numbers": _receipt_numbers(rec),
        "receipts": rec.receipts or [],
        "data": rec.data or {},
    }


def _export_conditions(staff: StaffIdentity, since: dt.datetime | None, kind: str | None):
    conditions = [db.Record.township_id == staff.township_id]
    if kind:
        conditions.append(db.Record.kind == kind)
    if since:
        conditions.append(
            or_(
                db.Record.received_at >= since,
                and_(db.Record.status_at.is_not(None), db.Record.status_at >= since),
            )
        )
    return conditions


# Core rows (attribute access like the ORM object, a fraction of the cost); no search text.
_EXPORT_COLUMNS = [c for c in db.Record.__table__.c if c.name not in ("search", "township_id")]


def iter_export_rows(sessions, conditions: list, kinds=export.KINDS) -> Iterator[dict[str, Any]]:
    """Every matching record, kind by kind, a page of ``EXPORT_PAGE`` at a time: keyset paging
    on (updated_at, id) within one kind, which the (township, kind, updated_at) index serves;
    a short read session per page, so no transaction stays open while the client reads."""
    now = _now()
    for kind in kinds:
        after: tuple[dt.datetime, str] | None = None
        while True:
            stmt = (
                select(
                    *_EXPORT_COLUMNS,
                    db.Grid.name.label("grid_name"),
                    db.Officer.name.label("officer_name"),
                )
                .select_from(db.Record)
                .outerjoin(db.Grid, db.Grid.id == db.Record.grid_id)
                .outerjoin(db.Officer, db.Officer.id == db.Record.officer_id)
                .where(*conditions, db.Record.kind == kind)
                .order_by(db.Record.updated_at, db.Record.id)
                .limit(EXPORT_PAGE)
            )
            if after is not None:
                stmt = stmt.where(tuple_(db.Record.updated_at, db.Record.id) > tuple_(*after))
            with sessions() as session:
                rows = session.execute(stmt).all()
                page = [_export_row(r, r.grid_name, r.officer_name, now) for r in rows]
                if rows:
                    after = (rows[-1].updated_at, rows[-1].id)
            yield from page
            if len(rows) < EXPORT_PAGE:
                break


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
    since: str | None = Query(default=None, max_length=40, description="YYYY-MM-DD or ISO time"),
    kind: Kind | None = Query(default=None),
) -> StreamingResponse:
    moment = _parse_moment(since)
    conditions = _export_conditions(staff, moment, kind)
    sessions = service_state(request).sessions
    with sessions() as session:
        total = session.execute(
            select(func.count()).select_from(db.Record).where(*conditions)
        ).scalar_one()
    headers = {
        "Content-Disposition": f'attachment; filename="{export.filename(fmt)}"',
        "X-Record-Count": str(total),
        "Cache-Control": "no-store",
    }
    audit.info("staff %s exported %d records as %s", staff.staff_id, total, fmt)
    if fmt == "xlsx":

        def rows_of_kind(kind_name: str) -> Iterator[dict[str, Any]]:
            return iter_export_rows(sessions, conditions, kinds=(kind_name,))

        spool, size = export.xlsx_file(rows_of_kind)
        headers["Content-Length"] = str(size)
        return StreamingResponse(
            export.file_chunks(spool), media_type=export.MEDIA_TYPES["xlsx"], headers=headers
        )
    rows = iter_export_rows(sessions, conditions)
    chunks = export.csv_chunks(rows) if fmt == "csv" else export.jsonl_chunks(rows)
    return StreamingResponse(chunks, media_type=export.MEDIA_TYPES[fmt], headers=headers)
