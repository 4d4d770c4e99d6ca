"""The training day's sheet of enrollment codes, to print and cut into slips: CSV or XLSX
with the columns ``officer``, ``grid``, ``code``, ``expires`` (China time).

The file holds live codes, so it is written 0600 and atomically (a half-written sheet
never replaces a good one).  A name a spreadsheet would run as a formula is written as
text in both forms.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from gridterm.core.model import CHINA_TIME
from gridterm.township.services.admin import AdminError
from gridterm.township.services.codes import CodeRow

COLUMNS = ("officer", "grid", "code", "expires")
WIDTHS = {"A": 18, "B": 24, "C": 16, "D": 20}  # characters: a CJK name counts two
EXPIRES_FORMAT = "%Y-%m-%d %H:%M"


def write_sheet(path: str | Path, rows: list[CodeRow], install_url: str | None = None) -> Path:
    """Write ``rows`` to ``path`` (.csv or .xlsx, by its name); returns the absolute path.

    ``install_url`` (the address phones reach the service at, docs/install.md): the printed
    XLSX gets a fifth column, ``install``, with the one line that installs gridterm on the
    officer's phone and enrolls it with that row's code.  The CSV keeps exactly the four
    columns other tools read."""
    path = Path(path).expanduser().resolve()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        body = _csv(rows)
    elif suffix == ".xlsx":
        body = _xlsx(rows, install_url)
    else:
        raise AdminError("training.error.sheet_format", path=str(path))
    if not path.parent.is_dir():
        raise AdminError("training.error.sheet_folder", path=str(path.parent))
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".codes-", suffix=suffix)  # 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise AdminError(
            "training.error.sheet_write", path=str(path), detail=exc.strerror or ""
        ) from None
    return path


def _text(value: str) -> str:
    """A CSV cell Excel will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _china(row: CodeRow) -> str:
    return row.expires.astimezone(CHINA_TIME).strftime(EXPIRES_FORMAT)


def _csv(rows: list[CodeRow]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_text(row.officer), _text(row.grid), row.code, _china(row)])
    return buf.getvalue().encode("utf-8-sig")  # with a BOM, so Excel reads the names right


def _install(url: str, code: str) -> str:
    return f"curl -fsSL {url.rstrip('/')}/termux | sh -s {code}"


def _xlsx(rows: list[CodeRow], install_url: str | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "codes"
    sheet.append(COLUMNS + (("install",) if install_url else ()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    big = Font(name="Consolas", size=14, bold=True)
    for number, row in enumerate(rows, 2):
        sheet.append(
            [
                row.officer,
                row.grid,
                row.code,
                row.expires.astimezone(CHINA_TIME).replace(tzinfo=None),
                *([_install(install_url, row.code)] if install_url else []),
            ]
        )
        for col in ("A", "B"):
            sheet[f"{col}{number}"].data_type = "s"  # a name is never a formula
        sheet[f"C{number}"].font = big
        sheet[f"D{number}"].number_format = "yyyy-mm-dd hh:mm"
        sheet.row_dimensions[number].height = 24
        for cell in sheet[number]:
            cell.alignment = Alignment(vertical="center")
    for col, width in WIDTHS.items():
        sheet.column_dimensions[col].width = width
    if install_url:
        sheet.column_dimensions["E"].width = 16 + len(_install(install_url, "XXXX-XXXX"))
    sheet.freeze_panes = "A2"
    # Printed: the header on every page, one page wide, lines to cut along.
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
