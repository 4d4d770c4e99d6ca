"""What staff see of attachments, against a real service: the record's list with what the
service holds, the photo and its thumbnail scoped like the records, and content no record
names dropped after the grace period.

Photos are real images made here with Pillow (noise, so no two are alike), JPEG as a phone
saves them, plus a PNG and a file with a JPEG's first bytes that is not a picture."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from PIL import Image

from gridterm.township import db
from gridterm.township.services.content_store import content_key
from gridterm.township.services.uploads import Limits
from tests.township._staff import make_township, report
from tests.township.test_attachment_upload import sha, status, upload


def photo(width: int = 1600, height: int = 1200, fmt: str = "JPEG") -> bytes:
    noise = Image.frombytes("RGB", (width // 8, height // 8), os.urandom(width * height * 3 // 64))
    out = io.BytesIO()
    noise.resize((width, height)).save(out, fmt, quality=80)
    return out.getvalue()


def described(data: bytes, name: str = "现场.jpg", **extra) -> dict:
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    item = {"sha256": sha(data), "name": name, "size": len(data), "type": kind}
    return {"taken_at": None, "where": None, "location": None, **item, **extra}


def with_photos(tw, *photos: bytes, **extra) -> dict:
    rec = report(
        tw.device, attachments=[described(p, f"照片{i}.jpg") for i, p in enumerate(photos)], **extra
    )
    tw.push(rec)
    return rec


def test_the_record_lists_its_photos_with_what_the_service_holds(live_service):
    tw = make_township(live_service)
    sent, not_yet = photo(), photo()
    rec = with_photos(tw, sent, not_yet)
    upload(tw.device, sent)
    detail = tw.staff.get(f"/api/v1/staff/records/{rec['id']}").json()
    got = {a["sha256"]: a for a in detail["attachments"]}
    assert got[sha(sent)]["available"] is True
    assert got[sha(not_yet)]["available"] is False
    assert got[sha(sent)]["name"] == "照片0.jpg" and got[sha(sent)]["size"] == len(sent)
    assert got[sha(sent)]["url"] == f"/api/v1/staff/attachments/{sha(sent)}"


def test_staff_get_the_photo_byte_for_byte_and_a_small_jpeg_thumbnail(live_service):
    tw = make_township(live_service)
    big = photo(3000, 2000)
    with_photos(tw, big)
    upload(tw.device, big)
    full = tw.staff.get(f"/api/v1/staff/attachments/{sha(big)}")
    assert full.status_code == 200
    assert full.headers["content-type"] == "image/jpeg"
    assert full.content == big
    thumb = tw.staff.get(f"/api/v1/staff/attachments/{sha(big)}", params={"size": "thumb"})
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert len(thumb.content) < len(big) // 4
    with Image.open(io.BytesIO(thumb.content)) as img:
        assert max(img.size) == 480 and img.size[0] > img.size[1]  # the shape kept
    # Made once, then served from the store.
    again = tw.staff.get(f"/api/v1/staff/attachments/{sha(big)}", params={"size": "thumb"})
    assert again.content == thumb.content


def test_a_png_is_served_as_a_png(live_service):
    tw = make_township(live_service)
    png = photo(300, 200, "PNG")
    with_photos(tw, png)
    upload(tw.device, png)
    full = tw.staff.get(f"/api/v1/staff/attachments/{sha(png)}")
    assert full.headers["content-type"] == "image/png" and full.content == png
    assert full.headers["x-content-type-options"] == "nosniff"


def test_a_picture_pillow_cannot_read_is_sent_as_it_is_for_a_thumbnail(live_service):
    tw = make_township(live_service)
    broken = b"\xff\xd8\xff\xe0" + os.urandom(5000)  # a JPEG's first bytes, then noise
    with_photos(tw, broken)
    upload(tw.device, broken)
    thumb = tw.staff.get(f"/api/v1/staff/attachments/{sha(broken)}", params={"size": "thumb"})
    assert thumb.status_code == 200 and thumb.content == broken


def test_photos_are_scoped_like_records(live_service):
    ours, theirs = make_township(live_service), make_township(live_service)
    p = photo(400, 300)
    with_photos(ours, p)
    upload(ours.device, p)
    assert ours.staff.get(f"/api/v1/staff/attachments/{sha(p)}").status_code == 200
    # Another township's staff: the same 404 as content that does not exist at all.
    other = theirs.staff.get(f"/api/v1/staff/attachments/{sha(p)}")
    nowhere = theirs.staff.get(f"/api/v1/staff/attachments/{'0' * 64}")
    assert other.status_code == nowhere.status_code == 404
    assert other.json() == nowhere.json()
    assert theirs.staff.get(f"/api/v1/staff/attachments/{sha(p)}?size=thumb").status_code == 404
    # Content uploaded but named by no record is nobody's to see.
    loose = photo(200, 200)
    upload(ours.device, loose)
    assert ours.staff.get(f"/api/v1/staff/attachments/{sha(loose)}").status_code == 404
    # A device token is not a staff token.
    assert ours.device.client.get(f"/api/v1/staff/attachments/{sha(p)}").status_code == 401


def test_a_photo_a_later_rev_no_longer_names_stays_with_the_history(live_service):
    tw = make_township(live_service)
    p = photo(300, 300)
    rec = with_photos(tw, p)
    upload(tw.device, p)
    rev2 = {**rec, "rev": 2, "data": {**rec["data"], "attachments": []}}
    tw.push(rev2)
    detail = tw.staff.get(f"/api/v1/staff/records/{rec['id']}").json()
    assert detail["rev"] == 2 and detail["attachments"] == []
    assert detail["revs"][0]["data"]["attachments"][0]["sha256"] == sha(p)
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(p)}").status_code == 200


def test_content_no_record_names_is_dropped_after_the_grace_period(live_service):
    tw = make_township(live_service)
    named, loose = photo(200, 100), photo(200, 100)
    with_photos(tw, named)
    upload(tw.device, named)
    upload(tw.device, loose)
    store = live_service.app.state.gridterm.evidence.store
    with live_service.admin_session() as s:
        old = db.utcnow() - dt.timedelta(days=8)
        for digest in (sha(named), sha(loose)):
            s.get(db.AttachmentContent, digest).stored_at = old
    # The next content to become whole sweeps.
    upload(tw.device, photo(100, 100))
    with live_service.sessions() as s:
        assert s.get(db.AttachmentContent, sha(named)) is not None
        assert s.get(db.AttachmentContent, sha(loose)) is None
    assert store.exists(content_key(sha(named)))
    assert not store.exists(content_key(sha(loose)))
    assert status(tw.device, sha(loose))[sha(loose)]["state"] == "missing"


@pytest.fixture
def small_quota_service(fresh_db_url, tmp_path, live_service_for_db):
    limits = Limits(device_quota=300_000, max_bytes=200_000)
    with live_service_for_db(
        fresh_db_url, attachments=tmp_path / "att", attachment_limits=limits
    ) as svc:
        yield svc


def test_a_device_cannot_fill_the_disk_with_photos_no_record_names(small_quota_service):
    tw = make_township(small_quota_service)
    first, second = photo(300, 300), photo(300, 300)
    first, second = (
        first + b"\x00" * (150_000 - len(first)),
        second + b"\x00" * (160_000 - len(second)),
    )
    upload(tw.device, first)
    refused = tw.device.client.put(
        f"/api/v1/attachments/{sha(second)}",
        content=second[:1000],
        headers={"Content-Range": f"bytes 0-999/{len(second)}"},
    )
    assert refused.status_code == 413 and refused.json()["code"] == "quota_exceeded"
    assert "sync its records first" in refused.json()["detail"]
    # Once a synced record names the first photo, it no longer counts.
    with_photos(tw, first)
    upload(tw.device, second)
    assert status(tw.device, sha(second))[sha(second)]["state"] == "complete"


def test_partial_uploads_untouched_for_the_grace_period_are_removed(live_service):
    tw, gone = make_township(live_service), make_township(live_service)
    fresh, stale = photo(300, 300), photo(300, 300)
    for dev, data in ((tw.device, fresh), (gone.device, stale)):
        r = dev.client.put(
            f"/api/v1/attachments/{sha(data)}",
            content=data[:100],
            headers={"Content-Range": f"bytes 0-99/{len(data)}"},
        )
        assert r.status_code == 200
    evidence = live_service.app.state.gridterm.evidence
    stale_path = evidence.staging.folder / gone.device.id / f"{sha(stale)}.{len(stale)}.part"
    old = stale_path.stat().st_mtime - 8 * 86400
    os.utime(stale_path, (old, old))
    evidence.swept_at = 0.0
    # A device that never comes back: its partial upload goes with the next sweep.
    upload(tw.device, photo(100, 100))
    assert not stale_path.exists()
    assert status(tw.device, sha(fresh))[sha(fresh)]["state"] == "partial"


def test_a_record_naming_more_photos_than_the_cap_is_rejected_on_push_that_record_only(
    live_service,
):
    """The per-record cap (the model's 20) holds on the service: the push answers that record
    rejected, naming the field, and stores the others; nothing of it is kept."""
    tw = make_township(live_service)
    many = [described(bytes([n]) * 10, f"{n}.jpg") for n in range(21)]
    # Made by a device that skipped the model's check (an old or modified client).
    too_many, bad_place = report(tw.device), report(tw.device)
    too_many["data"]["attachments"] = many
    bad_place["data"]["location"] = {"lat": 91.0, "lon": 0.0, "source": "gps", "place": ""}
    fine = report(tw.device, attachments=many[:20])
    response = tw.device.push([too_many, bad_place, fine])
    assert response.status_code == 200, response.text
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[too_many["id"]]["result"] == "rejected"
    assert "at most 20" in results[too_many["id"]]["error"]
    assert results[bad_place["id"]]["result"] == "rejected"
    assert "Latitude must be at most 90" in results[bad_place["id"]]["error"]
    assert results[fine["id"]]["result"] == "stored"
    assert tw.staff.get(f"/api/v1/staff/records/{too_many['id']}").status_code == 404
    with live_service.sessions() as s:
        named = s.query(db.AttachmentRef).filter_by(record_id=too_many["id"]).count()
    assert named == 0


def test_photo_entries_at_the_edges_are_refused_per_record_never_a_500(live_service):
    """Entries nobody here made: a NUL in a name, a name of 10,000 characters, a size of
    2**63, a taken_at in year 9999 with no zone, an upper-case hash, a type that is not an
    image's.  Each record is refused on its own, saying which field and why; the push answers
    200."""
    tw = make_township(live_service)
    p = photo(100, 100)
    edges = [
        {"name": "现场\x00.jpg"},
        {"name": "长" * 10_000},
        {"size": 2**63},
        {"taken_at": "9999-12-31T23:59:59"},
        {"sha256": sha(p).upper()},
        {"type": "text/html"},
    ]
    records = []
    for change in edges:
        rec = report(tw.device)
        rec["data"]["attachments"] = [{**described(p), **change}]
        records.append(rec)
    response = tw.device.push(records)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == [r["id"] for r in records]
    assert all(r["result"] == "rejected" for r in results), results
    errors = [r["error"] for r in results]
    words = ("control characters", "too long", "too big", "year", "SHA-256", "text/html")
    for error, word in zip(errors, words, strict=True):
        assert word in error, (word, error)
    # The edges never reached the tables: no record, no reference.
    assert tw.staff.get(f"/api/v1/staff/records/{records[0]['id']}").status_code == 404
