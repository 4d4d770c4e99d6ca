"""The device API: ``POST /api/v1/enroll``, ``POST /api/v1/sync/push``, ``GET /api/v1/sync/pull``.

Push rules (DESIGN.md "Sync protocol"): each record gets its own result and one bad record
never fails the batch.  A rev is stored once: the unique ``(record_id, rev)`` constraint and
``INSERT … ON CONFLICT DO NOTHING`` decide, never a check before the insert, so the same batch
sent twice — even at the same instant on two connections — stores each rev once and answers
``unchanged`` to the late one.  The same id and rev with other content is a ``conflict``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import JSON, BigInteger, DateTime, Integer, delete, select, text, tuple_, update
from sqlalchemy import insert as sa_insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gridterm.core import model, workflow
from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.api.deps import (
    DeviceIdentity,
    client_address,
    current_device,
    new_token,
    read_session,
    service_state,
    token_hash,
    write_session,
)
from gridterm.township.api.errors import ERROR_RESPONSES, ApiError, request_language
from gridterm.township.api.schemas_sync import (
    EnrollIn,
    EnrollOut,
    Named,
    OfficerOut,
    PullOut,
    PullUpdate,
    PushIn,
    PushOut,
)
from gridterm.township.services import review

router = APIRouter(prefix="/api/v1", tags=["sync"], responses=ERROR_RESPONSES)

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 8
_CODE_ALIASES = {"I": "1", "L": "1", "O": "0"}
SEARCH_MAX = 4000
IDEMPOTENCY_TTL = dt.timedelta(days=7)


def _insert(session: Session, model_class: Any):
    """A Core ``INSERT`` (with ``ON CONFLICT`` support) into ``model_class``'s table.  Core, not
    ORM, so a list of parameter sets runs as one executemany / multi-row statement."""
    table = model_class.__table__
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    return sa_insert(table)


# --------------------------------------------------------------------------- enrollment


def normalize_code(text: str) -> str | None:
    """The 8 characters a typed code stands for (case, dashes and spaces ignored; I/L read as
    1, O as 0), or None when it cannot be a code."""
    out = []
    for ch in text.strip().upper():
        if ch in " -\t":
            continue
        ch = _CODE_ALIASES.get(ch, ch)
        if ch not in CODE_ALPHABET:
            return None
        out.append(ch)
    return "".join(out) if len(out) == CODE_LENGTH else None


def code_hash(code: str) -> str:
    return hashlib.sha256(("gridterm-enroll|" + code).encode("ascii")).hexdigest()


def new_code() -> str:
    """A fresh code, shown as ``XXXX-XXXX``."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{body[:4]}-{body[4:]}"


@router.post("/enroll", response_model=EnrollOut)
def enroll(
    body: EnrollIn,
    request: Request,
    session: Session = Depends(write_session),
) -> EnrollOut:
    state = service_state(request)
    address = client_address(request)
    limiter = state.enroll_limiter
    if not limiter.allowed(address):
        raise ApiError(
            429,
            "rate_limited",
            "service.error.enroll_rate_limited",
            headers={"Retry-After": str(limiter.retry_after(address))},
        )

    def refuse(code: str) -> ApiError:
        limiter.spend(address)
        return ApiError(403, code, f"service.error.{code}")

    code = normalize_code(body.code)
    if code is None:
        raise refuse("code_invalid")
    row = session.execute(
        select(db.EnrollmentCode).where(db.EnrollmentCode.code_hash == code_hash(code))
    ).scalar_one_or_none()
    if row is None:
        raise refuse("code_invalid")
    now = db.utcnow()
    if row.used_at is not None:
        raise refuse("code_used")
    if row.expires_at <= now:
        raise refuse("code_expired")

    device_id = str(uuid.uuid4())
    claimed = session.execute(
        update(db.EnrollmentCode)
        .where(db.EnrollmentCode.id == row.id, db.EnrollmentCode.used_at.is_(None))
        .values(used_at=now, device_id=device_id)
    ).rowcount
    if claimed != 1:  # another enrollment took it a moment ago
        raise refuse("code_used")

    officer = session.get(db.Officer, row.officer_id)
    grid = session.get(db.Grid, officer.grid_id)
    township = session.get(db.Township, grid.township_id)
    token = new_token("d")
    device_secret = secrets.token_urlsafe(32)
    session.add(
        db.Device(
            id=device_id,
            officer_id=officer.id,
            name=body.device_name.strip() or officer.name,
            token_hash=token_hash(token),
            secret=device_secret,
            enrolled_at=now,
        )
    )
    session.commit()
    service_url = state.base_url or str(request.base_url).rstrip("/")
    return EnrollOut(
        device_id=device_id,
        token=token,
        device_secret=device_secret,
        officer=OfficerOut(id=officer.id, name=officer.name, phone=officer.phone),
        grid=Named(id=grid.id, name=grid.name),
        township=Named(id=township.id, name=township.name),
        service_url=service_url,
    )


