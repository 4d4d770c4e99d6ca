"""Which row of a sheet names the columns, what each column holds, and each cell's text
checked for what a list of people should never hold.

A header is found among the first rows (rosters open with a title, a date, a unit's name),
as the row that names the most known columns; a column is known by any of its names, in
Chinese or English, ignoring spaces, a required-star and anything in brackets
("身份证号码（18位）" is 身份证号码).  Problems name the row and the column as the
spreadsheet shows them: "row 12, column E (身份证号)".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gridterm.core.i18n import t
from gridterm.township.services.admin import AdminError
from gridterm.township.services.sheets import Sheet

HEADER_SCAN = 30  # rows searched for the header

# What people write in a cell that has nothing to say.
PLACEHOLDERS = frozenset(
    {"-", "--", "—", "——", "－", "/", "／", "\\", "无", "暂无", "空", "n/a", "na", "none", "null"}
)
# A formula, or text a spreadsheet would run as one when the sheet is opened again
# (=cmd|"/c calc"!A1, +cmd…, @SUM…): never a name.  "+86 138…" and "-3" are not.
_FORMULA = re.compile(r"^[=@]|^[+\-].*[^\d\s\-+]")
_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|【.*?】|<.*?>")
_NOISE = re.compile(r"[\s*:：]")


def normalize_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # （） and full-width letters become plain
    return _NOISE.sub("", _BRACKETS.sub("", text)).casefold()


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as the spreadsheet labels it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Columns:
    """The header row and where each known field is."""

    row: int  # the header's row number
    position: int  # its index in ``sheet.rows``
    fields: dict[str, int]  # field -> column index
    headers: list[str]  # each column's header as written
    ignored: list[str] = field(default_factory=list)  # headers of the columns not used

    def has(self, name: str) -> bool:
        return name in self.fields

    def header(self, name: str) -> str:
        return self.headers[self.fields[name]]

    def where(self, name: str) -> str:
        """``E (身份证号)``."""
        col = self.fields[name]
        return t("roster.column", column=column_letter(col), header=self.headers[col])


def find_columns(
    sheet: Sheet,
    aliases: Mapping[str, Iterable[str]],
    required: list[tuple[str, ...]],
) -> Columns:
    """The header among the first rows: the row naming the most fields of ``aliases`` that
    has, for each tuple of ``required``, one of its fields (a tie goes to the lower row: a
    two-row header's second row is the specific one)."""
    lookup = {normalize_header(name): key for key, names in aliases.items() for name in names}
    best: Columns | None = None
    for position, (number, cells) in enumerate(sheet.rows[:HEADER_SCAN]):
        fields: dict[str, int] = {}
        for col, text in enumerate(cells):
            key = lookup.get(normalize_header(text)) if text else None
            if key is not None and key not in fields:
                fields[key] = col
        if not all(any(k in fields for k in need) for need in required):
            continue
        if best is None or len(fields) >= len(best.fields):
            used = set(fields.values())
            ignored = [text for col, text in enumerate(cells) if text and col not in used]
            best = Columns(number, position, fields, list(cells), ignored)
    if best is None:
        expected = "; ".join(" / ".join(_names(aliases, key) for key in need) for need in required)
        if not any(any(cells) for _, cells in sheet.rows):
            raise AdminError("roster.error.empty", path=str(sheet.path))
        raise AdminError("roster.error.no_header", path=str(sheet.path), expected=expected)
    return best


def _names(aliases: Mapping[str, Iterable[str]], key: str) -> str:
    names = list(aliases[key])
    chinese = next((n for n in names if not n.isascii()), names[0])
    english = next((n for n in names if n.isascii()), "")
    return f"{chinese}/{english}" if english else chinese


def cell_problem(row: int, columns: Columns, name: str, problem: str) -> str:
    """``row 12, column E (身份证号): <problem>`` in the user's language."""
    return t("roster.error.cell", row=row, where=columns.where(name), problem=problem)


class Problems:
    """What is wrong with a sheet, told in row order, each once."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self._found: list[tuple[int, str]] = []
        # Cells refused as they were read (a formula …): what they would have held is
        # unknown, so later checks say nothing more about them.
        self.refused: set[tuple[int, str]] = set()

    def __len__(self) -> int:
        return len(self.lines())

    def cell(self, row: int, name: str, problem: str) -> None:
        self._found.append((row, cell_problem(row, self.columns, name, problem)))

    def row(self, row: int, text: str) -> None:
        self._found.append((row, text))

    def touch(self, rows: list[int]) -> bool:
        """Was anything found on one of these rows?"""
        found = {row for row, _ in self._found}
        return any(row in found for row in rows)

    def lines(self) -> list[str]:
        ordered = sorted(self._found, key=lambda found: found[0])
        return list(dict.fromkeys(text for _, text in ordered))


@dataclass
class RowValues:
    """One data row's known fields as text."""

    row: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def row_values(
    sheet: Sheet, columns: Columns, problems: Problems, number_fields: Iterable[str] = ()
) -> Iterable[RowValues]:
    """Every non-empty row below the header, with its cells checked: a formula is refused;
    a placeholder (-, /, 无) is empty; a long number a spreadsheet stored as a number (and so
    rounded) in one of ``number_fields`` is refused with what to do about it."""
    numeric = set(number_fields)
    for number, cells in sheet.rows[columns.position + 1 :]:
        values: dict[str, str] = {}
        refused = False
        for name, col in columns.fields.items():
            text = cells[col] if col < len(cells) else ""
            if text.casefold() in PLACEHOLDERS:
                text = ""
            problem = ""
            if text and _FORMULA.search(text):
                problem = t("roster.error.formula")
            elif text and name in numeric and _rounded(sheet, number, col, text):
                problem = t("roster.error.as_number")
            if problem:
                problems.cell(number, name, problem)
                problems.refused.add((number, name))
                refused, text = True, ""
            values[name] = text
        if any(values.values()) or refused:
            yield RowValues(number, values)


def _rounded(sheet: Sheet, row: int, col: int, text: str) -> bool:
    """An ID number that went through a spreadsheet as a number: 1.10105E+17 in a CSV, or a
    number cell of 16 digits or more (a double keeps 15 significant digits)."""
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+\d+", text):
        return True
    return (row, col) in sheet.numbers and len(text) >= 16
