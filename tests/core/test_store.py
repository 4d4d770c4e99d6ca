"""The store's public API: save, read, query, outbox, sync marks, archive, meta, drafts."""

from __future__ import annotations

import json
import os
import stat

import pytest

from gridterm.core import model
from gridterm.core import store as store_mod
from gridterm.core.store import (
    HOT,
    RecordNotFound,
    Store,
    StoreClosed,
    StoreUnavailable,
    StoreWriteFailed,
)
from gridterm.core.store import archive as store_archive
from gridterm.core.store import files as store_files
from gridterm.core.store import journal as store_journal

HOUSEHOLD = {"village": "李家村", "head": "张三"}
REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}


@pytest.fixture
def clock(monkeypatch):
    """A clock that moves one minute per reading, so ordering by time is deterministic."""
    state = {"minute": 0}

    def now_iso() -> str:
        state["minute"] += 1
        hours, minutes = divmod(state["minute"], 60)
        return f"2026-11-25T{8 + hours:02d}:{minutes:02d}:00+08:00"

    monkeypatch.setattr(model, "now_iso", now_iso)
    return state


@pytest.fixture
def store(data_dir):
    with Store.open(data_dir) as s:
        yield s


def report(**changes) -> dict:
    return {**REPORT, **changes}


def stored(rec, result="stored", error=None):
    return {"id": rec["id"], "rev": rec["rev"], "result": result, "error": error}


JOURNAL = "journal"  # what count_writes notes for an append to the hot set's journal


def count_writes(monkeypatch) -> list:
    """Every write to disk: a file replaced (its name) or a journal entry appended."""
    written = []
    real_write, real_append = store_files.atomic_write, store_journal.Appender.append

    def spy(path, data):
        written.append(path.name)
        real_write(path, data)

    def spy_append(self, entry):
        written.append(JOURNAL)
        real_append(self, entry)

    monkeypatch.setattr(store_files, "atomic_write", spy)
    monkeypatch.setattr(store_journal.Appender, "append", spy_append)
    return written


def on_disk(data_dir) -> dict:
    """The hot records as the disk holds them (snapshot + journal), read by another view."""
    with Store.open(data_dir, read_only=True) as view:
        return {r["id"]: r for r in view.query()}


def fail_appends(monkeypatch, error=None) -> None:
    """Every journal append fails as a full disk would (a monkeypatched append)."""

    def full_disk(self, entry):
        raise error or OSError(28, "No space left on device")

    monkeypatch.setattr(store_journal.Appender, "append", full_disk)


# -- create / update / get


def test_create_validates_and_saves_rev_1_unsent(store, data_dir):
    rec = store.create("report", REPORT)
    assert rec["rev"] == 1 and rec["kind"] == "report" and rec["data"] == REPORT
    assert rec["device"] == store.meta_get("device_id") != ""
    assert rec["synced_rev"] == 0 and rec["sync_error"] is None
    assert [r["id"] for r in store.outbox()] == [rec["id"]]
    assert on_disk(data_dir)[rec["id"]]["data"] == REPORT


def test_create_uses_enrollment_for_grid_and_officer(store):
    store.meta_set(
        "enrollment",
        {"device_id": "dev-9", "grid": {"id": "g-1", "name": "一组"}, "officer": {"id": "o-2"}},
    )
    rec = store.create("household", HOUSEHOLD)
    assert (rec["device"], rec["grid"], rec["officer"]) == ("dev-9", "g-1", "o-2")


def test_invalid_record_is_refused_with_the_field_named_and_nothing_saved(store, data_dir):
    before = (data_dir / HOT).read_bytes()
    with pytest.raises(model.ValidationError) as err:
        store.create("report", {**REPORT, "place": ""})
    assert "place" in str(err.value).lower() or "Place" in str(err.value)
    assert (data_dir / HOT).read_bytes() == before
    assert store.query() == []


