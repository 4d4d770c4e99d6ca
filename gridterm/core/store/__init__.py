"""The officer's local store: TinyDB tables in a crash-safe, bounded-cost file layout.

A data folder holds::

    store.lock            the single-writer lock (flock); a second gridterm gets StoreLocked
    hot.json              the hot set's snapshot: TinyDB tables records, meta, drafts, roster —
                          only what is live: the outbox (unsent, needs attention), open items
    hot.NNNNNNNN.journal  the saves since that snapshot, one framed entry per save
    archive/YYYY-MM.json  synced *and* closed records, one shard per month of created_at
    archive/households.json   synced, closed households (one small shard, see docs/store.md)
    archive/index.json    record id -> shard name (derived; rebuilt from the shards if lost)
    reference.json        what the township publishes (templates, households, mediators)

A save appends the documents it changed to the journal (one write, one fsync; no rename):
its cost is the change, not the hot set, nor the archive.  The journal is folded into a new
snapshot in the background (``compaction``).  Every other file is written whole the same
way: a temp file in the same folder (created 0600), flush, fsync, ``os.replace``, fsync the
folder.  A save that returned is on disk; a kill at any instant loses no save that returned.
The parsed tables stay in memory, so reads never touch the disk.

One module a job; this file only gathers their public names:

- ``store``       ``Store``: open (lock, load, migrate), close, and the parts below
- ``records``     save, read, query, the outbox, sync answers, archiving
- ``archive``     the shards and their index
- ``outbox``      a record's outbox state and wire bytes, and the orders of records
- ``hot``         the hot set's tables in memory; ``tracked``: the TinyDB table that knows
                  what a save changed; ``journal``: the journal's format; ``compaction``;
                  ``hotload``: opening the hot set (the damage rules); ``files``: the
                  snapshot's format and safe writes
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
    StoreReadOnly,
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
    "StoreReadOnly",
    "StoreTooNew",
    "StoreUnavailable",
    "StoreWriteFailed",
    "dump_tables",
    "load_tables",
    "salvage_tables",
    "state_of",
]
