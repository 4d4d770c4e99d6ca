"""The village's affairs in the open (issue 17): published notice versions, the village
supervision committee's members and their countersignatures, residents' questions.

A notice record (kind ``notice``) is the officer's; what the township *published* is a row
of :class:`NoticeVersion` — the record's data exactly as it was at that moment, never
changed afterwards.  A correction is another record, published as the next version of the
same public number, so every version stays readable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gridterm.township.db.base import ID, Base, utcnow

_PK = BigInteger().with_variant(Integer, "sqlite")


class NoticeVersion(Base):
    """One published version of a public notice: number + version, the record it came from,
    and its content as published (hashed and signed for the paper's QR code)."""

    __tablename__ = "notice_versions"
    pk: Mapped[int] = mapped_column(_PK, primary_key=True)
    number: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[str] = mapped_column(ID)
    rev: Mapped[int] = mapped_column(Integer)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"), index=True)
    village: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The finance rows as the public sees them (names masked), made when published.
    public_items: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    period_from: Mapped[str | None] = mapped_column(String(10), default=None)
    period_to: Mapped[str | None] = mapped_column(String(10), default=None)
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str | None] = mapped_column(Text, default=None)  # a correction's
    superseded_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("number", "version"),
        UniqueConstraint("record_id"),
        Index("ix_notice_versions_village_published", "village", "published_at"),
    )


class VillageSupervisor(Base):
    """A member of a village's supervision committee (村务监督委员会), enrolled by township
    staff; their link (a token, kept hashed) opens the countersigning page."""

    __tablename__ = "village_supervisors"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"), index=True)
    village: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class NoticeCountersign(Base):
    """A supervisor's countersignature (or objection) on one rev of a notice record: bound to
    the content they read (its hash), so a later rev is not countersigned by it."""

    __tablename__ = "notice_countersigns"
    pk: Mapped[int] = mapped_column(_PK, primary_key=True)
    record_id: Mapped[str] = mapped_column(ID, index=True)
    rev: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    supervisor_id: Mapped[str] = mapped_column(ForeignKey("village_supervisors.id"))
    decision: Mapped[str] = mapped_column(String(16))  # "agree" | "object"
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("record_id", "rev", "supervisor_id"),)


class NoticeQuestion(Base):
    """A resident's question about a published notice: shown publicly only once answered;
    the phone number is for the village to call back and is never shown whole."""

    __tablename__ = "notice_questions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"), index=True)
    village: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    asked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answered_by: Mapped[str | None] = mapped_column(String(200), default=None)
    # Set aside by staff (abuse, nothing to do with the notice): never shown, not owed.
    dismissed_reason: Mapped[str | None] = mapped_column(Text, default=None)
