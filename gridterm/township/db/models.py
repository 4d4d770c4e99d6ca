"""The service's tables: townships, grids, officers, staff, devices, codes, records and their
revs and events, receipts, idempotency keys, templates, mediators, households."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gridterm.township.db.base import ID, Base, utcnow


class Meta(Base):
    """Key/value settings of the service, e.g. ``pull_floor`` (the oldest honoured cursor)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Counter(Base):
    """Monotonic counters; ``change_seq`` is the pull cursor (see :func:`next_seq`)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Township(Base):
    __tablename__ = "townships"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The number residents call (the resident page shows it); "" until the admin sets it.
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The county it belongs to (issue 15); None: a township on its own.
    county_id: Mapped[str | None] = mapped_column(
        ForeignKey("counties.id"), default=None, index=True
    )


class Grid(Base):
    __tablename__ = "grids"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The village the grid lies in: the village of its records that name none (county leaders
    # are responsible for villages); "" until the admin says.
    village: Mapped[str] = mapped_column(String(200), default="", server_default="")


class Officer(Base):
    __tablename__ = "officers"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("grids.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    # A township's staff: its township; a county's staff and leaders (``role``): None, and
    # their county.
    township_id: Mapped[str | None] = mapped_column(ForeignKey("townships.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="township", server_default="township")
    county_id: Mapped[str | None] = mapped_column(
        ForeignKey("counties.id"), default=None, index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Keys receipt signatures (HMAC); the service must be able to recompute them, so it is
    # kept as issued, not hashed.
    secret: Mapped[str] = mapped_column(String(128))
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The gridterm version the device last said it runs (its User-Agent), for staff to see
    # and for the update hints it pulls; None until it first syncs.
    client_version: Mapped[str | None] = mapped_column(String(64), default=None)
    # The enrollment this one replaced on the same device (it proved it held that token):
    # records made under it are still this device's own to send.
    previous_id: Mapped[str | None] = mapped_column(ID, default=None)


class EnrollmentCode(Base):
    __tablename__ = "enrollment_codes"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    device_id: Mapped[str | None] = mapped_column(ID, default=None)


class Record(Base):
    """The current state of one record: the newest rev the devices sent, plus the
    service-owned fields staff set.  Every rev is kept in :class:`RecordRev`."""

    __tablename__ = "records"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    rev: Mapped[int] = mapped_column(Integer)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"))
    grid_id: Mapped[str] = mapped_column(ForeignKey("grids.id"))
    officer_id: Mapped[str] = mapped_column(ID)
    device_id: Mapped[str] = mapped_column(ID)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    receipts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column()
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Service-owned: written by staff, pulled by devices.
    status: Mapped[str] = mapped_column(String(32), default="reported")
    status_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    feedback: Mapped[str | None] = mapped_column(Text, default=None)
    public_reply: Mapped[str | None] = mapped_column(Text, default=None)
    handled_by: Mapped[str | None] = mapped_column(String(200), default=None)
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Who handles it (an entry of the township's departments list), once assigned.
    assignee_id: Mapped[str | None] = mapped_column(ID, default=None)
    # Change sequence of the service-owned fields (0 = never changed by the service).
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    # Denormalised for staff filters and search.
    village: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(64), default="")
    urgency: Mapped[str] = mapped_column(String(32), default="")
    search: Mapped[str] = mapped_column(Text, default="")
    # The county ladder (issue 15, docs/county.md): the risk tier and why, who set it and
    # when, the tier's time limit; the household it speaks for (the repeat rule); when it
    # was escalated, signed for, closed (and by which level), the county department on it.
    tier: Mapped[str] = mapped_column(String(8), default="green", server_default="green")
    tier_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    tier_by: Mapped[str] = mapped_column(String(8), default="rule", server_default="rule")
    tier_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    tier_due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    household_key: Mapped[str | None] = mapped_column(String(200), default=None)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    signed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    county_department_id: Mapped[str | None] = mapped_column(ID, default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_level: Mapped[str | None] = mapped_column(String(16), default=None)

    __table_args__ = (
        Index("ix_records_township_kind_updated", "township_id", "kind", "updated_at"),
        Index("ix_records_grid_seq", "grid_id", "seq"),
        Index("ix_records_township_status", "township_id", "status"),
        Index("ix_records_township_tier", "township_id", "tier"),
        Index("ix_records_township_household", "township_id", "household_key"),
    )


class RecordRev(Base):
    """Every rev ever stored, exactly as received, with the device that sent it."""

    __tablename__ = "record_revs"
    pk: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_id: Mapped[str] = mapped_column(ID)
    rev: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(ID)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("record_id", "rev"),)


class RecordEvent(Base):
    """Staff actions on a record: state changes, feedback, public replies, comments."""

    __tablename__ = "record_events"
    pk: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(32), default=None)
    to_status: Mapped[str | None] = mapped_column(String(32), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    feedback: Mapped[str | None] = mapped_column(Text, default=None)
    public_reply: Mapped[str | None] = mapped_column(Text, default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    assignee_id: Mapped[str | None] = mapped_column(ID, default=None)  # an assignment's whom
    # Changes that are not moves (issue 15): "tier" (value: the tier), "supervise" (value:
    # the deadline); the reason or note is in ``reason``.
    action: Mapped[str | None] = mapped_column(String(32), default=None)
    value: Mapped[str | None] = mapped_column(String(64), default=None)


class Receipt(Base):
    """A receipt number bound to the record it was issued for (one record per number)."""

    __tablename__ = "receipts"
    number: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(ID, index=True)
    device_id: Mapped[str] = mapped_column(ID)
    issued_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    party: Mapped[int | None] = mapped_column(Integer, default=None)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    pk: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    device_id: Mapped[str] = mapped_column(ID)
    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("device_id", "key"),)


class Template(Base):
    """Checklist templates the township published; they reach devices with pull."""

    __tablename__ = "templates"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    township_id: Mapped[str | None] = mapped_column(ForeignKey("townships.id"), default=None)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


class Mediator(Base):
    """Elder mediators of a township's roster (乡贤, 老党员 …); they reach devices with pull."""

    __tablename__ = "mediators"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    standing: Mapped[str] = mapped_column(String(32), default="")
    village: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


class Household(Base):
    """Households imported from the township's roster; they reach the grid's devices with pull."""

    __tablename__ = "households"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("grids.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    # What makes a row of the roster this household again on the next import (its 户号, else
    # its head's ID number, else its address); unique in a grid, so importing twice never
    # makes two.  None for households imported before the key was kept.
    roster_key: Mapped[str | None] = mapped_column(String(200), default=None)

    __table_args__ = (UniqueConstraint("grid_id", "roster_key"),)
