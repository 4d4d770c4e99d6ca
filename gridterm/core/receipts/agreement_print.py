"""The mediation agreement on paper: plain text and ESC/POS for the 58 mm receipt printer.

Every copy is the whole agreement under its own copy line (each party's, then the archive's),
and the printer cuts after each.  On 58 mm paper (32 half-width columns, Chinese in GB18030
as the receipts) the title is printed double size, the section headings bold, and every
signature gets a blank line above its rule, room for a hand and a fingerprint.
"""

from __future__ import annotations

import re
import unicodedata

from gridterm.core.receipts.agreement import Agreement
from gridterm.core.receipts.render import (
    ALIGN_CENTRE,
    ALIGN_LEFT,
    CHINESE_MODE,
    CUT,
    DOUBLE_SIZE,
    ESC,
    INIT,
    LINE_COLUMNS,
    NORMAL_SIZE,
)

BOLD, NOT_BOLD = ESC + b"E\x01", ESC + b"E\x00"
RULE = "_"
# A number, a phone or a case number stays whole on its line; these never start a line.
_TOKEN = re.compile(r"[0-9A-Za-z.+@/_-]+|\s+|.")
_NO_LINE_START = set("，。、；：？！）》」』】〕…,.;:?!)")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines at most ``width`` columns wide (CJK characters count 2), breaking
    between characters of Chinese and between words of Latin letters and digits, never
    before closing punctuation."""
    lines: list[str] = []
    current = ""
    for token in _TOKEN.findall(text):
        while _width(token) > width:  # a word longer than a line: on lines of its own
            if current.strip():
                lines.append(current.rstrip())
            lines.append(token[:width])
            current, token = "", token[width:]
        if _width(current + token) <= width:
            current += token
            continue
        if token.isspace():
            lines.append(current)
            current = ""
            continue
        carried = ""
        if token[0] in _NO_LINE_START and len(current) > 1:
            current, carried = current[:-1], current[-1]
        lines.append(current.rstrip())
        current = carried + token
    if current or not lines:
        lines.append(current.rstrip())
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def signature_line(agreement: Agreement, name: str, width: int) -> str:
    """``赵小红：______`` filling ``width`` columns (at least 8 columns of rule)."""
    head = agreement.sign_line.format(name=name)
    return head + RULE * max(width - _width(head), 8)


def copy_lines(agreement: Agreement, copy: int, width: int = 0) -> list[str]:
    """The text of copy number ``copy`` (0-based), one line per item; wrapped to ``width``
    columns when given (signature rules always fill it, 32 when none is given)."""

    def fit(text: str) -> list[str]:
        return wrap(text, width) if width else [text]

    rule_width = width or LINE_COLUMNS
    lines = fit(agreement.title)
    lines += [x for x in (agreement.case_no, agreement.organisation) if x]
    for section in agreement.sections:
        lines.append("")
        lines += fit(section.heading)
        for line in section.lines:
            lines += fit(line)
    for group in agreement.signatures:
        lines += ["", *fit(group.heading)]
        for name in group.names:
            lines += ["", signature_line(agreement, name, rule_width)]
        lines.append(agreement.date_line)
    lines += ["", agreement.committee_seal, ""]
    if agreement.signed_at:
        lines.append(agreement.signed_at)
    lines += fit(agreement.copies[copy])
    return lines


def plain_text(agreement: Agreement, width: int = 0) -> str:
    """Every copy, one after another, a cut line between them."""
    cut = "-" * (width or LINE_COLUMNS)
    copies = ["\n".join(copy_lines(agreement, n, width)) for n in range(len(agreement.copies))]
    return ("\n" + cut + "\n").join(copies) + "\n"


def _gb(line: str) -> bytes:
    # A control character in the text would be a command to the printer.
    shown = "".join(ch if ch >= " " and ch != "\x7f" else " " for ch in line)
    return shown.encode("gb18030", errors="replace") + b"\n"


def escpos_copy(agreement: Agreement, copy: int) -> bytes:
    out = [INIT, CHINESE_MODE, ALIGN_CENTRE, DOUBLE_SIZE]
    out += [_gb(line) for line in wrap(agreement.title, LINE_COLUMNS // 2)]
    out += [NORMAL_SIZE]
    for line in (agreement.case_no, agreement.organisation):
        out += [_gb(part) for part in wrap(line, LINE_COLUMNS)] if line else []
    out.append(ALIGN_LEFT)
    for section in agreement.sections:
        out += [b"\n", BOLD, *(_gb(x) for x in wrap(section.heading, LINE_COLUMNS)), NOT_BOLD]
        for line in section.lines:
            out += [_gb(part) for part in wrap(line, LINE_COLUMNS)]
    for group in agreement.signatures:
        out += [b"\n", BOLD, *(_gb(x) for x in wrap(group.heading, LINE_COLUMNS)), NOT_BOLD]
        for name in group.names:
            out += [b"\n\n", _gb(signature_line(agreement, name, LINE_COLUMNS))]
        out.append(_gb(agreement.date_line))
    out += [b"\n", _gb(agreement.committee_seal), b"\n\n"]
    if agreement.signed_at:
        out.append(_gb(agreement.signed_at))
    out += [BOLD, *(_gb(x) for x in wrap(agreement.copies[copy], LINE_COLUMNS)), NOT_BOLD]
    out += [ESC + b"d\x04", CUT]
    return b"".join(out)


def escpos(agreement: Agreement) -> bytes:
    """All the copies for the 58 mm printer, cut one from the next."""
    return b"".join(escpos_copy(agreement, n) for n in range(len(agreement.copies)))