def test_wire_is_the_canonical_bytes_of_the_wire_form(store):
    rec = store.create("report", REPORT)
    expected = model.canonical_json(model.wire_form(rec))
    assert store.wire(rec) == expected
    assert b"synced_rev" not in expected and b"_wire" not in expected
    again = store.update(rec["id"], data=report(place="村委会"))
    assert store.wire(again) == model.canonical_json(model.wire_form(again))
    assert store.wire(again) != expected
    assert store.wire(rec) == expected  # a stale copy still gives its own rev's bytes


def test_update_bumps_rev_only_when_something_changed(store, clock):
    rec = store.create("report", REPORT)
    same = store.update(rec["id"], data=dict(REPORT))
    assert same["rev"] == 1 and same["updated_at"] == rec["updated_at"]
    changed = store.update(rec["id"], data=report(urgency="urgent"))
    assert changed["rev"] == 2 and changed["data"]["urgency"] == "urgent"
    assert changed["updated_at"] > rec["updated_at"] and changed["created_at"] == rec["created_at"]
    receipt = [
        {
            "number": "ABCDEFGHJK0",
            "sig": "0123456789ABCDEF",
            "issued_at": changed["updated_at"],
            "party": None,
        }
    ]
    with_receipt = store.update(rec["id"], receipts=receipt)
    assert with_receipt["rev"] == 3 and with_receipt["receipts"] == receipt
    assert store.get(rec["id"]) == with_receipt


def test_every_save_is_one_append_to_the_journal(store, monkeypatch):
    writes = count_writes(monkeypatch)
    rec = store.create("report", REPORT)
    store.update(rec["id"], data=report(place="桥头"))
    store.meta_set("cursor", 1)
    store.meta_set("cursor", 2)
    store.save_draft("d", {"x": 1})
    store.save_mediator({"name": "李大爷"})
    assert writes == [JOURNAL] * 6  # no file is rewritten on the keystroke path


def test_update_of_unknown_id_is_a_clear_error(store):
    with pytest.raises(RecordNotFound) as err:
        store.update("5e0c4b8e-0000-4000-8000-000000000000", data=REPORT)
    assert "5e0c4b8e-0000-4000-8000-000000000000" in str(err.value)


def test_invalid_update_keeps_the_saved_version(store):
    rec = store.create("report", REPORT)
    with pytest.raises(model.ValidationError):
        store.update(rec["id"], data=report(urgency="whenever"))
    assert store.get(rec["id"]) == rec


def test_returned_records_are_copies(store):
    rec = store.create("household", HOUSEHOLD)
    rec["data"]["head"] = "李四"
    store.get(rec["id"])["data"]["village"] = "王家村"
    assert store.get(rec["id"])["data"] == HOUSEHOLD


def test_saves_survive_reopen(data_dir):
    with Store.open(data_dir) as s:
        a = s.create("household", HOUSEHOLD)
        b = s.update(s.create("report", REPORT)["id"], data=report(place="祠堂"))
    with Store.open(data_dir) as s:
        assert s.get(a["id"]) == a and s.get(b["id"]) == b


def test_files_are_private(store, data_dir):
    store.create("report", REPORT)
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    journals = [p.name for p in data_dir.glob("hot.*.journal")]
    assert len(journals) == 1
    for name in (HOT, "store.lock", *journals):
        assert stat.S_IMODE(os.stat(data_dir / name).st_mode) == 0o600


def test_a_data_folder_that_is_a_file_is_a_clear_error(tmp_path, capsys):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(StoreUnavailable) as err:
        Store.open(not_a_folder)
    assert str(not_a_folder) in str(err.value) and "--data-dir" in str(err.value)
    from gridterm.cli import main

    assert main(["--data-dir", str(not_a_folder), "outbox"]) == 2
    assert capsys.readouterr().err.startswith("gridterm: Cannot use the data folder")
    assert not_a_folder.read_text() == "x"


def test_a_closed_store_refuses_work(data_dir):
    s = Store.open(data_dir)
    s.close()
    with pytest.raises(StoreClosed):
        s.create("report", REPORT)
    s.close()  # closing twice is harmless


# -- query and outbox


