"""The hot set's journal: one append per save, torn tails, damage in the middle, a full disk,
compaction off the keystroke path, and the layout before journals.

"Killed" below means a forked child that saves and then ends with ``os._exit`` without
closing the store — what SIGKILL leaves (tests/core/test_store_crash.py kills for real).
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import stat
import threading

import pytest

from gridterm.core import model
from gridterm.core.store import (
    HOT,
    SCHEMA_VERSION,
    Store,
    StoreCorrupt,
    StoreWriteFailed,
    dump_tables,
)
from gridterm.core.store import compaction as store_compaction
from gridterm.core.store import files as store_files
from gridterm.core.store import journal as store_journal

REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}


def report(**changes) -> dict:
    return {**REPORT, **changes}


def killed(data_dir, work) -> dict:
    """Run ``work(store)`` in a child that then dies without closing; returns what it said."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            said = work(Store.open(data_dir))
            os.write(w, json.dumps(said).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        said = json.loads(pipe.read() or b"null")
    os.waitpid(pid, 0)
    return said


def the_journal(data_dir):
    (path,) = store_journal.journals(data_dir).values()
    return path


def entry_starts(raw: bytes) -> list[int]:
    """Where each entry of a journal starts."""
    scan = store_journal.scan(raw)
    starts, pos = [], len(store_journal.FILE_MAGIC)
    for payload in scan.entries:
        starts.append(pos)
        pos += 16 + len(payload)
    return starts


def copies(data_dir) -> list:
    return sorted(p for p in data_dir.iterdir() if ".corrupt-" in p.name)


def abandon(store) -> None:
    """Let go of a store as a killed process would: no fold, the lock dropped."""
    store._hot.storage.close()
    store._lock.release()


# -- one append per save, whatever the hot set holds


def test_a_save_appends_only_the_documents_it_changed(data_dir, monkeypatch):
    entries = []
    real = store_journal.Appender.append
    monkeypatch.setattr(
        store_journal.Appender, "append", lambda self, e: entries.append(e) or real(self, e)
    )
    with Store.open(data_dir) as store:
        with store.batch():
            for i in range(300):  # a hot set that holds 300 unsent records
                store.create("report", report(place=f"{i}号"))
        entries.clear()
        rec = store.create("report", REPORT)
        store.update(rec["id"], data=report(place="桥头"))
        store.save_draft("visit:new", {"answers": {"a1": "yes"}})
        store.meta_set("cursor", 7)
        decoded = [store_journal.decode(store_journal.scan(_file(e)).entries[0]) for e in entries]
    assert [[(t, d) for t, d, _ in changes] for changes in decoded] == [
        [("records", rec["id"])],
        [("records", rec["id"])],
        [("drafts", "visit:new")],
        [("meta", "cursor")],
    ]
    assert decoded[1][0][2]["rev"] == 2 and decoded[1][0][2]["data"]["place"] == "桥头"


def _file(entry: bytes) -> bytes:
    return store_journal.FILE_MAGIC + entry


def test_a_batch_is_one_entry_and_a_failed_batch_none(data_dir, monkeypatch):
    with Store.open(data_dir) as store:
        before = the_journal(data_dir).read_bytes()
        with store.batch():
            a = store.create("household", {"village": "李家村", "head": "张三"})
            b = store.create("report", REPORT)
            store.save_draft("d", 1)
        raw = the_journal(data_dir).read_bytes()
        assert len(store_journal.scan(raw).entries) == len(store_journal.scan(before).entries) + 1
        with pytest.raises(RuntimeError), store.batch():
            store.update(a["id"], data={"village": "李家村", "head": "李四"})
            store.delete_draft("d")
            raise RuntimeError("cut")
        assert the_journal(data_dir).read_bytes() == raw
        assert store.get(a["id"]) == a and store.get_draft("d") == 1
    with Store.open(data_dir) as store:
        assert store.get(a["id"]) == a and store.get(b["id"]) == b


def test_saves_do_not_rewrite_any_file_and_files_are_private(data_dir, monkeypatch):
    replaced = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda s, d: replaced.append(d) or real(s, d))
    with Store.open(data_dir) as store:
        replaced.clear()
        rec = store.create("report", REPORT)
        store.update(rec["id"], data=report(place="桥头"))
        store.save_draft("d", {"x": 1})
        store.mark_synced([{"id": rec["id"], "rev": 2, "result": "stored", "error": None}])
        assert replaced == []
    # Folded at close: a new journal and the snapshot, each put in place whole.
    assert sorted(os.path.basename(p) for p in replaced) == ["hot.00000002.journal", HOT]
    for path in data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# -- a torn tail is a save that never returned


