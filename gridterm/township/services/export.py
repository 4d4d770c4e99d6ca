"""Exports of synced records: CSV (UTF-8 with BOM, for Excel), XLSX (a sheet per kind, Chinese
headers) and JSONL — all fed by an iterator, so 100,000 records never sit in memory at once.

The formats know nothing about the database: they take an iterable of *export rows* (plain
dicts: the record envelope plus the service-owned fields, see :func:`export_row`) and yield
bytes.  :func:`start` counts what matches and feeds them from a keyset-paged query
(:func:`iter_export_rows`); :func:`body` picks the format.

XLSX is written with openpyxl's write-only mode (inline strings, rows flushed to a temp file
as they come) into a SpooledTemporaryFile, which is then streamed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, BinaryIO, Literal

from sqlalchemy import and_, func, or_, select, tuple_

from gridterm.core import workflow
from gridterm.core.model import CHINA_TIME, as_datetime
from gridterm.township import db
from gridterm.township.services import inputs, records
from gridterm.township.services.labels import vocab_label

FORMATS = ("csv", "xlsx", "jsonl")
Format = Literal["csv", "xlsx", "jsonl"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
}
KINDS = ("household", "visit", "case", "report")
CHUNK = 64 * 1024
EXPORT_PAGE = 1000
BOM = "\ufeff".encode()

# Townships read times in China Standard Time; a spreadsheet cell cannot carry an offset.
CST = CHINA_TIME

# A cell Excel would run as a formula when the value starts with one of these (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_CELL_MAX = 32767


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) for v in value):
            return "、".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, default=str)


def _names(items: Any, key: str = "name") -> str:
    if not isinstance(items, list):
        return ""
    return "、".join(str(i.get(key, "")) for i in items if isinstance(i, dict))


def _household_address(data: dict[str, Any]) -> str:
    parts = [data.get("village"), data.get("group"), data.get("number")]
    return " ".join(str(p) for p in parts if p)


# (header, getter) per kind; the getter sees the record's data.
Column = tuple[str, Callable[[dict[str, Any]], Any]]

KIND_COLUMNS: dict[str, list[Column]] = {
    "household": [
        ("地址", _household_address),
        ("户主", lambda d: _text(d.get("head"))),
        ("电话", lambda d: _text(d.get("phone"))),
        ("人数", lambda d: len(d["members"]) if isinstance(d.get("members"), list) else ""),
        ("成员", lambda d: _names(d.get("members"))),
        (
            "标签",
            lambda d: "、".join(
                vocab_label("tag", t) for t in d.get("tags") or [] if isinstance(t, str)
            ),
        ),
    ],
    "visit": [
        ("户", lambda d: _text(d.get("household_id"))),
        ("走访表", lambda d: _text(d.get("template_id"))),
        ("走访表版本", lambda d: _text(d.get("template_version"))),
        ("走访时间", lambda d: _text(d.get("visited_at"))),
        ("标记项", lambda d: _text(d.get("flagged"))),
        ("备注", lambda d: _text(d.get("notes"))),
        ("跟进日期", lambda d: _text(d.get("follow_up"))),
    ],
    "case": [
        ("纠纷类型", lambda d: vocab_label("dispute_type", d.get("dispute_type"))),
        ("来源", lambda d: vocab_label("source", d.get("source"))),
        ("当事人", lambda d: _names(d.get("parties"))),
        ("概要", lambda d: _text(d.get("summary"))),
        ("调解员", lambda d: _names(d.get("mediators"))),
        ("调解结果", lambda d: vocab_label("outcome", d.get("outcome"))),
        ("重大纠纷", lambda d: _text(bool(d.get("major")))),
        ("结案时间", lambda d: _text(d.get("closed_at"))),
    ],
    "report": [
        ("类别", lambda d: vocab_label("category", d.get("category"))),
        ("紧急程度", lambda d: vocab_label("urgency", d.get("urgency"))),
        ("地点", lambda d: _text(d.get("place"))),
        ("描述", lambda d: _text(d.get("description"))),
        ("反映人", lambda d: _text(d.get("raised_by"))),
        ("发生时间", lambda d: _text(d.get("occurred_at"))),
        ("就地办结", lambda d: _text(bool(d.get("closed_on_spot")))),
    ],
}

# (header, key in the export row) — first on every sheet and in the CSV.
COMMON_COLUMNS: list[tuple[str, str]] = [
    ("记录编号", "id"),
    ("类型", "kind"),
    ("版本", "rev"),
    ("网格", "grid_name"),
    ("村", "village"),
    ("网格员", "officer"),
    ("设备", "device"),
    ("状态", "status"),
    ("创建时间", "created_at"),
    ("更新时间", "updated_at"),
    ("接收时间", "received_at"),
    ("状态时间", "status_at"),
    ("办理期限", "due_at"),
    ("是否超期", "overdue"),
    ("反馈", "feedback"),
    ("公开答复", "public_reply"),
    ("办理人", "handled_by"),
    ("回执号", "receipt_numbers"),
]
DATA_HEADER = "数据(JSON)"
SHEET_TITLES = {k: vocab_label("kind", k) for k in KINDS}


def _as_time(value: Any) -> datetime | None:
    moment = as_datetime(value)
    return moment.astimezone(CST) if moment else None


_TIME_KEYS = {"created_at", "updated_at", "received_at", "status_at", "due_at"}


def _common_value(row: dict[str, Any], key: str) -> Any:
    value = row.get(key)
    if key == "kind":
        return vocab_label("kind", value)
    if key == "status":
        return workflow.label(value) if value else ""
    if key == "overdue":
        return "是" if value else "否"
    if key == "receipt_numbers":
        return "、".join(value or [])
    if key in _TIME_KEYS:
        return _as_time(value)
    return value


def headers(kind: str | None) -> list[str]:
    """Column headers of one kind's sheet, or of the all-kinds CSV when ``kind`` is None."""
    kinds = [kind] if kind else list(KINDS)
    extra = [h for k in kinds for h, _ in KIND_COLUMNS[k]]
    return [h for h, _ in COMMON_COLUMNS] + extra + [DATA_HEADER]


