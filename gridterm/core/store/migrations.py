"""The hot file's schema version (in meta) and the migrations run at open, in order.

Add a migration: raise ``SCHEMA_VERSION``, add ``MIGRATIONS[n]`` (a function that changes
the raw tables of version n-1 in place), and a test that opens a file of version n-1
(tests/core/test_store_migrations.py).  All of them are written in one write, or none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from gridterm.core.store.errors import StoreTooNew
from gridterm.core.store.files import Tables
from gridterm.core.store.hot import TABLES, HotStorage
from gridterm.core.store.outbox import sync_state, wire_text

SCHEMA_VERSION = 2


def _migrate_to_1(tables: Tables) -> None:
    """v1: the four tables exist, the device has an id, every record carries its wire
    bytes and its sync state."""
    for name in TABLES:
        tables.setdefault(name, {})
    meta = tables["meta"]
    if "device_id" not in meta:
        meta["device_id"] = {"value": str(uuid.uuid4())}
    for rec in tables["records"].values():
        rec.setdefault("synced_rev", 0)
        rec.setdefault("sync_error", None)
        if not isinstance(rec.get("_wire"), str):
            rec["_wire"] = wire_text(rec)
        rec["sync_state"] = sync_state(rec)


def _migrate_to_2(tables: Tables) -> None:
    """v2: the hot set is a snapshot plus a journal (docs/store.md); the tables are as they
    were.  The version is raised so that an older gridterm, which would read the snapshot
    without the journal's saves and then write over them, refuses the folder instead."""


# target version -> function that brings the raw hot tables from version-1 to it, in place.
MIGRATIONS: dict[int, Callable[[Tables], None]] = {1: _migrate_to_1, 2: _migrate_to_2}


def migrate(hot: HotStorage, force_write: bool = False) -> None:
    """Bring the hot tables to ``SCHEMA_VERSION``; write them when anything ran (or forced).

    Raises ``StoreTooNew`` for a file from a newer gridterm, before changing anything.
    """
    tables = hot.read()
    meta = tables.setdefault("meta", {})
    doc = meta.get("schema_version")
    version = doc.get("value", 0) if isinstance(doc, dict) else 0
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise StoreTooNew(version=version, supported=SCHEMA_VERSION)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[target](tables)
        tables["meta"]["schema_version"] = {"value": target}
    if force_write or version < SCHEMA_VERSION:
        hot.write(tables)
