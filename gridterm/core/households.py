"""Search as you type over households: name, address, last 4 of an ID number, tag.

Each household is reduced once to one lower-case string holding everything a search may
match (both languages' tag names, so a search works whichever language is on screen); a
keystroke is then a substring test per household — a few milliseconds for 5,000 — and
saving one household replaces one entry.  No UI here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridterm.core.model import label


def household_tags(data: dict) -> list[str]:
    """The household's own tags and its members', without repeats."""
    found: list[str] = list(data.get("tags") or [])
    for member in data.get("members") or []:
        for tag in member.get("tags") or []:
            if tag not in found:
                found.append(tag)
    return found


def _blob(data: dict) -> str:
    parts = [
        data.get("head", ""),
        data.get("village", ""),
        data.get("group", ""),
        data.get("number", ""),
        data.get("phone", ""),
        data.get("notes", "")[:200] if isinstance(data.get("notes"), str) else "",
    ]
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
    return "\x1f".join(p for p in parts if p).casefold()


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
        data = record.get("data") or {}
        key = (
            data.get("village", ""),
            _natural(data.get("group", "")),
            _natural(data.get("number", "")),
            data.get("head", ""),
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
