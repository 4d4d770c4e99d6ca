"""The township's list of who records can be assigned to: its departments (镇城建办, 派出所 …)
and named people.  ``gridterm admin department add`` keeps it; staff pick from it.  A county
keeps its departments (住建, 应急管理 …) in the same table: ``county_id`` set, no township."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gridterm.township.db.base import ID, Base, utcnow

KINDS = ("department", "person")


class Department(Base):
    """One entry of the list: a department, or a person (``kind``), by name."""

    __tablename__ = "departments"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    township_id: Mapped[str | None] = mapped_column(ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="department")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    county_id: Mapped[str | None] = mapped_column(
        ForeignKey("counties.id"), default=None, index=True
    )

    __table_args__ = (
        UniqueConstraint("township_id", "name"),
        UniqueConstraint("county_id", "name"),
    )