# --------------------------------------------------------------------------- push


@dataclass
class Incoming:
    index: int
    id: str
    rev: int
    record: dict[str, Any]
    body: str
    digest: str
    receipts: list[dict[str, Any]] = field(default_factory=list)


class Rejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _envelope_id(raw: Any) -> tuple[str, int | None]:
    if not isinstance(raw, dict):
        return "", None
    rid = raw.get("id")
    rev = raw.get("rev")
    return (
        rid[:64] if isinstance(rid, str) else "",
        rev if isinstance(rev, int) and not isinstance(rev, bool) else None,
    )


_parse_time = model.as_datetime  # timestamps the model already validated


def _search_text(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        if value:
            out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _search_text(item, out)
    elif isinstance(value, list):
        for item in value:
            _search_text(item, out)


def _filter_columns(record: dict[str, Any]) -> dict[str, Any]:
    data = record.get("data") or {}
    parts: list[str] = []
    _search_text(data, parts)
    search = " ".join(parts).lower()[:SEARCH_MAX]
    return {
        "village": str(data.get("village") or "")[:200],
        "category": str(data.get("category") or data.get("dispute_type") or "")[:64],
        "urgency": str(data.get("urgency") or "")[:32],
        "search": search,
    }


def _prepare(raw: Any, index: int, device: DeviceIdentity, lang: str) -> Incoming:
    """Validate one pushed record and put it in the device's grid; raises Rejected."""
    try:
        record = model.validate_record(raw)
    except model.ValidationError as exc:
        raise Rejected(exc.message(lang)) from None
    owned = [k for k in model.SERVICE_OWNED if k in record]
    if owned:
        raise Rejected(t("service.push.service_owned", lang=lang, fields=", ".join(owned)))
    for key in model.DEVICE_ONLY:
        record.pop(key, None)
    if record.get("grid") in ("", None):
        record["grid"] = device.grid_id
    elif record["grid"] != device.grid_id:
        raise Rejected(t("service.push.other_grid", lang=lang, grid=record["grid"]))
    if record.get("officer") in ("", None):
        record["officer"] = device.officer_id
    receipts: list[dict[str, Any]] = []
    for item in record.get("receipts") or []:
        number_text = item.get("number", "")
        try:
            number = _receipts().parse_number(number_text)
        except _receipts().ReceiptNumberError as exc:
            raise Rejected(exc.message(lang)) from None
        if not _receipts().verify(number, item.get("sig", ""), device.secret):
            raise Rejected(
                t(
                    "service.push.receipt_forged",
                    lang=lang,
                    number=_receipts().format_number(number),
                )
            )
        receipts.append(
            {
                "number": number,
                "issued_at": _parse_time(item.get("issued_at")),
                "party": item.get("party"),
            }
        )
    # History keeps what the device sent (canonical form: key order and spacing aside),
    # before any normalisation; it is also what "the same content" is judged by.
    body = model.canonical_json(model.wire_form(raw))
    return Incoming(
        index=index,
        id=record["id"],
        rev=record["rev"],
        record=record,
        body=body.decode("utf-8"),
        digest=hashlib.sha256(body).hexdigest(),
        receipts=receipts,
    )


def _receipts():
    from gridterm.core import receipts

    return receipts


def push_records(
    session: Session, device: DeviceIdentity, records: list[Any], lang: str
) -> list[dict[str, Any]]:
    """Store one batch for ``device``; the caller commits.  Results (dicts shaped like
    :class:`PushResult`) are in the batch's order."""
    results: list[dict[str, Any] | None] = [None] * len(records)

    def settle(item: Incoming, result: str, error: str | None = None) -> None:
        results[item.index] = {"id": item.id, "rev": item.rev, "result": result, "error": error}

    # 1. Validate each record on its own.
    incoming: list[Incoming] = []
    for index, raw in enumerate(records):
        try:
            incoming.append(_prepare(raw, index, device, lang))
        except Rejected as exc:
            rid, rev = _envelope_id(raw)
            results[index] = {"id": rid, "rev": rev, "result": "rejected", "error": exc.message}

    # 2. The same (id, rev) twice in one batch: the later copy compares with the first.
    first: dict[tuple[str, int], Incoming] = {}
    unique: list[Incoming] = []
    for item in incoming:
        earlier = first.get((item.id, item.rev))
        if earlier is None:
            first[(item.id, item.rev)] = item
            unique.append(item)
        elif earlier.digest == item.digest:
            settle(item, "unchanged")
        else:
            settle(item, "conflict", t("service.push.conflict", lang=lang, rev=item.rev))

    # 3. A record that already lives in another grid stays there.
    homes: dict[str, str] = {}
    if unique:
        ids = list({item.id for item in unique})
        homes = dict(
            session.execute(
                select(db.Record.id, db.Record.grid_id).where(db.Record.id.in_(ids))
            ).all()
        )
        kept = []
        for item in unique:
            home = homes.get(item.id)
            if home is not None and home != device.grid_id:
                settle(item, "rejected", t("service.push.other_grid_record", lang=lang))
            else:
                kept.append(item)
        unique = kept

    # 4. Receipt numbers are bound to one record each, for good.
    unique = _bind_receipts(session, device, unique, settle, lang)

    # 5. Every rev once: the unique constraint decides what is new.
    if unique:
        now = db.utcnow()
        rows = [
            {
                "record_id": item.id,
                "rev": item.rev,
                "body": item.body,
                "digest": item.digest,
                "device_id": device.device_id,
                "received_at": now,
            }
            for item in unique
        ]
        inserted = _insert_revs(session, rows)
        seen = [item for item in unique if (item.id, item.rev) not in inserted]
        if seen:
            pairs = [(item.id, item.rev) for item in seen]
            digests = {
                (r[0], r[1]): r[2]
                for r in session.execute(
                    select(db.RecordRev.record_id, db.RecordRev.rev, db.RecordRev.digest).where(
                        tuple_(db.RecordRev.record_id, db.RecordRev.rev).in_(pairs)
                    )
                ).all()
            }
            for item in seen:
                if digests.get((item.id, item.rev)) == item.digest:
                    settle(item, "unchanged")
                else:
                    settle(item, "conflict", t("service.push.conflict", lang=lang, rev=item.rev))
        stored = [item for item in unique if (item.id, item.rev) in inserted]
        for item in stored:
            settle(item, "stored")
        _upsert_current(session, device, stored, now)
        # Only a record that existed before, or one that enters in another state than the
        # default, can have a workflow consequence: spare the rest a lookup.
        affected = [
            item.record
            for item in stored
            if item.id in homes
            or workflow.initial_status(item.record["kind"], item.record.get("data"))
            != workflow.INITIAL
        ]
        if affected:
            review.after_push(session, device.device_id, affected, now)

    return [r for r in results if r is not None]


def _insert_revs(session: Session, rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    """Insert rev rows, skipping any (record_id, rev) already stored; returns the inserted keys.

    PostgreSQL: one ``INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING``.
    SQLite: the common case — every rev is new — is one executemany whose row count proves
    it; otherwise (a retry, a conflict) it is rolled back to a savepoint and redone with
    RETURNING, which names exactly the rows this transaction inserted."""
    if session.get_bind().dialect.name == "postgresql":
        returned = _pg_bulk(
            session,
            db.RecordRev.__table__,
            rows,
            "ON CONFLICT (record_id, rev) DO NOTHING RETURNING record_id, rev",
        )
        return {(r[0], r[1]) for r in returned}
    savepoint = session.begin_nested()
    count = _sqlite_bulk(
        session, db.RecordRev.__table__, rows, "ON CONFLICT (record_id, rev) DO NOTHING"
    )
    if count == len(rows):
        savepoint.commit()
        return {(row["record_id"], row["rev"]) for row in rows}
    savepoint.rollback()
    stmt = _insert(session, db.RecordRev).on_conflict_do_nothing(
        index_elements=["record_id", "rev"]
    )
    table = db.RecordRev.__table__
    returned = session.execute(stmt.returning(table.c.record_id, table.c.rev), rows).all()
    return {(r[0], r[1]) for r in returned}


def _pg_record_type(column: Any) -> str:
    """The type a column's field is read as from the JSON batch (``json_to_recordset``)."""
    kind = column.type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, (DateTime, db.UTCDateTime)):
        return "timestamp"
    if isinstance(kind, BigInteger):
        return "bigint"
    if isinstance(kind, Integer):
        return "integer"
    return "text"


def _pg_json_default(value: Any) -> Any:
    # Datetimes are stored as naive UTC (db.UTCDateTime); nothing else non-JSON reaches here.
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _pg_bulk(session: Session, table: Any, rows: list[dict[str, Any]], tail: str) -> list[Any]:
    """``INSERT INTO table (…) SELECT … FROM json_to_recordset(:rows) … tail`` (PostgreSQL
    only): one statement, one round trip and one parameter for the whole batch, its text the
    same for every batch.  The batch travels as one JSON document (made by the json module's
    C encoder, parsed by PostgreSQL), not as an array per column, which psycopg's Python
    adapters would escape element by element.  Text comes back out exactly as it went in."""
    names = list(rows[0])
    quoted = ", ".join(f'"{name}"' for name in names)
    fields = ", ".join(f'"{name}" {_pg_record_type(table.c[name])}' for name in names)
    sql = (
        f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} '
        f"FROM json_to_recordset(CAST(:rows AS json)) AS u({fields}) {tail}"
    )
    batch = json.dumps(rows, ensure_ascii=False, allow_nan=False, default=_pg_json_default)
    result = session.execute(text(sql), {"rows": batch})
    return result.all() if result.returns_rows else []


