"""The township service's database: SQLAlchemy 2 typed models, engine and session setup.

One schema for SQLite (the embedded default, WAL mode) and PostgreSQL (a county's shared
service).  Every schema change goes through an Alembic migration in ``migrations/``; a test
checks that these models and the migrations agree.

Concurrency rules the rest of the service relies on:

* Duplicates are made impossible by unique constraints — ``record_revs (record_id, rev)``,
  ``receipts.number``, ``idempotency_keys (device_id, key)`` — and writers use
  ``INSERT … ON CONFLICT DO NOTHING``, never check-then-insert.
* The change sequence (``seq``) that devices pull by comes from one counter row bumped with
  ``UPDATE … RETURNING`` inside the writing transaction (:func:`next_seq`).  The row lock is
  held until commit, so sequence numbers become visible in commit order — a PostgreSQL
  SEQUENCE would hand out numbers at ``nextval`` time, and a pull could skip a change that
  committed after a higher number was already read.  Only service-owned changes (status,
  feedback, imported households, templates, mediators) take that lock; pushes do not.
* On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (see
  :func:`write_session`), so two service processes queue on ``busy_timeout`` instead of
  failing with "database is locked" when a read transaction tries to upgrade.
"""

from __future__ import annotations

# Tables added by later parts of the service live in modules of their own (attachments,
# departments), imported here so that Base.metadata (Alembic's and the tests' view of the
# schema) holds every table.
from gridterm.township.db.attachments import AttachmentContent, AttachmentRef, AttachmentRemoval
from gridterm.township.db.base import ID, NAMING, Base, UTCDateTime, utcnow
from gridterm.township.db.departments import Department
from gridterm.township.db.engine import (
    begin_write,
    default_db_url,
    is_sqlite,
    make_engine,
    make_url_safe,
    normalize_url,
    session_factory,
    write_session,
    write_session_factory,
    write_slots,
)
from gridterm.township.db.models import (
    Counter,
    Device,
    EnrollmentCode,
    Grid,
    Household,
    IdempotencyKey,
    Mediator,
    Meta,
    Officer,
    Receipt,
    Record,
    RecordEvent,
    RecordRev,
    Staff,
    Template,
    Township,
)
from gridterm.township.db.sequence import (
    PULL_FLOOR_KEY,
    SEQ_COUNTER,
    current_seq,
    meta_get,
    meta_set,
    next_seq,
    pull_floor,
)

__all__ = [
    "ID",
    "NAMING",
    "PULL_FLOOR_KEY",
    "SEQ_COUNTER",
    "Base",
    "UTCDateTime",
    "begin_write",
    "current_seq",
    "default_db_url",
    "is_sqlite",
    "make_engine",
    "make_url_safe",
    "meta_get",
    "meta_set",
    "next_seq",
    "normalize_url",
    "pull_floor",
    "session_factory",
    "utcnow",
    "write_session",
    "write_session_factory",
    "write_slots",
    "AttachmentContent",
    "AttachmentRef",
    "AttachmentRemoval",
    "Counter",
    "Department",
    "Device",
    "EnrollmentCode",
    "Grid",
    "Household",
    "IdempotencyKey",
    "Mediator",
    "Meta",
    "Officer",
    "Receipt",
    "Record",
    "RecordEvent",
    "RecordRev",
    "Staff",
    "Template",
    "Township",
]