def test_a_torn_tail_at_every_byte_of_the_last_entry_is_dropped(data_dir):
    def work(store):
        kept = [store.create("report", report(place=f"{i}号")) for i in range(3)]
        last = store.update(kept[0]["id"], data=report(place="最后一次"))
        return {"kept": kept, "last": last}

    said = killed(data_dir, work)
    path = the_journal(data_dir)
    whole = path.read_bytes()
    start = entry_starts(whole)[-1]
    assert len(whole) - start > 600  # a real record's entry
    for cut in range(start, len(whole)):
        path.write_bytes(whole[:cut])
        with Store.open(data_dir, read_only=True) as view:  # a reader ignores the torn tail
            assert view.get(said["kept"][0]["id"]) == said["kept"][0]
        store = Store.open(data_dir)
        try:
            assert [store.get(r["id"]) for r in said["kept"]] == said["kept"]  # not the last
            assert path.stat().st_size == start  # cut back, so the next append follows whole
        finally:
            abandon(store)
    path.write_bytes(whole)
    with Store.open(data_dir) as store:
        assert store.get(said["last"]["id"]) == said["last"]
    assert copies(data_dir) == []


def test_a_tail_that_fails_its_checksum_is_dropped_too(data_dir):
    said = killed(
        data_dir, lambda s: [s.create("report", report(place=f"{i}号")) for i in range(2)]
    )
    path = the_journal(data_dir)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0x01  # the last entry, full length, one bit off (a power cut's garbage)
    path.write_bytes(bytes(raw))
    with Store.open(data_dir) as store:
        assert store.get(said[0]["id"]) == said[0] and store.get(said[1]["id"]) is None
    assert copies(data_dir) == []


# -- damage in the middle is refused, moved aside, recoverable, and nothing is deleted


def _flip_in_payload(raw: bytearray, start: int) -> None:
    raw[start + 16 + 40] ^= 0x04


def _flip_in_length(raw: bytearray, start: int) -> None:
    raw[start + 6] ^= 0x10  # the length field: the entry now seems to run past the file


def _flip_in_magic(raw: bytearray, start: int) -> None:
    raw[start] ^= 0x80


@pytest.mark.parametrize("flip", [_flip_in_payload, _flip_in_length, _flip_in_magic])
def test_a_flipped_bit_in_the_middle_is_refused_then_recovered(data_dir, flip):
    def work(store):
        recs = [store.create("report", report(place=f"{i}号")) for i in range(5)]
        edited = store.update(recs[3]["id"], data=report(place="改过"))
        return {"recs": recs, "edited": edited}

    said = killed(data_dir, work)
    path = the_journal(data_dir)
    raw = bytearray(path.read_bytes())
    flip(raw, entry_starts(bytes(raw))[1])  # the second save of six
    damaged = bytes(raw)
    path.write_bytes(damaged)

    with pytest.raises(StoreCorrupt) as err:
        Store.open(data_dir)
    (copy,) = copies(data_dir)
    assert "damaged in the middle" in str(err.value) and str(copy) in str(err.value)
    assert "--recover" in str(err.value) and "nothing was deleted" in str(err.value)
    assert copy.read_bytes() == damaged and not path.exists()
    for _ in range(2):  # refused until asked, by writers and readers alike
        with pytest.raises(StoreCorrupt) as again:
            Store.open(data_dir)
        assert str(copy) in str(again.value) and "--recover" in str(again.value)
    with pytest.raises(StoreCorrupt):
        Store.open(data_dir, read_only=True)

    recs = said["recs"]
    with Store.open(data_dir, recover=True) as store:
        assert store.recovered["copy"] == str(copy) and store.recovered["dropped"] >= 1
        assert store.get(recs[1]["id"]) is None  # the damaged save, and only it, is gone
        for rec in (recs[0], recs[2], recs[4], said["edited"]):
            assert store.get(rec["id"]) == rec
        store.create("report", REPORT)
    assert copy.read_bytes() == damaged  # the copy is kept
    with Store.open(data_dir) as store:  # and once recovered, opening is normal
        assert len(store.query()) == 5