def _sqlite_bulk(session: Session, table: Any, rows: list[dict[str, Any]], tail: str) -> int:
    """``INSERT INTO table (…) VALUES (?, …) tail`` as one DB-API executemany (SQLite only);
    returns the number of rows changed.

    Each column's own bind processor (the dialect's, exactly what a Core insert applies:
    JSON serialised, datetimes as UTC text) is looked up once per batch and applied here,
    sparing SQLAlchemy's per-row parameter building — the largest cost of a push."""
    names = list(rows[0])
    dialect = session.get_bind().dialect
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    # Column by column (list comprehensions and zip run in C), then one tuple per row.
    columns = []
    for name, proc in zip(names, processors, strict=True):
        values = [row[name] for row in rows]
        if proc is not None:
            if isinstance(table.c[name].type, (DateTime, db.UTCDateTime)):
                # A batch's timestamps repeat (received_at is one instant, created_at is
                # often updated_at): each distinct one is converted once.
                done = {value: proc(value) for value in set(values)}
                values = [done[value] for value in values]
            else:
                values = [proc(value) for value in values]
        columns.append(values)
    params = list(zip(*columns, strict=True))
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" * len(names))
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks}) {tail}'
    return session.connection().exec_driver_sql(sql, params).rowcount


def _bind_receipts(session, device, items, settle, lang):
    numbers: dict[str, str] = {}
    kept: list[Incoming] = []
    for item in items:
        clash = next(
            (r for r in item.receipts if numbers.get(r["number"], item.id) != item.id), None
        )
        if clash:
            settle(item, "rejected", _receipt_taken(clash["number"], lang))
            continue
        for r in item.receipts:
            numbers[r["number"]] = item.id
        kept.append(item)
    if not numbers:
        return kept
    rows = [
        {
            "number": r["number"],
            "record_id": item.id,
            "device_id": device.device_id,
            "issued_at": r["issued_at"],
            "party": r["party"] if isinstance(r["party"], int) else None,
        }
        for item in kept
        for r in item.receipts
    ]
    session.execute(
        _insert(session, db.Receipt).on_conflict_do_nothing(index_elements=["number"]), rows
    )
    owners = dict(
        session.execute(
            select(db.Receipt.number, db.Receipt.record_id).where(
                db.Receipt.number.in_(list(numbers))
            )
        ).all()
    )
    final = []
    for item in kept:
        clash = next((r for r in item.receipts if owners.get(r["number"]) != item.id), None)
        if clash:
            settle(item, "rejected", _receipt_taken(clash["number"], lang))
        else:
            final.append(item)
    return final


