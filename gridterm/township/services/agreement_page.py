"""The A4 page of a case's mediation agreement, for the link the officer's device signed.

``GET /agreement/{record_id}?rev=&exp=&s=`` (see :mod:`gridterm.core.receipts.agreement_link`)
shows the agreement as the device recorded it in that rev — the exact body the device sent —
one copy per party plus the archive's, each on its own A4 sheet when printed.  What the link
may be answered with:

* ``agreement`` — the link is the device's, unexpired, its device not revoked: the page;
* ``not_received`` — that rev has not reached the township yet (nothing about the case is
  said: the link is not checked against a device the service does not know);
* ``expired`` — a genuine link past its day: make a new one on the device;
* ``refused`` — a link no device made, from a revoked device, or to a record that is not a
  case with an agreement.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core.i18n import t
from gridterm.core.receipts.agreement import Agreement, AgreementError, agreement_for
from gridterm.core.receipts.agreement_link import link_state
from gridterm.township import db
from gridterm.township.services.inputs import CONTROL

LANGS = ("zh_CN", "en")


@dataclass(frozen=True)
class Answer:
    state: str  # "agreement" | "not_received" | "expired" | "refused"
    agreement: Agreement | None = None


def look_up(
    session: Session, record_id: str, rev: str, expires: str, sig: str, lang: str = "zh_CN"
) -> Answer:
    """What the link ``/agreement/{record_id}?rev=&exp=&s=`` shows (parameters as sent)."""
    try:
        rev_n, expires_n = int(rev), int(expires)
    except ValueError:
        return Answer("refused")
    if len(record_id) > 64 or CONTROL.search(record_id) or not 1 <= rev_n < 2**31:
        return Answer("refused")
    row = session.execute(
        select(db.RecordRev.body, db.RecordRev.device_id).where(
            db.RecordRev.record_id == record_id, db.RecordRev.rev == rev_n
        )
    ).first()
    if row is None:
        return Answer("not_received")
    device = session.get(db.Device, row.device_id)
    if device is None or not 0 < expires_n < 2**63:
        return Answer("refused")
    state = link_state(record_id, rev_n, expires_n, sig, device.secret, _now())
    if state != "ok" or device.revoked_at is not None:
        return Answer("expired" if state == "expired" else "refused")
    record = json.loads(row.body)
    if record.get("kind") != "case":
        return Answer("refused")
    try:
        agreement = agreement_for(
            record, _place(session, record_id), lang if lang in LANGS else "zh_CN"
        )
    except AgreementError:
        return Answer("refused")
    return Answer("agreement", agreement)


def _now() -> dt.datetime:
    return db.utcnow()


def _place(session: Session, record_id: str) -> str:
    names = session.execute(
        select(db.Township.name, db.Grid.name)
        .join(db.Grid, db.Grid.township_id == db.Township.id)
        .join(db.Record, db.Record.grid_id == db.Grid.id)
        .where(db.Record.id == record_id)
    ).first()
    return " ".join(n for n in names or () if n)


# --------------------------------------------------------------------------- the page


@cache
def _template() -> Template:
    text = resources.files("gridterm.township").joinpath("templates/agreement.html")
    return Template(text.read_text(encoding="utf-8"))


def page(answer: Answer, lang: str = "zh_CN") -> str:
    """The whole HTML page for ``answer``: the agreement's copies, or why there are none."""
    lang = lang if lang in LANGS else "zh_CN"
    agreement = answer.agreement
    if agreement is None:
        body = (
            f'<p class="notice" data-state="{answer.state}">'
            f"{_e(t(f'agreement_page.{answer.state}', lang=lang))}</p>"
        )
        title = t("agreement.title", lang=lang)
    else:
        body = "\n".join(_copy(agreement, n) for n in range(len(agreement.copies)))
        title = agreement.title
    return _template().substitute(
        lang="zh-CN" if lang == "zh_CN" else "en",
        title=_e(title),
        state=answer.state,
        toolbar=_toolbar(agreement, lang),
        body=body,
    )


def _toolbar(agreement: Agreement | None, lang: str) -> str:
    if agreement is None:
        return ""
    hint = t("agreement_page.print_hint", lang=lang, count=len(agreement.copies))
    button = t("agreement_page.print", lang=lang)
    return (
        f'<div class="toolbar"><button type="button" onclick="window.print()">{_e(button)}'
        f"</button><span>{_e(hint)}</span></div>"
    )


def _copy(agreement: Agreement, n: int) -> str:
    parts = [
        f'<article class="copy" data-copy="{n + 1}">',
        f'<p class="copy-label">{_e(agreement.copies[n])}</p>',
        f"<h1>{_e(agreement.title)}</h1>",
    ]
    meta = [x for x in (agreement.case_no, agreement.organisation) if x]
    parts += [f'<p class="meta">{_e(x)}</p>' for x in meta]
    for section in agreement.sections:
        parts.append(f"<section><h2>{_e(section.heading)}</h2>")
        parts += [f"<p>{_e(line)}</p>" for line in section.lines]
        parts.append("</section>")
    parts.append('<div class="signatures">')
    for group in agreement.signatures:
        parts.append(f'<div class="group"><h2>{_e(group.heading)}</h2>')
        for name in group.names:
            label = agreement.sign_line.format(name=name)
            parts.append(f'<p class="sign"><span>{_e(label)}</span><span class="rule"></span></p>')
        parts.append(f'<p class="date">{_e(agreement.date_line)}</p></div>')
    parts.append(f'<p class="seal">{_e(agreement.committee_seal)}</p>')
    if agreement.signed_at:
        parts.append(f'<p class="signed-at">{_e(agreement.signed_at)}</p>')
    parts += ["</div>", "</article>"]
    return "\n".join(parts)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
