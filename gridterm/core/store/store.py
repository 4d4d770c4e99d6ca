"""``Store``: one open data folder — the records, and the small key-value parts beside them.

The records' operations are :class:`~gridterm.core.store.records.RecordBook`'s; the small
parts are objects of their own (``store.drafts``, ``store.roster``, ``store.reference``), and
their methods are also the store's own (``store.get_draft(…)`` is ``store.drafts.get_draft(…)``)
because screens and the sync client use both spellings.
"""

from __future__ import annotations

import contextlib
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from gridterm.core.store.archive import ARCHIVE_DIR, Archive
from gridterm.core.store.compaction import Compactor
from gridterm.core.store.drafts import Drafts
from gridterm.core.store.errors import StoreCorrupt, StoreError, StoreUnavailable, reason
from gridterm.core.store.files import FileStorage, remove_temp_files
from gridterm.core.store.hot import HotFile, HotStorage
from gridterm.core.store.hotload import load_hot, read_hot
from gridterm.core.store.lock import FolderLock
from gridterm.core.store.meta import Meta
from gridterm.core.store.migrations import migrate
from gridterm.core.store.records import RecordBook
from gridterm.core.store.reference import Reference
from gridterm.core.store.roster import Roster


class Store(RecordBook):
    """The local store.  Open with ``Store.open(folder)``; one process at a time."""

    def __init__(self, folder: Path, lock: FolderLock, storage: HotStorage) -> None:
        self.folder = folder
        self._lock = lock
        read_only = storage.read_only
        hot = HotFile(storage, lock.guard)
        meta = Meta(hot)
        super().__init__(hot, Archive(folder, read_only), meta)
        self.drafts = Drafts(hot)
        self.reference = Reference(folder, lock.guard, read_only)
        self.roster = Roster(hot, self.reference)
        self._compactor = Compactor(storage, lock.guard)
        if not read_only:
            storage.on_saved = self._compactor.poke
        #: after ``recover=True`` salvaged a damaged file: {"copy", "records", "dropped"}
        self.recovered: dict[str, Any] | None = None

    # -- opening and closing

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str] | None = None,
        recover: bool = False,
        *,
        read_only: bool = False,
    ) -> Store:
        """Lock the data folder, check the hot set (snapshot + journal) and migrate it.

        Raises ``StoreLocked`` when another process holds the folder (nothing is touched),
        ``StoreCorrupt`` when the snapshot does not parse or a journal is damaged in the
        middle (moved aside first), or when a moved-aside copy waits and ``recover`` is
        false; ``StoreTooNew`` for a newer schema.

        ``read_only=True``: no lock, nothing written; a consistent picture of what the
        writer (if any) has saved so far, and every write raises ``StoreReadOnly``.
        """
        if data_dir is None:
            from gridterm.core.paths import data_dir as default_dir

            data_dir = default_dir(None)
        folder = Path(data_dir).expanduser()
        if read_only:
            return cls._open_read_only(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreUnavailable(folder=str(folder), reason=reason(exc)) from None
        lock = FolderLock(folder)
        try:
            with contextlib.suppress(OSError):
                os.chmod(folder, 0o700)
            remove_temp_files(folder)
            remove_temp_files(folder / ARCHIVE_DIR)
            loaded = load_hot(folder, recover)
            storage = HotStorage(
                folder,
                loaded.tables,
                generation=loaded.generation,
                next_generation=loaded.next_generation,
                current=loaded.current,
                snapshot_size=loaded.snapshot_size,
            )
            store = cls(folder, lock, storage)
            store.recovered = loaded.recovered
            migrate(storage, force_write=loaded.needs_snapshot)
            store._compactor.poke()  # a journal left long by a crash is folded in the background
            return store
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _open_read_only(cls, folder: Path) -> Store:
        try:
            loaded = read_hot(folder)
        except StoreCorrupt as seen:
            # Damage is moved aside and reported by a writer.  With no writer about, be that
            # writer for a moment, so the message says exactly what gridterm did with it.
            try:
                probe = FolderLock(folder)
            except StoreError:
                raise seen from None
            probe.release()
            cls.open(folder).close()
            loaded = read_hot(folder)
        storage = HotStorage(
            folder,
            loaded.tables,
            generation=loaded.generation,
            next_generation=0,
            current=None,
            snapshot_size=loaded.snapshot_size,
            read_only=True,
        )
        store = cls(folder, FolderLock.none(), storage)
        migrate(storage)  # in memory: a reader of an older layout sees it as the writer would
        return store

    def close(self) -> None:
        """Fold the journal into the snapshot (unless read-only), then release the lock."""
        if not self.closed and not self.read_only:
            self._compactor.close()
        self._hot.storage.close()
        self._lock.release()

    @property
    def closed(self) -> bool:
        return self._lock.released

    @property
    def read_only(self) -> bool:
        return self._hot.storage.read_only

    def compact(self) -> None:
        """Fold the journal into a new snapshot now (normally the store does it by itself)."""
        self._compactor.wait()
        self._compactor.fold()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Several saves in one journal entry (building a big queue, importing).

        Nothing inside is on disk until the block ends; an exception inside undoes it all.
        """
        with self._hot.writing(), self._hot.batch():
            yield

    @property
    def _shards(self) -> OrderedDict[str, FileStorage]:
        """The archive shards held parsed in memory (tests check the cache stays bounded)."""
        return self._archive.shards

    # -- meta

    def meta_get(self, key: str, default: Any = None) -> Any:
        return self._meta.get(key, default)

    def meta_set(self, key: str, value: Any) -> None:
        self._meta.set(key, value)

    def meta_update(self, values: Mapping[str, Any]) -> None:
        """Set several meta keys in one write."""
        self._meta.update(values)

    # -- the small parts, also under their own names (store.drafts.get_draft, …)

    def get_draft(self, key: str, default: Any = None) -> Any:
        return self.drafts.get_draft(key, default)

    def save_draft(self, key: str, value: Any) -> None:
        self.drafts.save_draft(key, value)

    def delete_draft(self, key: str) -> None:
        self.drafts.delete_draft(key)

    def list_mediators(self) -> list[dict[str, Any]]:
        return self.roster.list_mediators()

    def save_mediator(self, mediator: Mapping[str, Any]) -> dict[str, Any]:
        return self.roster.save_mediator(mediator)

    def templates(self) -> list[dict[str, Any]]:
        return self.reference.templates()

    def households(self) -> list[dict[str, Any]]:
        return self.reference.households()

    def mediators(self) -> list[dict[str, Any]]:
        return self.reference.mediators()

    def save_reference(self, kind: str, items: Iterable[Mapping[str, Any]]) -> None:
        self.reference.save_reference(kind, items)
