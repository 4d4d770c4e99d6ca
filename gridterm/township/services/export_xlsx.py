"""An XLSX workbook written as it streams: the first bytes leave while the rows are still read.

openpyxl (even in write-only mode) and XlsxWriter build the whole workbook before the first
byte, because they write the zip at the end.  Here the zip is stream-zip's (uktrade/stream-zip:
local headers, deflate and data descriptors as each member goes, 32-bit entries — a ZIP64
workbook that does not need to be one is refused by Excel), and each sheet is SpreadsheetML
written row by row into it.  The parts around the sheets are the few fixed XML files every
workbook has; ``workbook.xml`` goes last, when each sheet's row count is known.

What a clerk gets on each sheet: a bold header row frozen at the top with an autofilter over
the data, column widths fitted to the header and the first rows (long text wraps), dates and
times as real Excel dates (China time), the record's technical columns folded away (one click
on the outline's ``+`` shows them), and a landscape page fitted to the paper's width with the
header row repeated on every printed page.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from stream_zip import ZIP_32, stream_zip

from gridterm.township.services.export_columns import Column, word

CHUNK = 64 * 1024
WIDTH_SAMPLE = 200  # rows read before the sheet's column widths are written
CELL_MAX = 32767  # Excel's limit on the characters of one cell
# Characters XML 1.0 cannot hold, and lone surrogates UTF-8 cannot encode.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel shows integers beyond 2**53 rounded: such a number is written as its digits.
_EXACT = 2**53

# Widths (in characters of the default font) by column style: (least, most).
_WIDTHS = {
    "text": (6, 24),
    "name": (6, 28),
    "long": (10, 40),
    "time": (16, 16),
    "date": (11, 11),
    "number": (5, 10),
    "id": (10, 38),
}
# Style indexes into styles.xml's cellXfs.
HEAD, DATETIME, DAY, WRAP, PLAIN = 1, 2, 3, 4, 5

_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass
class Sheet:
    """One sheet: its title, its columns and its rows (each a list of cells, lazily)."""

    title: str
    columns: list[Column]
    rows: Iterable[list[Any]]
    count: int = field(default=0, init=False)


def display_width(value: str) -> int:
    """Columns a text takes on screen: CJK characters count two; the widest line counts."""
    widest = 0
    for line in value.split("\n"):
        widest = max(
            widest, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        )
    return widest


def clean(value: str) -> str:
    return _ILLEGAL.sub("", value)[:CELL_MAX]


# -- cells ---------------------------------------------------------------------------------


def _serial(value: date | datetime) -> float | None:
    """Excel's day number of a date or a (China-time, naive in the cell) time; None before
    1900, which Excel cannot show as a date."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if value.year < 1900:
        return None
    return to_excel(value)


def _text_cell(ref: str, value: str, style: int) -> str:
    body = escape(clean(value))
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>'


def cell_xml(ref: str, value: Any, col: Column) -> str:
    """One cell: a date, a number or text (inline, so never read as a formula)."""
    if value is None or value == "":
        return ""
    if isinstance(value, (datetime, date)):
        serial = _serial(value)
        if serial is None:
            return _text_cell(ref, value.isoformat(), PLAIN)
        style = DATETIME if isinstance(value, datetime) else DAY
        return f'<c r="{ref}" s="{style}"><v>{serial!r}</v></c>'
    if isinstance(value, bool):
        value = word("yes") if value else word("no")
    if isinstance(value, (int, float)) and abs(value) < _EXACT and value == value:
        return f'<c r="{ref}" s="{PLAIN}"><v>{value!r}</v></c>'
    return _text_cell(ref, str(value), WRAP if col.style == "long" else PLAIN)


def _shown(value: Any) -> str:
    if isinstance(value, (datetime, date)) or value is None:
        return ""
    return str(value)


def fitted_widths(columns: list[Column], sample: list[list[Any]]) -> list[float]:
    """Each column's width: its header (plus the filter button) or its widest sampled value,
    within its style's bounds."""
    out = []
    for index, col in enumerate(columns):
        least, most = _WIDTHS.get(col.style, _WIDTHS["text"])
        need = display_width(col.header) + 3
        for row in sample:
            need = max(need, display_width(clean(_shown(row[index]))[:200]) + 1)
        out.append(float(max(least, min(most, need))))
    return out


# -- a sheet -------------------------------------------------------------------------------


def _cols_xml(columns: list[Column], widths: list[float]) -> str:
    parts = ["<cols>"]
    for index, (col, width) in enumerate(zip(columns, widths, strict=True), start=1):
        folded = ' outlineLevel="1" hidden="1"' if col.extra else ""
        after_fold = index > 1 and columns[index - 2].extra and not col.extra
        collapsed = ' collapsed="1"' if after_fold else ""
        parts.append(
            f'<col min="{index}" max="{index}" width="{width}" customWidth="1"{folded}{collapsed}/>'
        )
    parts.append("</cols>")
    return "".join(parts)