def test_a_missing_journal_is_refused_until_recover(data_dir):
    with Store.open(data_dir) as store:
        kept = store.create("report", REPORT)
    said = killed(data_dir, lambda s: s.create("report", report(place="新的")))
    path = the_journal(data_dir)
    gone = path.with_name("elsewhere")
    path.rename(gone)
    with pytest.raises(StoreCorrupt) as err:
        Store.open(data_dir)
    assert path.name in str(err.value) and "--recover" in str(err.value)
    gone.rename(path)  # put back: all is well again
    with Store.open(data_dir) as store:
        assert store.get(said["id"]) == said and store.get(kept["id"]) == kept
    path = the_journal(data_dir)
    path.unlink()
    with Store.open(data_dir, recover=True) as store:
        assert store.get(kept["id"]) == kept


# -- a full disk during an append


def test_a_full_disk_during_an_append_changes_nothing(data_dir, monkeypatch):
    """The file system fills part-way through the append: a monkeypatched ``os.write`` in the
    journal module writes part of the entry, then fails with ENOSPC, as a filling disk does."""
    with Store.open(data_dir) as store:
        rec = store.create("report", REPORT)
        store.save_draft("d", {"answers": {"a1": "yes"}})
        path = the_journal(data_dir)
        before = path.read_bytes()
        real_write = os.write

        def filling(fd, data):
            if fd == store._hot.storage._appender._fd:
                real_write(fd, bytes(data[: len(data) // 2]))
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_write(fd, data)

        monkeypatch.setattr(store_journal.os, "write", filling)
        with pytest.raises(StoreWriteFailed) as err:
            store.update(rec["id"], data=report(place="桥头"))
        assert "No space left on device" in str(err.value)
        with pytest.raises(StoreWriteFailed):
            store.save_draft("d", {"answers": {"a1": "no"}})
        with pytest.raises(StoreWriteFailed), store.batch():
            store.create("household", {"village": "李家村", "head": "张三"})
            store.delete_draft("d")
        assert path.read_bytes() == before  # not a byte more
        assert store.get(rec["id"]) == rec and store.get_draft("d") == {"answers": {"a1": "yes"}}
        assert [r["id"] for r in store.query()] == [rec["id"]]
        monkeypatch.undo()
        again = store.update(rec["id"], data=report(place="桥头"))  # space again: saves go on
    with Store.open(data_dir) as store:
        assert store.get(rec["id"]) == again and store.get_draft("d") == {"answers": {"a1": "yes"}}


def test_a_file_size_limit_refuses_the_append_and_changes_nothing(data_dir):
    """A real file system refusing to grow the journal: RLIMIT_FSIZE in a forked child (a
    small tmpfs needs root), with SIGXFSZ ignored so the write fails with EFBIG instead."""
    with Store.open(data_dir) as store:
        rec = store.create("report", REPORT)
    with Store.open(data_dir) as store:
        rec = store.get(rec["id"])
        abandon(store)
    path = the_journal(data_dir)
    before = path.read_bytes()

    def work(store):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = path.stat().st_size + 100  # room for a part of the entry, not all of it
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        try:
            store.update(rec["id"], data=report(description="很长的描述" * 100))
        except StoreWriteFailed as exc:
            return {"error": str(exc), "held": store.get(rec["id"])}
        return {"error": None}

    said = killed(data_dir, work)
    assert said["error"] and "too large" in said["error"]
    assert said["held"] == rec  # memory as it was
    assert path.read_bytes() == before  # the part that fitted was cut off again
    with Store.open(data_dir) as store:
        assert store.get(rec["id"]) == rec


# -- compaction: in the background, never in a save; a kill during it loses nothing


@pytest.fixture
def small_journal(monkeypatch):
    monkeypatch.setattr(store_compaction, "COMPACT_MIN_BYTES", 4096)
    monkeypatch.setattr(store_compaction, "COMPACT_RATIO", 1)


def test_compaction_runs_in_the_background_and_saves_go_on_meanwhile(
    data_dir, small_journal, monkeypatch
):
    started, release = threading.Event(), threading.Event()
    folds = []
    real = store_compaction.write_snapshot

    def slow_snapshot(folder, tables, generation):
        folds.append(threading.current_thread().name)
        started.set()
        assert release.wait(30)
        return real(folder, tables, generation)

    monkeypatch.setattr(store_compaction, "write_snapshot", slow_snapshot)
    with Store.open(data_dir) as store:
        first = the_journal(data_dir)
        made = []
        while not started.is_set():
            made.append(store.create("report", report(place=f"{len(made)}号")))
        assert started.wait(30)
        # The fold holds its picture; saves go on, into the next journal.
        during = [store.create("report", report(place=f"后{i}号")) for i in range(5)]
        during.append(store.update(made[0]["id"], data=report(place="改过")))
        assert len(store_journal.journals(data_dir)) == 2
        release.set()
        store._compactor.wait()
        assert store._compactor.error is None
        assert not first.exists()  # folded into the snapshot, then deleted
        snapshot = json.loads((data_dir / HOT).read_text(encoding="utf-8"))
        # The picture was taken between two saves: a prefix of them (later ones are in the
        # next journal).
        in_snapshot = set(snapshot["records"])
        assert in_snapshot and in_snapshot == {r["id"] for r in made[: len(in_snapshot)]}
    assert folds[0] == "gridterm-compaction"  # never the saving thread
    with Store.open(data_dir) as store:
        for rec in [*made[1:], *during]:
            assert store.get(rec["id"]) == rec


@pytest.mark.parametrize("when", ["before the rename", "after the rename"])
def test_a_kill_during_compaction_loses_nothing(data_dir, when):
    with Store.open(data_dir) as store:
        old = store.create("household", {"village": "李家村", "head": "张三"})
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child saves, then dies in the middle of a fold
        try:
            os.close(r)
            store = Store.open(data_dir)
            recs = [store.create("report", report(place=f"{i}号")) for i in range(4)]
            os.write(w, json.dumps(recs).encode())
            os.close(w)
            if when == "before the rename":
                store_files.atomic_write = lambda path, data: os._exit(0)
            else:
                store_compaction.drop_journals = lambda folder, below: os._exit(0)
            store.compact()
        finally:
            os._exit(1)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        recs = json.loads(pipe.read())
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0  # it died where meant to
    assert len(store_journal.journals(data_dir)) == 2  # mid-fold: the old and the new journal
    with Store.open(data_dir) as store:
        assert store.get(old["id"]) == old
        for rec in recs:
            assert store.get(rec["id"]) == rec
        store.create("report", REPORT)
    assert len(store_journal.journals(data_dir)) == 1 and copies(data_dir) == []


def test_a_failed_fold_is_harmless_and_tried_again_later(data_dir, small_journal, monkeypatch):
    def no_space(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with Store.open(data_dir) as store:
        monkeypatch.setattr(store_files, "atomic_write", no_space)
        recs = [store.create("report", report(place=f"{i}号")) for i in range(12)]
        store._compactor.wait()
        assert store._compactor.error is not None  # it could not; the saves all returned
        monkeypatch.undo()
        recs += [store.create("report", report(place=f"后{i}号")) for i in range(12)]
    with Store.open(data_dir) as store:
        assert [store.get(r["id"]) for r in recs] == recs


# -- the layout before journals


def test_a_store_of_the_layout_before_journals_is_migrated_at_open(data_dir):
    """hot.json as gridterm wrote it before this change: schema 1, no journal."""
    rec = model.new_record("report", REPORT, device="dev-0")
    rec.update(synced_rev=0, sync_error=None, sync_state="unsent")
    rec["_wire"] = model.canonical_json(model.wire_form(rec)).decode()
    meta = {"schema_version": {"value": 1}, "device_id": {"value": "dev-0"}}
    data_dir.mkdir()
    old = {"records": {rec["id"]: rec}, "meta": meta, "drafts": {"d": {"value": 1}}, "roster": {}}
    (data_dir / HOT).write_bytes(dump_tables(old))
    with Store.open(data_dir, read_only=True) as view:  # a reader sees it as it is
        assert view.get(rec["id"]) == rec
    assert store_journal.journals(data_dir) == {}
    with Store.open(data_dir) as store:
        assert store.get(rec["id"]) == rec and store.get_draft("d") == 1
        assert store.meta_get("schema_version") == SCHEMA_VERSION
        assert len(store_journal.journals(data_dir)) == 1
        edited = store.update(rec["id"], data=report(place="桥头"))
    on_disk = json.loads((data_dir / HOT).read_text(encoding="utf-8"))
    assert on_disk["_snapshot"]["generation"] >= 1
    assert on_disk["meta"]["schema_version"] == {"value": SCHEMA_VERSION}
    with Store.open(data_dir) as store:
        assert store.get(rec["id"]) == edited
