"""Photos and other evidence attached to records (issue 16): what content the service holds,
and which records name it.

The content itself is never in the database: it is kept in the content store
(:mod:`gridterm.township.services.content_store`), one object per SHA-256, however many
records or devices send it.  A device's upload in progress is a file in the store's staging
folder, not a row (:mod:`gridterm.township.services.uploads`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gridterm.township.db.base import ID, Base, utcnow

SHA256 = String(64)


class AttachmentContent(Base):
    """One piece of content the service holds in full, checked against its SHA-256."""

    __tablename__ = "attachment_contents"
    sha256: Mapped[str] = mapped_column(SHA256, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    # The type its bytes say it is (magic bytes), whatever a record claims.
    type: Mapped[str] = mapped_column(String(32))
    stored_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The device whose upload completed it: content no record names is that device's to
    # account for (its quota) until a record names it or the grace period drops it.
    device_id: Mapped[str] = mapped_column(ID, index=True)


class AttachmentRef(Base):
    """A record (any of its revs) names this content.  Staff see content only through the
    records of their scope that name it; content no record names is dropped after a grace
    period."""

    __tablename__ = "attachment_refs"
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(SHA256, primary_key=True, index=True)
    named_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AttachmentRemoval(Base):
    """Content the township removed on purpose (PIPL: kept no longer than needed, erased on
    request): its bytes are gone for good and a device that sends them again is told they
    are complete, so it stops sending and may prune its copy, while nothing is stored."""

    __tablename__ = "attachment_removals"
    sha256: Mapped[str] = mapped_column(SHA256, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    removed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # "retention" (the records naming it closed long enough ago) or "erasure" (on request).
    why: Mapped[str] = mapped_column(String(16))
    # Who asked and why, for the township's own account of it (never shown to devices).
    note: Mapped[str] = mapped_column(String(500), default="")
