"""Exports of synced records a clerk can use as they come: XLSX (a sheet per kind), CSV (the
same content, UTF-8 with a BOM for Excel) and JSONL (the rows as data) — every format streamed,
so the first bytes leave at once and 100,000 records never sit in memory.

The formats know nothing about the database: they take *export rows* (plain dicts: the record
envelope, the service-owned fields and the names looked up for them, see :func:`export_row`).
:func:`start` counts what matches; :func:`iter_export_rows` reads it a keyset page at a time
and names what each page points at (:mod:`export_names`); :mod:`export_columns` says what
each column shows and :mod:`export_xlsx` writes the workbook as it streams.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, BinaryIO, Literal

from sqlalchemy import and_, func, or_, select, tuple_

from gridterm.core.model import CHINA_TIME
from gridterm.township import db
from gridterm.township.services import export_attachments, inputs, photo_retention, records
from gridterm.township.services.export_columns import KINDS, cells, columns
from gridterm.township.services.export_names import Names
from gridterm.township.services.export_xlsx import Sheet, xlsx_chunks
from gridterm.township.services.labels import vocab_label

FORMATS = ("csv", "xlsx", "jsonl")
Format = Literal["csv", "xlsx", "jsonl"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
}
CHUNK = 64 * 1024
EXPORT_PAGE = 1000
BOM = "\ufeff".encode()

# A cell Excel would run as a formula when the value starts with one of these (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLES = {k: vocab_label("kind", k) for k in KINDS}


def headers(kind: str | None) -> list[str]:
    """Column headers of one kind's sheet, or of the all-kinds CSV when ``kind`` is None."""
    return [c.header for c in columns(kind)]


def values(row: dict[str, Any], kind: str | None) -> list[Any]:
    """A row's cells in :func:`headers` order (times as China-time datetimes, dates as dates,
    counts as ints, the rest as text)."""
    return cells(row, columns(kind))


def _csv_cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The CSV file, in chunks: a UTF-8 BOM (so Excel reads Chinese), the header row, then
    the same cells as the workbook's (dates as ``YYYY-MM-DD HH:MM``, China time)."""
    cols = columns(None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in cols])
    yield BOM + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([_csv_cell(v) for v in cells(row, cols)])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8", "replace")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8", "replace")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


# Internal to the formats: the looked-up names (JSONL carries codes and ids, as stored).
_NOT_IN_JSONL = ("refs",)


def jsonl_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """One JSON object per line: the export row as is (codes, not labels; ISO times)."""
    parts: list[bytes] = []
    size = 0
    for row in rows:
        plain = {k: v for k, v in row.items() if k not in _NOT_IN_JSONL}
        line = json.dumps(plain, ensure_ascii=False, default=_json_default, sort_keys=True)
        encoded = (line + "\n").encode("utf-8", "replace")
        parts.append(encoded)
        size += len(encoded)
        if size >= CHUNK:
            yield b"".join(parts)
            parts, size = [], 0
    if parts:
        yield b"".join(parts)


def xlsx_stream(rows_of_kind: Callable[[str], Iterable[dict[str, Any]]]) -> Iterator[bytes]:
    """The workbook, one sheet per kind (always all four, each with its header row), as it
    is written; ``rows_of_kind(kind)`` is called when that sheet's turn comes."""
    sheets = [Sheet(SHEET_TITLES[k], columns(k), _lazy_cells(rows_of_kind, k)) for k in KINDS]
    return xlsx_chunks(sheets)


def _lazy_cells(rows_of_kind: Callable[[str], Iterable[dict[str, Any]]], kind: str):
    cols = columns(kind)
    for row in rows_of_kind(kind):
        yield cells(row, cols)


def write_xlsx(rows_of_kind: Callable[[str], Iterable[dict[str, Any]]], target: BinaryIO) -> int:
    """Write the workbook to ``target``; returns the number of data rows."""
    count = 0

    def counted(kind: str) -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in rows_of_kind(kind):
            count += 1
            yield row

    for block in xlsx_stream(counted):
        target.write(block)
    return count


def filename(fmt: str, now: datetime | None = None) -> str:
    now = (now or datetime.now(timezone.utc)).astimezone(CHINA_TIME)
    return f"gridterm-{now:%Y%m%d-%H%M%S}.{fmt}"


# --------------------------------------------------------------------------- the rows


