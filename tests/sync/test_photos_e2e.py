"""Photos from the device to the real township service (issue 16), on 127.0.0.1.

Attached on the device, sent by sync after their record, kept once by the service with the
device's exact bytes; a photo missing on disk is "needs attention" and holds nothing back;
an interrupted upload resumes from what the service holds.
"""

from __future__ import annotations

import zoneinfo

import httpx
import pytest

from gridterm.client import sync
from gridterm.client.upload import CHUNK
from gridterm.core import attachments, credentials
from gridterm.core.attachments.content import Contents
from tests.helpers.photos import camera_jpeg
from tests.helpers.service import fresh_database, start_service
from tests.sync.conftest import report_data
from tests.sync.live import FAST, enroll_store
from tests.sync.photos import MB, NOW, content_rows, held_content, reports_with_photos, same_bytes

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("township")


@pytest.fixture(scope="module")
def service(folder):
    with (
        fresh_database("sqlite", str(folder)) as url,
        start_service(url, attachments=str(folder / "attachments")) as svc,
    ):
        yield svc


def test_attached_photos_reach_the_service_once_with_the_same_bytes(service, folder, tmp_path):
    store = enroll_store(service, tmp_path / "dev")
    with store:
        paths = []
        for n in range(3):
            path = tmp_path / f"IMG_{n}.jpg"
            path.write_bytes(camera_jpeg(2000, 1500, seed=40 + n))
            paths.append(path)
        record = store.create("report", report_data(1))
        attachments.attach_files(store, record["id"], paths, now=NOW, zone=ZONE)
        contents = Contents(store.folder)
        sent = {
            e["sha256"]: contents.read(e["sha256"])
            for e in store.get(record["id"])["data"]["attachments"]
        }
        with sync.SyncClient(store, sync.SyncConfig(**FAST)) as client:
            summary = client.sync()
        assert summary.upload.sent == 3 and summary.upload.left == 0
        assert summary.upload.bytes_left == 0
        held = held_content(folder / "attachments")
        assert {sha: held[sha] for sha in sent} == sent
        assert all(contents.state(sha) == "sent" for sha in sent)
        # A second pass sends nothing again.
        rows = content_rows(service)
        with sync.SyncClient(store, sync.SyncConfig(**FAST)) as client:
            again = client.sync()
        assert again.upload.sent == 0 and again.upload.bytes_sent == 0
        assert content_rows(service) == rows
        # The staff see them on the record.
        staff = service.make_staff(store.meta_get("enrollment")["township"]["id"])
        with httpx.Client(base_url=service.url, timeout=30) as http:
            headers = {"Authorization": f"Bearer {staff}"}
            detail = http.get(f"/api/v1/staff/records/{record['id']}", headers=headers).json()
            assert [a["available"] for a in detail["attachments"]] == [True] * 3
            first = next(iter(sent))
            photo = http.get(f"/api/v1/staff/attachments/{first}", headers=headers)
            assert photo.content == sent[first]


def test_a_photo_missing_on_disk_needs_attention_and_blocks_nothing(service, tmp_path):
    store = enroll_store(service, tmp_path / "dev")
    with store:
        photos = reports_with_photos(store, 3, 2, seed=7, low=40_000, high=90_000)
        contents = Contents(store.folder)
        first = store.query(kind="report")[0]
        lost = first["data"]["attachments"][0]["sha256"]
        contents.object_path(lost).unlink()
        later = store.create("report", report_data(99))  # saved after the lost photo
        with sync.SyncClient(store, sync.SyncConfig(**FAST)) as client:
            summary = client.sync()
        assert summary.push.sent == 4  # every record went, the one with the lost photo too
        assert store.get(later["id"])["synced_rev"] == 1
        assert summary.upload.sent == len(photos) - 1 and summary.upload.attention == 1
        [problem] = attachments.photo_queue(store, contents).attention
        assert problem.record_id == first["id"] and problem.reason == "missing"


def test_an_interrupted_upload_resumes_from_what_the_service_holds(service, folder, tmp_path):
    store = enroll_store(service, tmp_path / "dev")
    with store:
        photos = reports_with_photos(store, 1, 1, seed=11, low=3 * MB, high=3 * MB)
        [(sha, data)] = photos.items()
        token = credentials.token(store)
        with sync.SyncClient(store, sync.SyncConfig(**FAST)) as client:
            client.push()
        # Half the photo went before the connection died (sent by hand, as a cut pass would).
        with httpx.Client(base_url=service.url, timeout=30) as http:
            for start in range(0, 6 * CHUNK, CHUNK):
                answer = http.put(
                    f"/api/v1/attachments/{sha}",
                    content=data[start : start + CHUNK],
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Range": f"bytes {start}-{start + CHUNK - 1}/{len(data)}",
                    },
                )
                assert answer.status_code == 200, answer.text
        with sync.SyncClient(store, sync.SyncConfig(**FAST)) as client:
            summary = client.sync()
        assert summary.upload.resumed == 1 and summary.upload.sent == 1
        assert summary.upload.bytes_sent == len(data) - 6 * CHUNK
        assert same_bytes({sha: held_content(folder / "attachments")[sha]}, photos)


def test_photos_wait_for_their_record_and_a_refused_record_keeps_them(service, tmp_path):
    store = enroll_store(service, tmp_path / "dev")
    with store:
        reports_with_photos(store, 1, 1, seed=12, low=30_000, high=30_000)
        record = store.query(kind="report")[0]
        # The service refuses this rev (a field it cannot take): its photo is not sent.
        store.mark_synced([{"id": record["id"], "rev": 1, "result": "rejected", "error": "x"}])
        with sync.SyncClient(store, sync.SyncConfig(**FAST)) as client:
            summary = client.sync()
        assert summary.upload.sent == 0 and summary.upload.left == 1
        assert summary.upload.bytes_left == 30_000
