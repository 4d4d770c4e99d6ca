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
  (mistyped or made up), or the signature matches no enrolled device.

The signature covers the number alone (docs/contracts.md "Receipts"), so it can be checked
before the record syncs: against the device the number is bound to once synced, else against
every enrolled device's secret (constant-time compares).  Requests are rate limited per client
address with an in-process token bucket (429 with ``Retry-After``).
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
from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import model, receipts, workflow
from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.api.deps import client_address, read_session
from gridterm.township.api.ratelimit import TokenBucket
from gridterm.township.services import export

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


def _forged(reason: str) -> HTMLResponse:
    return _page(
        404,
        "forged",
        "无法确认这张回执",
        _note(reason)
        + _note(
            "如果回执是网格员当面开给您的，请联系网格员或乡镇核实；不要按回执上的其他说明办事。"
        ),
    )


def _item_label(rec: db.Record) -> str:
    kind = export.vocab_label("kind", rec.kind)
    data = rec.data or {}
    if rec.kind == "report" and data.get("category"):
        return f"{kind}（{export.vocab_label('category', data.get('category'))}）"
    if rec.kind == "case" and data.get("dispute_type"):
        return f"{kind}（{export.vocab_label('dispute_type', data.get('dispute_type'))}）"
    return kind


def _status_page(session: Session, number: str, receipt_row: db.Receipt, rec: db.Record):
    grid_name = session.execute(select(db.Grid.name).where(db.Grid.id == rec.grid_id)).scalar()
    officer = session.execute(
        select(db.Officer.name).where(db.Officer.id == rec.officer_id)
    ).scalar()
    receipt = next(
        (r for r in rec.receipts or [] if isinstance(r, dict) and r.get("number") == number),
        {"number": number, "party": receipt_row.party},
    )
    envelope = {"kind": rec.kind, "data": rec.data or {}}
    resident = model.mask_name(receipts.resident_name(envelope, receipt))
    status_label = workflow.label(rec.status, "zh")
    if rec.status in workflow.OPEN_STATES and rec.due_at is not None:
        late = db.utcnow() > rec.due_at
        due = _when(rec.due_at) + ("（已超过承诺时限）" if late else "前")
    else:
        due = _when(rec.due_at) if rec.due_at else "—"
    pairs = [
        ("回执号", receipts.format_number(number)),
        ("事项", _item_label(rec)),
        ("登记日期", _when(receipt_row.issued_at or rec.created_at, with_time=False)),
        ("村/网格", " ".join(p for p in (rec.village, grid_name or "") if p) or "—"),
        ("当前状态", status_label),
        ("状态更新", _when(rec.status_at) or "—"),
        ("承诺时限", due),
        ("乡镇答复", rec.public_reply or "暂无"),
    ]
    if resident:
        pairs.insert(2, ("居民", resident))
    if officer:
        pairs.append(("网格员", model.mask_name(officer)))
    body = _facts(pairs)
    if rec.kind == "visit":
        body += _linked_reports(session, rec)
    body += _note("本页只显示办理进度；如有疑问请联系您的网格员或乡镇。")
    return _page(200, "genuine", f"回执真实有效 · {status_label}", body)


def _linked_reports(session: Session, visit: db.Record) -> str:
    """The reports this visit raised (``data.links.visit``): what each is and its state only —
    no description, place or names (the report's own receipt shows its reply)."""
    rows = session.execute(
        select(db.Record.kind, db.Record.data, db.Record.status, db.Record.status_at)
        .where(
            db.Record.township_id == visit.township_id,
            db.Record.kind == "report",
            db.Record.data["links"]["visit"].as_string() == visit.id,
        )
        .order_by(db.Record.created_at, db.Record.id)
    ).all()
    if not rows:
        return ""
    pairs = []
    for kind, data, status, status_at in rows:
        label = _item_label(db.Record(kind=kind, data=data))
        state = workflow.label(status, "zh")
        pairs.append((label, f"{state}（{_when(status_at)}）" if status_at else state))
    return "<h2>这次走访上报的事项</h2>" + _facts(pairs)


def _pending_page(session: Session, number: str, device: db.Device) -> HTMLResponse:
    row = session.execute(
        select(db.Officer.name, db.Grid.name, db.Township.name)
        .join(db.Grid, db.Grid.id == db.Officer.grid_id)
        .join(db.Township, db.Township.id == db.Grid.township_id)
        .where(db.Officer.id == device.officer_id)
    ).first()
    officer, grid, township = row if row else ("", "", "")
    pairs = [
        ("回执号", receipts.format_number(number)),
        ("开具人", f"网格员 {officer} 的设备（{device.name}）" if officer else device.name),
        ("乡镇/网格", " ".join(p for p in (township, grid) if p) or "—"),
        ("当前状态", "乡镇尚未收到这条记录"),
    ]
    body = _facts(pairs) + _note(
        "这张回执是真的。网格员的设备还没有把记录同步到乡镇（可能暂时没有网络）；"
        "网格员同步之后，这里会显示办理进度，请稍后再查。"
    )
    return _page(200, "pending", "回执真实有效 · 乡镇尚未收到记录", body)


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

    if len(number) > 40 or (s is not None and len(s) > 64):
        return _forged("这不是本系统开具的回执链接。")
    try:
        canonical = receipts.parse_number(number)
    except receipts.ReceiptNumberError:
        return _forged(
            "回执号的校验位不对：这个号码不是本系统开具的，或者抄写时有误。请对照回执重新输入。"
        )
    if not s or not s.strip():
        return _page(
            400,
            "incomplete",
            "链接不完整",
            _note("请用手机扫描回执上的二维码打开本页；没有智能手机的，可致电乡镇报回执号查询。"),
        )

    bound = session.get(db.Receipt, canonical)
    if bound is not None:
        device = session.get(db.Device, bound.device_id)
        if device is None or not receipts.verify(canonical, s, device.secret):
            return _forged("回执的签名与开具它的设备不符：这张回执不是真的，或二维码被改动过。")
        rec = session.get(db.Record, bound.record_id)
        if rec is not None:
            return _status_page(session, canonical, bound, rec)
        return _pending_page(session, canonical, device)

    # Not synced yet: is the signature one of an enrolled device's?  (Revoked devices count:
    # a receipt issued before the revocation is still genuine.)
    for device_id, secret in session.execute(select(db.Device.id, db.Device.secret)):
        if receipts.verify(canonical, s, secret):
            return _pending_page(session, canonical, session.get(db.Device, device_id))
    return _forged("回执的签名与乡镇登记的任何设备都不符：这张回执不是真的，或二维码被改动过。")