def _head(columns: list[Column], widths: list[float]) -> str:
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    )
    header = "".join(
        _text_cell(f"{get_column_letter(i)}1", col.header, HEAD)
        for i, col in enumerate(columns, start=1)
    )
    return (
        f"{_DECL}<worksheet {_NS}>"
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15" outlineLevelCol="1"/>'
        f"{_cols_xml(columns, widths)}<sheetData>"
        f'<row r="1">{header}</row>'
    )


def _tail(columns: list[Column], last_row: int) -> str:
    last = get_column_letter(len(columns))
    footer = escape(word("page_footer"))
    return (
        "</sheetData>"
        f'<autoFilter ref="A1:{last}{last_row}"/>'
        '<printOptions gridLines="1"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter><oddHeader>&amp;C&amp;A</oddHeader><oddFooter>{footer}</oddFooter>"
        "</headerFooter></worksheet>"
    )


def sheet_xml(sheet: Sheet) -> Iterator[bytes]:
    """The sheet's XML in chunks of about :data:`CHUNK` bytes; ``sheet.count`` is its number
    of data rows once the last chunk is out."""
    rows = iter(sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    columns = sheet.columns
    refs = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    parts = [_head(columns, fitted_widths(columns, sample))]
    size = len(parts[0])
    number = 1
    for row in _chain(sample, rows):
        number += 1
        body = "".join(
            cell_xml(f"{ref}{number}", value, col)
            for ref, value, col in zip(refs, row, columns, strict=True)
        )
        line = f'<row r="{number}">{body}</row>'
        parts.append(line)
        size += len(line)
        if size >= CHUNK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    sheet.count = number - 1
    parts.append(_tail(columns, max(number, 2)))
    yield "".join(parts).encode("utf-8")


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


# -- the parts around the sheets -----------------------------------------------------------

_STYLES = (
    f"{_DECL}<styleSheet {_NS.split(' ')[0]}>"
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE7E6E6"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"'
    ' applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"'
    ' applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"'
    ' applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

_ROOT_RELS = (
    f"{_DECL}<Relationships "
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def _content_types(count: int) -> str:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
        for i in range(1, count + 1)
    )
    return (
        f"{_DECL}<Types "
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook_rels(count: int) -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{base}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    return (
        f"{_DECL}<Relationships "
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{sheets}<Relationship Id="rId{count + 1}" Type="{base}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _quoted_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _workbook(sheets: list[Sheet]) -> Iterator[bytes]:
    """workbook.xml: the sheets, each one's filter range and printed header row.  A generator,
    so that it is written after the sheets, when their row counts are known."""
    names = []
    entries = []
    for index, sheet in enumerate(sheets, start=1):
        title = clean(sheet.title)
        entries.append(f'<sheet name={quoteattr(title)} sheetId="{index}" r:id="rId{index}"/>')
        last = get_column_letter(len(sheet.columns))
        quoted = escape(_quoted_sheet(title))
        rows = max(sheet.count + 1, 2)
        names.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index - 1}" hidden="1">'
            f"{quoted}!$A$1:${last}${rows}</definedName>"
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index - 1}">'
            f"{quoted}!$1:$1</definedName>"
        )
    yield (
        f"{_DECL}<workbook {_NS}><bookViews><workbookView/></bookViews>"
        f"<sheets>{''.join(entries)}</sheets>"
        f"<definedNames>{''.join(names)}</definedNames></workbook>"
    ).encode()


def xlsx_chunks(sheets: list[Sheet], now: datetime | None = None) -> Iterator[bytes]:
    """The workbook's bytes, in blocks of :data:`CHUNK`, as the sheets' rows are read."""
    modified = (now or datetime.now(timezone.utc)).replace(tzinfo=None)

    def member(name: str, chunks: Iterable[bytes]) -> tuple:
        return (name, modified, 0o600, ZIP_32, chunks)

    def members() -> Iterator[tuple]:
        count = len(sheets)
        yield member("[Content_Types].xml", [_content_types(count).encode("utf-8")])
        yield member("_rels/.rels", [_ROOT_RELS.encode("utf-8")])
        yield member("xl/styles.xml", [_STYLES.encode("utf-8")])
        yield member("xl/_rels/workbook.xml.rels", [_workbook_rels(count).encode("utf-8")])
        for index, sheet in enumerate(sheets, start=1):
            yield member(f"xl/worksheets/sheet{index}.xml", sheet_xml(sheet))
        yield member("xl/workbook.xml", _workbook(sheets))

    yield from stream_zip(
        members(),
        chunk_size=CHUNK,
        get_compressobj=lambda: zlib.compressobj(wbits=-zlib.MAX_WBITS, level=6),
        extended_timestamps=False,
    )
