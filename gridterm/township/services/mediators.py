"""The township's roster of elder mediators (五老): devices get it with their next pull."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services.admin import MOBILE, AdminError, clean_name, find_township, new_id

STANDINGS = ("xiangxian", "party_member", "cadre", "veteran", "teacher")


def add_mediator(
    session: Session,
    township: str,
    name: str,
    standing: str = "",
    village: str = "",
    phone: str = "",
) -> db.Mediator:
    """An elder mediator on the township's roster; devices get it with their next pull."""
    parent = find_township(session, township)
    if standing and standing not in STANDINGS:
        raise AdminError(
            "service.admin.error.bad_standing", value=standing, allowed=", ".join(STANDINGS)
        )
    phone = (phone or "").strip()
    if phone and not MOBILE.match(phone):
        raise AdminError("service.admin.error.bad_phone", value=phone)
    row = db.Mediator(
        id=new_id(),
        township_id=parent.id,
        name=clean_name(name),
        standing=standing,
        village=(village or "").strip()[:200],
        phone=phone,
        seq=db.next_seq(session),
    )
    session.add(row)
    session.flush()
    return row