def export_row(rec: Any, now: dt.datetime) -> dict[str, Any]:
    """One record as the formats take it: envelope, service-owned fields, names, data.
    ``rec`` is a row of :func:`iter_export_rows`' query (the record's columns and the names
    of its grid, officer, device and assignee)."""
    return {
        "id": rec.id,
        "kind": rec.kind,
        "rev": rec.rev,
        "grid": rec.grid_id,
        "grid_name": rec.grid_name,
        "village": rec.village,
        "officer": rec.officer_name or rec.officer_id,
        "officer_id": rec.officer_id,
        "officer_name": rec.officer_name,
        "device": rec.device_id,
        "device_name": rec.device_name,
        "created_at": rec.created_at,
        "updated_at": rec.updated_at,
        "received_at": rec.received_at,
        "status": rec.status,
        "status_at": rec.status_at,
        "due_at": rec.due_at,
        "overdue": records.is_overdue(rec, now),
        "feedback": rec.feedback,
        "public_reply": rec.public_reply,
        "handled_by": rec.handled_by,
        "assignee": rec.assignee_id,
        "assignee_name": rec.assignee_name,
        "receipt_numbers": records.receipt_numbers(rec),
        "receipts": rec.receipts or [],
        "data": rec.data if isinstance(rec.data, dict) else {},
    }


def export_conditions(township_id: str, since: datetime | None, kind: str | None) -> list:
    """The township's records of ``kind`` (all kinds: None) received or moved since ``since``."""
    conditions = [db.Record.township_id == township_id]
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


def _page_query(conditions: list, kind: str):
    return (
        select(
            *_EXPORT_COLUMNS,
            db.Grid.name.label("grid_name"),
            db.Officer.name.label("officer_name"),
            db.Device.name.label("device_name"),
            db.Department.name.label("assignee_name"),
        )
        .select_from(db.Record)
        .outerjoin(db.Grid, db.Grid.id == db.Record.grid_id)
        .outerjoin(db.Officer, db.Officer.id == db.Record.officer_id)
        .outerjoin(db.Device, db.Device.id == db.Record.device_id)
        .outerjoin(db.Department, db.Department.id == db.Record.assignee_id)
        .where(*conditions, db.Record.kind == kind)
        .order_by(db.Record.updated_at, db.Record.id)
        .limit(EXPORT_PAGE)
    )


def iter_export_rows(
    sessions, conditions: list, kinds=KINDS, names: Names | None = None
) -> Iterator[dict[str, Any]]:
    """Every matching record, kind by kind, a page of ``EXPORT_PAGE`` at a time: keyset paging
    on (updated_at, id) within one kind, which the (township, kind, updated_at) index serves;
    a short read session per page (with the page's name lookups), so no transaction stays
    open while the client reads."""
    now = db.utcnow()
    for kind in kinds:
        after: tuple[datetime, str] | None = None
        while True:
            stmt = _page_query(conditions, kind)
            if after is not None:
                stmt = stmt.where(tuple_(db.Record.updated_at, db.Record.id) > tuple_(*after))
            with sessions() as session:
                rows = session.execute(stmt).all()
                page = [export_row(r, now) for r in rows]
                if names is not None:
                    names.attach(session, page)
                if rows:
                    after = (rows[-1].updated_at, rows[-1].id)
            yield from page
            if len(rows) < EXPORT_PAGE:
                break


@dataclass(frozen=True)
class Export:
    """An export asked for: what it selects, and how many records that is right now."""

    sessions: Any
    township_id: str
    conditions: list
    total: int
    base_url: str = ""  # where the links to attachments point


def start(
    sessions: Any, township_id: str, since: str | None, kind: str | None, base_url: str = ""
) -> Export:
    """Count the township's records an export of ``kind`` since ``since`` (a date or an ISO
    time, as typed; InvalidInput otherwise) holds; links to attachments start ``base_url``."""
    conditions = export_conditions(township_id, inputs.parse_moment(since), kind)
    with sessions() as session:
        total = session.execute(
            select(func.count()).select_from(db.Record).where(*conditions)
        ).scalar_one()
    return Export(sessions, township_id, conditions, total, base_url)


def body(job: Export, fmt: str) -> Iterator[bytes]:
    """The file's bytes in chunks, each format streamed as the rows are read."""
    names = Names(job.township_id)
    with job.sessions() as session:
        removed = photo_retention.removed_in_township(session, job.township_id)
    if fmt == "xlsx":

        def rows_of_kind(kind_name: str) -> Iterator[dict[str, Any]]:
            rows = iter_export_rows(job.sessions, job.conditions, (kind_name,), names)
            return export_attachments.with_links(rows, job.base_url, removed)

        return xlsx_stream(rows_of_kind)
    rows = iter_export_rows(job.sessions, job.conditions, KINDS, names)
    rows = export_attachments.with_links(rows, job.base_url, removed)
    return csv_chunks(rows) if fmt == "csv" else jsonl_chunks(rows)
