"""The pieces every page of the village's board is made of: the layout (share title and
description for WeChat), dates, a notice's content and finance table, the QR code.

Always Chinese (residents read it); every string from the ``board`` catalog, every value
HTML-escaped here — a notice, a question or an answer is shown as text, never as markup.
"""

from __future__ import annotations

import datetime as dt
import html
from functools import cache
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import quote

from gridterm.core import model, receipts
from gridterm.core.i18n import t
from gridterm.core.model.affairs import display_money
from gridterm.core.receipts import render
from gridterm.township import db

LANG = "zh_CN"
DESCRIPTION_MAX = 80


@cache
def template(name: str) -> Template:
    text = resources.files("gridterm.township").joinpath(f"templates/{name}")
    return Template(text.read_text(encoding="utf-8"))


def e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def say(key: str, **params: Any) -> str:
    """A string of the board's pages, HTML-escaped (its parameters with it)."""
    return e(t(f"board.{key}", lang=LANG, **params))


def plain(key: str, **params: Any) -> str:
    return t(f"board.{key}", lang=LANG, **params)


def page(title: str, description: str, body: str, *, index: bool = True) -> str:
    """A whole page: ``title`` and ``description`` are what a WeChat share card shows."""
    text = " ".join(description.split())
    if len(text) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - 1] + "…"
    return template("board.html").substitute(
        title=e(title),
        description=e(text),
        robots="index, follow" if index else "noindex, nofollow",
        body=body,
        footer=say("page.footer"),
    )


def village_path(village: str) -> str:
    """The board's path segment for a village, as written (URL-encoded)."""
    return quote(village, safe="")


def day(value: str | None) -> str:
    """``2026-10-01`` -> ``2026年10月1日`` (anything else as it is)."""
    try:
        d = dt.date.fromisoformat(value or "")
    except ValueError:
        return value or ""
    return f"{d.year}年{d.month}月{d.day}日"


def when(moment: dt.datetime | None, with_time: bool = False) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(model.CHINA_TIME)
    text = f"{local.year}年{local.month}月{local.day}日"
    return text + local.strftime(" %H:%M") if with_time else text


def period(start: str | None, end: str | None) -> str:
    if start and end and start != end:
        return plain("page.period_range", start=day(start), end=day(end))
    return day(start or end)


def type_label(kind: str) -> str:
    return model.label("notice_type", kind, "zh") if kind else ""


def number_text(number: str) -> str:
    return receipts.display_number(number)


def body_html(text: Any) -> str:
    lines = [line for line in str(text or "").splitlines() if line.strip()]
    return "".join(f"<p>{e(line)}</p>" for line in lines)


def row_text(row: dict[str, Any]) -> str:
    """A finance row in one line, for the list of what a correction changed."""
    parts = [row.get("item") or ""]
    if row.get("income"):
        parts.append(plain("table.income_short", amount=row["income"]))
    if row.get("spending"):
        parts.append(plain("table.spending_short", amount=row["spending"]))
    if row.get("voucher"):
        parts.append(plain("table.voucher_short", voucher=row["voucher"]))
    return " · ".join(p for p in parts if p)


def _money(text: Any) -> str:
    return e(display_money(text)) if text not in (None, "") else ""


def finance_table(rows: list[dict[str, Any]] | None, totals: Any) -> str:
    """The finance rows as a table (on a phone, each row a card whose cells say their
    column: ``data-label``)."""
    if not rows and not isinstance(totals, dict):
        return ""
    names = {k: say(f"table.{k}") for k in ("item", "income", "spending", "voucher", "total")}
    head = "".join(f"<th>{names[k]}</th>" for k in ("item", "income", "spending", "voucher"))

    def cell(key: str, value: str, css: str = "") -> str:
        return f'<td class="{css or key}" data-label="{names[key]}">{value}</td>'

    body = "".join(
        "<tr>"
        + cell("item", e(r.get("item")))
        + cell("income", _money(r.get("income")), "money")
        + cell("spending", _money(r.get("spending")), "money")
        + cell("voucher", e(r.get("voucher")))
        + "</tr>"
        for r in rows or []
    )
    foot = ""
    if isinstance(totals, dict):
        foot = (
            "<tfoot><tr>"
            + cell("total", names["total"], "item")
            + cell("income", _money(totals.get("income")), "money")
            + cell("spending", _money(totals.get("spending")), "money")
            + cell("voucher", "")
            + "</tr></tfoot>"
        )
    return (
        f'<table class="rows" data-rows><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody>{foot}</table>"
    )


def content(version: db.NoticeVersion) -> str:
    """The notice as published: its body, then its finance table (names masked)."""
    data = version.content if isinstance(version.content, dict) else {}
    return (
        f'<div class="body">{body_html(data.get("body"))}</div>'
        f"{finance_table(version.public_items, data.get('totals'))}"
    )


def description(version: db.NoticeVersion) -> str:
    """What a share card says of a notice: its place and kind, then its first words."""
    data = version.content if isinstance(version.content, dict) else {}
    head = plain("page.share_head", village=version.village, kind=type_label(version.type))
    return f"{head} {str(data.get('body') or '').strip()}"


def qr_svg(payload: str) -> str:
    """The QR code as inline SVG (error correction M whatever its size: it is for paper)."""
    drawing = render.svg(render.make_qr(payload, max_version=None))
    return drawing.split("\n", 1)[1] if drawing.startswith("<?xml") else drawing


def qr_png(payload: str, scale: int = 8) -> bytes:
    return render.png_bytes(render.make_qr(payload, max_version=None), scale=scale)
