"""The attachment upload API against a real uvicorn on 127.0.0.1 (SQLite, and PostgreSQL when
set): chunks with Content-Range, resume from what the service holds, SHA-256 checked before
the content is accepted, each content kept once, and clear 4xx answers for everything else.

Content here is made in the test: JPEG-, PNG- and WebP-shaped bytes (their magic numbers and
random bytes after), so hashes never collide between tests sharing a service."""

from __future__ import annotations

import hashlib
import os
import threading

import httpx
import pytest

from gridterm.township import db
from gridterm.township.services.content_store import content_key

CHUNK = 256 * 1024


def jpeg_bytes(size: int) -> bytes:
    return b"\xff\xd8\xff\xe0" + os.urandom(size - 4)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(dev, data: bytes, start: int, end: int, *, digest: str | None = None, body=None):
    headers = {"Content-Range": f"bytes {start}-{end}/{len(data)}"}
    content = data[start : end + 1] if body is None else body
    return dev.client.put(
        f"/api/v1/attachments/{digest or sha(data)}", content=content, headers=headers
    )


def upload(dev, data: bytes, chunk: int = CHUNK) -> list[httpx.Response]:
    out = []
    for start in range(0, len(data), chunk):
        end = min(start + chunk, len(data)) - 1
        response = put(dev, data, start, end)
        assert response.status_code == 200, response.text
        out.append(response)
    return out


def status(dev, *shas: str) -> dict[str, dict]:
    response = dev.client.post("/api/v1/attachments/status", json={"sha256": list(shas)})
    assert response.status_code == 200, response.text
    return {item["sha256"]: item for item in response.json()["items"]}


def stored_bytes(service, digest: str) -> bytes:
    store = service.app.state.gridterm.evidence.store
    with store.open(content_key(digest)) as fh:
        return fh.read()


def test_chunks_add_up_and_the_content_is_kept_byte_for_byte(live_service):
    dev = live_service.enroll_device()
    data = jpeg_bytes(CHUNK * 2 + 1000)
    answers = upload(dev, data)
    assert [r.json()["received"] for r in answers] == [CHUNK, CHUNK * 2, len(data)]
    assert [r.json()["complete"] for r in answers] == [False, False, True]
    assert stored_bytes(live_service, sha(data)) == data
    assert status(dev, sha(data))[sha(data)] == {
        "sha256": sha(data),
        "state": "complete",
        "received": len(data),
    }
    with live_service.sessions() as s:
        row = s.get(db.AttachmentContent, sha(data))
        assert (row.size, row.type, row.device_id) == (len(data), "image/jpeg", dev.id)


def test_status_tells_partial_and_missing_and_a_cut_upload_resumes_where_it_stopped(
    live_service,
):
    dev = live_service.enroll_device()
    data = jpeg_bytes(CHUNK * 3)
    assert put(dev, data, 0, CHUNK - 1).status_code == 200
    other = jpeg_bytes(100)
    got = status(dev, sha(data), sha(other))
    assert got[sha(data)] == {"sha256": sha(data), "state": "partial", "received": CHUNK}
    assert got[sha(other)] == {"sha256": sha(other), "state": "missing", "received": 0}
    # Another device does not see this device's partial upload.
    stranger = live_service.enroll_device()
    assert status(stranger, sha(data))[sha(data)]["state"] == "missing"
    # The device thought its first chunk was lost and sends it again: told where to resume.
    again = put(dev, data, 0, CHUNK - 1)
    assert again.status_code == 409
    assert again.json()["code"] == "offset_mismatch"
    assert again.json()["received"] == CHUNK
    assert "resume from byte 262144" in again.json()["detail"]
    # A chunk beyond what is held is refused the same way.
    ahead = put(dev, data, CHUNK * 2, CHUNK * 3 - 1)
    assert (ahead.status_code, ahead.json()["received"]) == (409, CHUNK)
    assert put(dev, data, CHUNK, CHUNK * 3 - 1).json() == {
        "sha256": sha(data),
        "received": len(data),
        "complete": True,
    }
    assert stored_bytes(live_service, sha(data)) == data


