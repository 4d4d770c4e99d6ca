"""Reading the sheets people bring (rosters, officer lists) as Excel and WPS save them.

- What a file is comes from its first bytes, not its name: an XLSX is a zip; an old Excel
  97–2003 file (.xls, OLE) is refused with a request to save it as .xlsx; anything else is
  read as CSV text.
- CSV text may be UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"),
  or GBK/GB18030 (what Excel saves as "CSV" on Chinese Windows).  charset-normalizer tells
  them apart, limited to these encodings: left free it takes short Chinese text for Korean
  or Big5.  The delimiter may be a comma, a tab or a semicolon.
- XLSX: the sheet that was open when the file was saved; merged cells give their value to
  every cell they cover (a title across the top, a household's number merged down its rows);
  a formula stays a formula (its text, from ``=``), never its cached result, so the reader
  of the sheet can refuse it.
- Bounds: the file's size, its rows and its columns; trailing empty rows (templates format
  whole columns) end the sheet.

Every problem is an :class:`~gridterm.township.services.admin.AdminError` whose message says
what to do, in the user's language — never an exception's class name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridterm.core.i18n import t
from gridterm.township.services.admin import AdminError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
EMPTY_RUN = 1_000  # this many empty rows in a row end an XLSX sheet

# Text encodings a sheet may come in; charset-normalizer chooses among them.
ENCODINGS = ["utf_8", "utf_16", "utf_32", "gb18030"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Sheet:
    """A sheet's rows as text, each with the row number the spreadsheet shows."""

    path: Path
    rows: list[tuple[int, list[str]]]
    # (row, column index) of cells holding a number (Excel drops an 18-digit ID's last
    # digits when it stores it as one)
    numbers: set[tuple[int, int]] = field(default_factory=set)


def unreadable(path: Path, reason: str, **params: Any) -> AdminError:
    return AdminError("service.admin.error.file", path=str(path), detail=t(reason, **params))


def read_sheet(path: str | Path) -> Sheet:
    """The first sheet of ``path`` (CSV or XLSX), or an AdminError saying why it cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise unreadable(path, "roster.file.too_big", max=MAX_BYTES // (1024 * 1024))
        raw = path.read_bytes()
    except IsADirectoryError:
        raise unreadable(path, "roster.file.not_a_file") from None
    except FileNotFoundError:
        raise unreadable(path, "roster.file.missing") from None
    except OSError as exc:
        raise unreadable(path, "roster.file.os", detail=exc.strerror or "") from None
    if raw.startswith(OLE_MAGIC):
        raise unreadable(path, "roster.file.xls")
    if raw.startswith(ZIP_MAGIC):
        return _read_xlsx(path, raw)
    return _read_csv(path, raw)


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ``.0``, dates as ``YYYY-MM-DD``, spaces
    (ideographic and non-breaking too) trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value).replace("\u3000", " ").replace("\xa0", " ").strip()


# --------------------------------------------------------------------------- CSV


def decode(path: Path, raw: bytes) -> str:
    """The text of a CSV file, whichever of :data:`ENCODINGS` it is in."""
    if not raw.strip():
        return ""
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=ENCODINGS).best()
    if best is None:
        raise unreadable(path, "roster.file.encoding")
    return str(best)


def _read_csv(path: Path, raw: bytes) -> Sheet:
    text = decode(path, raw)
    if "\x00" in text:  # binary data that happened to decode
        raise unreadable(path, "roster.file.binary")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:20_000], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            if number > MAX_ROWS:
                raise unreadable(path, "roster.file.too_many_rows", max=MAX_ROWS)
            if len(row) > MAX_COLUMNS:
                raise unreadable(path, "roster.file.too_many_columns", max=MAX_COLUMNS)
            rows.append((number, [cell_text(c) for c in row]))
    except csv.Error:
        raise unreadable(path, "roster.file.csv") from None
    return Sheet(path, rows)


# --------------------------------------------------------------------------- XLSX


def _read_xlsx(path: Path, raw: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        # Not read-only: merged cells are known only to a loaded sheet.  Formulas as written.
        book = load_workbook(io.BytesIO(raw), data_only=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise unreadable(path, "roster.file.zip") from None
    except Exception:  # openpyxl raises many kinds on a damaged or foreign workbook
        raise unreadable(path, "roster.file.workbook") from None
    try:
        sheet = book.active if book.active is not None else book.worksheets[0]
        return _sheet_rows(path, sheet)
    except (IndexError, AttributeError):
        raise unreadable(path, "roster.file.workbook") from None
    finally:
        book.close()


def _sheet_rows(path: Path, sheet: Any) -> Sheet:
    width = min(sheet.max_column or 0, MAX_COLUMNS)
    rows: list[tuple[int, list[str]]] = []
    numbers: set[tuple[int, int]] = set()
    empty_run = 0
    for number, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), 1):
        cells = []
        for col, value in enumerate(values):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers.add((number, col))
            cells.append(_formula_text(value) if _is_formula(value) else cell_text(value))
        empty_run = 0 if any(cells) else empty_run + 1
        if empty_run >= EMPTY_RUN:
            break
        if number > MAX_ROWS:
            raise unreadable(path, "roster.file.too_many_rows", max=MAX_ROWS)
        rows.append((number, cells))
    _fill_merged(sheet, rows, width)
    while rows and not any(rows[-1][1]):
        rows.pop()
    return Sheet(path, rows, numbers)


def _is_formula(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.startswith("=")
    return not isinstance(value, (int, float, bool, dt.date, dt.datetime, dt.time))


def _formula_text(value: Any) -> str:
    text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
    return text if text.startswith("=") else "=" + text


def _fill_merged(sheet: Any, rows: list[tuple[int, list[str]]], width: int) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    by_number = {number: cells for number, cells in rows}
    for merged in sheet.merged_cells.ranges:
        top = by_number.get(merged.min_row)
        if top is None or merged.min_col > width:
            continue
        value = top[merged.min_col - 1] if merged.min_col - 1 < len(top) else ""
        for number in range(merged.min_row, merged.max_row + 1):
            cells = by_number.get(number)
            if cells is None:
                continue
            for col in range(merged.min_col - 1, min(merged.max_col, width)):
                if col < len(cells):
                    cells[col] = value
