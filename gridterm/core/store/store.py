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
from gridterm.core.store.drafts import Drafts
from gridterm.core.store.errors import StoreUnavailable, reason
from gridterm.core.store.files import FileStorage, Tables, remove_temp_files
from gridterm.core.store.hot import HotFile, load_hot
from gridterm.core.store.lock import FolderLock
from gridterm.core.store.meta import Meta
from gridterm.core.store.migrations import migrate
from gridterm.core.store.records import RecordBook
from gridterm.core.store.reference import Reference
from gridterm.core.store.roster import Roster


class Store(RecordBook):
    """The local store.  Open with ``Store.open(folder)``; one process at a time."""

    def __init__(self, folder: Path, lock: FolderLock, tables: Tables) -> None:
        self.folder = folder
        self._lock = lock
        hot = HotFile(folder, tables, lock.guard)
        meta = Meta(hot)
        super().__init__(hot, Archive(folder), meta)
        self.drafts = Drafts(hot)
        self.reference = Reference(folder, lock.guard)
        self.roster = Roster(hot, self.reference)
        #: after ``recover=True`` salvaged a damaged file: {"copy", "records", "dropped"}
        self.recovered: dict[str, Any] | None = None

    # -- opening and closing

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None, recover: bool = False) -> Store:
        """Lock the data folder, check and migrate the hot file.

        Raises ``StoreLocked`` when another process holds the folder (nothing is touched),
        ``StoreCorrupt`` when the hot file does not parse (it is moved aside first) or when a
        moved-aside copy exists and ``recover`` is false, ``StoreTooNew`` for a newer schema.
        """
        if data_dir is None:
            from gridterm.core.paths import data_dir as default_dir

            data_dir = default_dir(None)
        folder = Path(data_dir).expanduser()
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
            tables, recovered, fresh = load_hot(folder, recover)
            store = cls(folder, lock, tables)
            store.recovered = recovered
            migrate(store._hot.storage, force_write=fresh)
            return store
        except BaseException:
            lock.release()
            raise

    def close(self) -> None:
        self._lock.release()

    @property
    def closed(self) -> bool:
        return self._lock.released

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Several saves in one write of the hot file (building a big queue, importing).

        Nothing inside is on disk until the block ends; an exception inside undoes it all.
        """
        with self._hot.guard(), self._hot.batch():
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
