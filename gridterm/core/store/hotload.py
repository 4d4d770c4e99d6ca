"""Opening the hot set: the snapshot, then its journals replayed, and the damage rules.

* The snapshot does not parse: it is moved aside (``hot.json.corrupt-…``) and the store is
  refused (``StoreCorrupt``) until ``--recover``, which salvages its readable lines.
* A journal's last entry is cut short or fails its checksum, and no whole entry follows it
  anywhere: a save that never returned (killed during its append).  It is dropped; a writer
  cuts it off the file so the next append follows whole entries.
* Whole entries follow bad bytes (a checksum failure *in the middle*), or a journal's header
  is wrong: damage.  The journal is moved aside (``hot.N.journal.corrupt-…``) and the store is
  refused while such a copy is newer than the snapshot; ``--recover`` replays every whole
  entry of it, skipping only the damage, and writes a new snapshot.  Nothing is deleted.
* A journal missing from the chain the snapshot names is refused too (``--recover`` goes on
  with what there is).

A reader (``read_only``) applies the same rules but changes nothing, takes no lock, and reads
again when a compaction by the writer raced it.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridterm.core.store import journal
from gridterm.core.store.errors import StoreCorrupt, StoreUnavailable, Unreadable
from gridterm.core.store.files import (
    CORRUPT,
    HOT,
    Tables,
    fsync_dir,
    load_tables,
    move_aside,
    salvage_tables,
)
from gridterm.core.store.hot import TABLES
from gridterm.core.store.snapshot import snapshot_generation

READ_ATTEMPTS = 20  # a reader racing the writer's compaction reads again, this many times


@dataclass
class Loaded:
    """The hot set as found on disk, and what the writer must do next."""

    tables: Tables
    generation: int  # the snapshot's (0: the layout before journals)
    next_generation: int  # above every journal and copy in the folder
    current: Path | None  # the journal saves go on in; None: write a new snapshot first
    snapshot_size: int
    recovered: dict[str, Any] | None = None

    @property
    def needs_snapshot(self) -> bool:
        return self.current is None


@dataclass
class _Snapshot:
    tables: Tables
    generation: int | None  # None: unknown (salvaged without its marker): replay every journal
    size: int = 0
    recovered: dict[str, Any] | None = None
    fresh: bool = False


@dataclass
class _Link:
    gen: int
    path: Path
    scan: journal.Scan
    copy: bool  # a moved-aside copy (only with recover)


@dataclass
class _Replay:
    entries: int = 0
    dropped: int = 0
    copy: Path | None = None
    cut: tuple[Path, int] | None = None


# ---------------------------------------------------------------------------- the snapshot


def _salvage(copy: Path) -> _Snapshot:
    tables, kept, dropped = salvage_tables(copy.read_bytes())
    gen = snapshot_generation(tables, None)
    tables = {name: tables.get(name, {}) for name in TABLES}
    return _Snapshot(
        tables, gen, recovered={"copy": str(copy), "records": kept, "dropped": dropped}
    )


def _snapshot(folder: Path, recover: bool, read_only: bool) -> _Snapshot:
    hot = folder / HOT
    try:
        raw = hot.read_bytes()
    except FileNotFoundError:
        raw = None
    if raw is not None:
        try:
            tables = load_tables(raw)
        except Unreadable as exc:
            if read_only:
                raise StoreCorrupt("journal.seen_damaged", path=str(hot), reason=str(exc)) from None
            copy = move_aside(hot)
            if not recover:
                raise StoreCorrupt(path=str(hot), copy=str(copy), reason=str(exc)) from None
            return _salvage(copy)
        return _Snapshot(tables, snapshot_generation(tables, 0), len(raw))
    copies = sorted(folder.glob(HOT + CORRUPT + "*"), key=lambda p: p.stat().st_mtime)
    if copies:
        if not recover or read_only:
            raise StoreCorrupt("store.corrupt_pending", folder=str(folder), copy=str(copies[-1]))
        return _salvage(copies[-1])
    return _Snapshot({}, 0, fresh=True)


# ---------------------------------------------------------------------------- the journals


def _journal_copies(folder: Path) -> dict[int, Path]:
    """Moved-aside journals by generation (the newest copy of each)."""
    found: dict[int, Path] = {}
    for path in sorted(folder.glob("hot.*.journal" + CORRUPT + "*"), key=lambda p: p.name):
        gen = journal.generation_of(path.name.split(CORRUPT)[0])
        if gen is not None:
            found[gen] = path
    return found


def _chain(
    folder: Path, start: int | None, recover: bool, read_only: bool
) -> tuple[list[_Link], list[Path]]:
    """The journals to replay on a snapshot of generation ``start``, and the stale ones."""
    live = journal.journals(folder)
    copies = _journal_copies(folder)
    first = start if start is not None else min([*live, *copies], default=0)
    pending = {g: p for g, p in copies.items() if g >= first and g not in live}
    if pending and (not recover or read_only):
        raise StoreCorrupt(
            "journal.corrupt_pending", folder=str(folder), copy=str(pending[min(pending)])
        )
    links = []
    for gen in sorted({g for g in live if g >= first} | set(pending)):
        path, is_copy = (live[gen], False) if gen in live else (pending[gen], True)
        links.append(_Link(gen, path, journal.scan(path.read_bytes()), is_copy))
    stale = [p for g, p in live.items() if g < first]
    return links, stale


def _gap(links: list[_Link], start: int | None) -> int | None:
    """The first generation missing from the chain, or None when it is whole."""
    expected = start if start else (links[0].gen if links else None)
    if expected is None:
        return None
    for link in links:
        if link.gen != expected:
            return expected
        expected += 1
    return start if start and not links else None


def _damage(link: _Link) -> str:
    if not link.scan.header_ok:
        return "not a gridterm journal"
    if link.scan.end == link.scan.size:
        return "an entry that does not hold changes"
    return f"a damaged entry at byte {link.scan.end} of {link.scan.size}, whole entries after it"


def _decoded(payloads: list[bytes]) -> tuple[list[list[journal.Change]], int]:
    """The entries' changes, and how many intact entries did not hold changes (a bug's mark)."""
    out, broken = [], 0
    for payload in payloads:
        try:
            out.append(journal.decode(payload))
        except Unreadable:
            broken += 1
    return out, broken


def _replay(tables: Tables, links: list[_Link], recover: bool, read_only: bool) -> _Replay:
    """Apply the journals' entries in order; the damage rules are the module's."""
    out = _Replay()
    for i, link in enumerate(links):
        later = any(other.scan.entries or other.scan.after for other in links[i + 1 :])
        entries, broken = _decoded(link.scan.entries)
        bad = link.scan.damaged or (link.scan.torn and later) or broken > 0
        if bad or link.copy:
            if read_only:
                raise StoreCorrupt(
                    "journal.seen_damaged", path=str(link.path), reason=_damage(link)
                )
            copy = link.path if link.copy else move_aside(link.path)
            if not recover:
                raise StoreCorrupt(
                    "journal.corrupt", path=str(link.path), copy=str(copy), reason=_damage(link)
                )
            after, broken_after = _decoded(link.scan.after)
            entries += after
            out.copy = out.copy or copy
            out.dropped += 1 + broken + broken_after
        elif link.scan.torn:
            out.cut = (link.path, link.scan.end)
        for changes in entries:
            journal.apply(tables, changes)
        out.entries += len(entries)
    return out


def _next_generation(folder: Path, snapshot: int | None) -> int:
    gens = [snapshot or 0, *journal.journals(folder), *_journal_copies(folder)]
    return max(gens) + 1


# ---------------------------------------------------------------------------- opening


def load_hot(folder: Path, recover: bool) -> Loaded:
    """The hot set for the writer (the folder's lock held): damage moved aside, or refused."""
    snap = _snapshot(folder, recover, read_only=False)
    links, stale = _chain(folder, snap.generation, recover, read_only=False)
    gap = _gap(links, snap.generation)
    if gap is not None and not recover:
        raise StoreCorrupt("journal.missing", folder=str(folder), journal=journal.journal_name(gap))
    tables = snap.tables
    replay = _replay(tables, links, recover, read_only=False)
    recovered = snap.recovered
    if recovered is None and replay.copy is not None:
        recovered = {"copy": str(replay.copy), "records": replay.entries, "dropped": replay.dropped}
    anew = snap.fresh or recovered is not None or gap is not None or not links
    if not anew and replay.cut is not None:
        journal.cut(*replay.cut)
    for path in stale:
        path.unlink(missing_ok=True)
    if stale:
        fsync_dir(folder)
    return Loaded(
        tables,
        generation=snap.generation or 0,
        next_generation=_next_generation(folder, snap.generation),
        current=None if anew else links[-1].path,
        snapshot_size=snap.size,
        recovered=recovered,
    )


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read_hot(folder: Path) -> Loaded:
    """The hot set as a reader sees it: snapshot plus journals up to the last whole entry.

    Takes no lock and changes nothing.  If the writer compacted while we read (the snapshot
    changed, a journal vanished or seemed damaged), read again.
    """
    if not folder.exists():
        return Loaded({}, 0, 1, None, 0)
    if not folder.is_dir():
        raise StoreUnavailable(folder=str(folder), reason=os.strerror(errno.ENOTDIR))
    last: StoreCorrupt | None = None
    for _ in range(READ_ATTEMPTS):
        before = _stamp(folder / HOT)
        try:
            snap = _snapshot(folder, recover=False, read_only=True)
            links, _stale = _chain(folder, snap.generation, recover=False, read_only=True)
            if _gap(links, snap.generation) is not None:
                continue
            _replay(snap.tables, links, recover=False, read_only=True)
        except FileNotFoundError:
            continue
        except StoreCorrupt as exc:
            last = exc
            continue
        if _stamp(folder / HOT) != before:
            continue
        return Loaded(snap.tables, snap.generation or 0, 0, None, snap.size)
    if last is not None:
        raise last
    raise StoreUnavailable("journal.busy", folder=str(folder))