def values(row: dict[str, Any], kind: str | None) -> list[Any]:
    """A row's cells in :func:`headers` order (times as CST datetimes, the rest as text/ints)."""
    data = row.get("data") if isinstance(row.get("data"), dict) else {}
    cells: list[Any] = [_common_value(row, key) for _, key in COMMON_COLUMNS]
    for k in [kind] if kind else KINDS:
        for _, getter in KIND_COLUMNS[k]:
            if row.get("kind") != k:
                cells.append("")
                continue
            try:
                cells.append(getter(data))
            except (AttributeError, KeyError, TypeError, ValueError):
                cells.append("")
    cells.append(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str))
    return cells


def _csv_cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = _text(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The CSV file, in chunks: a UTF-8 BOM (so Excel reads Chinese), then the header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(None))
    yield BOM + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([_csv_cell(v) for v in values(row, None)])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def jsonl_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """One JSON object per line: the export row as is (codes, not labels; ISO times)."""
    parts: list[bytes] = []
    size = 0
    for row in rows:
        line = json.dumps(row, ensure_ascii=False, default=_json_default, sort_keys=True) + "\n"
        encoded = line.encode("utf-8")
        parts.append(encoded)
        size += len(encoded)
        if size >= CHUNK:
            yield b"".join(parts)
            parts, size = [], 0
    if parts:
        yield b"".join(parts)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = _ILLEGAL_XML.sub("", _text(value))[:_XLSX_CELL_MAX]
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def write_xlsx(rows_of_kind: Callable[[str], Iterable[dict[str, Any]]], target: BinaryIO) -> int:
    """Write one sheet per kind (always all four, each with its header row) to ``target``.

    ``rows_of_kind(kind)`` is called once per kind and iterated lazily.  Returns the row count.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    count = 0
    for kind in KINDS:
        sheet = workbook.create_sheet(title=SHEET_TITLES[kind])
        head = []
        for title in headers(kind):
            cell = _xlsx_cell(sheet, title)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        sheet.freeze_panes = "A2"
        for row in rows_of_kind(kind):
            sheet.append([_xlsx_cell(sheet, v) for v in values(row, kind)])
            count += 1
    workbook.save(target)
    return count


def xlsx_file(rows_of_kind: Callable[[str], Iterable[dict[str, Any]]]) -> tuple[BinaryIO, int]:
    """The workbook in a spooled temp file (memory up to 8 MiB, then disk), rewound."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - streamed, closed by file_chunks
    try:
        write_xlsx(rows_of_kind, spool)  # type: ignore[arg-type]
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size  # type: ignore[return-value]


