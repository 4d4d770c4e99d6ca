"""What the resident's status page may say about a receipt (the page itself is the API's).

A receipt is one of:

* :class:`Genuine` — its signature is its device's and the record has synced: what the item
  is, its state, the township's public reply and the promised time limit; names masked,
  nothing else personal.  A visit also lists the reports it raised (``data.links.visit``):
  what each is and its state only — no description, place or names.
* :class:`Pending` — the signature is an enrolled device's, but the record has not reached
  the township yet.  When that device has since been revoked, the receipt is still genuine
  if its signature says it was issued before the revocation.
* :class:`Forged` — the check character is wrong; the number and the signature do not match
  (one answer whether or not the number exists); or the receipt's device was revoked and
  the receipt, which never reached the township, was issued after that — or carries no
  signed issue time at all (a receipt of the old kind: docs/security.md).
* :class:`Incomplete` — a number without a signature (typed, not scanned).

The signature can be checked before the record syncs (docs/contracts.md "Receipts"): against
every enrolled device's secret, each compared in constant time, with no early exit — and the
same work whether or not the number is known, so neither the answer nor its timing tells
whether a number exists.  A number already bound to a record must have been signed by the
device that sent it.  A synced receipt is genuine even after its device was revoked: it
reached the township while the device was still enrolled.
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
    why: str  # not_a_link | check_character | mismatch | issued_after_revocation | untimed
    revoked_at: dt.datetime | None = None  # the last two: when the device was revoked


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
    issued_at: dt.datetime | None = None  # as the signature says it (receipts since issue 13)
    revoked_at: dt.datetime | None = None  # the device was revoked after issuing it


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
    county: str = ""  # "由县级部门办理（…）" while the county holds it or once it closed it


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
    secrets = {
        row.id: row.secret for row in session.execute(select(db.Device.id, db.Device.secret))
    }
    signer = receipts.find_signer(canonical, sig, secrets)
    if signer is None or (bound is not None and bound.device_id != signer):
        return Forged("mismatch")
    device = session.get(db.Device, signer)
    rec = session.get(db.Record, bound.record_id) if bound is not None else None
    if rec is not None and bound is not None:
        return _genuine(session, canonical, bound, rec)
    issued = receipts.signed_at(sig)
    revoked = device.revoked_at if device is not None else None
    if revoked is not None and issued is None:
        return Forged("untimed", revoked)
    if revoked is not None and issued is not None and issued > revoked:
        return Forged("issued_after_revocation", revoked)
    return _pending(session, canonical, device, issued, revoked)


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
        county=_county(session, rec),
    )


def _county(session: Session, rec: db.Record) -> str:
    """What the page says when the county handles the item (issue 15): that it does, and
    which county department once one is on it."""
    if rec.status not in workflow.COUNTY_STATES and rec.closed_level != "county":
        return ""
    dept = session.get(db.Department, rec.county_department_id or "")
    if dept is not None:
        return t("county.resident.by_department", lang="zh_CN", department=dept.name)
    return t("county.resident.by_county", lang="zh_CN")


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


def _pending(
    session: Session,
    number: str,
    device: db.Device | None,
    issued: dt.datetime | None,
    revoked: dt.datetime | None,
) -> Pending:
    if device is None:  # deleted between two statements: nothing to say about it
        return Pending(number, "", "", "", "", issued, revoked)
    row = session.execute(
        select(db.Officer.name, db.Grid.name, db.Township.name)
        .join(db.Grid, db.Grid.id == db.Officer.grid_id)
        .join(db.Township, db.Township.id == db.Grid.township_id)
        .where(db.Officer.id == device.officer_id)
    ).first()
    officer, grid, township = row if row else ("", "", "")
    return Pending(number, device.name, officer, grid, township, issued, revoked)
