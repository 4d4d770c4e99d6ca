"""Households: the one search (name, address, phone, last 4 of an ID number, tag — in both
languages) and the one lookup, used by every screen that picks or lists households.

Each household is reduced once to one lower-case string holding everything a search may
match (both languages' tag names and addresses, so a search works whichever language is on
screen); a keystroke is then a substring test per word per household — a few milliseconds
for 5,000 — and saving one household replaces one entry.  Results come in address order
(village, group, number, head), the same on every screen.  No UI here.

A household is either the officer's record (``{"id", "kind", …, "data": {…}}``) or one the
township pulled down (``{"id", "village", "head", …}``, its data at the top level): every
function here takes both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gridterm.core.i18n import LANGUAGES, t
from gridterm.core.model import label

if TYPE_CHECKING:
    from gridterm.core.store import Store


def household_data(household: dict) -> dict:
    """The household's fields, whether it is a record or a township one."""
    return household.get("data") or household


def household_tags(data: dict) -> list[str]:
    """The household's own tags and its members', without repeats."""
    found: list[str] = list(data.get("tags") or [])
    for member in data.get("members") or []:
        for tag in member.get("tags") or []:
            if tag not in found:
                found.append(tag)
    return found


def address(data: dict, lang: str | None = None) -> str:
    """石桥村3组12号 / 石桥村 group 3 no. 12, in ``lang`` (default: the current language)."""
    parts = [data.get("village") or ""]
    if data.get("group"):
        parts.append(t("tui.household.group_n", lang, group=data["group"]))
    if data.get("number"):
        parts.append(t("tui.household.number_n", lang, number=data["number"]))
    return t("tui.household.address_joiner", lang).join(p for p in parts if p)


def household_place(household: dict | None) -> str:
    """The household's address as the Households screen writes it (石桥村3组12号)."""
    if not household:
        return ""
    return address(household_data(household))


def household_label(household: dict) -> str:
    """``王大明 · 石桥村3组12号``: how a household is named in pickers and titles."""
    head = household_data(household).get("head") or "?"
    place = household_place(household)
    return f"{head} · {place}" if place else head


def all_households(store: Store) -> list[dict]:
    """The officer's households, then the township's not already among them."""
    # Synced households live in the archive (one shard): they are still the officer's.
    mine = store.query(kind="household", archived=True)
    ids = {h["id"] for h in mine}
    theirs = [h for h in store.reference.households() if h.get("id") not in ids]
    return mine + [h for h in theirs if h.get("id")]


def find_household(store: Store, household_id: str) -> dict | None:
    """The household with this id: the officer's record, else the township's."""
    found = store.get(household_id)
    if found is not None:
        return found
    for household in all_households(store):
        if household.get("id") == household_id:
            return household
    return None


def _blob(data: dict) -> str:
    parts = [
        data.get("head", ""),
        data.get("village", ""),
        data.get("group", ""),
        data.get("number", ""),
        data.get("phone", ""),
        data.get("notes", "")[:200] if isinstance(data.get("notes"), str) else "",
    ]
    parts.extend(address(data, lang) for lang in LANGUAGES)
    tags = list(data.get("tags") or [])
    for member in data.get("members") or []:
        parts.append(member.get("name", ""))
        parts.append(member.get("phone", ""))
        id_number = member.get("id_number") or ""
        if id_number:
            parts.append(id_number[-4:])
        tags.extend(member.get("tags") or [])
    for tag in dict.fromkeys(tags):
        parts.extend((tag, label("tag", tag, "zh_CN"), label("tag", tag, "en")))
    return "\x1f".join(str(p) for p in parts if p).casefold()


@dataclass
class Entry:
    record_id: str
    sort_key: tuple
    blob: str


class HouseholdIndex:
    """``index.search("王 3组")`` -> matching household ids, every word must match."""

    def __init__(self, records: list[dict] | None = None) -> None:
        self._entries: dict[str, Entry] = {}
        self._ordered: list[Entry] | None = None
        for record in records or ():
            self.put(record)

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, record: dict) -> None:
        data = household_data(record)
        # str(): a township's roster may hold numbers or nothing where the device has text.
        key = (
            str(data.get("village") or ""),
            _natural(str(data.get("group") or "")),
            _natural(str(data.get("number") or "")),
            str(data.get("head") or ""),
            record["id"],
        )
        self._entries[record["id"]] = Entry(record["id"], key, _blob(data))
        self._ordered = None

    def remove(self, record_id: str) -> None:
        self._entries.pop(record_id, None)
        self._ordered = None

    def _in_order(self) -> list[Entry]:
        if self._ordered is None:
            self._ordered = sorted(self._entries.values(), key=lambda e: e.sort_key)
        return self._ordered

    def search(self, query: str, limit: int | None = None) -> tuple[list[str], int]:
        """The first ``limit`` matching ids in address order, and how many matched in all."""
        words = query.casefold().split()
        found: list[str] = []
        total = 0
        for entry in self._in_order():
            blob = entry.blob
            if all(word in blob for word in words):
                total += 1
                if limit is None or len(found) < limit:
                    found.append(entry.record_id)
        return found, total


def _natural(text: str) -> tuple:
    """ "3" sorts before "12"; text without digits sorts after numbers."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return (int(digits) if digits else 10**9, text)
