"""What the resident's status page may say about a receipt (the page itself is the API's).

A receipt is one of:

* :class:`Genuine` — its signature is its device's and the record has synced: what the item
  is, its state, the township's public reply and the promised time limit; names masked,
  nothing else personal.  A visit also lists the reports it raised (``data.links.visit``):
  what each is and its state only — no description, place or names.
* :class:`Pending` — the signature is an enrolled device's, but the record has not reached
  the township yet.
* :class:`Forged` — the check character is wrong, or the signature matches no device.
* :class:`Incomplete` — a number without a signature (typed, not scanned).

The signature covers the number alone (docs/contracts.md "Receipts"), so it can be checked
before the record syncs: against the device the number is bound to once synced, else against
every enrolled device's secret (constant-time compares).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import model, receipts, workflow
from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.services.labels import vocab_label


@dataclass(frozen=True)
class Forged:
    why: str  # "not_a_link" | "check_character" | "not_its_device" | "no_device"


@dataclass(frozen=True)
class Incomplete:
    pass


@dataclass(frozen=True)
class Pending:
    number: str
    device_name: str
    officer: str
    grid: str
    township: str


@dataclass(frozen=True)
class Linked:
    """A report a visit raised: what it is and where it stands."""

    item: str
    status: str
    status_at: dt.datetime | None


@dataclass(frozen=True)
class Genuine:
    number: str
    item: str
    resident: str  # masked; "" when the receipt names no one
    registered_at: dt.datetime | None
    place: str  # village and grid
    status: str
    status_at: dt.datetime | None
    due_at: dt.datetime | None
    late: bool | None  # None: no time limit runs (closed, or none set)
    public_reply: str | None
    officer: str  # masked; "" when unknown
    linked: list[Linked] = field(default_factory=list)
    department: str = ""  # which department handles it, once assigned; a person is not named


Verdict = Genuine | Pending | Forged | Incomplete


def item_label(kind: str, data: dict | None) -> str:
    """``事件上报（安全隐患）``: the kind, with the category or dispute type when there is one."""
    label = vocab_label("kind", kind)
    data = data or {}
    if kind == "report" and data.get("category"):
        return f"{label}（{vocab_label('category', data.get('category'))}）"
    if kind == "case" and data.get("dispute_type"):
        return f"{label}（{vocab_label('dispute_type', data.get('dispute_type'))}）"
    return label


def look_up(session: Session, number: str, sig: str | None) -> Verdict:
    """The verdict on the receipt ``number`` (as typed or scanned) signed ``sig``."""
    if len(number) > 40 or (sig is not None and len(sig) > 64):
        return Forged("not_a_link")
    try:
        canonical = receipts.parse_number(number)
    except receipts.ReceiptNumberError:
        return Forged("check_character")
    if not sig or not sig.strip():
        return Incomplete()
    bound = session.get(db.Receipt, canonical)
    if bound is not None:
        device = session.get(db.Device, bound.device_id)
        if device is None or not receipts.verify(canonical, sig, device.secret):
            return Forged("not_its_device")
        rec = session.get(db.Record, bound.record_id)
        if rec is not None:
            return _genuine(session, canonical, bound, rec)
        return _pending(session, canonical, device)
    # Not synced yet: is the signature one of an enrolled device's?  (Revoked devices count:
    # a receipt issued before the revocation is still genuine.)
    for device_id, secret in session.execute(select(db.Device.id, db.Device.secret)):
        if receipts.verify(canonical, sig, secret):
            return _pending(session, canonical, session.get(db.Device, device_id))
    return Forged("no_device")


def _genuine(session: Session, number: str, receipt_row: db.Receipt, rec: db.Record) -> Genuine:
    grid_name = session.execute(select(db.Grid.name).where(db.Grid.id == rec.grid_id)).scalar()
    officer = session.execute(
        select(db.Officer.name).where(db.Officer.id == rec.officer_id)
    ).scalar()
    receipt = next(
        (r for r in rec.receipts or [] if isinstance(r, dict) and r.get("number") == number),
        {"number": number, "party": receipt_row.party},
    )
    envelope = {"kind": rec.kind, "data": rec.data or {}}
    late = None
    if rec.status in workflow.OPEN_STATES and rec.due_at is not None:
        late = db.utcnow() > rec.due_at
    return Genuine(
        number=number,
        item=item_label(rec.kind, rec.data),
        resident=model.mask_name(receipts.resident_name(envelope, receipt)),
        registered_at=receipt_row.issued_at or rec.created_at,
        place=" ".join(p for p in (rec.village, grid_name or "") if p),
        status=rec.status,
        status_at=rec.status_at,
        due_at=rec.due_at,
        late=late,
        public_reply=rec.public_reply,
        officer=model.mask_name(officer) if officer else "",
        linked=_linked_reports(session, rec) if rec.kind == "visit" else [],
        department=_department(session, rec),
    )


def _department(session: Session, rec: db.Record) -> str:
    if not rec.assignee_id or rec.status == "returned":
        return ""
    row = session.get(db.Department, rec.assignee_id)
    if row is None:
        return ""
    return row.name if row.kind == "department" else t("departments.resident.person", lang="zh_CN")


def _linked_reports(session: Session, visit: db.Record) -> list[Linked]:
    rows = session.execute(
        select(db.Record.kind, db.Record.data, db.Record.status, db.Record.status_at)
        .where(
            db.Record.township_id == visit.township_id,
            db.Record.kind == "report",
            db.Record.data["links"]["visit"].as_string() == visit.id,
        )
        .order_by(db.Record.created_at, db.Record.id)
    ).all()
    return [Linked(item_label(kind, data), status, at) for kind, data, status, at in rows]


def _pending(session: Session, number: str, device: db.Device) -> Pending:
    row = session.execute(
        select(db.Officer.name, db.Grid.name, db.Township.name)
        .join(db.Grid, db.Grid.id == db.Officer.grid_id)
        .join(db.Township, db.Township.id == db.Grid.township_id)
        .where(db.Officer.id == device.officer_id)
    ).first()
    officer, grid, township = row if row else ("", "", "")
    return Pending(number, device.name, officer, grid, township)
