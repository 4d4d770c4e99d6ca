"""Receipts issued on this device: one per party of a case, and the list the Receipts screen
shows (search, reprint, save).  No UI.

- :func:`party_receipts`: each party of a case with the receipt it was given, if any — a
  case gives one receipt per party (the law names every party; each keeps a paper)
- :func:`issued_receipts`: every receipt on the device, archived records included, newest
  first, with whom and what it was for
- :func:`search`: by number (any spelling a person reads off paper: case, dashes and spaces
  ignored, O for 0, I and L for 1, part of it), by name, by what it was for
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gridterm.core import receipts
from gridterm.core.households import find_household

if TYPE_CHECKING:
    from gridterm.core.store import Store

_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class PartyReceipt:
    index: int  # the party's position in the case
    name: str
    role: str  # applicant | respondent | other | ""
    receipt: dict | None  # None: not given one yet


@dataclass(frozen=True)
class IssuedReceipt:
    record: dict
    receipt: dict
    number: str  # XXXXX-XXXXX-X
    who: str  # the resident it was given to (unmasked: the officer's own screen)
    what: str  # the kind and a one-line summary
    issued_at: str

    @property
    def key(self) -> str:
        """Unique on the device: the record and the number."""
        return f"{self.record['id']}:{self.receipt.get('number', '')}"


def party_receipts(case: dict) -> list[PartyReceipt]:
    """Every party of ``case``, in order, with its receipt (or None)."""
    given = {r.get("party"): r for r in case.get("receipts") or []}
    parties = (case.get("data") or {}).get("parties") or []
    return [
        PartyReceipt(n, str(p.get("name") or ""), str(p.get("role") or ""), given.get(n))
        for n, p in enumerate(parties)
    ]


def issued_receipts(store: Store, lang: str) -> list[IssuedReceipt]:
    """Every receipt issued on this device, newest first."""
    found = []
    homes: dict[str, dict | None] = {}
    for record in store.query(archived=True):
        for receipt in record.get("receipts") or []:
            household = None
            if record.get("kind") == "visit":
                home_id = (record.get("data") or {}).get("household_id") or ""
                if home_id not in homes:
                    homes[home_id] = find_household(store, home_id) if home_id else None
                household = homes[home_id]
            found.append(
                IssuedReceipt(
                    record=record,
                    receipt=receipt,
                    number=receipts.display_number(str(receipt.get("number", ""))),
                    who=receipts.resident_name(record, receipt, household),
                    what=receipts.summary(record, lang),
                    issued_at=str(receipt.get("issued_at") or ""),
                )
            )
    found.sort(key=lambda item: (item.issued_at, item.number), reverse=True)
    return found


def _number_text(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum()).translate(_ALIASES)


def search(items: list[IssuedReceipt], query: str) -> list[IssuedReceipt]:
    """The receipts whose number, name or summary holds every word of ``query``."""
    words = query.split()
    if not words:
        return list(items)

    def matches(item: IssuedReceipt, word: str) -> bool:
        folded = word.casefold()
        if folded in item.who.casefold() or folded in item.what.casefold():
            return True
        digits = _number_text(word)
        return bool(digits) and digits in _number_text(item.number)

    return [item for item in items if all(matches(item, word) for word in words)]
