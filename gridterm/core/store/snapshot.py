"""The hot set's snapshot, ``hot.json``: the tables as of one moment, and its generation.

The snapshot names its generation G in a table of its own (``_snapshot``); journal G holds
the saves made after it, and older journals are already in it (see :mod:`compaction`).  A
snapshot without the table is of the layout before journals (generation 0).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from gridterm.core.store import files, journal
from gridterm.core.store.files import HOT, Tables, dump_tables, fsync_dir

SNAPSHOT_TABLE = "_snapshot"


def write_snapshot(folder: Path, tables: Tables, generation: int) -> int:
    """Write ``hot.json`` of ``generation`` atomically; returns its size in bytes."""
    data = dump_tables({SNAPSHOT_TABLE: {"generation": generation}, **tables})
    files.atomic_write(folder / HOT, data)
    return len(data)


def snapshot_generation(tables: dict[str, Any], default: int | None) -> int | None:
    """Take the generation out of a snapshot's tables (``default`` when it has none)."""
    marker = tables.pop(SNAPSHOT_TABLE, None)
    gen = marker.get("generation") if isinstance(marker, dict) else None
    if isinstance(gen, int) and not isinstance(gen, bool) and gen >= 0:
        return gen
    return default


def drop_journals(folder: Path, below: int) -> None:
    """Delete the journals a snapshot of generation ``below`` already holds."""
    dropped = False
    for gen, path in journal.journals(folder).items():
        if gen < below:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                dropped = True
    if dropped:
        fsync_dir(folder)
