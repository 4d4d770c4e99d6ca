"""Compaction: the journal folded into a new snapshot, away from the keystroke path.

The snapshot (``hot.json``) names its *generation* G (table ``_snapshot``); journal G
(``hot.0000000G.journal``) holds the saves made after it.  Folding, to generation G+1:

1. create journal G+1, empty, atomically (outside the store's guard);
2. under the guard — a few microseconds per thousand documents — saves switch to journal
   G+1 and the tables are copied *shallowly*: documents are never changed in place once
   saved (:mod:`gridterm.core.store.tracked`), so the copy is a consistent picture;
3. outside the guard, write that picture as ``hot.json`` of generation G+1 (temp, fsync,
   rename, fsync the folder) — saves go on meanwhile, into journal G+1;
4. delete the journals older than G+1.

A kill before step 3's rename leaves the old snapshot and journals G and G+1: everything.
A kill after it leaves the new snapshot, journal G+1 and stale journals that the next open
deletes (they are older than the snapshot, which already holds them).  Nothing is lost.

When: a thread of the store's own starts after a save that takes the journal past
``max(COMPACT_MIN_BYTES, COMPACT_RATIO × the snapshot)``, and the store folds what the journal
holds when it is closed.  Never inside a save (see docs/store.md for why).
"""

from __future__ import annotations

import contextlib
import threading

from gridterm.core.store import journal
from gridterm.core.store.errors import StoreClosed
from gridterm.core.store.hot import Guard, HotStorage
from gridterm.core.store.snapshot import drop_journals, write_snapshot

COMPACT_MIN_BYTES = 1 << 20  # a journal smaller than this is never worth a fold
COMPACT_RATIO = 2  # ... nor one smaller than twice the snapshot


class Compactor:
    """Folds one store's journal into its snapshot, in a thread of its own or at close."""

    def __init__(self, storage: HotStorage, guard: Guard) -> None:
        self._storage = storage
        self._guard = guard
        self._thread: threading.Thread | None = None
        self._folding = threading.Lock()
        self._retry_above = 0  # after a failed fold (disk full), wait for this much journal
        #: why the last background fold failed (it is tried again later), or None
        self.error: OSError | None = None
        self.folds = 0

    def due(self) -> bool:
        grown = self._storage.journal_bytes()
        limit = max(COMPACT_MIN_BYTES, COMPACT_RATIO * self._storage.snapshot_size)
        return grown > max(limit, self._retry_above)

    def poke(self) -> None:
        """After a save (the guard held): start folding in the background if it is due."""
        running = self._thread is not None and self._thread.is_alive()
        if not running and self.due():
            self._thread = threading.Thread(
                target=self._background, name="gridterm-compaction", daemon=True
            )
            self._thread.start()

    def _background(self) -> None:
        try:
            self.fold()
        except StoreClosed:
            pass
        except OSError as exc:
            self.error = exc
            self._retry_above = self._storage.journal_bytes() + COMPACT_MIN_BYTES

    def fold(self) -> None:
        """Fold the journal into a new snapshot (steps 1-4 above)."""
        with self._folding:
            storage = self._storage
            gen = storage.next_generation
            path = journal.create(storage.folder, gen)
            with self._guard():
                picture = storage.rotate(path, gen)
            storage.snapshot_size = write_snapshot(storage.folder, picture, gen)
            drop_journals(storage.folder, below=gen)
            self.error = None
            self._retry_above = 0
            self.folds += 1

    def wait(self) -> None:
        """Wait for a background fold in progress."""
        thread = self._thread
        if thread is not None:
            thread.join()

    def close(self) -> None:
        """The store is closing: finish a fold in progress, then fold what is left."""
        self.wait()
        if self._storage.journal_bytes() > 0:
            # Not folding (a full disk) loses nothing: the journal holds it all.
            with contextlib.suppress(OSError, StoreClosed):
                self.fold()
