"""The device's photo files (content store), attaching to records, and the photo queue."""

from __future__ import annotations

import os
import zoneinfo
from datetime import datetime, timedelta, timezone

import pytest

from gridterm.core import attachments
from gridterm.core.attachments import queue as photo_queue_module
from gridterm.core.attachments.content import Contents, sha256_of
from gridterm.core.attachments.settings import PhotoSettings, parse_keep_days
from gridterm.core.store import Store
from gridterm.core.store.errors import RecordNotFound
from tests.helpers.photos import camera_jpeg

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = "2026-11-25T09:00:00+08:00"


def report_data(**extra) -> dict:
    return {
        "category": "safety",
        "urgency": "normal",
        "place": "青山村三组",
        "description": "电线老化。",
        **extra,
    }


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "dev") as opened:
        yield opened


@pytest.fixture
def photo_files(tmp_path):
    paths = []
    for n in range(3):
        path = tmp_path / f"IMG_{n}.jpg"
        path.write_bytes(camera_jpeg(800, 600, seed=n))
        paths.append(path)
    return paths


def test_content_is_kept_once_by_its_hash_and_private(tmp_path):
    contents = Contents(tmp_path)
    data = b"\xff\xd8\xff" + os.urandom(1000)
    sha = contents.add(data, name="a.jpg", type="image/jpeg", now=NOW, record="r1")
    again = contents.add(data, name="b.jpg", type="image/jpeg", now=NOW, record="r2")
    assert sha == again == sha256_of(data)
    assert contents.read(sha) == data
    assert contents.object_path(sha).stat().st_mode & 0o777 == 0o600
    [entry] = contents.all_pending()
    assert entry.records == ["r1", "r2"] and entry.name == "a.jpg" and entry.size == 1003
    assert contents.state(sha) == "waiting"


def test_confirmed_content_is_not_queued_again_and_cannot_be_forgotten(tmp_path):
    contents = Contents(tmp_path)
    sha = contents.add(b"photo-bytes", name="a.jpg", type="image/jpeg", now=NOW)
    contents.mark_sent(sha, NOW)
    assert contents.state(sha) == "sent" and contents.all_pending() == []
    contents.add(b"photo-bytes", name="a.jpg", type="image/jpeg", now=NOW, record="r9")
    assert contents.all_pending() == []
    assert contents.forget(sha) is False and contents.has(sha)


def test_a_kill_between_sent_and_its_cleanup_leaves_it_sent(tmp_path):
    contents = Contents(tmp_path)
    sha = contents.add(b"bytes", name="a.jpg", type="image/jpeg", now=NOW)
    # What a kill right after writing "sent" leaves: both files.
    contents._folder(contents.sent_dir)
    (contents.sent_dir / sha).write_text(NOW)
    assert contents.all_pending() == []
    assert not (contents.pending_dir / f"{sha}.json").exists()


def test_names_from_records_never_reach_the_file_system_unless_they_are_hashes(tmp_path):
    contents = Contents(tmp_path)
    for bad in ("../../etc/passwd", "A" * 64, "", "a" * 63, None):
        with pytest.raises(ValueError):
            contents.object_path(bad)


def test_damage_on_disk_is_found_by_hashing_again(tmp_path):
    contents = Contents(tmp_path)
    sha = contents.add(b"\xff\xd8\xff" + b"x" * 5000, name="a.jpg", type="image/jpeg", now=NOW)
    assert contents.intact(sha)
    path = contents.object_path(sha)
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert not contents.intact(sha)


def test_prune_keeps_n_days_after_confirmation_and_drops_what_nobody_named(tmp_path):
    contents = Contents(tmp_path)
    now = datetime(2026, 12, 31, tzinfo=timezone.utc)
    old = contents.add(b"old", name="o.jpg", type="image/jpeg", now=NOW)
    fresh = contents.add(b"fresh", name="f.jpg", type="image/jpeg", now=NOW)
    contents.mark_sent(old, (now - timedelta(days=10)).isoformat())
    contents.mark_sent(fresh, (now - timedelta(days=2)).isoformat())
    orphan = contents.add(b"orphan", name="x.jpg", type="image/jpeg", now=NOW)
    kept = contents.add(b"kept", name="k.jpg", type="image/jpeg", now=NOW, record="r1")
    removed = contents.prune(7, now, named=lambda entry: entry.records == ["r1"])
    assert removed == 2
    assert not contents.has(old) and contents.state(old) == "sent"  # still known as sent
    assert contents.has(fresh) and contents.has(kept) and not contents.has(orphan)
    assert contents.prune(None, now, named=lambda entry: True) == 0


def test_attach_files_adds_photos_to_a_record_in_one_rev(store, photo_files):
    record = store.create("report", report_data())
    done = attachments.attach_files(store, record["id"], photo_files[:2], now=NOW, zone=ZONE)
    saved = store.get(record["id"])
    assert saved["rev"] == 2
    entries = saved["data"]["attachments"]
    assert [e["sha256"] for e in entries] == [d.entry["sha256"] for d in done]
    assert [e["name"] for e in entries] == ["IMG_0.jpg", "IMG_1.jpg"]
    contents = attachments.contents_of(store)
    assert all(contents.state(e["sha256"]) == "waiting" for e in entries)
    assert all(contents.pending(e["sha256"]).records == [record["id"]] for e in entries)
    # The same file again is kept once.
    attachments.attach_files(store, record["id"], photo_files[:1], now=NOW, zone=ZONE)
    assert len(store.get(record["id"])["data"]["attachments"]) == 2


