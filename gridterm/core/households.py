"""Households: the one search (name, pinyin, address, phone, last 4 of an ID number, tag — in
both languages) and the one lookup, used by every screen that picks or lists households.

Each household is reduced once to one lower-case string holding everything a search may
match (both languages' tag names and addresses, so a search works whichever language is on
screen, and the pinyin of every name: ``huli`` and ``hl`` find 胡丽); a keystroke is then a
substring test per word per household — a few milliseconds for 5,000 — and saving one
household replaces one entry.  Results come best first: the head's name exactly (or its
pinyin), a member's name, phone or ID exactly, then names that start with the query, then
every other match; within each, address order (village, group, number, head), the same on
every screen.  No UI here.

A household is either the officer's record (``{"id", "kind", …, "data": {…}}``) or one the
township pulled down (``{"id", "village", "head", …}``, its data at the top level): every
function here takes both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gridterm.core import pinyin
from gridterm.core.i18n import LANGUAGES, t
from gridterm.core.model import label

if TYPE_CHECKING:
    from gridterm.core.store import Store

SEP = "\x1f"  # between the parts of a household's search text: no match spans two


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


def _names(data: dict) -> tuple[str, list[str]]:
    """The head's name, and every member's (the head is usually a member too)."""
    head = str(data.get("head") or "")
    members = [str(m.get("name") or "") for m in data.get("members") or [] if m.get("name")]
    return head, members


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
    head, members = _names(data)
    for name in dict.fromkeys([head, *members]):
        parts.extend(pinyin.spellings(name))
    return SEP.join(str(p) for p in parts if p).casefold()


def _keys(*groups: list[str]) -> str:
    """The keys between separators (SEP a SEP b SEP): a word is a key when SEP word SEP is
    in it, and starts one when SEP word is -- one substring test each, however many keys."""
    keys = [str(k).casefold() for group in groups for k in group if k]
    return SEP + SEP.join(keys) + SEP


def _rank_keys(data: dict) -> tuple[str, str, str]:
    """What an exact or prefix match is tested against: the head's name and its spellings;
    the members' names and spellings; phones, ID numbers and their last four (exact only:
    "1" starts every phone)."""
    head, members = _names(data)
    head_keys = _keys([head], list(pinyin.spellings(head)))
    names: list[str] = []
    for name in members:
        names.append(name)
        names.extend(pinyin.spellings(name))
    numbers: list[str] = [str(data.get("phone") or "")]
    for member in data.get("members") or []:
        numbers.append(str(member.get("phone") or ""))
        id_number = str(member.get("id_number") or "")
        numbers.extend((id_number, id_number[-4:]))
    return head_keys, _keys(names), _keys(numbers)


# How well a household matches, best first: the head's name (or its pinyin) exactly, a
# member's name, phone or ID exactly, the head's name starting with the query, a member's
# name starting with it, anything else (address, tag, part of a name or number).
EXACT_HEAD, EXACT_MEMBER, PREFIX_HEAD, PREFIX_MEMBER, OTHER = range(5)


@dataclass
class Entry:
    record_id: str
    sort_key: tuple
    blob: str
    head_keys: str
    member_keys: str
    number_keys: str


class HouseholdIndex:
    """``index.search("王 3组")`` -> matching household ids, every word must match; exact
    names first, then names that start with the query, then the rest, each in address order.

    Pinyin (full or initials: ``huli``, ``hl`` -> 胡丽) matches like the characters do.
    Building an entry computes the household's spellings (cached by name in
    :mod:`gridterm.core.pinyin`, and the whole entry by household), so build an index off the
    UI thread.
    """

    def __init__(self, records: list[dict] | None = None) -> None:
        self._entries: dict[str, Entry] = {}
        self._ordered: list[Entry] | None = None
        self._all_keys: tuple[str, str] | None = None  # every name key; every number key
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
        self._entries[record["id"]] = Entry(record["id"], key, *_search_text(record["id"], data))
        self._ordered = None
        self._all_keys = None

    def remove(self, record_id: str) -> None:
        self._entries.pop(record_id, None)
        self._ordered = None
        self._all_keys = None

    def _in_order(self) -> list[Entry]:
        if self._ordered is None:
            self._ordered = sorted(self._entries.values(), key=lambda e: e.sort_key)
        return self._ordered

    def search(self, query: str, limit: int | None = None) -> tuple[list[str], int]:
        """The first ``limit`` matching ids, best first, and how many matched in all."""
        words = query.casefold().split()
        entries = self._in_order()
        if not words:
            every = [entry.record_id for entry in entries]
            return (every if limit is None else every[:limit]), len(every)
        matched = entries
        for word in words:  # one tight pass per word: a C-level substring test per household
            matched = [entry for entry in matched if word in entry.blob]
        # Only a word that is (or starts) some name, or is some number, can rank a
        # household above the rest: "1" or "东河村" leaves the address order as it is.
        names, numbers = self._keys()
        keys = [
            (SEP + word, SEP + word + SEP)
            for word in words
            if SEP + word in names or SEP + word + SEP in numbers
        ]
        if not keys:
            found = [entry.record_id for entry in matched]
            return (found if limit is None else found[:limit]), len(found)
        ranked: list[list[str]] = [[] for _ in range(OTHER + 1)]
        for entry in matched:
            ranked[min(_rank(entry, starts, whole) for starts, whole in keys)].append(
                entry.record_id
            )
        found = [record_id for tier in ranked for record_id in tier]
        return (found if limit is None else found[:limit]), len(found)

    def _keys(self) -> tuple[str, str]:
        if self._all_keys is None:
            entries = self._entries.values()
            names = "".join(e.head_keys + e.member_keys for e in entries)
            self._all_keys = (names, "".join(e.number_keys for e in entries))
        return self._all_keys


def _rank(entry: Entry, starts: str, whole: str) -> int:
    if whole in entry.head_keys:
        return EXACT_HEAD
    if whole in entry.member_keys or whole in entry.number_keys:
        return EXACT_MEMBER
    if starts in entry.head_keys:
        return PREFIX_HEAD
    if starts in entry.member_keys:
        return PREFIX_MEMBER
    return OTHER


# What a household's search text was made from, by id: screens build their indexes from
# fresh copies of the same households, so most of a rebuild is found here.
_made: dict[str, tuple[str, tuple[str, str, str, str]]] = {}
_MADE_MAX = 50_000


def _search_text(record_id: str, data: dict) -> tuple[str, str, str, str]:
    """(blob, head, member and number keys) of a household, computed once per version."""
    fingerprint = repr(data)
    known = _made.get(record_id)
    if known is not None and known[0] == fingerprint:
        return known[1]
    made = (_blob(data), *_rank_keys(data))
    if len(_made) >= _MADE_MAX:
        _made.clear()
    _made[record_id] = (fingerprint, made)
    return made


def _natural(text: str) -> tuple:
    """ "3" sorts before "12"; text without digits sorts after numbers."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return (int(digits) if digits else 10**9, text)
