"""A village's board (``/v/{village}``): what is published, newest first, by type and year;
the chooser when several townships have a village of that name; the plain "nothing here"."""

from __future__ import annotations

from urllib.parse import urlencode

from gridterm.township.api.board_html import (
    e,
    number_text,
    page,
    period,
    plain,
    say,
    type_label,
    village_path,
    when,
)
from gridterm.township.services.notice_board import PAGE, TYPES, Board


def _link(village: str, **params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", 0)})
    return village_path(village) + (f"?{query}" if query else "")


def _nav(board: Board, kind: str | None, year: int | None) -> str:
    township = board.township[0] if board.township and len(board.townships) > 1 else None
    tabs = [(None, plain("tabs.all"))] + [(t, type_label(t)) for t in TYPES if t in board.types]
    links = "".join(
        f'<a href="{e(_link(board.village, t=township, type=code, year=year))}"'
        f"{' aria-current=page' if code == kind else ''}>{e(label)}</a>"
        for code, label in tabs
    )
    out = f'<nav class="tabs" aria-label="{say("tabs.label")}">{links}</nav>'
    if board.years:
        years = [(None, plain("tabs.all_years"))] + [
            (y, plain("tabs.year", year=y)) for y in board.years
        ]
        links = "".join(
            f'<a href="{e(_link(board.village, t=township, type=kind, year=y))}"'
            f"{' aria-current=page' if y == year else ''}>{e(label)}</a>"
            for y, label in years
        )
        out += f'<nav class="years" aria-label="{say("tabs.years_label")}">{links}</nav>'
    return out


def _items(board: Board) -> str:
    if not board.items:
        return f'<p class="note" data-empty>{say("list.empty")}</p>'
    rows = []
    for item in board.items:
        sub = [plain("list.published", when=when(item.published_at))]
        if item.period_from:
            sub.insert(0, period(item.period_from, item.period_to))
        if item.version > 1:
            sub.append(plain("list.corrected", v=item.version))
        rows.append(
            f'<li data-number="{e(item.number)}"><span class="tag {e(item.type)}">'
            f"{e(type_label(item.type))}</span>"
            f'<a class="title" href="n/{e(item.number)}">{e(item.title)}</a>'
            f'<span class="sub">{e(" · ".join(sub))}</span></li>'
        )
    return f'<ul class="items" data-items>{"".join(rows)}</ul>'


def board_page(board: Board, kind: str | None, year: int | None, offset: int) -> str:
    """The board of one village of one township."""
    township = board.township[1] if board.township else ""
    parts = [
        f"<h1>{say('board.title', village=board.village)}</h1>",
        f'<p class="township">{e(township)}</p>',
        _nav(board, kind, year),
        f'<p class="sub">{say("board.count", n=board.total)}</p>',
        _items(board),
    ]
    if offset + PAGE < board.total:
        chosen = board.township[0] if board.township and len(board.townships) > 1 else None
        more = _link(board.village, t=chosen, type=kind, year=year, offset=offset + PAGE)
        parts.append(f'<p class="more"><a href="{e(more)}">{say("list.more")}</a></p>')
    parts.append(f'<p class="note">{say("board.note")}</p>')
    latest = board.items[0].title if board.items else ""
    description = plain("board.share", township=township, n=board.total, latest=latest)
    return page(plain("board.share_title", village=board.village), description, "".join(parts))


def chooser_page(board: Board) -> str:
    """Several townships have a village of this name: which one."""
    links = "".join(
        f'<li><a href="{e(_link(board.village, t=tid))}">{e(name)} {e(board.village)}</a></li>'
        for tid, name in board.townships
    )
    body = (
        f"<h1>{say('board.title', village=board.village)}</h1>"
        f'<p class="note">{say("board.choose")}</p><ul data-townships>{links}</ul>'
    )
    return page(plain("board.share_title", village=board.village), plain("board.choose"), body)


def nothing_page(what: str, **params: object) -> str:
    """A plain page saying there is nothing here (``what``: a ``missing.*`` key)."""
    title, note = say(f"missing.{what}_title", **params), say(f"missing.{what}", **params)
    body = f'<h1>{title}</h1><p class="note">{note}</p>'
    return page(
        plain(f"missing.{what}_title", **params),
        plain(f"missing.{what}", **params),
        body,
        index=False,
    )


def forged_page(number: str) -> str:
    """A QR code whose number the township never published: not genuine."""
    body = (
        f'<p class="verdict forged" data-verdict="forged">{say("verdict.forged")}</p>'
        f'<p class="note">{say("verdict.no_such_number", number=number_text(number))}</p>'
    )
    return page(plain("verdict.forged"), plain("verdict.forged_note"), body, index=False)


def limited_page(seconds: int) -> str:
    body = (
        f'<h1>{say("limited.title")}</h1><p class="note">{say("limited.note", seconds=seconds)}</p>'
    )
    return page(plain("limited.title"), plain("limited.title"), body, index=False)