def test_query_by_kind_and_state(store):
    h = store.create("household", HOUSEHOLD)
    r1 = store.create("report", REPORT)
    r2 = store.create("report", report(place="桥头"))
    store.mark_synced([stored(h), stored(r1, "rejected", "地点不详")])
    assert {r["id"] for r in store.query(kind="report")} == {r1["id"], r2["id"]}
    assert [r["id"] for r in store.query(state="sent")] == [h["id"]]
    assert [r["id"] for r in store.query(state="attention")] == [r1["id"]]
    assert [r["id"] for r in store.query(state="unsent")] == [r2["id"]]
    assert {r["id"] for r in store.query(state="open")} == {r1["id"], r2["id"]}
    with pytest.raises(ValueError):
        store.query(state="lost")


def test_outbox_is_oldest_first_by_last_save(store, clock):
    a = store.create("report", REPORT)
    b = store.create("report", report(place="桥头"))
    c = store.create("household", HOUSEHOLD)
    store.update(a["id"], data=report(place="祠堂"))  # a was saved last now
    assert [r["id"] for r in store.outbox()] == [b["id"], c["id"], a["id"]]


def test_outbox_orders_by_instant_across_offsets(store, monkeypatch):
    times = iter(["2026-11-25T09:00:00+08:00", "2026-11-25T00:30:00+00:00"])
    monkeypatch.setattr(model, "now_iso", lambda: next(times))
    first = store.create("report", REPORT)  # 01:00 UTC
    second = store.create("report", REPORT)  # 00:30 UTC: earlier, though it sorts later as text
    assert [r["id"] for r in store.outbox()] == [second["id"], first["id"]]


# -- sync marks


def test_mark_synced_stored_leaves_the_outbox_in_one_write(store, monkeypatch, clock):
    recs = [store.create("report", report(place=f"{i}号")) for i in range(5)]
    writes = count_writes(monkeypatch)
    assert store.mark_synced([stored(r) for r in recs[:3]]) == 3
    assert writes == [JOURNAL]
    assert [r["id"] for r in store.outbox()] == [r["id"] for r in recs[3:]]
    assert store.get(recs[0]["id"])["synced_rev"] == 1


def test_conflict_or_rejection_needs_attention_until_edited(store):
    rec = store.create("report", REPORT)
    store.mark_synced([stored(rec, "conflict", "The service holds different content for rev 1")])
    held = store.get(rec["id"])
    assert held["sync_state"] == "attention" and "different content" in held["sync_error"]
    assert [r["id"] for r in store.outbox()] == [rec["id"]]
    edited = store.update(rec["id"], data=report(place="村委会"))
    assert edited["rev"] == 2 and edited["sync_error"] is None and edited["sync_state"] == "unsent"


def test_answer_for_an_older_rev_does_not_hide_a_newer_edit(store):
    rec = store.create("report", REPORT)
    store.update(rec["id"], data=report(place="祠堂"))  # rev 2 while rev 1 was on its way
    store.mark_synced([stored(rec)])
    now = store.get(rec["id"])
    assert now["synced_rev"] == 1 and now["rev"] == 2
    assert [r["id"] for r in store.outbox()] == [rec["id"]]
    store.mark_synced([stored(rec, "rejected", "old")])  # refusal of rev 1 is moot now
    assert store.get(rec["id"])["sync_error"] is None


def test_mark_synced_ignores_unknown_ids_without_writing(store, monkeypatch):
    writes = count_writes(monkeypatch)
    assert store.mark_synced([{"id": "nope", "rev": 1, "result": "stored", "error": None}]) == 0
    assert writes == []


# -- archive


def _closed_report(store) -> dict:
    rec = store.create("report", REPORT)
    store.mark_synced([stored(rec)])
    store.apply_updates([{"id": rec["id"], "kind": "report", "rev": 1, "status": "done", "seq": 1}])
    return store.get(rec["id"])


