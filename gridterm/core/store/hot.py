"""The hot set: the live tables (records, meta, drafts, roster), held in memory.

On disk the hot set is a snapshot (``hot.json``) and a journal of the saves made since
(:mod:`journal`, :mod:`compaction`).  Reads never touch the disk.  Every change goes through
TinyDB's tables (:class:`~gridterm.core.store.tracked.TrackedTable`), which tell
:class:`HotStorage` which documents changed; a save appends those documents to the journal
as one entry (one write, one fsync) — inside :meth:`HotFile.batch`, one entry at the end.
Documents are keyed by text (a record's uuid, a meta key, a draft's name).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any, cast

from tinydb.storages import Storage
from tinydb.table import Document

from gridterm.core.store import journal
from gridterm.core.store.errors import StoreReadOnly, StoreWriteFailed, reason
from gridterm.core.store.files import HOT, Tables
from gridterm.core.store.snapshot import drop_journals, write_snapshot
from gridterm.core.store.tracked import TrackedDB, copy_json, put_back

__all__ = ["HOT", "TABLES", "Change", "Guard", "HotFile", "HotStorage", "copy_json"]

TABLES = ("records", "meta", "drafts", "roster")

# A change to one document, in place (TinyDB's update with a function).
Change = Callable[[MutableMapping[str, Any]], None]
# The folder lock's guard: one thread at a time, and only while the store is open.
Guard = Callable[[], contextlib.AbstractContextManager[None]]


class HotStorage(Storage):
    """TinyDB storage of the hot set: tables in memory, changes appended to the journal.

    ``pending`` maps (table, doc id) to the document's value before the changes not yet
    written; a write appends the changed documents and forgets them, a failed write puts
    them back — memory never holds what the disk does not.
    """

    def __init__(
        self,
        folder: Path,
        data: Tables,
        *,
        generation: int,
        next_generation: int,
        current: Path | None,
        snapshot_size: int,
        read_only: bool = False,
    ) -> None:
        self.folder = folder
        self._data = data
        self.generation = generation
        self.next_generation = next_generation
        self._appender = journal.Appender(current) if current is not None else None
        self.snapshot_size = snapshot_size
        self.read_only = read_only
        self.pending: dict[tuple[str, str], Any] = {}
        self._batch = 0
        #: called after every save that reached the disk (the store pokes its compactor)
        self.on_saved: Callable[[], None] = lambda: None

    def read(self) -> Tables:
        return self._data

    def write(self, data: Tables) -> None:
        """A whole new hot set (migrations, recovery, a new folder): a new snapshot."""
        self._data = data
        self.pending.clear()
        if self.read_only:
            return  # a read-only view migrates in memory only
        gen = self.next_generation
        try:
            path = journal.create(self.folder, gen)
            size = write_snapshot(self.folder, data, gen)
        except OSError as exc:
            raise StoreWriteFailed(path=str(self.folder / HOT), reason=reason(exc)) from exc
        self.rotate(path, gen)
        self.snapshot_size = size
        drop_journals(self.folder, below=gen)

    def changed(self, table: str, before: dict[str, Any]) -> None:
        """One TinyDB operation changed these documents (``before``: their old values)."""
        for doc_id, value in before.items():
            self.pending.setdefault((table, doc_id), value)
        if not self._batch:
            self.commit()

    def commit(self) -> None:
        """Append what changed since the last write as one journal entry (one fsync)."""
        if not self.pending:
            return
        appender = self._appender
        try:
            if appender is None:
                raise StoreReadOnly()
            changes = [(t, d, self._data.get(t, {}).get(d)) for (t, d) in self.pending]
            appender.append(journal.encode(changes))
        except BaseException as exc:
            self.rollback()
            if isinstance(exc, OSError) and appender is not None:
                raise StoreWriteFailed(path=str(appender.path), reason=reason(exc)) from exc
            raise
        self.pending.clear()
        self.on_saved()

    def rollback(self) -> None:
        """Put back every document changed since the last write."""
        by_table: dict[str, dict[str, Any]] = {}
        for (table, doc_id), value in self.pending.items():
            by_table.setdefault(table, {})[doc_id] = value
        for table, before in by_table.items():
            put_back(self._data.setdefault(table, {}), before)
        self.pending.clear()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        self._batch += 1
        try:
            yield
        except BaseException:
            self._batch -= 1
            self.rollback()
            raise
        self._batch -= 1
        if self._batch == 0:
            self.commit()

    def rotate(self, path: Path, generation: int) -> Tables:
        """Saves go on in journal ``path`` from now; returns a picture of the tables now.

        Called under the guard, outside any save, so nothing is pending.  The picture is a
        shallow copy: saved documents are never changed in place (see ``tracked``).
        """
        old, self._appender = self._appender, journal.Appender(path)
        if old is not None:
            old.close()
        self.generation = generation
        self.next_generation = generation + 1
        return {name: dict(table) for name, table in self._data.items()}

    def journal_bytes(self) -> int:
        """The size of the saves in the current journal (not counting its header)."""
        if self._appender is None:
            return 0
        return self._appender.size - len(journal.FILE_MAGIC)

    @property
    def journal_path(self) -> Path | None:
        return self._appender.path if self._appender is not None else None

    def close(self) -> None:
        if self._appender is not None:
            self._appender.close()


def _ids(doc_ids: Iterable[str]) -> list[int]:
    # TinyDB's annotations say int; its code uses document_id_class, which is str here.
    return cast("list[int]", list(doc_ids))


class HotFile:
    """The hot set's tables in memory, and the only way to change them."""

    def __init__(self, storage: HotStorage, guard: Guard) -> None:
        self.storage = storage
        self.guard = guard
        db = TrackedDB(storage=lambda: storage)
        self._tables = {name: db.table(name) for name in TABLES}

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """The guard, for an operation that saves: refused at once by a read-only store."""
        with self.guard():
            if self.storage.read_only:
                raise StoreReadOnly()
            yield

    def raw(self, table: str) -> dict[str, Any]:
        """A table as held in memory (read-only use: callers copy what they hand out)."""
        return self.storage.read().get(table, {})

    def put(self, table: str, doc_id: str, doc: dict[str, Any]) -> None:
        """Insert or replace one document: one write (TinyDB's upsert may take two)."""
        if doc_id in self.raw(table):

            def replace(current: MutableMapping[str, Any]) -> None:
                current.clear()
                current.update(doc)

            self.update(table, replace, [doc_id])
        else:
            self.insert(table, doc_id, doc)

    def insert(self, table: str, doc_id: str, doc: dict[str, Any]) -> None:
        self._tables[table].insert(Document(doc, doc_id=cast(int, doc_id)))

    def update(self, table: str, change: Change, doc_ids: Iterable[str]) -> None:
        self._tables[table].update(change, doc_ids=_ids(doc_ids))

    def remove(self, table: str, doc_ids: Iterable[str]) -> None:
        self._tables[table].remove(doc_ids=_ids(doc_ids))

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Several changes, one journal entry at the end; an exception inside undoes them all."""
        return self.storage.batch()