def test_attach_files_saves_nothing_when_one_file_is_refused(store, photo_files, tmp_path):
    record = store.create("report", report_data())
    junk = tmp_path / "notes.txt"
    junk.write_text("not a photo")
    with pytest.raises(attachments.PhotoRefused) as caught:
        attachments.attach_files(store, record["id"], [photo_files[0], junk], now=NOW, zone=ZONE)
    assert "notes.txt" in caught.value.message("en")
    assert store.get(record["id"])["rev"] == 1


def test_attach_files_refuses_a_household_too_many_photos_and_an_unknown_record(store, photo_files):
    household = store.create("household", {"village": "青山村", "head": "王大"})
    with pytest.raises(attachments.PhotoRefused) as caught:
        attachments.attach_files(store, household["id"], photo_files[:1], now=NOW, zone=ZONE)
    assert caught.value.key == "evidence.kind_has_no_photos"
    record = store.create("report", report_data())
    with pytest.raises(attachments.PhotoRefused) as many:
        attachments.attach_files(store, record["id"], photo_files * 7, now=NOW, zone=ZONE)
    assert many.value.key == "evidence.too_many"
    with pytest.raises(RecordNotFound):
        attachments.attach_files(store, "no-such-record", photo_files[:1], now=NOW, zone=ZONE)


def test_location_from_the_photo_travels_only_when_allowed(store, photo_files):
    record = store.create("report", report_data())
    attachments.attach_files(store, record["id"], photo_files[:1], now=NOW, zone=ZONE)
    assert store.get(record["id"])["data"]["attachments"][0]["location"] is None
    attachments.save_photo_settings(store, PhotoSettings(keep_days=3, allow_location=True))
    assert attachments.photo_settings(store) == PhotoSettings(3, True)
    attachments.attach_files(store, record["id"], photo_files[1:2], now=NOW, zone=ZONE)
    located = store.get(record["id"])["data"]["attachments"][1]["location"]
    assert located["source"] == "gps" and located["lat"] == pytest.approx(29.563, abs=1e-4)


def test_keep_days_setting_reads_what_the_officer_types():
    assert parse_keep_days(" 14 ") == 14
    assert parse_keep_days("") is None
    assert parse_keep_days("0") == 0
    for bad in ("-1", "3651", "two", "1.5"):
        with pytest.raises(ValueError):
            parse_keep_days(bad)


def test_the_queue_counts_bytes_left_and_waits_for_the_record(store, photo_files):
    record = store.create("report", report_data())
    attachments.attach_files(store, record["id"], photo_files, now=NOW, zone=ZONE)
    contents = attachments.contents_of(store)
    queue = attachments.photo_queue(store, contents)
    sizes = sum(contents.size(w.sha256) for w in queue.waiting)
    assert len(queue.waiting) == 3 and queue.bytes_left == sizes
    assert not any(w.ready for w in queue.waiting)  # the record is not on the service yet
    saved = store.get(record["id"])
    store.mark_synced([{"id": saved["id"], "rev": saved["rev"], "result": "stored"}])
    queue = attachments.photo_queue(store, contents)
    assert all(w.ready for w in queue.waiting)
    assert queue.by_record() == {record["id"]: (3, sizes)}


def test_a_photo_missing_on_disk_needs_attention_and_the_rest_waits(store, photo_files):
    first = store.create("report", report_data())
    second = store.create("report", report_data(place="二组"))
    attachments.attach_files(store, first["id"], photo_files[:1], now=NOW, zone=ZONE)
    attachments.attach_files(store, second["id"], photo_files[1:2], now=NOW, zone=ZONE)
    contents = attachments.contents_of(store)
    lost = store.get(first["id"])["data"]["attachments"][0]
    contents.object_path(lost["sha256"]).unlink()  # a cleaner app, a copied data folder
    queue = attachments.photo_queue(store, contents)
    [problem] = queue.attention
    assert problem.record_id == first["id"] and problem.reason == "missing"
    assert "IMG_0.jpg" in problem.message
    assert [w.record["id"] for w in queue.waiting] == [second["id"]]


def test_a_refused_photo_needs_attention_with_the_reason(store, photo_files):
    record = store.create("report", report_data())
    [done] = attachments.attach_files(store, record["id"], photo_files[:1], now=NOW, zone=ZONE)
    contents = attachments.contents_of(store)
    contents.note_refused(done.entry["sha256"], "not_an_image", "detail")
    [problem] = attachments.photo_queue(store, contents).attention
    assert problem.reason == "not_an_image"
    contents.note_refused(done.entry["sha256"], "something_new", "the service's own words")
    [problem] = attachments.photo_queue(store, contents).attention
    assert "the service's own words" in problem.message


def test_prune_by_the_setting_through_the_queue(store, photo_files):
    record = store.create("report", report_data())
    attachments.attach_files(store, record["id"], photo_files[:1], now=NOW, zone=ZONE)
    contents = attachments.contents_of(store)
    sha = store.get(record["id"])["data"]["attachments"][0]["sha256"]
    contents.mark_sent(sha, "2026-11-01T00:00:00+00:00")
    later = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert photo_queue_module.prune(store, contents, later) == 1  # 30 days by default
    assert contents.state(sha) == "sent" and not contents.has(sha)
    assert attachments.photo_queue(store, contents).attention == []  # pruned is not missing
