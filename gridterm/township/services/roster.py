"""Importing the township's household roster (CSV or XLSX): all rows or none."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services.admin import AdminError, find_grid, new_id

# Column headers accepted in a roster, Chinese or English -> household field.
HEADERS = {
    "village": "village",
    "村": "village",
    "村名": "village",
    "村（社区）": "village",
    "group": "group",
    "组": "group",
    "村民小组": "group",
    "number": "number",
    "门牌号": "number",
    "户号": "number",
    "head": "head",
    "户主": "head",
    "户主姓名": "head",
    "phone": "phone",
    "电话": "phone",
    "联系电话": "phone",
    "tags": "tags",
    "标签": "tags",
}
REQUIRED_HEADERS = ("village", "head")


def _read_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise AdminError("service.admin.error.file", path=str(path), detail="encoding")
            return [row for row in csv.reader(io.StringIO(text))]
        if suffix in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = wb.worksheets[0]
                return [list(row) for row in sheet.iter_rows(values_only=True)]
            finally:
                wb.close()
    except AdminError:
        raise
    except Exception as exc:  # a broken file of any kind: say so, import nothing
        raise AdminError(
            "service.admin.error.file", path=str(path), detail=type(exc).__name__
        ) from None
    raise AdminError("service.admin.error.format", path=str(path))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _tag_code(text: str, model: Any) -> str:
    """A tag as the roster writes it (code, Chinese or English label) -> its vocabulary code."""
    for code in model.codes("tag"):
        if text.lower() in (
            code,
            model.label("tag", code, "zh_CN"),
            model.label("tag", code, "en").lower(),
        ):
            return code
    return text  # validation names it


def import_households(session: Session, grid: str, path: str | Path) -> int:
    """Import a roster (CSV or XLSX; first row names the columns) into ``grid``.

    Every row is checked first with the same validation as a household on the device; any
    problem aborts the whole import with every bad row named by its number, and nothing is
    written.  Returns the number of households imported.
    """
    from gridterm.core import model

    path = Path(path)
    target = find_grid(session, grid)
    rows = _read_rows(path)
    header_at = next((i for i, row in enumerate(rows) if any(_cell(c) for c in row)), None)
    if header_at is None:
        raise AdminError("service.admin.error.empty_file", path=str(path))
    columns = [HEADERS.get(_cell(c).lower(), HEADERS.get(_cell(c))) for c in rows[header_at]]
    if not all(req in columns for req in REQUIRED_HEADERS):
        raise AdminError(
            "service.admin.error.no_header", path=str(path), expected=", ".join(REQUIRED_HEADERS)
        )
    problems: list[str] = []
    households: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = {col: _cell(v) for col, v in zip(columns, row, strict=False) if col}
        if not any(values.values()):
            continue
        data: dict[str, Any] = {k: v for k, v in values.items() if v and k != "tags"}
        tags = [s.strip() for s in re.split(r"[,，;；、\s]+", values.get("tags", "")) if s.strip()]
        if tags:
            data["tags"] = [_tag_code(tag, model) for tag in tags]
        try:
            data = model.validate_data("household", data)
        except model.ValidationError as exc:
            problems.append(
                AdminError("service.admin.error.row", row=offset, problem=str(exc)).message()
            )
            continue
        key = (
            data.get("village", ""),
            data.get("group", ""),
            data.get("number", ""),
            data.get("head", ""),
        )
        if key in seen:
            problems.append(
                AdminError(
                    "service.admin.error.duplicate_household", row=offset, other=seen[key]
                ).message()
            )
            continue
        seen[key] = offset
        households.append(data)
    if problems:
        raise AdminError(
            "service.admin.error.import_rows", path=str(path), problems="\n".join(problems)
        )
    if not households:
        raise AdminError("service.admin.error.empty_file", path=str(path))
    top = db.next_seq(session, len(households))
    first = top - len(households) + 1
    now = db.utcnow()
    session.add_all(
        db.Household(id=new_id(), grid_id=target.id, data=data, imported_at=now, seq=first + i)
        for i, data in enumerate(households)
    )
    session.flush()
    return len(households)