def test_content_already_complete_is_kept_once_and_answered_at_once(live_service):
    first, second = live_service.enroll_device(), live_service.enroll_device()
    data = jpeg_bytes(CHUNK + 10)
    upload(first, data)
    # Sent again by another device, from its first chunk: complete at once.
    response = put(second, data, 0, CHUNK - 1)
    assert response.json() == {"sha256": sha(data), "received": len(data), "complete": True}
    assert status(second, sha(data))[sha(data)]["state"] == "complete"
    with live_service.sessions() as s:
        assert s.query(db.AttachmentContent).filter_by(sha256=sha(data)).count() == 1
    staging = live_service.app.state.gridterm.evidence.staging
    assert staging.held(second.id, sha(data)) is None


def test_a_hash_mismatch_drops_the_partial_upload(live_service):
    dev = live_service.enroll_device()
    data = jpeg_bytes(CHUNK + 5)
    claimed = sha(jpeg_bytes(CHUNK + 5))  # the hash of other content
    assert put(dev, data, 0, CHUNK - 1, digest=claimed).status_code == 200
    last = put(dev, data, CHUNK, len(data) - 1, digest=claimed)
    assert last.status_code == 422
    assert last.json()["code"] == "hash_mismatch"
    assert status(dev, claimed)[claimed] == {"sha256": claimed, "state": "missing", "received": 0}
    with live_service.sessions() as s:
        assert s.get(db.AttachmentContent, claimed) is None


@pytest.mark.parametrize(
    "head,kind",
    [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    ],
)
def test_png_and_webp_are_taken_and_typed_by_their_bytes(live_service, head, kind):
    dev = live_service.enroll_device()
    data = head + os.urandom(3000)
    upload(dev, data)
    with live_service.sessions() as s:
        assert s.get(db.AttachmentContent, sha(data)).type == kind


def test_a_file_that_is_not_an_image_is_refused_at_its_first_chunk(live_service):
    dev = live_service.enroll_device()
    data = b"%PDF-1.7\n" + os.urandom(CHUNK * 2)  # a PDF, whatever its name said
    response = put(dev, data, 0, CHUNK - 1)
    assert response.status_code == 415
    assert response.json()["code"] == "not_an_image"
    assert "JPEG, PNG or WebP" in response.json()["detail"]
    assert status(dev, sha(data))[sha(data)]["state"] == "missing"
    # RIFF that is not WebP (a WAV recording) is no image either.
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(100)
    assert put(dev, wav, 0, len(wav) - 1).status_code == 415