def test_archive_moves_synced_and_closed_records_only(store, data_dir):
    done = _closed_report(store)
    household = store.create("household", HOUSEHOLD)
    store.mark_synced([stored(household)])
    open_synced = store.create("report", report(place="桥头"))
    store.mark_synced([stored(open_synced)])
    unsent_household = store.create("household", {**HOUSEHOLD, "head": "王五"})
    hot_before = len(on_disk(data_dir))

    assert store.archive() == 2
    hot = on_disk(data_dir)
    assert set(hot) == {open_synced["id"], unsent_household["id"]}
    assert len(hot) < hot_before
    month = done["created_at"][:7]
    shard = json.loads((data_dir / "archive" / f"{month}.json").read_text(encoding="utf-8"))
    assert set(shard["records"]) == {done["id"]}
    households = json.loads((data_dir / "archive" / "households.json").read_text(encoding="utf-8"))
    assert set(households["records"]) == {household["id"]}
    assert store.get(done["id"]) == done
    assert store.archive() == 0
    assert stat.S_IMODE(os.stat(data_dir / "archive").st_mode) == 0o700
    for path in (data_dir / "archive").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_archived_records_are_found_after_reopen_and_only_on_request(data_dir):
    with Store.open(data_dir) as s:
        done = _closed_report(s)
        live = s.create("report", report(place="桥头"))
        s.archive()
    with Store.open(data_dir) as s:
        assert [r["id"] for r in s.query()] == [live["id"]]
        assert {r["id"] for r in s.query(archived=True)} == {done["id"], live["id"]}
        assert [r["id"] for r in s.query(kind="report", state="sent", archived=True)] == [
            done["id"]
        ]
        assert s.get(done["id"]) == done


def test_query_by_kind_reads_only_the_shards_it_needs(data_dir):
    with Store.open(data_dir) as s:
        done = _closed_report(s)
        household = s.create("household", HOUSEHOLD)
        s.mark_synced([stored(household)])
        assert s.archive() == 2
    shard = data_dir / "archive" / f"{done['created_at'][:7]}.json"
    shard.write_bytes(b"{ damaged")  # reading it would raise StoreCorrupt
    with Store.open(data_dir) as s:
        assert [r["id"] for r in s.query(kind="household", archived=True)] == [household["id"]]


def test_archives_are_not_read_at_open(data_dir):
    with Store.open(data_dir) as s:
        done = _closed_report(s)
        live = s.create("report", report(place="桥头"))
        s.archive()
    shard = data_dir / "archive" / f"{done['created_at'][:7]}.json"
    shard.write_bytes(b"{ not json")  # would raise if open read it
    with Store.open(data_dir) as s:
        assert [r["id"] for r in s.outbox()] == [live["id"]]


def test_editing_an_archived_record_brings_it_back_to_the_outbox(store):
    done = _closed_report(store)
    store.archive()
    edited = store.update(done["id"], data=report(description="电线已整改，复查"))
    assert edited["rev"] == 2 and edited["status"] == "done"
    assert [r["id"] for r in store.outbox()] == [done["id"]]
    assert store.get(done["id"])["rev"] == 2
    assert len(store.query(archived=True)) == 1  # the hot copy wins over the shard's


def test_a_duplicate_left_by_a_crash_is_resolved_in_favour_of_hot(store, data_dir, monkeypatch):
    done = _closed_report(store)
    fail_appends(monkeypatch, OSError("simulated crash before the hot write"))
    with pytest.raises(StoreWriteFailed):
        store.archive()
    monkeypatch.undo()
    assert [r["id"] for r in store.query()] == [done["id"]]  # still hot, also in the shard
    assert len(store.query(archived=True)) == 1
    assert store.archive() == 1
    assert store.query() == [] and store.get(done["id"]) == done


def test_failed_write_leaves_memory_as_the_disk(store, monkeypatch):
    rec = store.create("report", REPORT)
    fail_appends(monkeypatch)
    with pytest.raises(StoreWriteFailed) as err:
        store.update(rec["id"], data=report(place="桥头"))
    assert "No space left on device" in str(err.value) and ".journal" in str(err.value)
    with pytest.raises(StoreWriteFailed):
        store.create("household", HOUSEHOLD)
    with pytest.raises(StoreWriteFailed):
        store.mark_synced([stored(rec)])
    monkeypatch.undo()
    assert store.get(rec["id"]) == rec
    assert [r["id"] for r in store.query()] == [rec["id"]]


