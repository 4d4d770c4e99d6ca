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
  township, was issued after that or carries no signed issue time (docs/security.md).

Which answer a receipt gets is :mod:`gridterm.township.services.resident`'s; this module
writes the page.  Requests are rate limited per client address with an in-process token
bucket (429 with ``Retry-After``).
"""

from __future__ import annotations

import datetime as dt
import html
import os
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from gridterm.core import receipts, workflow
from gridterm.core.i18n import t
from gridterm.township.api.deps import client_address, read_session
from gridterm.township.api.ratelimit import TokenBucket
from gridterm.township.services import resident

router = APIRouter(tags=["public"])

CST = dt.timezone(dt.timedelta(hours=8))
DEFAULT_RATE = (30.0, 0.5)  # a burst of 30 pages, then one every 2 seconds per address

_HTML = {"text/html": {"schema": {"type": "string"}}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Genuine receipt: status page, or 'not received yet'", "content": _HTML},
    400: {"description": "Incomplete link (no signature)", "content": _HTML},
    404: {"description": "Not a genuine receipt", "content": _HTML},
    429: {"description": "Rate limited; see Retry-After", "content": _HTML},
}


@cache
def _template() -> Template:
    text = resources.files("gridterm.township").joinpath("templates/resident.html")
    return Template(text.read_text(encoding="utf-8"))


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


def limiter(app: Any) -> TokenBucket:
    bucket = getattr(app.state, "public_limiter", None)
    if bucket is None:
        burst, per_second = _rate_from_env()
        bucket = TokenBucket(capacity=burst, refill_per_second=per_second)
        app.state.public_limiter = bucket
    return bucket


def _page(status: int, verdict: str, verdict_text: str, body: str, headers=None) -> HTMLResponse:
    classes = {"genuine": "genuine", "pending": "pending"}
    content = _template().substitute(
        title="回执查询",
        verdict=verdict,
        verdict_class=classes.get(verdict, "forged"),
        verdict_text=html.escape(verdict_text),
        body=body,
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


def _forged(verdict: resident.Forged) -> HTMLResponse:
    if verdict.why in _FORGED:
        reason = _FORGED[verdict.why]
    else:  # mismatch (one sentence whether or not the number exists), or revoked
        reason = t(f"hardening.page.{verdict.why}", lang="zh_CN", revoked=_when(verdict.revoked_at))
    return _page(
        404,
        "forged",
        "无法确认这张回执",
        _note(reason)
        + _note(
            "如果回执是网格员当面开给您的，请联系网格员或乡镇核实；不要按回执上的其他说明办事。"
        ),
    )


def _incomplete() -> HTMLResponse:
    return _page(
        400,
        "incomplete",
        "链接不完整",
        _note("请用手机扫描回执上的二维码打开本页；没有智能手机的，可致电乡镇报回执号查询。"),
    )


def _status_page(found: resident.Genuine) -> HTMLResponse:
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
    body = _facts(pairs)
    if found.linked:
        body += _linked_reports(found.linked)
    body += _note("本页只显示办理进度；如有疑问请联系您的网格员或乡镇。")
    return _page(200, "genuine", f"回执真实有效 · {status_label}", body)


def _linked_reports(linked: list[resident.Linked]) -> str:
    pairs = []
    for report in linked:
        state = workflow.label(report.status, "zh")
        at = report.status_at
        pairs.append((report.item, f"{state}（{_when(at)}）" if at else state))
    return "<h2>这次走访上报的事项</h2>" + _facts(pairs)


def _pending_page(found: resident.Pending) -> HTMLResponse:
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
    return _page(200, "pending", "回执真实有效 · 乡镇尚未收到记录", _facts(pairs) + _note(note))


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
    if not bucket.allowed(address):
        seconds = bucket.retry_after(address)
        return _page(
            429,
            "rate_limited",
            "查询太频繁",
            _note(t("public.rate_limited", lang="zh_CN", seconds=seconds)),
            headers={"Retry-After": str(seconds)},
        )
    bucket.spend(address)
    verdict = resident.look_up(session, number, s)
    if isinstance(verdict, resident.Genuine):
        return _status_page(verdict)
    if isinstance(verdict, resident.Pending):
        return _pending_page(verdict)
    if isinstance(verdict, resident.Incomplete):
        return _incomplete()
    return _forged(verdict)
