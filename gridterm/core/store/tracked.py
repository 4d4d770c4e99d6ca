"""TinyDB tables that know which documents an operation changed, without comparing tables.

TinyDB changes a table by handing its whole contents to an *updater* (``Table._update_table``)
and then writing every table back — stock TinyDB even rebuilds the table's dict twice per
change.  :class:`TrackedTable` hands the updater a :class:`_Recorder` over the table as held
in memory instead: the documents the updater reaches are the ones it may change, so the
recorder notes each one's previous value and **copies it before handing it out**.  Two things
follow, at a cost that depends only on the documents changed:

* the storage learns exactly what to append to the journal (``changed(table, before)``), and
  can put the previous values back if the append fails;
* a document object, once saved, is never changed in place: a shallow copy of the tables is
  a consistent picture that compaction can write while saves go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, Protocol

from tinydb import TinyDB
from tinydb.table import Table

ABSENT: Any = object()  # the "previous value" of a document that did not exist


def copy_json(obj: Any) -> Any:
    """A deep copy of JSON data: what the store hands out can never change what it holds."""
    if isinstance(obj, dict):
        return {k: copy_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [copy_json(v) for v in obj]
    return obj


class ChangeSink(Protocol):
    """What a :class:`TrackedTable` needs of its storage."""

    #: (table, doc id) -> previous value, for documents changed since the last write
    pending: dict[tuple[str, str], Any]

    def read(self) -> dict[str, dict[str, Any]]: ...

    def changed(self, table: str, before: dict[str, Any]) -> None: ...


class _Recorder(MutableMapping[str, Any]):
    """One table, as one TinyDB operation sees it; notes and copies what it touches."""

    def __init__(self, name: str, raw: dict[str, Any], pending: dict[tuple[str, str], Any]):
        self._name = name
        self._raw = raw
        self._pending = pending
        self.before: dict[str, Any] = {}

    def _first_touch(self, key: str) -> bool:
        """Note ``key``'s previous value; True if this write had not touched it yet."""
        if key in self.before or (self._name, key) in self._pending:
            return False
        self.before[key] = self._raw.get(key, ABSENT)
        return True

    def __getitem__(self, key: str) -> Any:
        doc = self._raw[key]
        if self._first_touch(key):
            # The updater may change what it gets: give it a copy, keep the saved one intact.
            doc = copy_json(doc)
            self._raw[key] = doc
        return doc

    def __setitem__(self, key: str, value: Any) -> None:
        self._first_touch(key)
        self._raw[key] = value

    def __delitem__(self, key: str) -> None:
        self._first_touch(key)
        del self._raw[key]

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def put_back(table: dict[str, Any], before: dict[str, Any]) -> None:
    """Undo changes: every document to its previous value (or gone, if it was new)."""
    for key, value in before.items():
        if value is ABSENT:
            table.pop(key, None)
        else:
            table[key] = value


class TrackedTable(Table):
    # TinyDB types document ids as int; the store's are text (uuids and names).
    document_id_class = str  # type: ignore[assignment]

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        sink: ChangeSink = self._storage  # type: ignore[assignment]
        raw = sink.read().setdefault(self.name, {})
        recorder = _Recorder(self.name, raw, sink.pending)
        try:
            updater(recorder)  # type: ignore[arg-type]
        except BaseException:
            put_back(raw, recorder.before)
            raise
        finally:
            self.clear_cache()
        sink.changed(self.name, recorder.before)


class TrackedDB(TinyDB):
    table_class = TrackedTable
