"""The officer's local store: TinyDB tables in a crash-safe, bounded-cost file layout.

A data folder holds::

    store.lock            the single-writer lock (flock); a second gridterm gets StoreLocked
    hot.json              TinyDB tables records, meta, drafts, roster: only what is live —
                          the outbox (unsent, needs attention) and open items
    archive/YYYY-MM.json  synced *and* closed records, one shard per month of created_at
    archive/households.json   synced, closed households (one small shard, see docs/store.md)
    archive/index.json    record id -> shard name (derived; rebuilt from the shards if lost)
    reference.json        what the township publishes (templates, households, mediators)

Every file is written the same way: a temp file in the same folder (created 0600), flush,
fsync, ``os.replace``, fsync the folder.  A save that returned is on disk; a kill at any
instant leaves the old file or the new one, never a torn one.  The parsed tables stay in
memory, so reads never touch the disk, and a save serialises only the hot file — its cost
does not grow with the archive.

One module a job; this file only gathers their public names:

- ``store``       ``Store``: open (lock, load, migrate), close, and the parts below
- ``records``     save, read, query, the outbox, sync answers, archiving
- ``archive``     the shards and their index
- ``outbox``      a record's outbox state and wire bytes, and the orders of records
- ``hot``         the hot file's tables in memory; ``files``: the file format and safe writes
- ``lock``, ``migrations``, ``errors``
- ``meta``, ``drafts``, ``roster``, ``reference``: the small key-value parts
- ``protocol``    ``RecordStore``: what the sync client needs of a store

This package imports nothing from Textual or FastAPI.
"""

from __future__ import annotations

from gridterm.core.store.archive import (
    ARCHIVE_DIR,
    HOUSEHOLD_SHARD,
    INDEX,
    SHARD_CACHE_RECORDS,
)
from gridterm.core.store.errors import (
    RecordNotFound,
    StoreClosed,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreTooNew,
    StoreUnavailable,
    StoreWriteFailed,
)
from gridterm.core.store.files import FileStorage, dump_tables, load_tables, salvage_tables
from gridterm.core.store.hot import HOT, TABLES
from gridterm.core.store.lock import LOCK
from gridterm.core.store.migrations import MIGRATIONS, SCHEMA_VERSION
from gridterm.core.store.outbox import STATES, state_of
from gridterm.core.store.protocol import RecordStore
from gridterm.core.store.reference import REFERENCE, REFERENCE_KINDS
from gridterm.core.store.store import Store

__all__ = [
    "ARCHIVE_DIR",
    "HOT",
    "HOUSEHOLD_SHARD",
    "INDEX",
    "LOCK",
    "MIGRATIONS",
    "REFERENCE",
    "REFERENCE_KINDS",
    "SCHEMA_VERSION",
    "SHARD_CACHE_RECORDS",
    "STATES",
    "TABLES",
    "FileStorage",
    "RecordNotFound",
    "RecordStore",
    "Store",
    "StoreClosed",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "StoreTooNew",
    "StoreUnavailable",
    "StoreWriteFailed",
    "dump_tables",
    "load_tables",
    "salvage_tables",
    "state_of",
]
