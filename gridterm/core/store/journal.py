"""The hot set's journal: an append-only file of framed entries, one per save.

A journal file is ``hot.NNNNNNNN.journal`` (its generation, see :mod:`compaction`) and holds
``FILE_MAGIC`` and then entries::

    ENTRY_MAGIC (4 bytes) | length (u32 LE) | crc32 of payload (u32 LE) | crc32 of the 12 bytes before (u32 LE)
    payload: UTF-8 JSON, ``[[table, doc_id, document or null], ...]`` — the documents one save changed

``ENTRY_MAGIC`` starts with the byte 0xFF, which UTF-8 never contains, so an entry's start
can only be found where an entry starts: after damage, :func:`scan` finds the whole entries
that follow it, and that is how damage in the middle is told from a torn tail.

A save appends one entry with one ``write`` and one ``fsync``.  If either fails the file is
cut back to where it was, so a failed save leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import struct
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridterm.core.store.errors import Unreadable
from gridterm.core.store.files import TMP_SUFFIX, fsync_dir

FILE_MAGIC = b"gridterm-journal 1\n"
ENTRY_MAGIC = b"\xffGJ\x01"
_HEADER = struct.Struct("<4sIII")
_NAME = re.compile(r"^hot\.(\d{8})\.journal$")

# A change: (table, document id, the document as saved, or None when it was removed).
Change = tuple[str, str, "dict[str, Any] | None"]


def journal_name(generation: int) -> str:
    return f"hot.{generation:08d}.journal"


def generation_of(name: str) -> int | None:
    match = _NAME.match(name)
    return int(match.group(1)) if match else None


def journals(folder: Path) -> dict[int, Path]:
    """The journal files in the folder, by generation."""
    found = {}
    for path in folder.glob("hot.*.journal"):
        gen = generation_of(path.name)
        if gen is not None:
            found[gen] = path
    return dict(sorted(found.items()))


# ---------------------------------------------------------------------------- entries


def encode(changes: list[Change]) -> bytes:
    """One framed entry holding ``changes``."""
    payload = json.dumps(changes, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head = struct.pack("<4sII", ENTRY_MAGIC, len(payload), zlib.crc32(payload))
    return head + struct.pack("<I", zlib.crc32(head)) + payload


def _entry_at(raw: bytes, pos: int) -> tuple[bytes, int] | None:
    """The payload of the whole, intact entry at ``pos`` and where the next begins, or None."""
    if pos + _HEADER.size > len(raw):
        return None
    magic, length, crc, head_crc = _HEADER.unpack_from(raw, pos)
    if magic != ENTRY_MAGIC or zlib.crc32(raw[pos : pos + 12]) != head_crc:
        return None
    start = pos + _HEADER.size
    end = start + length
    if end > len(raw) or zlib.crc32(raw[start:end]) != crc:
        return None
    return raw[start:end], end


@dataclass
class Scan:
    """What a journal file holds: its entries up to the first bad byte, and what follows."""

    entries: list[bytes]
    end: int  # where the last good entry ends (the file is cut here after a torn tail)
    size: int
    after: list[bytes] = field(default_factory=list)  # whole entries found after the damage
    header_ok: bool = True

    @property
    def clean(self) -> bool:
        return self.header_ok and self.end == self.size

    @property
    def damaged(self) -> bool:
        """Damage, not a torn tail: whole entries follow the bad bytes (or the header is bad)."""
        return not self.header_ok or bool(self.after)

    @property
    def torn(self) -> bool:
        """Bytes after the last good entry and no whole entry among them: an append cut short."""
        return self.header_ok and self.end < self.size and not self.after


def scan(raw: bytes) -> Scan:
    if not raw.startswith(FILE_MAGIC):
        return Scan([], 0, len(raw), after=_whole_entries_from(raw, 0), header_ok=False)
    pos = len(FILE_MAGIC)
    entries = []
    while (found := _entry_at(raw, pos)) is not None:
        entries.append(found[0])
        pos = found[1]
    after = _whole_entries_from(raw, pos + 1) if pos < len(raw) else []
    return Scan(entries, pos, len(raw), after=after)


def _whole_entries_from(raw: bytes, pos: int) -> list[bytes]:
    """Every intact entry at or after ``pos`` (skipping bytes that are not one)."""
    found = []
    pos = raw.find(ENTRY_MAGIC, pos)
    while pos != -1:
        entry = _entry_at(raw, pos)
        if entry is None:
            pos = raw.find(ENTRY_MAGIC, pos + 1)
        else:
            found.append(entry[0])
            pos = raw.find(ENTRY_MAGIC, entry[1])
    return found


def decode(payload: bytes) -> list[Change]:
    """An entry's changes; ``Unreadable`` if an intact entry does not hold changes."""
    try:
        changes = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Unreadable("an entry is not JSON") from None
    if not isinstance(changes, list):
        raise Unreadable("an entry is not a list of changes")
    out: list[Change] = []
    for change in changes:
        if (
            not isinstance(change, list)
            or len(change) != 3
            or not isinstance(change[0], str)
            or not isinstance(change[1], str)
            or not (change[2] is None or isinstance(change[2], dict))
        ):
            raise Unreadable("an entry holds a malformed change")
        out.append((change[0], change[1], change[2]))
    return out


def apply(tables: dict[str, dict[str, Any]], changes: list[Change]) -> None:
    for table, doc_id, doc in changes:
        if doc is None:
            tables.setdefault(table, {}).pop(doc_id, None)
        else:
            tables.setdefault(table, {})[doc_id] = doc


# ---------------------------------------------------------------------------- writing


def create(folder: Path, generation: int) -> Path:
    """A new, empty journal (just its header), in place atomically; returns its path."""
    path = folder / journal_name(generation)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(FILE_MAGIC)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)
    return path


class Appender:
    """The open journal a save appends to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self.size = os.fstat(self._fd).st_size

    def append(self, entry: bytes) -> None:
        """Write ``entry`` and fsync; on any failure cut the file back and raise ``OSError``."""
        start = self.size
        try:
            view = memoryview(entry)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
        except BaseException:
            # A partial entry would turn the next append into damage in the middle.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, start)
                os.fsync(self._fd)
            raise
        self.size = start + len(entry)

    def close(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1


def cut(path: Path, end: int) -> None:
    """Cut a torn tail off (a save that never returned), durably."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, end)
        os.fsync(fd)
    finally:
        os.close(fd)
