"""The county above the townships (issue 15): counties, the villages each county leader is
responsible for (包村), and the supervision (督办) of records.

A county's staff and leaders are rows of ``staff`` (``role`` county or leader, ``county_id``);
its departments are rows of ``departments`` (``county_id``); a township belongs to a county
through ``townships.county_id``.  docs/county.md describes the ladder.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gridterm.township.db.base import ID, Base, utcnow


class County(Base):
    __tablename__ = "counties"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LeaderVillage(Base):
    """One village a county leader is responsible for; ``township_id`` pins the village to
    one township when two townships of the county have a village of that name ("": the
    village of that name in any township of the county — "" rather than NULL, so that the
    unique constraint holds for it too)."""

    __tablename__ = "leader_villages"
    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), index=True)
    village: Mapped[str] = mapped_column(String(200))
    township_id: Mapped[str] = mapped_column(ID, default="")

    __table_args__ = (UniqueConstraint("staff_id", "village", "township_id"),)


class Supervision(Base):
    """The county's supervision (督办) of one record: a deadline and a note.  Supervising a
    record again replaces them; it is done when the record closes (``records.closed_at``)."""

    __tablename__ = "supervisions"
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), primary_key=True)
    county_id: Mapped[str] = mapped_column(ForeignKey("counties.id"), index=True)
    deadline: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[str] = mapped_column(ID)
    by_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