def file_chunks(fileobj: BinaryIO, chunk: int = CHUNK) -> Iterator[bytes]:
    """Stream a file and close it at the end (or when the client goes away)."""
    try:
        while True:
            block = fileobj.read(chunk)
            if not block:
                break
            yield block
    finally:
        fileobj.close()


def filename(fmt: str, now: datetime | None = None) -> str:
    now = (now or datetime.now(timezone.utc)).astimezone(CST)
    return f"gridterm-{now:%Y%m%d-%H%M%S}.{fmt}"


# --------------------------------------------------------------------------- the rows


def export_row(rec: Any, grid_name: str | None, officer_name: str | None, now) -> dict:
    """One record as the formats take it: envelope, service-owned fields, names, data."""
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
        "overdue": records.is_overdue(rec, now),
        "feedback": rec.feedback,
        "public_reply": rec.public_reply,
        "handled_by": rec.handled_by,
        "receipt_numbers": records.receipt_numbers(rec),
        "receipts": rec.receipts or [],
        "data": rec.data or {},
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


def iter_export_rows(sessions, conditions: list, kinds=KINDS) -> Iterator[dict[str, Any]]:
    """Every matching record, kind by kind, a page of ``EXPORT_PAGE`` at a time: keyset paging
    on (updated_at, id) within one kind, which the (township, kind, updated_at) index serves;
    a short read session per page, so no transaction stays open while the client reads."""
    now = db.utcnow()
    for kind in kinds:
        after: tuple[datetime, str] | None = None
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
                page = [export_row(r, r.grid_name, r.officer_name, now) for r in rows]
                if rows:
                    after = (rows[-1].updated_at, rows[-1].id)
            yield from page
            if len(rows) < EXPORT_PAGE:
                break


@dataclass(frozen=True)
class Export:
    """An export asked for: what it selects, and how many records that is right now."""

    sessions: Any
    conditions: list
    total: int


def start(sessions: Any, township_id: str, since: str | None, kind: str | None) -> Export:
    """Count the township's records an export of ``kind`` since ``since`` (a date or an ISO
    time, as typed; InvalidInput otherwise) holds."""
    conditions = export_conditions(township_id, inputs.parse_moment(since), kind)
    with sessions() as session:
        total = session.execute(
            select(func.count()).select_from(db.Record).where(*conditions)
        ).scalar_one()
    return Export(sessions, conditions, total)


def body(job: Export, fmt: str) -> tuple[Iterator[bytes], int | None]:
    """The file's bytes in chunks, and its size when known up front.  XLSX is written whole
    first (openpyxl saves a workbook in one go); CSV and JSONL stream as rows are read."""
    if fmt == "xlsx":

        def rows_of_kind(kind_name: str) -> Iterator[dict[str, Any]]:
            return iter_export_rows(job.sessions, job.conditions, kinds=(kind_name,))

        spool, size = xlsx_file(rows_of_kind)
        return file_chunks(spool), size
    rows = iter_export_rows(job.sessions, job.conditions)
    return (csv_chunks(rows) if fmt == "csv" else jsonl_chunks(rows)), None
