"""The resident's status page: ``GET /r/{number}?s={sig}`` — plain mobile HTML in Chinese.

What a resident's phone opens when it scans the QR code of a receipt (回执).  Three different
answers, each plain about what it means:

* **genuine, synced** (200, ``data-verdict="genuine"``): the item's kind, date, village, state,
  the township's public reply and the promised time limit; names masked, nothing else personal.
  A visit's page also lists the reports that visit raised (``data.links.visit``): each one's
  kind, category and state only.
* **genuine, not synced yet** (200, ``data-verdict="pending"``): the signature is one of an
  enrolled device's, but the record has not reached the township; check again after the
  officer syncs.
* **not genuine** (404, ``data-verdict="forged"``): the number's check character is wrong
  (mistyped or made up); the number and the signature do not match (one answer, whether or
  not the number exists); or its device was revoked and the receipt, which never reached the
  township, was issued after that or carries no signed issue time (docs/security.md).  A
  wrong check character comes with a form to type the number again (it keeps the link's
  signature).

Beside those, plain pages instead of JSON: ``/`` and ``/r`` (a form to type a receipt
number: ``GET /r?n=…`` goes to that number's page, or says what is wrong with it,
``data-verdict="mistyped"``), and any other path under ``/r/``.  Every page ends with the
township's phone number (``gridterm admin township set --phone``) when one is set.

Which answer a receipt gets is :mod:`gridterm.township.services.resident`'s; this module
writes the page.  Requests are rate limited per client address with a token bucket every
service process shares (kept in the database; 429 with ``Retry-After``).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import unicodedata
from functools import cache
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from gridterm.core import receipts, workflow
from gridterm.core.i18n import t
from gridterm.township.api.deps import client_address, read_session
from gridterm.township.api.ratelimit import SharedBucket
from gridterm.township.services import agreement_page, contact, resident

router = APIRouter(tags=["public"])

CST = dt.timezone(dt.timedelta(hours=8))
DEFAULT_RATE = (30.0, 0.5)  # a burst of 30 pages, then one every 2 seconds per address

_HTML = {"text/html": {"schema": {"type": "string"}}}
_HTML1 = {"content": _HTML}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Genuine receipt: status page, or 'not received yet'", "content": _HTML},
    400: {"description": "Incomplete link (no signature), or a mistyped number", "content": _HTML},
    404: {"description": "Not a genuine receipt", "content": _HTML},
    429: {"description": "Rate limited; see Retry-After", "content": _HTML},
}


@cache
def _template(name: str = "resident.html") -> Template:
    text = resources.files("gridterm.township").joinpath(f"templates/{name}")
    return Template(text.read_text(encoding="utf-8"))


def _say(key: str, **params: Any) -> str:
    """A string of this page (always Chinese: residents read it), HTML-escaped."""
    return html.escape(t(f"resident_page.{key}", lang="zh_CN", **params))


def _rate_from_env() -> tuple[float, float]:
    """``GRIDTERM_PUBLIC_RATE=BURST/PER_MINUTE`` (e.g. ``30/30``); the default otherwise."""
    raw = os.environ.get("GRIDTERM_PUBLIC_RATE", "")
    try:
        burst, per_minute = (float(x) for x in raw.split("/"))
        if burst >= 1 and per_minute > 0:
            return burst, per_minute / 60.0
    except ValueError:
        pass
    return DEFAULT_RATE


def limiter(app: Any) -> SharedBucket:
    """The public pages' limiter: one budget per client address across every service
    process (kept in the database)."""
    bucket = getattr(app.state, "public_limiter", None)
    if bucket is None:
        burst, per_second = _rate_from_env()
        sessions = app.state.gridterm.write_sessions
        bucket = SharedBucket("public", burst, per_second, sessions)
        app.state.public_limiter = bucket
    return bucket


def _page(
    status: int,
    verdict: str | None,
    verdict_text: str,
    body: str,
    headers=None,
    contacts: list[contact.Contact] | None = None,
) -> HTMLResponse:
    # A typo or a wrong address is no warning sign: those are drawn as calmly as "pending".
    classes = {"genuine": "genuine", "pending": "pending", "mistyped": "pending"}
    classes["not_a_page"] = "pending"
    verdict_html = ""
    if verdict is not None:
        verdict_html = (
            f'<p class="verdict {classes.get(verdict, "forged")}" data-verdict="{verdict}">'
            f"{html.escape(verdict_text)}</p>"
        )
    content = _template().substitute(
        title="回执查询",
        verdict_html=verdict_html,
        body=body,
        contact=_contact_block(contacts),
    )
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", **(headers or {})}
    return HTMLResponse(content, status_code=status, headers=headers)


def _facts(pairs: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in pairs if v is not None
    )
    return f"<dl>{rows}</dl>"


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def _when(moment: dt.datetime | str | None, with_time: bool = True) -> str:
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(CST)
    return local.strftime("%Y年%m月%d日 %H:%M" if with_time else "%Y年%m月%d日")


_FORGED = {
    "not_a_link": "这不是本系统开具的回执链接。",
    "check_character": (
        "回执号的校验位不对：这个号码不是本系统开具的，或者抄写时有误。请对照回执重新输入。"
    ),
}


def _forged(
    verdict: resident.Forged, contacts: list[contact.Contact], retype: str = ""
) -> HTMLResponse:
    if verdict.why in _FORGED:
        reason = _FORGED[verdict.why]
    else:  # mismatch (one sentence whether or not the number exists), or revoked
        reason = t(f"hardening.page.{verdict.why}", lang="zh_CN", revoked=_when(verdict.revoked_at))
    body = _note(reason)
    if retype:
        body += retype
    body += _note(
        "如果回执是网格员当面开给您的，请联系网格员或乡镇核实；不要按回执上的其他说明办事。"
    )
    return _page(404, "forged", "无法确认这张回执", body, contacts=contacts)


def _incomplete(contacts: list[contact.Contact]) -> HTMLResponse:
    return _page(
        400,
        "incomplete",
        "链接不完整",
        _note("请用手机扫描回执上的二维码打开本页；没有智能手机的，可致电乡镇报回执号查询。"),
        contacts=contacts,
    )


def _contact_block(contacts: list[contact.Contact] | None) -> str:
    """The township's number to call, as a link a phone dials with one tap."""
    if contacts is None:
        return ""
    if not contacts:
        return f'<p class="contact note">{_say("contact.none")}</p>'
    lines = "".join(
        f'<li><a href="tel:{html.escape(c.dial)}">'
        f"{_say('contact.call', township=c.township, phone=c.phone)}</a></li>"
        for c in contacts
    )
    return (
        f'<section class="contact" data-contact><h2>{_say("contact.title")}</h2>'
        f'<ul class="phones">{lines}</ul></section>'
    )


