"""What a device pulls: the township's changes for its grid since its cursor.

Changes are numbered by the service's one change sequence (``seq``): status and feedback on
the grid's records, checklist templates, households and mediators.  A page never ends between
two changes with the same seq, and the device keeps the cursor only after applying the page.
Every page also carries the township's client version hints (``client``:
:mod:`~gridterm.township.services.client_versions`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import tiers
from gridterm.township import db
from gridterm.township.services import client_versions, notice_views
from gridterm.township.services.errors import CursorExpired
from gridterm.township.services.tokens import DeviceIdentity


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _changes(
    session: Session, device: DeviceIdentity, cursor: int, top: int, limit: int
) -> list[tuple[int, str, Any]]:
    """Up to ``limit + 1`` changes of each sort after ``cursor``, merged in seq order."""

    def page(stmt, seq_col):
        return (
            session.execute(
                stmt.where(seq_col > cursor, seq_col <= top).order_by(seq_col).limit(limit + 1)
            )
            .scalars()
            .all()
        )

    items: list[tuple[int, str, Any]] = []
    for rec in page(select(db.Record).where(db.Record.grid_id == device.grid_id), db.Record.seq):
        items.append((rec.seq, "update", rec))
    for tpl in page(
        select(db.Template).where(
            (db.Template.township_id == device.township_id) | db.Template.township_id.is_(None)
        ),
        db.Template.seq,
    ):
        items.append((tpl.seq, "template", tpl))
    for hh in page(
        select(db.Household).where(db.Household.grid_id == device.grid_id), db.Household.seq
    ):
        items.append((hh.seq, "household", hh))
    for med in page(
        select(db.Mediator).where(db.Mediator.township_id == device.township_id), db.Mediator.seq
    ):
        items.append((med.seq, "mediator", med))
    items.sort(key=lambda x: x[0])
    return items


def _update(row: db.Record) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "rev": row.rev,
        "status": row.status,
        "feedback": row.feedback,
        "public_reply": row.public_reply,
        "handled_by": row.handled_by,
        "status_at": _iso(row.status_at),
        "due_at": _iso(row.due_at),
        "seq": row.seq,
        # Added by issue 15 (devices that do not know them ignore them): the risk tier and
        # who owns the record now.
        "tier": row.tier or tiers.default_tier(),
        "level": tiers.level(row.status, row.tier),
    }


def _mediator(row: db.Mediator) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "standing": row.standing,
        "village": row.village,
        "phone": row.phone,
    }


def pull(
    session: Session,
    device: DeviceIdentity,
    cursor: int,
    limit: int,
    base_url: str | None = None,
) -> dict[str, Any]:
    """One page for ``device`` after ``cursor``, shaped like the API's ``PullOut``.  Raises
    :class:`CursorExpired` for a cursor below the retention floor or past the newest change.
    ``base_url`` is the public address a published notice's QR code points to."""
    # Read the committed top first: every change numbered at or below it is already visible.
    top = db.current_seq(session)
    floor = db.pull_floor(session)
    if cursor and (cursor < floor or cursor > top):
        raise CursorExpired()
    items = _changes(session, device, cursor, top, limit)
    more = len(items) > limit
    if more:
        # Never cut a page between two changes with the same seq (one seq is given to one row
        # by every writer, but a cursor that skips a change would lose it for good).
        boundary = items[limit][0]
        page_items = [item for item in items[:limit] if item[0] != boundary]
        items = page_items or items[:limit]
    out: dict[str, Any] = {
        "cursor": items[-1][0] if more else top,
        "more": more,
        "updates": [],
        "templates": [],
        "households": [],
        "mediators": [],
        "client": client_versions.hints(session, device.device_id),
    }
    for _seq, what, row in items:
        if what == "update":
            out["updates"].append(_update(row))
        elif what == "template":
            out["templates"].append(row.body)
        elif what == "household":
            out["households"].append({**row.data, "id": row.id})
        else:
            out["mediators"].append(_mediator(row))
    _add_notice_fields(session, out["updates"], base_url)
    return out


def _add_notice_fields(
    session: Session, updates: list[dict[str, Any]], base_url: str | None
) -> None:
    """A published notice's number, version and QR payload ride with its update."""
    ids = [u["id"] for u in updates if u["kind"] == "notice"]
    if not ids:
        return
    fields = notice_views.pull_fields(session, ids, base_url)
    for update in updates:
        update.update(fields.get(update["id"], {}))