def _receipt_taken(number: str, lang: str) -> str:
    return t("service.push.receipt_taken", lang=lang, number=_receipts().format_number(number))


def _upsert_current(session: Session, device: DeviceIdentity, stored: list[Incoming], now) -> None:
    """Move each record's current state to its newest rev (never backwards, never across grids)."""
    newest: dict[str, Incoming] = {}
    for item in stored:
        if item.id not in newest or newest[item.id].rev < item.rev:
            newest[item.id] = item
    if not newest:
        return
    rows = []
    for item in newest.values():
        rec = item.record
        due = model.due_at(rec)
        rows.append(
            {
                "id": item.id,
                "kind": rec["kind"],
                "rev": item.rev,
                "township_id": device.township_id,
                "grid_id": device.grid_id,
                "officer_id": rec.get("officer") or device.officer_id,
                "device_id": device.device_id,
                "data": rec.get("data") or {},
                "receipts": rec.get("receipts") or [],
                "created_at": _parse_time(rec["created_at"]),
                "updated_at": _parse_time(rec["updated_at"]),
                "received_at": now,
                "status": "reported",
                "seq": 0,
                "due_at": _parse_time(due) if due else None,
                **_filter_columns(rec),
            }
        )
    # due_at is not among them: the promised time limit is set when the township first
    # receives a record, and after that only staff move it (an extension).
    device_owned = [
        *("kind", "rev", "officer_id", "device_id", "data", "receipts", "created_at"),
        *("updated_at", "received_at", "village", "category", "urgency", "search"),
    ]
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in device_owned)
    tail = (
        f"ON CONFLICT (id) DO UPDATE SET {updates} "
        "WHERE records.rev < excluded.rev AND records.grid_id = excluded.grid_id"
    )
    if session.get_bind().dialect.name == "postgresql":
        _pg_bulk(session, db.Record.__table__, rows, tail)
    else:
        _sqlite_bulk(session, db.Record.__table__, rows, tail)