def _lookup_form(request: Request, value: str = "", sig: str = "", problem: str = "") -> str:
    """The form to type a receipt number: a GET to ``/r`` (works without JavaScript); a tiny
    script tells a wrong check character as the resident types.  ``sig`` rides along from
    the link, so a retyped number still shows its status."""
    depth = max(request.url.path.count("/") - 1, 0)
    hidden = f'<input type="hidden" name="s" value="{html.escape(sig)}">' if sig else ""
    return _template("lookup_form.html").substitute(
        action=html.escape("../" * depth + "r"),
        label=_say("lookup.retype_label" if problem else "lookup.label"),
        value=html.escape(value),
        invalid="true" if problem else "false",
        submit=_say("lookup.submit"),
        signature=hidden,
        help_class=" wrong" if problem else "",
        message=html.escape(problem) if problem else _say("lookup.help"),
        help=_say("lookup.help"),
        ok=_say("lookup.ok"),
        wrong_check=_say("lookup.wrong_check"),
        bad_char=_say("lookup.bad_char"),
        too_long=_say("lookup.too_long"),
    )


def _number_problem(number: str) -> str:
    """What :func:`receipts.parse_number` says is wrong with ``number`` ("" when nothing)."""
    try:
        receipts.parse_number(number)
    except receipts.ReceiptNumberError as exc:
        return exc.message("zh_CN")
    return ""


