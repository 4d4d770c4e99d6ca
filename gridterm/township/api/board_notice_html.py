"""A notice's public page (``/v/n/{NUMBER}``) and its A4 print (``/v/n/{NUMBER}/print``).

The page shows the current version, what a scanned paper is (the verdict, when the page was
opened from a QR code), the history of versions with each correction's reason and changes,
the supervision committee's countersignatures, the answered questions and the form to ask.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridterm.township import db
from gridterm.township.api.board_html import (
    content,
    description,
    e,
    number_text,
    page,
    period,
    plain,
    qr_svg,
    row_text,
    say,
    template,
    type_label,
    village_path,
    when,
)
from gridterm.township.services import notice_changes
from gridterm.township.services.notice_views import NoticePage
from gridterm.township.services.questions import TEXT_MAX


@dataclass(frozen=True)
class Form:
    """The question form as the page shows it: what was typed, and what was wrong."""

    text: str = ""
    phone: str = ""
    problem: str = ""
    done: bool = False


def _meta(page_: NoticePage, version: db.NoticeVersion) -> str:
    pairs = [
        (plain("meta.village"), " ".join(p for p in (page_.township, version.village) if p)),
        (plain("meta.period"), period(version.period_from, version.period_to)),
        (plain("meta.published"), when(version.published_at)),
        (
            plain("meta.number"),
            plain("meta.number_version", number=number_text(page_.number), v=version.version),
        ),
    ]
    rows = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in pairs if v)
    return f'<dl class="meta">{rows}</dl>'


def _signs(page_: NoticePage, version: db.NoticeVersion) -> str:
    agreed = [c for c in page_.countersigns.get(version.version, []) if c.decision == "agree"]
    if not agreed:
        return ""
    lines = "".join(f"<li>{say('signs.line', name=c.name, when=when(c.at))}</li>" for c in agreed)
    return f'<section class="signs" data-countersigned><ul>{lines}</ul></section>'


def _changes(changes: list[notice_changes.Change]) -> str:
    items = []
    for change in changes:
        what = say(f"change.{change.what}")
        if change.what in ("body", "rows"):
            parts = [f"<del>{e(x)}</del>" for x in change.removed]
            parts += [f"<ins>{e(x)}</ins>" for x in change.added]
            items.append(f"<li>{what}：{'<br>'.join(parts)}</li>")
            continue
        old, new = (x[0] if x else "" for x in (change.removed, change.added))
        if change.what == "type":
            old, new = type_label(old), type_label(new)
        items.append(f"<li>{what}：<del>{e(old) or '—'}</del> → <ins>{e(new) or '—'}</ins></li>")
    return f'<ul class="changes">{"".join(items)}</ul>' if items else ""


def _history(page_: NoticePage) -> str:
    if len(page_.versions) < 2:
        return ""
    items = []
    previous = None
    for version in page_.versions:
        head = say("history.version", v=version.version, when=when(version.published_at, True))
        if version.superseded_at is None:
            head += " " + say("history.current")
        line = f"<li data-version={version.version}><strong>{head}</strong>"
        if previous is not None:
            line += f"<br>{say('history.reason', reason=version.reason or '—')}"
            line += _changes(notice_changes.changes(previous, version, row_text))
        items.append(line + "</li>")
        previous = version
    return f'<h2>{say("history.title")}</h2><ol class="history" data-history>{"".join(items)}</ol>'


def _verdict(page_: NoticePage, verdict: str | None, scanned: int | None) -> str:
    if verdict is None:
        return ""
    current = page_.current
    if verdict == "current":
        text = say("verdict.current", v=current.version)
        note = say("verdict.current_note")
    elif verdict == "superseded":
        text = say("verdict.superseded", v=scanned or 0, current=current.version)
        old = page_.version(scanned or 0)
        why = "".join(
            f"<li>{say('verdict.because', v=v.version, reason=v.reason or '—')}</li>"
            for v in page_.later(scanned or 0)
        )
        changed = _changes(notice_changes.changes(old, current, row_text)) if old else ""
        note = f"{say('verdict.superseded_note')}<ul>{why}</ul>{say('verdict.what_changed')}"
        note += changed
    else:
        text, note = say("verdict.forged"), say("verdict.forged_note")
    return (
        f'<p class="verdict {verdict}" data-verdict="{verdict}">{text}</p>'
        f'<div class="verdict-note">{note}</div>'
    )


def _questions(page_: NoticePage, form: Form, root: str) -> str:
    out = [f'<h2 id="ask">{say("ask.title")}</h2>']
    for q in page_.questions:
        out.append(
            f'<div class="question" data-question><p class="sub">'
            f"{say('ask.asked', phone=q.phone, when=when(q.asked_at))}</p>"
            f"<p>{e(q.text)}</p><div class=answer><p class=sub>"
            f"{say('ask.answered', when=when(q.answered_at))}</p><p>{e(q.answer)}</p></div></div>"
        )
    if not page_.questions:
        out.append(f'<p class="note">{say("ask.none_yet")}</p>')
    if form.done:
        out.append(f'<p class="note" data-asked>{say("ask.received")}</p>')
    problem = f'<p class="error" data-problem>{e(form.problem)}</p>' if form.problem else ""
    out.append(
        f'<form class="ask" method="post" action="{e(root)}n/{e(page_.number)}/questions">'
        f"{problem}"
        f'<label for="q-text">{say("ask.text_label")}</label>'
        f'<textarea id="q-text" name="text" rows="4" maxlength="{TEXT_MAX}" required>'
        f"{e(form.text)}</textarea>"
        f'<label for="q-phone">{say("ask.phone_label")}</label>'
        f'<input id="q-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" '
        f'maxlength="20" required value="{e(form.phone)}">'
        f'<p class="note">{say("ask.privacy")}</p>'
        f'<button type="submit">{say("ask.submit")}</button></form>'
    )
    return "".join(out)


def notice_page(
    page_: NoticePage,
    payload: str | None,
    root: str,
    verdict: str | None = None,
    scanned: int | None = None,
    form: Form | None = None,
) -> str:
    """The whole page; ``payload`` is the current version's QR payload, ``root`` the
    relative path from the page's address to ``/v/`` (links work behind a path prefix)."""
    current = page_.current
    board = f"{root}{village_path(current.village)}"
    parts = [
        f'<p class="crumbs"><a href="{e(board)}">{say("page.back", village=current.village)}</a></p>',
        _verdict(page_, verdict, scanned),
        f'<article data-number="{e(page_.number)}" data-version="{current.version}">',
        f'<p><span class="tag {e(current.type)}">{e(type_label(current.type))}</span></p>',
        f"<h1>{e(current.title)}</h1>",
        _meta(page_, current),
        content(current),
        _signs(page_, current),
        "</article>",
    ]
    if payload:
        parts.append(
            f'<div class="qr">{qr_svg(payload)}<p>{say("qr.note")}<br>'
            f'<a href="{e(root)}n/{e(page_.number)}/print">{say("qr.print")}</a></p></div>'
        )
    parts += [_history(page_), _questions(page_, form or Form(), root)]
    title = plain("page.notice_title", title=current.title, village=current.village)
    return page(title, description(current), "".join(parts), index=verdict is None)


