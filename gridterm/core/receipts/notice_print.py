"""A published village notice on paper: the 58 mm receipt printer's copy for the notice board.

The township publishes a notice, numbers it and signs it; the pull brings the device the
number, the version and the QR payload (``notice_qr``: ``{service}/v/n/{NUMBER}?v=…&h=…&s=…``,
signed by the service's key over the hash of the published content).  The device prints that
payload as it came — it holds no key that could sign a notice — so a phone that scans the
paper learns from the township whether it is the current version, an older one, or not
genuine.

Before printing, the device checks that the text it is about to print is the text the QR
vouches for (``h`` = the first 16 hex of the SHA-256 of the canonical JSON of the published
``data``): a notice edited on the device after it was published would print a paper that
scans as altered.  The text is laid out for 32 columns (16 Chinese characters), Chinese in
GB18030, with the receipt renderers' ESC/POS (:mod:`gridterm.core.receipts.render`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from gridterm.core.i18n import t
from gridterm.core.model import canonical_json, label
from gridterm.core.model.affairs import display_money
from gridterm.core.receipts import ReceiptError
from gridterm.core.receipts.agreement_print import wrap
from gridterm.core.receipts.render import LINE_COLUMNS, QRSymbol, escpos, make_qr, plain_text, svg

HASH_HEX = 16
# Core opens no sockets and imports no urllib: the two bits of a URL needed here, by hand.
_H = re.compile(r"[?&]h=([0-9a-fA-F]+)(?:&|#|$)")
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
BOARD_LANG = "zh_CN"


def content_hash(data: dict[str, Any]) -> str:
    """HASH16 of a notice's published ``data`` (docs/contracts.md, issue 17)."""
    return hashlib.sha256(canonical_json(data)).hexdigest()[:HASH_HEX]


def qr_hash(payload: str) -> str | None:
    """The ``h`` a QR payload carries, or None."""
    found = _H.search(payload)
    return found.group(1).lower() if found else None


def _quote(text: str) -> str:
    return "".join(chr(b) if b in _SAFE else f"%{b:02X}" for b in text.encode("utf-8"))


def a4_link(record: dict[str, Any], service_url: str | None = None) -> str | None:
    """The township's A4 page of a published notice (``{service}/v/n/{NUMBER}/print``), at
    the address its QR code names — else at ``service_url`` — or None before publication."""
    number = record.get("notice_number")
    if record.get("kind") != "notice" or number in (None, ""):
        return None
    payload = str(record.get("notice_qr") or "")
    base = payload.split("/v/n/", 1)[0] if "/v/n/" in payload else (service_url or "")
    if not base:
        return None
    return f"{base.rstrip('/')}/v/n/{_quote(str(number))}/print"


def printable_problem(record: dict[str, Any]) -> str | None:
    """Why this notice cannot be printed for the board (a catalog key), or None."""
    if record.get("kind") != "notice":
        return "affairs.print.not_a_notice"
    if record.get("status") == "superseded":
        return "affairs.print.superseded"
    if record.get("status") != "published" or not record.get("notice_qr"):
        return "affairs.print.not_published"
    if qr_hash(str(record["notice_qr"])) != content_hash(record.get("data") or {}):
        return "affairs.print.changed"
    return None


@dataclass
class NoticePaper:
    """Everything needed to show, save or print one published notice."""

    title: str
    lines: list[str]  # under the title, each at most LINE_COLUMNS wide
    payload: str
    number_text: str  # under the code: the number and the version

    def symbol(self) -> QRSymbol:
        return make_qr(self.payload, max_version=None)

    def text(self) -> str:
        return plain_text([self.title, *self.lines, self.payload, self.number_text])

    def escpos(self) -> bytes:
        return escpos([self.title, *self.lines], self.payload, self.number_text)

    def svg(self) -> str:
        return svg(self.symbol(), self.number_text, [self.title, *self.lines])


def paper_for(record: dict[str, Any], lang: str = BOARD_LANG) -> NoticePaper:
    """The paper copy of a published notice; ReceiptError (saying why) when it has none.

    In Chinese whatever the officer's language: it is pinned to the village's board."""
    problem = printable_problem(record)
    if problem is not None:
        raise ReceiptError(problem)
    data = record.get("data") or {}
    number = str(record.get("notice_number") or "")
    version = record.get("notice_version") or 1
    return NoticePaper(
        title=str(data.get("title") or ""),
        lines=notice_lines(record, lang),
        payload=str(record["notice_qr"]),
        number_text=t("affairs.print.number", lang=lang, number=number, version=version),
    )


def notice_lines(record: dict[str, Any], lang: str | None = None) -> list[str]:
    """The notice below its title, laid out for 58 mm paper."""
    data = record.get("data") or {}
    width = LINE_COLUMNS
    kind = label("notice_type", str(data.get("type", "")), lang)
    heads = [t("affairs.print.head", lang=lang, village=data.get("village", ""), type=kind)]
    period = data.get("period") or {}
    if period.get("from") and period.get("to"):
        heads.append(t("affairs.print.period", lang=lang, start=period["from"], end=period["to"]))
    if record.get("published_at"):
        heads.append(t("affairs.print.published", lang=lang, when=str(record["published_at"])[:10]))
    if data.get("correction_of") and data.get("reason"):
        heads.append(t("affairs.print.reason", lang=lang, reason=data["reason"]))
    lines = [part for head in heads for part in wrap(head, width)]
    lines.append("-" * width)
    for paragraph in str(data.get("body") or "").split("\n"):
        lines += wrap(paragraph, width) if paragraph.strip() else [""]
    if data.get("type") == "finance":
        lines += finance_lines(data, lang, width)
    return lines


def finance_lines(data: dict[str, Any], lang: str | None, width: int) -> list[str]:
    """Each item on its own line, its amounts right-aligned beneath; the totals last."""
    lines = ["-" * width]
    for n, item in enumerate(data.get("items") or [], 1):
        lines += wrap(f"{n}. {item.get('item', '')}", width)
        voucher = t("affairs.print.voucher", lang=lang, voucher=item.get("voucher", ""))
        amounts = _amounts(item, lang)
        if item.get("voucher") and _width(f"{voucher}  {amounts}") <= width:
            lines.append(voucher + _right(amounts, width - _width(voucher)))
        else:
            lines += wrap(voucher, width) if item.get("voucher") else []
            lines.append(_right(amounts, width))
    totals = data.get("totals") or {}
    lines += ["=" * width, t("affairs.print.totals", lang=lang)]
    lines.append(_right(_amounts(totals, lang, zero=True), width))
    return lines


def _amounts(row: dict[str, Any], lang: str | None, zero: bool = False) -> str:
    parts = []
    for column in ("income", "spending"):
        value = row.get(column)
        if value or zero:
            shown = display_money(value or "0")
            parts.append(t(f"affairs.print.{column}", lang=lang, amount=shown))
    return "  ".join(parts)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _right(text: str, width: int) -> str:
    return " " * max(width - _width(text), 0) + text
