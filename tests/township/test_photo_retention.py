"""Photos kept no longer than needed and erased on request (PIPL), against a real service and
the real ``gridterm admin photos`` command: the bytes leave the store, the record keeps the
photo's name and says it was removed, staff get 404, and a device that still holds the photo
is told the service has it (it stops sending it; nothing is stored again)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from gridterm.cli import main
from gridterm.township import db
from gridterm.township.services.content_store import content_key, thumb_key
from gridterm.township.services.thumbnails import THUMB_PX
from tests.township._staff import make_township
from tests.township.test_attachment_staff import photo, with_photos
from tests.township.test_attachment_upload import sha, status, upload


@pytest.fixture
def service(fresh_db_url, tmp_path, live_service_for_db, monkeypatch):
    # The admin command finds the store the way the service does: GRIDTERM_ATTACHMENTS.
    monkeypatch.setenv("GRIDTERM_ATTACHMENTS", str(tmp_path / "att"))
    with live_service_for_db(fresh_db_url, attachments=tmp_path / "att") as svc:
        yield svc


@pytest.fixture
def admin(service, capsys):
    def run(*argv: str) -> tuple[int, list[str], str]:
        code = main(["--lang", "en", "admin", "--db", service.db_url, "photos", *argv])
        out, err = capsys.readouterr()
        return code, out.rstrip("\n").splitlines(), err

    return run


def close(service, record_id: str, days_ago: int) -> None:
    with service.admin_session() as s:
        rec = s.get(db.Record, record_id)
        rec.status = "done"
        rec.status_at = db.utcnow() - dt.timedelta(days=days_ago)


def store_of(service):
    return service.app.state.gridterm.evidence.store


def test_purge_removes_photos_of_records_closed_long_enough_ago_and_keeps_the_rest(service, admin):
    tw = make_township(service)
    old, recent, still_open, shared = (photo(300, 200) for _ in range(4))
    rec_old = with_photos(tw, old, shared)
    rec_recent = with_photos(tw, recent)
    with_photos(tw, still_open, shared)  # open: keeps the photo it shares with rec_old
    for p in (old, recent, still_open, shared):
        upload(tw.device, p)
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(old)}?size=thumb").status_code == 200
    close(service, rec_old["id"], days_ago=200)
    close(service, rec_recent["id"], days_ago=10)

    code, out, err = admin("purge", "--closed-days", "180", "--dry-run")
    assert code == 0, err
    assert out[-1] == "1" and "nothing was changed" in out[0]
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(old)}").status_code == 200

    code, out, err = admin("purge", "--closed-days", "180")
    assert code == 0, err
    assert out[-1] == "1"
    store = store_of(service)
    assert not store.exists(content_key(sha(old)))
    assert not store.exists(thumb_key(sha(old), THUMB_PX))
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(old)}").status_code == 404
    for kept in (recent, still_open, shared):
        got = tw.staff.get(f"/api/v1/staff/attachments/{sha(kept)}")
        assert got.status_code == 200 and got.content == kept

    detail = tw.staff.get(f"/api/v1/staff/records/{rec_old['id']}").json()
    items = {a["sha256"]: a for a in detail["attachments"]}
    assert items[sha(old)]["name"] == "照片0.jpg"  # the record still says what it had
    assert items[sha(old)]["available"] is False
    assert items[sha(old)]["removed"]["why"] == "retention"
    assert dt.datetime.fromisoformat(items[sha(old)]["removed"]["at"]).tzinfo is not None
    assert items[sha(shared)]["available"] is True and items[sha(shared)]["removed"] is None

    # A second run finds nothing more.
    code, out, _ = admin("purge", "--closed-days", "180")
    assert code == 0 and out[-1] == "0"


def test_a_device_sending_a_removed_photo_again_is_told_it_is_complete_and_nothing_is_kept(
    service, admin
):
    tw = make_township(service)
    p = photo(300, 200)
    rec = with_photos(tw, p)
    upload(tw.device, p)
    close(service, rec["id"], days_ago=400)
    assert admin("purge", "--closed-days", "365")[1][-1] == "1"

    assert status(tw.device, sha(p))[sha(p)] == {
        "sha256": sha(p),
        "state": "complete",
        "received": len(p),
    }
    again = tw.device.client.put(
        f"/api/v1/attachments/{sha(p)}",
        content=p,
        headers={"Content-Range": f"bytes 0-{len(p) - 1}/{len(p)}"},
    )
    assert again.status_code == 200 and again.json()["complete"] is True
    assert not store_of(service).exists(content_key(sha(p)))
    with service.sessions() as s:
        assert s.get(db.AttachmentContent, sha(p)) is None
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(p)}").status_code == 404


def test_purge_for_one_township_leaves_the_others_photos(service, admin):
    ours, theirs = make_township(service), make_township(service)
    a, b = photo(200, 200), photo(200, 200)
    rec_a, rec_b = with_photos(ours, a), with_photos(theirs, b)
    upload(ours.device, a)
    upload(theirs.device, b)
    close(service, rec_a["id"], 100)
    close(service, rec_b["id"], 100)
    code, out, err = admin("purge", "--closed-days", "30", "--township", ours.township_id)
    assert code == 0, err
    assert out[-1] == "1"
    assert ours.staff.get(f"/api/v1/staff/attachments/{sha(a)}").status_code == 404
    assert theirs.staff.get(f"/api/v1/staff/attachments/{sha(b)}").status_code == 200


def test_erase_on_request_removes_one_photo_whatever_the_state(service, admin):
    tw = make_township(service)
    p, other = photo(300, 200), photo(300, 200)
    rec = with_photos(tw, p, other)  # an open record
    upload(tw.device, p)
    upload(tw.device, other)
    code, out, err = admin("erase", sha(p), "--reason", "村民张三明本人申请删除（2026-11-30 来电）")
    assert code == 0, err
    assert out[-1] == sha(p)
    assert not store_of(service).exists(content_key(sha(p)))
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(p)}").status_code == 404
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(other)}").status_code == 200
    detail = tw.staff.get(f"/api/v1/staff/records/{rec['id']}").json()
    removed = {a["sha256"]: a["removed"] for a in detail["attachments"]}
    assert removed[sha(p)]["why"] == "erasure" and removed[sha(other)] is None
    with service.sessions() as s:
        assert "张三明" in s.get(db.AttachmentRemoval, sha(p)).note

    code, out, _ = admin("erase", sha(p), "--reason", "again")
    assert code == 0 and "already removed" in out[0]

    # Exports say the photo was removed, and give no link to it.
    r = tw.staff.get("/api/v1/staff/export", params={"format": "csv"})
    row = next(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert row["照片"] == "照片0.jpg（已删除）、照片1.jpg"
    assert row["照片链接"].split("\n") == [f"{service.url}/api/v1/staff/attachments/{sha(other)}"]
    r = tw.staff.get("/api/v1/staff/export", params={"format": "jsonl"})
    items = json.loads(r.text.splitlines()[0])["attachments"]
    assert [(i["removed"], bool(i["url"])) for i in items] == [(True, False), (False, True)]


def test_erase_before_the_photo_arrived_keeps_it_from_ever_being_stored(service, admin):
    tw = make_township(service)
    p = photo(300, 200)
    with_photos(tw, p)  # named, not uploaded yet
    code, _, err = admin("erase", sha(p), "--reason", "sent by mistake")
    assert code == 0, err
    upload(tw.device, p)
    assert not store_of(service).exists(content_key(sha(p)))
    assert status(tw.device, sha(p))[sha(p)]["state"] == "complete"


def test_erase_and_purge_refuse_what_they_cannot_do_in_one_line(service, admin):
    code, _, err = admin("erase", "0" * 64, "--reason", "x")
    assert code != 0 and "No record names the photo" in err and "Traceback" not in err
    code, _, err = admin("erase", "not-a-hash", "--reason", "x")
    assert code != 0 and "Traceback" not in err
    code, _, err = admin("purge", "--closed-days", "-1")
    assert code != 0 and "0 or more" in err


def test_an_erasure_racing_the_last_chunk_wins(service, admin):
    """Erased after the upload's last chunk was checked and stored, before its row was
    written: the row is never written and the bytes go."""
    from gridterm.township.services import attachments
    from gridterm.township.services.uploads import Finished

    tw = make_township(service)
    p = photo(200, 200)
    with_photos(tw, p)
    assert admin("erase", sha(p), "--reason", "on request")[0] == 0
    store = store_of(service)
    store.put_bytes(content_key(sha(p)), p)  # what the upload had just stored
    done = Finished(sha256=sha(p), size=len(p), type="image/jpeg")
    dropped = attachments.record_content(
        service.sessions, [done], tw.device.id, dt.timedelta(days=7)
    )
    assert content_key(sha(p)) in dropped
    with service.sessions() as s:
        assert s.get(db.AttachmentContent, sha(p)) is None


def test_erase_every_photo_of_one_record(service, admin):
    """A resident asks that the photos of their report go: every photo any rev named, the
    other records' photos untouched; the count alone on the last line."""
    tw = make_township(service)
    first, second, elsewhere = (photo(200, 200) for _ in range(3))
    rec = with_photos(tw, first, second)
    tw.push({**rec, "rev": 2, "data": {**rec["data"], "attachments": []}})
    with_photos(tw, elsewhere)
    for p in (first, second, elsewhere):
        upload(tw.device, p)
    code, out, err = admin("erase", "--record", rec["id"], "--reason", "本人申请")
    assert code == 0, err
    assert out[-1] == "2"
    for p in (first, second):
        assert tw.staff.get(f"/api/v1/staff/attachments/{sha(p)}").status_code == 404
        assert not store_of(service).exists(content_key(sha(p)))
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(elsewhere)}").status_code == 200
    code, out, _ = admin("erase", "--record", rec["id"], "--reason", "again")
    assert code == 0 and out[-1] == "0"
    code, _, err = admin("erase", "--record", "no-such-record", "--reason", "x")
    assert code != 0 and "No record no-such-record" in err and "Traceback" not in err
    with pytest.raises(SystemExit):  # argparse: one photo or one record, not both
        admin("erase", sha(first), "--record", rec["id"], "--reason", "x")
