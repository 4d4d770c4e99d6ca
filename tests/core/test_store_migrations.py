"""Schema version in meta; migrations run at open, once, in order, in one write."""

from __future__ import annotations

import json

import pytest

from gridterm.core import model
from gridterm.core.store import HOT, SCHEMA_VERSION, Store, StoreTooNew, dump_tables
from gridterm.core.store import migrations as store_mod

REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}


def test_new_store_is_at_the_current_version(data_dir):
    with Store.open(data_dir) as s:
        assert s.meta_get("schema_version") == SCHEMA_VERSION == 2
        assert s.meta_get("device_id")


def test_v0_file_is_migrated_to_the_current_version(data_dir):
    """A file from before versioning: records without device-only keys or wire bytes."""
    rec = model.new_record("report", REPORT, device="dev-0")
    data_dir.mkdir()
    (data_dir / HOT).write_bytes(dump_tables({"records": {rec["id"]: rec}}))
    with Store.open(data_dir) as s:
        got = s.get(rec["id"])
        assert got["synced_rev"] == 0 and got["sync_state"] == "unsent"
        assert s.wire(got) == model.canonical_json(model.wire_form(rec))
        assert [r["id"] for r in s.outbox()] == [rec["id"]]
        assert s.meta_get("schema_version") == SCHEMA_VERSION
    on_disk = json.loads((data_dir / HOT).read_text(encoding="utf-8"))
    assert on_disk["meta"]["schema_version"] == {"value": SCHEMA_VERSION}
    assert set(on_disk) >= {"records", "meta", "drafts", "roster"}


def test_a_new_migration_runs_once_at_open(data_dir, monkeypatch):
    with Store.open(data_dir) as s:
        rec = s.create("report", REPORT)
    calls = []

    nxt = SCHEMA_VERSION + 1

    def to_next(tables):
        """Example: the next version keeps a count of records in meta."""
        calls.append(1)
        tables["meta"]["record_count"] = {"value": len(tables["records"])}

    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(store_mod.MIGRATIONS, nxt, to_next)
    with Store.open(data_dir) as s:
        assert s.meta_get("schema_version") == nxt and s.meta_get("record_count") == 1
        assert s.get(rec["id"]) == rec
    with Store.open(data_dir) as s:
        assert s.meta_get("schema_version") == nxt
    assert calls == [1]


def test_a_failing_migration_changes_nothing(data_dir, monkeypatch):
    with Store.open(data_dir) as s:
        s.create("report", REPORT)
    before = (data_dir / HOT).read_bytes()

    def broken(tables):
        tables["records"].clear()
        raise RuntimeError("bug in migration")

    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_mod.MIGRATIONS, SCHEMA_VERSION + 1, broken)
    with pytest.raises(RuntimeError):
        Store.open(data_dir)
    assert (data_dir / HOT).read_bytes() == before
    monkeypatch.undo()
    with Store.open(data_dir) as s:  # and the lock was released
        assert len(s.outbox()) == 1


def test_a_store_from_a_newer_gridterm_is_refused_untouched(data_dir):
    with Store.open(data_dir) as s:
        s.meta_set("schema_version", 99)
    before = (data_dir / HOT).read_bytes()
    with pytest.raises(StoreTooNew) as err:
        Store.open(data_dir)
    assert "99" in str(err.value) and "Upgrade" in str(err.value)
    assert (data_dir / HOT).read_bytes() == before