# -- updates pulled from the township


def test_apply_updates_sets_service_fields_without_a_new_rev(store):
    rec = store.create("report", REPORT)
    n = store.apply_updates(
        [
            {
                "id": rec["id"],
                "kind": "report",
                "rev": 1,
                "status": "accepted",
                "feedback": "已受理",
                "seq": 7,
                "status_at": "2026-11-25T10:00:00+08:00",
                "handled_by": "王干事",
            }
        ]
    )
    got = store.get(rec["id"])
    assert n == 1 and got["status"] == "accepted" and got["feedback"] == "已受理"
    assert got["rev"] == 1 and store.wire(got) == store.wire(rec)
    store.apply_updates([{"id": rec["id"], "status": "reported", "seq": 3}])  # older: ignored
    assert store.get(rec["id"])["status"] == "accepted"


def test_a_tier_and_level_from_the_township_are_kept_and_never_pushed(store):
    """Issue 15: a tier staff set by hand, and the county owning a record, reach the officer
    through the pull; the device keeps them beside the status and never sends them back."""
    rec = store.create("report", REPORT)
    store.apply_updates(
        [{"id": rec["id"], "status": "escalated", "tier": "red", "level": "county", "seq": 9}]
    )
    got = store.get(rec["id"])
    assert (got["tier"], got["level"]) == ("red", "county")
    assert store.wire(got) == store.wire(rec)
    again = store.update(rec["id"], data=report(place="桥头"))
    assert b'"tier"' not in store.wire(again) and b'"level"' not in store.wire(again)


def test_apply_updates_reaches_archived_records_and_reopens_returned_ones(data_dir):
    with Store.open(data_dir) as s:
        done = _closed_report(s)
        other = _closed_report(s)
        assert s.archive() == 2
    with Store.open(data_dir) as s:
        s.apply_updates(
            [
                {"id": done["id"], "status": "checked_back", "feedback": "群众满意", "seq": 2},
                {"id": other["id"], "status": "returned", "feedback": "请补充照片", "seq": 3},
            ]
        )
        assert s.get(done["id"])["feedback"] == "群众满意"
        assert [r["id"] for r in s.query()] == [other["id"]]  # live again: open, back in hot
    with Store.open(data_dir) as s:
        assert s.get(done["id"])["status"] == "checked_back"
        assert s.get(other["id"])["status"] == "returned"
        assert [r["id"] for r in s.query(state="open")] == [other["id"]]


# -- meta, drafts, roster, reference


def test_meta_drafts_roster_reference_persist(data_dir, monkeypatch):
    with Store.open(data_dir) as s:
        writes = count_writes(monkeypatch)
        s.meta_update({"cursor": 42, "last_sync_ok": "2026-11-25T10:00:00+08:00"})
        assert writes == [JOURNAL]
        s.meta_set("printer", {"path": "/dev/usb/lp0"})
        s.save_draft("visit:new", {"answers": {"a1": "yes"}})
        s.save_draft("gone", 1)
        s.delete_draft("gone")
        m = s.save_mediator({"name": " 李大爷 ", "standing": "xiangxian"})
        s.save_reference("templates", [{"id": "t1", "version": 2}])
        s.save_reference("households", [{"id": "h1", "village": "李家村"}])
        s.save_reference(
            "mediators", [{"id": "m9", "name": "赵老师"}, {"id": m["id"], "name": "dup"}]
        )
    with Store.open(data_dir) as s:
        assert s.meta_get("cursor") == 42 and s.meta_get("printer") == {"path": "/dev/usb/lp0"}
        assert s.meta_get("missing", "x") == "x"
        assert s.drafts.get_draft("visit:new") == {"answers": {"a1": "yes"}}
        assert s.get_draft("gone") is None
        assert m["name"] == "李大爷" and m["id"]
        assert [x["name"] for x in s.roster.list_mediators()] == ["李大爷", "赵老师"]
        assert s.reference.templates() == [{"id": "t1", "version": 2}]
        assert s.households() == [{"id": "h1", "village": "李家村"}]
    assert not (data_dir / HOT).read_text(encoding="utf-8").count("李家村")  # reference is apart