def _status_page(found: resident.Genuine, contacts: list[contact.Contact]) -> HTMLResponse:
    status_label = workflow.label(found.status, "zh")
    if found.late is not None:
        due = _when(found.due_at) + ("（已超过承诺时限）" if found.late else "前")
    else:
        due = _when(found.due_at) if found.due_at else "—"
    pairs = [
        ("回执号", receipts.format_number(found.number)),
        ("事项", found.item),
        ("登记日期", _when(found.registered_at, with_time=False)),
        ("村/网格", found.place or "—"),
        ("当前状态", status_label),
        ("状态更新", _when(found.status_at) or "—"),
        ("承诺时限", due),
        ("乡镇答复", found.public_reply or "暂无"),
    ]
    if found.resident:
        pairs.insert(2, ("居民", found.resident))
    if found.officer:
        pairs.append(("网格员", found.officer))
    if found.department:  # right under the state it is in
        at = next(i for i, (key, _) in enumerate(pairs) if key == "当前状态") + 1
        pairs.insert(at, (t("departments.resident.label", lang="zh_CN"), found.department))
    if found.county:  # the county handles it: said right under the state too
        at = next(i for i, (key, _) in enumerate(pairs) if key == "当前状态") + 1
        pairs.insert(at, (t("county.resident.label", lang="zh_CN"), found.county))
    body = _facts(pairs)
    if found.linked:
        body += _linked_reports(found.linked)
    body += _note("本页只显示办理进度；如有疑问请联系您的网格员或乡镇。")
    return _page(200, "genuine", f"回执真实有效 · {status_label}", body, contacts=contacts)


def _linked_reports(linked: list[resident.Linked]) -> str:
    pairs = []
    for report in linked:
        state = workflow.label(report.status, "zh")
        at = report.status_at
        pairs.append((report.item, f"{state}（{_when(at)}）" if at else state))
    return "<h2>这次走访上报的事项</h2>" + _facts(pairs)


def _pending_page(found: resident.Pending, contacts: list[contact.Contact]) -> HTMLResponse:
    officer = found.officer
    pairs = [
        ("回执号", receipts.format_number(found.number)),
        (
            "开具人",
            f"网格员 {officer} 的设备（{found.device_name}）" if officer else found.device_name,
        ),
        ("乡镇/网格", " ".join(p for p in (found.township, found.grid) if p) or "—"),
        ("当前状态", "乡镇尚未收到这条记录"),
    ]
    if found.issued_at is not None:
        pairs.insert(1, (t("hardening.page.issued_at", lang="zh_CN"), _when(found.issued_at)))
    if found.revoked_at is not None:
        note = t("hardening.page.pending_revoked", lang="zh_CN", revoked=_when(found.revoked_at))
    else:
        note = (
            "这张回执是真的。网格员的设备还没有把记录同步到乡镇（可能暂时没有网络）；"
            "网格员同步之后，这里会显示办理进度，请稍后再查。"
        )
    body = _facts(pairs) + _note(note)
    return _page(200, "pending", "回执真实有效 · 乡镇尚未收到记录", body, contacts=contacts)


@router.get("/r/{number}", response_class=HTMLResponse, responses=RESPONSES)
def resident_page(
    request: Request,
    # No length limits here: every answer of this page is HTML, so nothing may fail FastAPI's
    # validation (its 422 is JSON); a too-long number or signature is simply not genuine.
    number: str = Path(description="Receipt number, with or without dashes, any case"),
    s: str | None = Query(default=None, description="Receipt signature (from the QR code)"),
    session: Session = Depends(read_session),
) -> HTMLResponse:
    bucket = limiter(request.app)
    address = client_address(request)
    if not bucket.take(address):
        seconds = bucket.retry_after(address)
        return _page(
            429,
            "rate_limited",
            "查询太频繁",
            _note(t("public.rate_limited", lang="zh_CN", seconds=seconds)),
            headers={"Retry-After": str(seconds)},
        )
    number = _as_typed(number)
    verdict = resident.look_up(session, number, s)
    if isinstance(verdict, resident.Genuine):
        return _status_page(verdict, contact.contacts_for(session, number))
    if isinstance(verdict, resident.Pending):
        return _pending_page(verdict, contact.contacts_for(session, number, verdict.township))
    if isinstance(verdict, resident.Incomplete):
        return _incomplete(contact.contacts_for(session, number))
    retype = ""
    problem = _number_problem(number) if len(number) <= 40 else ""
    if problem:
        retype = _lookup_form(request, number, s or "", problem)
    return _forged(verdict, contact.contacts_for(session, number), retype)


