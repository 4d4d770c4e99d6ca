"""The archive: synced, closed records in shards that are written rarely and read lazily.

::

    archive/YYYY-MM.json      one shard per month of created_at
    archive/households.json   synced households (a small shard: see docs/store.md)
    archive/index.json        record id -> shard name (derived; rebuilt from the shards if lost)

Nothing here is read at open.  Recently used shards stay parsed up to
``SHARD_CACHE_RECORDS`` records; a query over a bigger archive streams through the rest
instead of keeping years of history in memory.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gridterm.core.store.errors import Unreadable
from gridterm.core.store.files import FileStorage, fsync_dir, load_file, load_tables
from gridterm.core.store.hot import copy_json

ARCHIVE_DIR = "archive"
INDEX = "index.json"
HOUSEHOLD_SHARD = "households"

SHARD_CACHE_RECORDS = 20_000  # archived records kept parsed in memory (whole shards)

_MONTH = re.compile(r"^(\d{4})-(\d{2})")


def shard_name(rec: Mapping[str, Any]) -> str:
    """The shard a record is archived in: its kind's own, or its month of creation."""
    if rec.get("kind") == "household":
        return HOUSEHOLD_SHARD
    match = _MONTH.match(str(rec.get("created_at", "")))
    return f"{match.group(1)}-{match.group(2)}" if match else "undated"


class Archive:
    """The archive folder of one store: its shards (cached) and its index."""

    def __init__(self, folder: Path, read_only: bool = False) -> None:
        self.folder = folder  # the data folder; the archive is its ``archive/``
        self.read_only = read_only  # a reader's: damage is reported, never moved aside
        self.shards: OrderedDict[str, FileStorage] = OrderedDict()
        self._index_storage: FileStorage | None = None

    def _dir(self, create: bool = False) -> Path:
        folder = self.folder / ARCHIVE_DIR
        if create and not folder.exists():
            folder.mkdir(mode=0o700)
            with contextlib.suppress(OSError):
                os.chmod(folder, 0o700)
            fsync_dir(self.folder)
        return folder

    def shard_names(self, kind: str | None = None) -> list[str]:
        """The shards on disk, in name order; with ``kind``, only those that can hold it."""
        folder = self._dir()
        if not folder.is_dir():
            return []
        names = sorted(
            p.name[: -len(".json")]
            for p in folder.glob("*.json")
            if p.name != INDEX and not p.name.startswith(".")
        )
        if kind == "household":  # households live in their own shard
            return [n for n in names if n == HOUSEHOLD_SHARD]
        if kind is not None:
            return [n for n in names if n != HOUSEHOLD_SHARD]
        return names

    def shard(self, name: str, create: bool = False) -> FileStorage:
        storage = self.shards.get(name)
        if storage is None:
            folder = self._dir(create=create)
            storage = load_file(folder / f"{name}.json", self.read_only)
            self.shards[name] = storage
            held = sum(len(st.read().get("records", {})) for st in self.shards.values())
            while held > SHARD_CACHE_RECORDS and len(self.shards) > 1:
                _, dropped = self.shards.popitem(last=False)
                held -= len(dropped.read().get("records", {}))
        else:
            self.shards.move_to_end(name)
        return storage

    def records_of(self, name: str) -> dict[str, Any]:
        """A shard's records as held in memory (read-only use)."""
        return self.shard(name).read().get("records", {})

    def _index_file(self) -> FileStorage:
        if self._index_storage is None:
            path = self._dir(create=not self.read_only) / INDEX
            try:
                storage = FileStorage(path, load_tables(path.read_bytes()))
            except (FileNotFoundError, Unreadable):
                # The index is derived data: rebuild it from the shards.
                index: dict[str, str] = {}
                for name in self.shard_names():
                    for rid in self.records_of(name):
                        index[rid] = name
                storage = FileStorage(path, {"index": index})
            self._index_storage = storage
        return self._index_storage

    def index(self) -> dict[str, str]:
        """Record id -> shard name, for every archived record."""
        if not self._dir().is_dir():
            return {}
        return self._index_file().read().get("index", {})

    def record(self, record_id: str) -> dict[str, Any] | None:
        """An archived record as held in memory (read-only use), or None."""
        name = self.index().get(record_id)
        if name is None:
            return None
        return self.records_of(name).get(record_id)

    def add(self, records: Iterable[dict[str, Any]]) -> None:
        """Write records into their shards, then the index: a shard at a time, index last."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for rec in records:
            groups.setdefault(shard_name(rec), []).append(rec)
        for name, recs in sorted(groups.items()):
            storage = self.shard(name, create=True)
            tables = storage.read()
            shard_records = tables.setdefault("records", {})
            for rec in recs:
                shard_records[rec["id"]] = copy_json(rec)
            storage.write(tables)
        index_storage = self._index_file()
        index_tables = index_storage.read()
        index = index_tables.setdefault("index", {})
        for name, recs in groups.items():
            for rec in recs:
                index[rec["id"]] = name
        index_storage.write(index_tables)
