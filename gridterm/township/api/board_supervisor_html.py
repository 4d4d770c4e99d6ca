"""The village supervision committee member's page (``/v/s/{token}``): the village's notices
awaiting review and published, each with its content and a form to countersign or object."""

from __future__ import annotations

from typing import Any

from gridterm.township.api.board_html import (
    body_html,
    e,
    finance_table,
    page,
    period,
    plain,
    say,
    type_label,
    when,
)
from gridterm.township.db import VillageSupervisor
from gridterm.township.services.supervisors import NOTE_MAX, Pending


def _form(item: Pending, token: str) -> str:
    if item.decision is not None:
        return f'<p class="note" data-said="{e(item.decision)}">{say(f"sign.said_{item.decision}")}</p>'
    rec = item.record
    return (
        f'<form class="sign" method="post" action="{e(token)}/sign">'
        f'<input type="hidden" name="record" value="{e(rec.id)}">'
        f'<input type="hidden" name="rev" value="{rec.rev}">'
        f'<label>{say("sign.note_label")}<input name="note" maxlength="{NOTE_MAX}"></label>'
        f'<button type="submit" name="decision" value="agree">{say("sign.agree")}</button> '
        f'<button type="submit" name="decision" value="object" class="object">'
        f"{say('sign.object')}</button></form>"
    )


def _item(item: Pending, rows: list[dict[str, Any]], token: str) -> str:
    rec = item.record
    data = rec.data if isinstance(rec.data, dict) else {}
    period_data = data.get("period") if isinstance(data.get("period"), dict) else {}
    sub = [
        plain(f"sign.state_{rec.status}"),
        period(period_data.get("from"), period_data.get("to")),
        plain("sign.updated", when=when(rec.updated_at, True)),
    ]
    return (
        f'<li data-record="{e(rec.id)}"><span class="tag {e(data.get("type"))}">'
        f"{e(type_label(str(data.get('type') or '')))}</span><strong>{e(data.get('title'))}</strong>"
        f'<p class="sub">{e(" · ".join(p for p in sub if p))}</p>'
        f"<details><summary>{say('sign.read')}</summary><div class=body>"
        f"{body_html(data.get('body'))}</div>{finance_table(rows, data.get('totals'))}</details>"
        f"{_form(item, token)}</li>"
    )


def member_page(
    member: VillageSupervisor,
    items: list[tuple[Pending, list[dict[str, Any]]]],
    token: str,
    message: str = "",
) -> str:
    """``items``: each notice with its finance rows as the public would read them."""
    parts = [
        f"<h1>{say('sign.title', village=member.village)}</h1>",
        f'<p class="note">{say("sign.intro")}</p>',
    ]
    if message:
        parts.append(f'<p class="note" data-message>{e(message)}</p>')
    if items:
        parts.append(
            '<ul class="items" data-items>'
            + "".join(_item(item, rows, token) for item, rows in items)
            + "</ul>"
        )
    else:
        parts.append(f'<p class="note" data-empty>{say("sign.empty")}</p>')
    title = plain("sign.title", village=member.village)
    return page(title, title, "".join(parts), index=False)