@router.get("/", response_class=HTMLResponse, responses={200: RESPONSES[200]})
def home(request: Request, session: Session = Depends(read_session)) -> HTMLResponse:
    """What the service's bare address shows a person: how to look a receipt up."""
    return _lookup_page(request, session)


@router.get(
    "/r",
    response_class=HTMLResponse,
    responses={**RESPONSES, 303: {"description": "To the typed number's page"}},
)
def lookup(
    request: Request,
    n: str | None = Query(default=None, description="A receipt number as typed"),
    s: str | None = Query(default=None, description="The signature, kept from a link"),
    session: Session = Depends(read_session),
) -> Response:
    """The typed-number form: a right number goes to its page, a wrong one says what is wrong."""
    n = _as_typed(n or "")
    if not n.strip():
        return _lookup_page(request, session)
    problem = _number_problem(n) if len(n) <= 40 else _say_plain("lookup.too_long")
    if not problem:
        depth = max(request.url.path.count("/") - 1, 0)
        target = "../" * depth + "r/" + receipts.parse_number(n)
        if s and s.strip():
            target += "?" + urlencode({"s": s.strip()[:64]})
        return RedirectResponse(target, status_code=303)
    body = _lookup_form(request, n[:40], (s or "")[:64], problem) + _note(
        t("resident_page.mistyped.note", lang="zh_CN")
    )
    return _page(
        400,
        "mistyped",
        t("resident_page.mistyped.verdict", lang="zh_CN"),
        body,
        contacts=contact.contacts_for(session, None),
    )


@router.get("/r/{rest:path}", response_class=HTMLResponse, include_in_schema=False)
def not_a_receipt_page(request: Request, session: Session = Depends(read_session)) -> HTMLResponse:
    """``/r/`` and deeper paths: a page a person can read, not JSON."""
    body = _note(t("resident_page.not_a_page.note", lang="zh_CN")) + _lookup_form(request)
    return _page(
        404,
        "not_a_page",
        t("resident_page.not_a_page.verdict", lang="zh_CN"),
        body,
        contacts=contact.contacts_for(session, None),
    )


def _lookup_page(request: Request, session: Session) -> HTMLResponse:
    body = _note(t("resident_page.lookup.intro", lang="zh_CN")) + _lookup_form(request)
    return _page(200, None, "", body, contacts=contact.contacts_for(session, None))


def _as_typed(text: str) -> str:
    """Full-width letters and digits (a Chinese input method's) read as the plain ones."""
    return unicodedata.normalize("NFKC", text[:200])


def _say_plain(key: str) -> str:
    return t(f"resident_page.{key}", lang="zh_CN")


_AGREEMENT_STATUS = {"agreement": 200, "not_received": 404, "expired": 410, "refused": 404}


@router.get(
    "/agreement/{record_id}",
    response_class=HTMLResponse,
    responses={
        200: {"description": "The agreement, one A4 copy per party and one archived", **_HTML1},
        404: {"description": "Not received yet, or not a link a device made", **_HTML1},
        410: {"description": "The link has expired", **_HTML1},
        429: RESPONSES[429],
    },
)
def agreement(
    request: Request,
    record_id: str = Path(description="The case's record id"),
    rev: str = Query(default="", description="The rev the device showed"),
    exp: str = Query(default="", description="When the link expires (Unix seconds)"),
    s: str = Query(default="", description="The device's signature of the link"),
    lang: str = Query(default="zh_CN", description="zh_CN or en"),
    session: Session = Depends(read_session),
) -> HTMLResponse:
    """A case's mediation agreement to print on A4, for a link the officer's device signed
    (the parties' names in full: never without the device's signature)."""
    bucket = limiter(request.app)
    address = client_address(request)
    if not bucket.take(address):
        seconds = bucket.retry_after(address)
        return HTMLResponse(
            html.escape(t("public.rate_limited", lang="zh_CN", seconds=seconds)),
            status_code=429,
            headers={"Retry-After": str(seconds), "Cache-Control": "no-store"},
        )
    answer = agreement_page.look_up(session, record_id, rev, exp, s, lang)
    return HTMLResponse(
        agreement_page.page(answer, lang),
        status_code=_AGREEMENT_STATUS[answer.state],
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex, nofollow",
        },
    )
