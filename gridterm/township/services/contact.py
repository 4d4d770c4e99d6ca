"""The township's phone number: set by the admin, shown to residents on the status page.

A resident who cannot read a receipt's QR code, or whose link is incomplete, is told to call
the township; the page gives the number to call.  Which number: the township that holds the
receipt's record when it has synced, else the township whose device signed it (by name),
else every township on this service that has a number (on a township's own service that is
one; on a county's, each with its name).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import receipts
from gridterm.township import db
from gridterm.township.services.admin import AdminError, find_township

PHONE_MAX = 32
# A landline with its area code (0851-8123 4567), a mobile, a short service number (12345),
# an extension (0851-81234567 转 8001), the area code in brackets: these characters only,
# ending in a digit.
_PHONE = re.compile(r"^[0-9+(][0-9 ()\-+转]*[0-9]$")


@dataclass(frozen=True)
class Contact:
    township: str
    phone: str

    @property
    def dial(self) -> str:
        """What a ``tel:`` link dials: the digits (and a leading +) only, before an extension."""
        main = self.phone.split("转")[0]
        return re.sub(r"[^0-9+]", "", main)


def clean_phone(text: str) -> str:
    """The number as it will be shown; "" clears it; AdminError when it cannot be a phone."""
    phone = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not phone:
        return ""
    digits = sum(ch in "0123456789" for ch in phone)
    if len(phone) > PHONE_MAX or digits < 3 or not _PHONE.match(phone):
        raise AdminError("township_phone.error.invalid", value=phone[:40], max=PHONE_MAX)
    return phone


def set_phone(session: Session, township: str, phone: str) -> db.Township:
    """Set (or, with "", clear) the phone number of ``township`` (its id or unique name)."""
    row = find_township(session, township)
    row.phone = clean_phone(phone)
    session.flush()
    return row


def contacts_for(session: Session, number: str | None, township_name: str = "") -> list[Contact]:
    """The numbers to offer on the page about receipt ``number`` (as typed; may be wrong)."""
    township_id = _township_of_receipt(session, number)
    query = select(db.Township.name, db.Township.phone).where(db.Township.phone != "")
    if township_id is not None:
        query = query.where(db.Township.id == township_id)
    rows = [
        Contact(name, phone) for name, phone in session.execute(query.order_by(db.Township.name))
    ]
    named = [c for c in rows if township_name and c.township == township_name]
    return named or rows


def _township_of_receipt(session: Session, number: str | None) -> str | None:
    try:
        canonical = receipts.parse_number(number or "")
    except receipts.ReceiptNumberError:
        return None
    bound = session.get(db.Receipt, canonical)
    if bound is None:
        return None
    return session.execute(
        select(db.Record.township_id).where(db.Record.id == bound.record_id)
    ).scalar()
