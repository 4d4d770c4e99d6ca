"""Reading what an officer brings to ``gridterm notice``: a notice's text, and a financial
notice's table of items as a spreadsheet saves it.

Files come from Excel, WPS or a phone: UTF-8 with or without a BOM, GBK/GB18030 (what WPS
and Excel write on a Chinese Windows), or UTF-16 (Excel's "Unicode text", tab-separated).
A table may open with title rows ("石桥村2026年第三季度财务收支明细表") before its header;
the header names its columns in Chinese or English (项目 / 收入 / 支出 / 凭证号, in any order,
with units such as "（元）"); merged cells arrive empty; a 合计 row gives the totals the items
must add up to — the model checks it, it is never trusted.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any

from gridterm.core.model.affairs import MONEY_COLUMNS, MoneyError, money_text, parse_money
from gridterm.core.usecases.affairs import AffairsError

# What a header cell may say for each column (a cell containing one of these names it).
COLUMN_NAMES = {
    "item": ("项目", "摘要", "事项", "名称", "item"),
    "income": ("收入", "income"),
    "spending": ("支出", "spending", "expense"),
    "voucher": ("凭证", "voucher"),
}
TOTAL_NAMES = ("合计", "总计", "total")
TEXT_MAX_BYTES = 4 * 1024 * 1024  # far beyond a notice; a wrong file is refused, not read


def read_text(path: str, stdin: io.TextIOBase | None = None) -> str:
    """The text of a file (``-`` is standard input), whatever encoding it was saved in."""
    if path == "-":
        import sys

        return (stdin or sys.stdin).read()
    try:
        with Path(path).open("rb") as fh:
            raw = fh.read(TEXT_MAX_BYTES + 1)
    except OSError as exc:
        raise AffairsError(
            "affairs.cli.unreadable", path=path, reason=exc.strerror or str(exc)
        ) from exc
    if len(raw) > TEXT_MAX_BYTES:
        raise AffairsError("affairs.cli.too_big", path=path)
    return decode(raw, path)


def decode(raw: bytes, path: str = "") -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise AffairsError("affairs.cli.encoding", path=path) from exc
    if "\x00" in text:
        raise AffairsError("affairs.cli.binary", path=path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _cell(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def header_of(row: list[str]) -> dict[str, int] | None:
    """``{column: index}`` when ``row`` is the table's header (it names the item and an
    amount column), else None."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _cell(cell).lower()
        for column, words in COLUMN_NAMES.items():
            if column not in found and any(word in name for word in words):
                found[column] = index
                break
    if "item" in found and any(c in found for c in MONEY_COLUMNS):
        return found
    return None


def _money(cell: str, row_no: int, column: str) -> str:
    try:
        return money_text(parse_money(cell))
    except MoneyError as exc:
        from gridterm.core.i18n import t

        reason = t(exc.key, field=t(f"model.field.{column}"), value=cell)
        raise AffairsError("affairs.cli.bad_row", row=row_no, reason=reason) from exc


def read_items(text: str) -> tuple[list[dict[str, str]], dict[str, str] | None]:
    """The items of a financial table, and the totals its 合计 row states (or None)."""
    dialect = "excel-tab" if text.count("\t") > text.count(",") else "excel"
    rows = list(csv.reader(io.StringIO(text), dialect=dialect))
    header = None
    items: list[dict[str, str]] = []
    totals: dict[str, str] | None = None
    for row_no, row in enumerate(rows, 1):
        if header is None:
            header = header_of(row)
            continue
        cells = {c: _cell(row[i]) if i < len(row) else "" for c, i in header.items()}
        if not any(cells.values()):
            continue
        values = {
            c: _money(cells[c], row_no, c) if c in MONEY_COLUMNS else cells[c]
            for c in header
            if cells.get(c)
        }
        if cells.get("item", "").replace(" ", "").lower().startswith(TOTAL_NAMES):
            totals = {c: values.get(c, "0.00") for c in MONEY_COLUMNS}
            continue
        items.append(values)
    if header is None:
        raise AffairsError("affairs.cli.no_header")
    return items, totals


def finance_data(path: str) -> dict[str, Any]:
    """``items`` (and ``totals`` when the table states them) from a table file."""
    items, totals = read_items(read_text(path))
    return {"items": items, **({"totals": totals} if totals else {})}