@router.post("/sync/push", response_model=PushOut)
async def push(
    body: PushIn,
    request: Request,
    device: DeviceIdentity = Depends(current_device),
    idempotency_key: str | None = Header(default=None, max_length=200),
) -> Response:
    # Async only to reach the body bytes FastAPI already read (the Idempotency-Key is bound
    # to them); the database work runs in one worker thread, in one write transaction.
    raw = await request.body()
    lang = request_language(request.headers.get("accept-language"))
    sessions = service_state(request).sessions
    return await run_in_threadpool(
        _push, sessions, device, body.records, raw, idempotency_key, lang
    )


def _push(
    sessions: Any,
    device: DeviceIdentity,
    records: list[Any],
    raw: bytes,
    idempotency_key: str | None,
    lang: str,
) -> Response:
    with sessions() as session:
        db.begin_write(session)
        try:
            return _push_in(session, device, records, raw, idempotency_key, lang)
        except BaseException:
            session.rollback()
            raise


def _push_in(
    session: Session,
    device: DeviceIdentity,
    records: list[Any],
    raw: bytes,
    idempotency_key: str | None,
    lang: str,
) -> Response:
    key_row_pk = None
    if idempotency_key:
        # Keys are kept a week: long enough for any retry, short enough to stay small.
        session.execute(
            delete(db.IdempotencyKey).where(
                db.IdempotencyKey.device_id == device.device_id,
                db.IdempotencyKey.created_at < db.utcnow() - IDEMPOTENCY_TTL,
            )
        )
        digest = hashlib.sha256(raw).hexdigest()
        stmt = (
            _insert(session, db.IdempotencyKey)
            .values(
                device_id=device.device_id,
                key=idempotency_key,
                body_hash=digest,
                created_at=db.utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["device_id", "key"])
            .returning(db.IdempotencyKey.__table__.c.pk)
        )
        key_row_pk = session.execute(stmt).scalar()
        if key_row_pk is None:
            earlier = session.execute(
                select(db.IdempotencyKey).where(
                    db.IdempotencyKey.device_id == device.device_id,
                    db.IdempotencyKey.key == idempotency_key,
                )
            ).scalar_one()
            if earlier.body_hash != digest:
                raise ApiError(
                    422, "idempotency_key_reused", "service.error.idempotency_key_reused"
                )
            if earlier.response is not None:
                session.rollback()
                return _json(earlier.response)
    results = push_records(session, device, records, lang)
    out = {"results": results}
    if key_row_pk is not None:
        session.execute(
            update(db.IdempotencyKey).where(db.IdempotencyKey.pk == key_row_pk).values(response=out)
        )
    session.commit()
    return _json(out)


