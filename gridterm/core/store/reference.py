"""What the township publishes (templates, households, mediators), kept in ``reference.json``.

Written only by :meth:`Reference.save_reference` (a pull); read lazily, on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gridterm.core.store.errors import StoreReadOnly
from gridterm.core.store.files import FileStorage, load_file
from gridterm.core.store.hot import Guard, copy_json

REFERENCE = "reference.json"
REFERENCE_KINDS = ("templates", "households", "mediators")


class Reference:
    def __init__(self, folder: Path, guard: Guard, read_only: bool = False) -> None:
        self._path = folder / REFERENCE
        self._guard = guard
        self._read_only = read_only
        self._storage: FileStorage | None = None

    def _file(self) -> FileStorage:
        if self._storage is None:
            self._storage = load_file(self._path, self._read_only)
        return self._storage

    def items(self, kind: str) -> list[dict[str, Any]]:
        """Copies of the township's ``kind``, in the order published (unguarded)."""
        table = self._file().read().get(kind, {})
        return [
            copy_json(item) for _, item in sorted(table.items(), key=lambda kv: (len(kv[0]), kv[0]))
        ]

    def templates(self) -> list[dict[str, Any]]:
        with self._guard():
            return self.items("templates")

    def households(self) -> list[dict[str, Any]]:
        with self._guard():
            return self.items("households")

    def mediators(self) -> list[dict[str, Any]]:
        with self._guard():
            return self.items("mediators")

    def save_reference(self, kind: str, items: Iterable[Mapping[str, Any]]) -> None:
        """Replace the township's ``kind`` (templates | households | mediators) in one write."""
        if kind not in REFERENCE_KINDS:
            raise ValueError(f"unknown reference kind {kind!r}; use one of {REFERENCE_KINDS}")
        with self._guard():
            if self._read_only:
                raise StoreReadOnly()
            storage = self._file()
            tables = dict(storage.read())
            tables[kind] = {str(i): copy_json(item) for i, item in enumerate(items)}
            storage.write(tables)
