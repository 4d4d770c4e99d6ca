"""The hot file: the live tables (records, meta, drafts, roster), held in memory.

Reads never touch the disk; every change goes through TinyDB to :class:`FileStorage`, which
writes the whole (small) hot file crash-safely — or, inside :meth:`HotFile.batch`, once at
the end.  Documents are keyed by text (a record's uuid, a meta key, a draft's name).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.table import Document, Table

from gridterm.core.store.errors import StoreCorrupt, Unreadable
from gridterm.core.store.files import (
    CORRUPT,
    FileStorage,
    Tables,
    load_tables,
    move_aside,
    salvage_tables,
)

HOT = "hot.json"
TABLES = ("records", "meta", "drafts", "roster")

# A change to one document, in place (TinyDB's update with a function).
Change = Callable[[MutableMapping[str, Any]], None]
# The folder lock's guard: one thread at a time, and only while the store is open.
Guard = Callable[[], contextlib.AbstractContextManager[None]]


def copy_json(obj: Any) -> Any:
    """A deep copy of JSON data: what the store hands out can never change what it holds."""
    if isinstance(obj, dict):
        return {k: copy_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [copy_json(v) for v in obj]
    return obj


class _Table(Table):
    # TinyDB types document ids as int; the store's are text (uuids and names).
    document_id_class = str  # type: ignore[assignment]


class _TinyDB(TinyDB):
    table_class = _Table


def _ids(doc_ids: Iterable[str]) -> list[int]:
    # TinyDB's annotations say int; its code uses document_id_class, which is str here.
    return cast("list[int]", list(doc_ids))


class HotFile:
    """The hot file's tables in memory, and the only way to change them."""

    def __init__(self, folder: Path, tables: Tables, guard: Guard) -> None:
        self.storage = FileStorage(folder / HOT, tables)
        self.guard = guard
        db = _TinyDB(storage=lambda: self.storage)
        self._tables = {name: db.table(name) for name in TABLES}

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
        """Several changes, one write at the end; an exception inside undoes them all."""
        return self.storage.batch()


def load_hot(folder: Path, recover: bool) -> tuple[Tables, dict[str, Any] | None, bool]:
    """The hot file's tables, what ``recover`` salvaged (or None), and whether to write it.

    A hot file that does not parse is moved aside: without ``recover`` that is
    ``StoreCorrupt`` (and stays so while a moved-aside copy waits); with it, the lines that
    still parse are kept.
    """
    hot = folder / HOT
    try:
        raw = hot.read_bytes()
    except FileNotFoundError:
        raw = None
    if raw is not None:
        try:
            return load_tables(raw), None, False
        except Unreadable as exc:
            copy = move_aside(hot)
            if not recover:
                raise StoreCorrupt(path=str(hot), copy=str(copy), reason=str(exc)) from None
            return _salvage(copy) + (True,)
    copies = sorted(folder.glob(HOT + CORRUPT + "*"), key=lambda p: p.stat().st_mtime)
    if copies:
        if not recover:
            raise StoreCorrupt("store.corrupt_pending", folder=str(folder), copy=str(copies[-1]))
        return _salvage(copies[-1]) + (True,)
    return {}, None, True


def _salvage(copy: Path) -> tuple[Tables, dict[str, Any]]:
    tables, kept, dropped = salvage_tables(copy.read_bytes())
    tables = {name: tables.get(name, {}) for name in TABLES}
    return tables, {"copy": str(copy), "records": kept, "dropped": dropped}