def _json(out: dict[str, Any]) -> Response:
    # Results are plain dicts shaped like PushResult; response_model documents them.
    return Response(
        json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        media_type="application/json",
    )


# --------------------------------------------------------------------------- pull


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@router.get("/sync/pull", response_model=PullOut)
def pull(
    device: DeviceIdentity = Depends(current_device),
    session: Session = Depends(read_session),
    cursor: int = Query(default=0, ge=0, le=2**62),
    limit: int = Query(default=500, ge=1, le=1000),
) -> PullOut:
    # Read the committed top first: every change numbered at or below it is already visible.
    top = db.current_seq(session)
    floor = db.pull_floor(session)
    if cursor and (cursor < floor or cursor > top):
        raise ApiError(410, "cursor_expired", "service.error.cursor_expired")

    def page(stmt, seq_col):
        return (
            session.execute(
                stmt.where(seq_col > cursor, seq_col <= top).order_by(seq_col).limit(limit + 1)
            )
            .scalars()
            .all()
        )

    items: list[tuple[int, str, Any]] = []
    for rec in page(select(db.Record).where(db.Record.grid_id == device.grid_id), db.Record.seq):
        items.append((rec.seq, "update", rec))
    for tpl in page(
        select(db.Template).where(
            (db.Template.township_id == device.township_id) | db.Template.township_id.is_(None)
        ),
        db.Template.seq,
    ):
        items.append((tpl.seq, "template", tpl))
    for hh in page(
        select(db.Household).where(db.Household.grid_id == device.grid_id), db.Household.seq
    ):
        items.append((hh.seq, "household", hh))
    for med in page(
        select(db.Mediator).where(db.Mediator.township_id == device.township_id), db.Mediator.seq
    ):
        items.append((med.seq, "mediator", med))
    items.sort(key=lambda x: x[0])
    more = len(items) > limit
    if more:
        # Never cut a page between two changes with the same seq (one seq is given to one row
        # by every writer, but a cursor that skips a change would lose it for good).
        boundary = items[limit][0]
        page_items = [item for item in items[:limit] if item[0] != boundary]
        items = page_items or items[:limit]
    out = PullOut(
        cursor=items[-1][0] if more else top,
        more=more,
        updates=[],
        templates=[],
        households=[],
        mediators=[],
    )
    for _seq, what, row in items:
        if what == "update":
            out.updates.append(
                PullUpdate(
                    id=row.id,
                    kind=row.kind,
                    rev=row.rev,
                    status=row.status,
                    feedback=row.feedback,
                    public_reply=row.public_reply,
                    handled_by=row.handled_by,
                    status_at=_iso(row.status_at),
                    due_at=_iso(row.due_at),
                    seq=row.seq,
                )
            )
        elif what == "template":
            out.templates.append(row.body)
        elif what == "household":
            out.households.append({**row.data, "id": row.id})
        else:
            out.mediators.append(
                {
                    "id": row.id,
                    "name": row.name,
                    "standing": row.standing,
                    "village": row.village,
                    "phone": row.phone,
                }
            )
    return out