def test_mediator_needs_a_name(store):
    with pytest.raises(store_mod.StoreError) as err:
        store.save_mediator({"name": "  "})
    assert "name" in str(err.value)


def test_leftover_temp_files_are_removed_at_open(data_dir):
    with Store.open(data_dir) as s:
        rec = s.create("report", REPORT)
    (data_dir / f".{HOT}.abc123.gridterm-tmp").write_bytes(b'{"half": ')
    (data_dir / "notes.txt").write_text("mine")
    with Store.open(data_dir) as s:
        assert s.get(rec["id"]) == rec
    names = sorted(p.name for p in data_dir.iterdir())
    assert names == ["hot.00000002.journal", HOT, "notes.txt", "store.lock"]


def test_large_archive_queries_stream_through_shards(data_dir, monkeypatch):
    months = iter(f"2026-{m:02d}-15T10:00:00+08:00" for m in range(1, 13))
    monkeypatch.setattr(model, "now_iso", lambda: next(months))
    monkeypatch.setattr(store_archive, "SHARD_CACHE_RECORDS", 2)
    with Store.open(data_dir) as s:
        recs = [_closed_report(s) for _ in range(5)]
        assert s.archive() == 5
    assert len(list((data_dir / "archive").glob("2026-*.json"))) == 5
    with Store.open(data_dir) as s:
        assert [r["id"] for r in s.query(archived=True)] == [r["id"] for r in recs]
        assert len(s._shards) <= 2  # the rest were read and let go
        assert all(s.get(r["id"]) == r for r in recs)


def test_saves_from_several_threads_are_all_kept(data_dir):
    import threading

    with Store.open(data_dir) as s:
        ids: list[str] = []

        def work(n: int) -> None:
            for i in range(20):
                ids.append(s.create("report", report(place=f"{n}-{i}"))["id"])

        threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    with Store.open(data_dir) as s:
        assert sorted(r["id"] for r in s.outbox()) == sorted(ids) and len(ids) == 60


def test_reference_keeps_the_order_it_was_given(data_dir):
    items = [{"id": f"t{i}", "version": 1} for i in range(12)]
    with Store.open(data_dir) as s:
        s.save_reference("templates", items)
        s.save_reference("templates", items[::-1])
    with Store.open(data_dir) as s:
        assert s.templates() == items[::-1]
        with pytest.raises(ValueError):
            s.save_reference("people", [])


def test_archive_writes_the_digest_of_what_leaves_in_the_same_write(tmp_path):
    from gridterm.core.store import Store

    with Store.open(tmp_path / "d") as store:
        rec = store.create("household", {"village": "李家村", "head": "张三"})
        store.mark_synced([{"id": rec["id"], "rev": 1, "result": "stored", "error": None}])
        seen = []

        def digest(records):
            seen.extend(r["id"] for r in records)
            return {"leaving": [r["id"] for r in records]}

        assert store.archive(before_move=digest) == 1
        assert seen == [rec["id"]]
    with Store.open(tmp_path / "d") as store:
        assert store.meta_get("leaving") == [rec["id"]]
        assert store.query() == [] and store.get(rec["id"])["id"] == rec["id"]


def test_batch_is_one_write_and_undone_whole_on_error(tmp_path):
    from gridterm.core.store import Store

    with Store.open(tmp_path / "d") as store:
        with store.batch():
            store.create("household", {"village": "李家村", "head": "张三"})
            store.create("household", {"village": "李家村", "head": "李四"})
        with pytest.raises(RuntimeError), store.batch():
            store.create("household", {"village": "李家村", "head": "王五"})
            raise RuntimeError("cut")
    with Store.open(tmp_path / "d") as store:
        assert sorted(r["data"]["head"] for r in store.query()) == ["张三", "李四"]