def test_a_file_over_the_cap_is_refused_before_it_is_sent(live_service):
    dev = live_service.enroll_device()
    cap = live_service.app.state.gridterm.evidence.limits.max_bytes
    headers = {"Content-Range": f"bytes 0-9/{cap + 1}"}
    response = dev.client.put(
        f"/api/v1/attachments/{'a' * 64}", content=b"\xff" * 10, headers=headers
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "10 MB" in response.json()["detail"]


def test_a_chunk_over_one_mebibyte_is_refused(live_service):
    dev = live_service.enroll_device()
    data = jpeg_bytes(1024 * 1024 + 1)
    response = put(dev, data, 0, len(data) - 1)
    assert response.status_code == 413
    assert response.json()["code"] == "chunk_too_large"


@pytest.mark.parametrize(
    "header",
    [
        "bytes 0-9",  # no total
        "bytes 5-4/10",  # end before start
        "bytes 0-10/10",  # end past the total
        "bytes=0-9/10",  # a Range header's syntax
        "bytes 0-9/*",  # unknown total
        "bytes 0-9/10, bytes 10-19/20",
        "bytes -1-9/10",
        "bytes 0-9999999999999999/99999999999999999",
        "",
        "bytes 0-8/10",  # the body (10 bytes) is not END-START+1
    ],
)
def test_a_bad_content_range_is_400(live_service, header):
    dev = live_service.enroll_device()
    response = dev.client.put(
        f"/api/v1/attachments/{'b' * 64}",
        content=b"\xff\xd8\xff" + b"\x00" * 7,
        headers={"Content-Range": header},
    )
    assert response.status_code in (400, 413), response.text
    assert response.json()["code"] in ("bad_content_range", "too_large")


def test_a_bad_sha_or_no_token_is_refused(live_service):
    dev = live_service.enroll_device()
    headers = {"Content-Range": "bytes 0-2/3"}
    upper = dev.client.put(f"/api/v1/attachments/{'A' * 64}", content=b"abc", headers=headers)
    assert upper.status_code == 422
    with httpx.Client(base_url=live_service.url) as anonymous:
        r = anonymous.put(f"/api/v1/attachments/{'a' * 64}", content=b"abc", headers=headers)
        assert r.status_code == 401
        r = anonymous.post("/api/v1/attachments/status", json={"sha256": []})
        assert r.status_code == 401
    too_many = dev.client.post("/api/v1/attachments/status", json={"sha256": ["a" * 64] * 501})
    assert too_many.status_code == 422
    not_hex = dev.client.post("/api/v1/attachments/status", json={"sha256": ["z" * 64]})
    assert not_hex.status_code == 422


def test_a_revoked_device_cannot_upload(live_service):
    dev = live_service.enroll_device()
    live_service.revoke(dev.id)
    data = jpeg_bytes(100)
    response = put(dev, data, 0, 99)
    assert (response.status_code, response.json()["code"]) == (401, "device_revoked")


def test_the_same_chunk_sent_twice_at_once_is_written_once(live_service):
    """Two retries of one chunk racing (a client that timed out and sent again): one is
    taken, the other is told where to resume; the content is whole and right."""
    dev = live_service.enroll_device()
    data = jpeg_bytes(CHUNK * 2)
    barrier = threading.Barrier(8)
    answers: list[httpx.Response] = []

    def send() -> None:
        with live_service.client(dev.token) as c:
            barrier.wait()
            answers.append(
                c.put(
                    f"/api/v1/attachments/{sha(data)}",
                    content=data[:CHUNK],
                    headers={"Content-Range": f"bytes 0-{CHUNK - 1}/{len(data)}"},
                )
            )

    threads = [threading.Thread(target=send) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    codes = sorted(r.status_code for r in answers)
    assert codes.count(200) == 1 and codes.count(409) == 7, [r.text for r in answers]
    assert all(r.json()["received"] == CHUNK for r in answers if r.status_code == 409)
    assert put(dev, data, CHUNK, len(data) - 1).json()["complete"] is True
    assert stored_bytes(live_service, sha(data)) == data


def test_a_whole_upload_whose_answer_was_lost_is_finished_by_status(live_service):
    """The last chunk was written but the service stopped before checking it: the device's
    next status call finds it whole, checks it, and says complete."""
    dev = live_service.enroll_device()
    data = jpeg_bytes(3000)
    staging = live_service.app.state.gridterm.evidence.staging
    path = staging.folder / dev.id / f"{sha(data)}.{len(data)}.part"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    assert status(dev, sha(data))[sha(data)] == {
        "sha256": sha(data),
        "state": "complete",
        "received": len(data),
    }
    assert stored_bytes(live_service, sha(data)) == data
    assert not path.exists()


def test_many_devices_uploading_at_once_each_content_kept_once(live_service):
    """60 devices at once (hundreds of phones on a training day, in miniature): each sends
    a photo of its own and the same shared photo (a notice everyone photographed), in
    chunks.  Every upload completes; the shared content is one row and one file."""
    grid = live_service.make_grid()
    devices = [live_service.enroll_device(grid) for _ in range(60)]
    shared = jpeg_bytes(CHUNK * 2 + 7)
    own = {dev.id: jpeg_bytes(CHUNK + 3) for dev in devices}
    barrier = threading.Barrier(len(devices))
    failures: list[str] = []

    def work(dev) -> None:
        with live_service.client(dev.token) as c:
            barrier.wait()
            for data in (own[dev.id], shared):
                start = 0
                while start < len(data):
                    end = min(start + CHUNK, len(data)) - 1
                    r = c.put(
                        f"/api/v1/attachments/{sha(data)}",
                        content=data[start : end + 1],
                        headers={"Content-Range": f"bytes {start}-{end}/{len(data)}"},
                    )
                    if r.status_code not in (200, 409):
                        failures.append(r.text)
                        return
                    body = r.json()
                    if r.status_code == 200 and body["complete"]:
                        break
                    start = body["received"]

    threads = [threading.Thread(target=work, args=(dev,)) for dev in devices]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert failures == []
    digests = [sha(shared), *(sha(d) for d in own.values())]
    with live_service.sessions() as s:
        rows = s.query(db.AttachmentContent).filter(db.AttachmentContent.sha256.in_(digests))
        assert rows.count() == len(digests)
    assert stored_bytes(live_service, sha(shared)) == shared
    assert all(stored_bytes(live_service, sha(d)) == d for d in own.values())