def print_page(page_: NoticePage, payload: str) -> str:
    """The current version on A4, its QR code at the foot, for the village's notice board."""
    current = page_.current
    data = current.content if isinstance(current.content, dict) else {}
    parts = [
        f'<p class="kind">{say("print.kind", kind=type_label(current.type))}</p>',
        f"<h1>{e(current.title)}</h1>",
        f'<p class="place">{e(" ".join(p for p in (page_.township, current.village) if p))}'
        f"{e('　' + period(current.period_from, current.period_to)) if current.period_from else ''}"
        "</p>",
    ]
    if current.version > 1:
        parts.append(
            f'<div class="correction">{say("print.correction", v=current.version)}'
            f"{say('history.reason', reason=current.reason or '—')}</div>"
        )
    parts.append(content(current))
    agreed = [c for c in page_.countersigns.get(current.version, []) if c.decision == "agree"]
    signs = "、".join(c.name for c in agreed)
    parts.append(
        f'<p class="signs">{say("print.supervision")}<span class="line">{e(signs)}</span></p>'
    )
    parts.append(
        f'<div class="foot"><div class="qr">{qr_svg(payload)}'
        f'<div class="number">{e(number_text(page_.number))}</div>'
        f"<div>{say('print.scan', v=current.version)}</div></div>"
        f'<div class="issuer"><p>{e(data.get("village") or current.village)}</p>'
        f"<p>{say('print.published', township=page_.township, when=when(current.published_at))}"
        "</p></div></div>"
    )
    toolbar = (
        f'<div class="toolbar"><button type="button" onclick="window.print()">'
        f"{say('print.button')}</button><span>{say('print.hint')}</span></div>"
    )
    return template("notice_print.html").substitute(
        title=e(current.title),
        number=e(page_.number),
        version=current.version,
        toolbar=toolbar,
        body="".join(parts),
    )
