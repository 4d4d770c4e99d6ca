"""Storing a pushed batch: every record its own result, one bad record never fails the batch.

Rules (DESIGN.md "Sync protocol"): a rev is stored once — the unique ``(record_id, rev)``
constraint and ``INSERT … ON CONFLICT DO NOTHING`` decide, never a check before the insert, so
the same batch sent twice, even at the same instant on two connections, stores each rev once
and answers ``unchanged`` to the late one.  The same id and rev with other content is a
``conflict``.  A record stays in the grid it first arrived in; a receipt number is bound to
one record for good.  Each record's current row moves to its newest rev.

:func:`push_batch` is the whole of ``POST /sync/push``: one write transaction, and an
``Idempotency-Key`` that replays the first answer to a retried batch (IETF idempotency-key
draft: the same key with a different body is refused).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from gridterm.core import model, workflow
from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.services import attachments, bulk_sql, identity, notices, review
from gridterm.township.services import tiers as tier_rules
from gridterm.township.services.errors import IdempotencyKeyReused
from gridterm.township.services.incoming import (
    Incoming,
    Rejected,
    envelope_id,
    filter_columns,
    parse_time,
    prepare,
    receipts_module,
)
from gridterm.township.services.tokens import DeviceIdentity

IDEMPOTENCY_TTL = dt.timedelta(days=7)


def push_batch(
    sessions: Any,
    device: DeviceIdentity,
    records: list[Any],
    raw: bytes,
    idempotency_key: str | None,
    lang: str,
) -> dict[str, Any]:
    """Store ``records`` (the batch whose request body was ``raw``) in one write transaction
    opened from ``sessions``, and commit; the answer is ``{"results": [...]}``.  A retry with
    the same ``idempotency_key`` and body gets the first answer again; the same key with
    another body raises :class:`IdempotencyKeyReused`."""
    with sessions() as session:
        db.begin_write(session)
        try:
            return _push_keyed(session, device, records, raw, idempotency_key, lang)
        except BaseException:
            session.rollback()
            raise


def _push_keyed(
    session: Session,
    device: DeviceIdentity,
    records: list[Any],
    raw: bytes,
    idempotency_key: str | None,
    lang: str,
) -> dict[str, Any]:
    key_row_pk = None
    if idempotency_key:
        key_row_pk, earlier = _claim_key(session, device, idempotency_key, raw)
        if earlier is not None:
            session.rollback()
            return earlier
    out = {"results": push_records(session, device, records, lang)}
    if key_row_pk is not None:
        session.execute(
            update(db.IdempotencyKey).where(db.IdempotencyKey.pk == key_row_pk).values(response=out)
        )
    session.commit()
    return out


def _claim_key(
    session: Session, device: DeviceIdentity, key: str, raw: bytes
) -> tuple[Any, dict[str, Any] | None]:
    """Record ``key`` for this body: (its new row's pk, None), or (None, the answer already
    given under it, None if it holds none)."""
    # Keys are kept a week: long enough for any retry, short enough to stay small.
    session.execute(
        delete(db.IdempotencyKey).where(
            db.IdempotencyKey.device_id == device.device_id,
            db.IdempotencyKey.created_at < db.utcnow() - IDEMPOTENCY_TTL,
        )
    )
    digest = hashlib.sha256(raw).hexdigest()
    stmt = (
        bulk_sql.insert(session, db.IdempotencyKey)
        .values(device_id=device.device_id, key=key, body_hash=digest, created_at=db.utcnow())
        .on_conflict_do_nothing(index_elements=["device_id", "key"])
        .returning(db.IdempotencyKey.__table__.c.pk)
    )
    pk = session.execute(stmt).scalar()
    if pk is not None:
        return pk, None
    earlier = session.execute(
        select(db.IdempotencyKey).where(
            db.IdempotencyKey.device_id == device.device_id, db.IdempotencyKey.key == key
        )
    ).scalar_one()
    if earlier.body_hash != digest:
        raise IdempotencyKeyReused()
    return None, earlier.response


class _Results:
    """The batch's results (dicts shaped like the API's ``PushResult``), in its order."""

    def __init__(self, size: int, lang: str) -> None:
        self.items: list[dict[str, Any] | None] = [None] * size
        self.lang = lang

    def settle(self, item: Incoming, result: str, error: str | None = None) -> None:
        self.items[item.index] = {"id": item.id, "rev": item.rev, "result": result, "error": error}

    def refuse(self, item: Incoming, key: str, params: dict[str, str]) -> None:
        self.settle(item, "rejected", t(key, lang=self.lang, **params))

    def conflict(self, item: Incoming) -> None:
        self.settle(item, "conflict", t("service.push.conflict", lang=self.lang, rev=item.rev))

    def done(self) -> list[dict[str, Any]]:
        return [r for r in self.items if r is not None]


def push_records(
    session: Session, device: DeviceIdentity, records: list[Any], lang: str
) -> list[dict[str, Any]]:
    """Store one batch for ``device``; the caller commits.  Results (dicts shaped like
    the API's ``PushResult``) are in the batch's order."""
    results = _Results(len(records), lang)
    incoming = identity.own_records(
        session, device, _prepared(records, device, results), results.refuse
    )
    unique = _first_of_each_rev(incoming, results)
    homes = _homes(session, unique)
    unique = _kept_in_their_grid(unique, homes, device, results)
    unique = _published_stay_as_published(session, unique, homes, results)
    unique = _bind_receipts(session, device, unique, results)
    if unique:
        _store(session, device, unique, homes, results)
    return results.done()


def _prepared(records: list[Any], device: DeviceIdentity, results: _Results) -> list[Incoming]:
    """1. Validate each record on its own."""
    incoming: list[Incoming] = []
    for index, raw in enumerate(records):
        try:
            incoming.append(prepare(raw, index, device, results.lang))
        except Rejected as exc:
            rid, rev = envelope_id(raw)
            results.items[index] = {
                "id": rid,
                "rev": rev,
                "result": "rejected",
                "error": exc.message,
            }
    return incoming


def _first_of_each_rev(incoming: list[Incoming], results: _Results) -> list[Incoming]:
    """2. The same (id, rev) twice in one batch: the later copy compares with the first."""
    first: dict[tuple[str, int], Incoming] = {}
    unique: list[Incoming] = []
    for item in incoming:
        earlier = first.get((item.id, item.rev))
        if earlier is None:
            first[(item.id, item.rev)] = item
            unique.append(item)
        elif earlier.digest == item.digest:
            results.settle(item, "unchanged")
        else:
            results.conflict(item)
    return unique


def _homes(session: Session, items: list[Incoming]) -> dict[str, str]:
    """The grid each record already in the database lives in."""
    if not items:
        return {}
    ids = list({item.id for item in items})
    return dict(
        session.execute(select(db.Record.id, db.Record.grid_id).where(db.Record.id.in_(ids))).all()
    )


def _kept_in_their_grid(
    items: list[Incoming], homes: dict[str, str], device: DeviceIdentity, results: _Results
) -> list[Incoming]:
    """3. A record that already lives in another grid stays there."""
    kept = []
    for item in items:
        home = homes.get(item.id)
        if home is not None and home != device.grid_id:
            results.settle(item, "rejected", t("service.push.other_grid_record", lang=results.lang))
        else:
            kept.append(item)
    return kept


def _published_stay_as_published(
    session: Session, items: list[Incoming], homes: dict[str, str], results: _Results
) -> list[Incoming]:
    """3b. A published notice is never edited in place: a newer rev of one is refused (the
    officer writes a correction, a notice of its own)."""
    ids = [item.id for item in items if item.id in homes and item.record["kind"] == "notice"]
    published = notices.published_revs(session, ids) if ids else {}
    if not published:
        return items
    kept = []
    for item in items:
        if item.id in published and item.rev > published[item.id]:
            results.settle(item, "rejected", t("board.push.published", lang=results.lang))
        else:
            kept.append(item)
    return kept


def _bind_receipts(
    session: Session, device: DeviceIdentity, items: list[Incoming], results: _Results
) -> list[Incoming]:
    """4. Receipt numbers are bound to one record each, for good."""
    numbers: dict[str, str] = {}
    kept: list[Incoming] = []
    for item in items:
        clash = next(
            (r for r in item.receipts if numbers.get(r["number"], item.id) != item.id), None
        )
        if clash:
            results.settle(item, "rejected", _receipt_taken(clash["number"], results.lang))
            continue
        for r in item.receipts:
            numbers[r["number"]] = item.id
        kept.append(item)
    if not numbers:
        return kept
    rows = [
        {
            "number": r["number"],
            "record_id": item.id,
            "device_id": device.device_id,
            "issued_at": r["issued_at"],
            "party": r["party"] if isinstance(r["party"], int) else None,
        }
        for item in kept
        for r in item.receipts
    ]
    session.execute(
        bulk_sql.insert(session, db.Receipt).on_conflict_do_nothing(index_elements=["number"]),
        rows,
    )
    owners = dict(
        session.execute(
            select(db.Receipt.number, db.Receipt.record_id).where(
                db.Receipt.number.in_(list(numbers))
            )
        ).all()
    )
    final = []
    for item in kept:
        clash = next((r for r in item.receipts if owners.get(r["number"]) != item.id), None)
        if clash:
            results.settle(item, "rejected", _receipt_taken(clash["number"], results.lang))
        else:
            final.append(item)
    return final


def _receipt_taken(number: str, lang: str) -> str:
    number = receipts_module().format_number(number)
    return t("service.push.receipt_taken", lang=lang, number=number)


def _store(
    session: Session,
    device: DeviceIdentity,
    items: list[Incoming],
    homes: dict[str, str],
    results: _Results,
) -> None:
    """5. Every rev once: the unique constraint decides what is new."""
    now = db.utcnow()
    rows = [
        {
            "record_id": item.id,
            "rev": item.rev,
            "body": item.body,
            "digest": item.digest,
            "device_id": device.device_id,
            "received_at": now,
        }
        for item in items
    ]
    inserted = _insert_revs(session, rows)
    _compare_seen(session, [item for item in items if (item.id, item.rev) not in inserted], results)
    stored = [item for item in items if (item.id, item.rev) in inserted]
    for item in stored:
        results.settle(item, "stored")
    _upsert_current(session, device, stored, now)
    attachments.note_refs(session, ((item.id, item.record.get("data")) for item in stored))
    # Only a record that existed before, or one that enters in another state than the
    # default, can have a workflow consequence: spare the rest a lookup.
    affected = [
        item.record
        for item in stored
        if item.id in homes
        or workflow.initial_status(item.record["kind"], item.record.get("data")) != workflow.INITIAL
    ]
    if affected:
        review.after_push(session, device.device_id, affected, now)
    tier_rules.after_push(session, [item.record for item in stored], now)


def _compare_seen(session: Session, seen: list[Incoming], results: _Results) -> None:
    """Revs already stored: ``unchanged`` when the content is the same, else ``conflict``."""
    if not seen:
        return
    pairs = [(item.id, item.rev) for item in seen]
    digests = {
        (r[0], r[1]): r[2]
        for r in session.execute(
            select(db.RecordRev.record_id, db.RecordRev.rev, db.RecordRev.digest).where(
                tuple_(db.RecordRev.record_id, db.RecordRev.rev).in_(pairs)
            )
        ).all()
    }
    for item in seen:
        if digests.get((item.id, item.rev)) == item.digest:
            results.settle(item, "unchanged")
        else:
            results.conflict(item)


def _insert_revs(session: Session, rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    """Insert rev rows, skipping any (record_id, rev) already stored; returns the inserted keys.

    PostgreSQL: one ``INSERT … SELECT FROM json_to_recordset(…) ON CONFLICT DO NOTHING
    RETURNING``.  SQLite: the common case — every rev is new — is one executemany whose row
    count proves it; otherwise (a retry, a conflict) it is rolled back to a savepoint and
    redone with RETURNING, which names exactly the rows this transaction inserted."""
    table = db.RecordRev.__table__
    if bulk_sql.is_postgresql(session):
        returned = bulk_sql.pg_bulk(
            session,
            table,
            rows,
            "ON CONFLICT (record_id, rev) DO NOTHING RETURNING record_id, rev",
        )
        return {(r[0], r[1]) for r in returned}
    savepoint = session.begin_nested()
    count = bulk_sql.sqlite_bulk(session, table, rows, "ON CONFLICT (record_id, rev) DO NOTHING")
    if count == len(rows):
        savepoint.commit()
        return {(row["record_id"], row["rev"]) for row in rows}
    savepoint.rollback()
    stmt = bulk_sql.insert(session, db.RecordRev).on_conflict_do_nothing(
        index_elements=["record_id", "rev"]
    )
    returned = session.execute(stmt.returning(table.c.record_id, table.c.rev), rows).all()
    return {(r[0], r[1]) for r in returned}


# Columns the device's newest rev overwrites.  due_at is not among them: the promised time
# limit is set when the township first receives a record, and after that only staff move it
# (an extension).
_DEVICE_OWNED = (
    *("kind", "rev", "officer_id", "device_id", "data", "receipts", "created_at"),
    *("updated_at", "received_at", "village", "category", "urgency", "search"),
    "household_key",
)
_UPSERT_TAIL = (
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f'"{name}" = excluded."{name}"' for name in _DEVICE_OWNED)
    + " WHERE records.rev < excluded.rev AND records.grid_id = excluded.grid_id"
)


def _current_row(
    item: Incoming, device: DeviceIdentity, now: dt.datetime, visits: dict[str, str]
) -> dict[str, Any]:
    rec = item.record
    due = model.due_at(rec)
    data = rec.get("data") or {}
    return {
        "id": item.id,
        "kind": rec["kind"],
        "rev": item.rev,
        "township_id": device.township_id,
        "grid_id": device.grid_id,
        "officer_id": rec.get("officer") or device.officer_id,  # checked: services.identity
        "device_id": device.device_id,
        "data": rec.get("data") or {},
        "receipts": rec.get("receipts") or [],
        "created_at": parse_time(rec["created_at"]),
        "updated_at": parse_time(rec["updated_at"]),
        "received_at": now,
        "status": "reported",
        "seq": 0,
        "due_at": parse_time(due) if due else None,
        **filter_columns(rec),
        # The county ladder's (issue 15): set when a record first arrives, then by the rules
        # and staff (services/tiers.py) — never by a later rev's upsert.
        "household_key": tier_rules.household_key(rec["kind"], data, device.grid_id, visits),
        **tier_rules.initial_columns(rec["kind"], data, now),
    }


def _upsert_current(
    session: Session, device: DeviceIdentity, stored: list[Incoming], now: dt.datetime
) -> None:
    """Move each record's current state to its newest rev (never backwards, never across grids)."""
    newest: dict[str, Incoming] = {}
    for item in stored:
        if item.id not in newest or newest[item.id].rev < item.rev:
            newest[item.id] = item
    if not newest:
        return
    visits = tier_rules.visit_households(
        session, device.grid_id, (item.record for item in newest.values())
    )
    rows = [_current_row(item, device, now, visits) for item in newest.values()]
    bulk_sql.bulk(session, db.Record.__table__, rows, _UPSERT_TAIL)
