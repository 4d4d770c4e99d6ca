"""The photo uploader against an in-memory upload API on httpx.MockTransport (the contract in
docs/evidence.md), with the real store and content store: the answers the real service gives
rarely or only under faults — an offset it does not hold, a hash that does not match, a photo
refused, a photo that makes no headway, a service without the API — each met as documented,
and none of them holding back the other photos."""

from __future__ import annotations

import hashlib
import json
import re

import httpx
import pytest

from gridterm.client import sync
from gridterm.client.upload import CHUNK, NO_PROGRESS_LIMIT
from gridterm.core.attachments import contents_of, photo_queue
from tests.sync.fake_service import FakeService
from tests.sync.photos import reports_with_photos

FAST = dict(deadline=5.0, wait_initial=0.001, wait_max=0.01, wait_jitter=0.0)
KB = 1024
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


class UploadService(FakeService):
    """The sync API of FakeService plus the upload API, kept in memory."""

    def __init__(self) -> None:
        super().__init__()
        self.held: dict[str, bytearray] = {}
        self.complete: dict[str, bytes] = {}
        self.special: dict[str, list] = {}  # sha -> answers to give its PUTs first, in order
        self.puts: list[tuple[str, int, int]] = []  # (sha, start, length)
        self.has_api = True
        self.no_api = httpx.Response(404, json={"detail": "Not Found", "code": "not_found"})

    def route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/api/v1/attachments") and not self.has_api:
            return self.no_api
        if path == "/api/v1/attachments/status":
            return self.status(json.loads(request.content)["sha256"])
        if path.startswith("/api/v1/attachments/") and request.method == "PUT":
            return self.put(path.rsplit("/", 1)[1], request)
        return super().route(request)

    def status(self, shas: list[str]) -> httpx.Response:
        items = []
        for sha in shas:
            if sha in self.complete:
                items.append(
                    {"sha256": sha, "state": "complete", "received": len(self.complete[sha])}
                )
            elif sha in self.held:
                items.append({"sha256": sha, "state": "partial", "received": len(self.held[sha])})
            else:
                items.append({"sha256": sha, "state": "missing", "received": 0})
        return httpx.Response(200, json={"items": items})

    def put(self, sha: str, request: httpx.Request) -> httpx.Response:
        start, end, total = map(int, _RANGE.fullmatch(request.headers["Content-Range"]).groups())
        self.puts.append((sha, start, len(request.content)))
        if self.special.get(sha):
            answer = self.special[sha].pop(0)(sha, self)
            if answer is not None:  # else the handler only changed what the service holds
                return answer
        if sha in self.complete:
            return httpx.Response(200, json={"sha256": sha, "received": total, "complete": True})
        held = self.held.setdefault(sha, bytearray())
        if start != len(held):
            return httpx.Response(
                409, json={"detail": "x", "code": "offset_mismatch", "received": len(held)}
            )
        held += request.content
        if len(held) < total:
            return httpx.Response(
                200, json={"sha256": sha, "received": len(held), "complete": False}
            )
        data = bytes(self.held.pop(sha))
        if hashlib.sha256(data).hexdigest() != sha:
            return httpx.Response(422, json={"detail": "x", "code": "hash_mismatch"})
        self.complete[sha] = data
        return httpx.Response(200, json={"sha256": sha, "received": total, "complete": True})


def no_headway(sha: str, service: UploadService) -> httpx.Response:
    return httpx.Response(200, json={"sha256": sha, "received": 0, "complete": False})


def mismatch(sha: str, service: UploadService) -> httpx.Response:
    service.held.pop(sha, None)  # the service drops what it held
    return httpx.Response(422, json={"detail": "x", "code": "hash_mismatch"})


def not_an_image(sha: str, service: UploadService) -> httpx.Response:
    return httpx.Response(415, json={"detail": "不是图片", "code": "not_an_image"})


def sync_all(store, service: UploadService) -> sync.SyncSummary:
    config = sync.SyncConfig(**FAST)
    with sync.SyncClient(store, config, transport=service.transport) as client:
        return client.sync()


def photos_of(enrolled, records=3, per_record=2):
    return reports_with_photos(enrolled, records, per_record, seed=5, low=300 * KB, high=700 * KB)


def test_every_photo_goes_once_in_chunks_after_its_record(enrolled):
    service = UploadService()
    photos = photos_of(enrolled)
    summary = sync_all(enrolled, service)
    assert service.complete == photos
    assert summary.upload.sent == len(photos) and summary.upload.bytes_sent == sum(
        map(len, photos.values())
    )
    assert all(length <= CHUNK for _, _, length in service.puts)
    # The records were pushed before the first photo chunk.
    paths = [r.url.path for r in service.requests]
    assert paths.index("/api/v1/sync/push") < paths.index("/api/v1/attachments/status")
    # A second sync sends nothing again.
    before = len(service.puts)
    assert sync_all(enrolled, service).upload.sent == 0
    assert len(service.puts) == before


def test_an_upload_the_service_half_holds_goes_on_from_there(enrolled):
    service = UploadService()
    photos = photos_of(enrolled, records=1, per_record=1)
    [(sha, data)] = photos.items()
    service.held[sha] = bytearray(data[: 2 * CHUNK])  # a previous sync's two chunks
    summary = sync_all(enrolled, service)
    assert service.complete == photos
    assert summary.upload.resumed == 1
    assert summary.upload.bytes_sent == len(data) - 2 * CHUNK
    assert service.puts[0][1] == 2 * CHUNK


def test_an_offset_the_service_does_not_hold_moves_the_device_to_it(enrolled):
    service = UploadService()
    photos = photos_of(enrolled, records=1, per_record=1)
    [(sha, data)] = photos.items()

    # The status said missing, but by the first PUT the service holds one chunk (the answer
    # of a chunk written in a pass cut off before the device noted it).
    def one_chunk_held(s: str, svc: UploadService) -> None:
        svc.held[s] = bytearray(data[:CHUNK])

    service.special[sha] = [one_chunk_held]
    summary = sync_all(enrolled, service)
    assert service.complete == photos
    starts = [start for s, start, _ in service.puts if s == sha]
    assert starts[:2] == [0, CHUNK]  # the first PUT: 409 received=CHUNK; then on from there
    assert summary.upload.bytes_sent == len(data)  # the refused chunk was the one it held


def test_a_hash_mismatch_starts_over_once_then_needs_attention(enrolled):
    service = UploadService()
    photos = photos_of(enrolled, records=2, per_record=1)
    first, second = sorted(photos, key=lambda s: s)
    service.special[first] = [mismatch]  # once: sent again from 0 and kept
    service.special[second] = [mismatch, mismatch]  # twice: refused
    summary = sync_all(enrolled, service)
    assert service.complete == {first: photos[first]}
    assert [r["code"] for r in summary.upload.refused] == ["hash_mismatch"]
    queue = photo_queue(enrolled, contents_of(enrolled))
    assert [p.sha256 for p in queue.attention] == [second]
    assert not queue.waiting


def test_a_refused_photo_needs_attention_and_the_others_go(enrolled):
    service = UploadService()
    photos = photos_of(enrolled, records=2, per_record=2)
    refused = sorted(photos)[0]
    service.special[refused] = [not_an_image]
    summary = sync_all(enrolled, service)
    assert set(service.complete) == set(photos) - {refused}
    [problem] = photo_queue(enrolled, contents_of(enrolled)).attention
    assert problem.sha256 == refused and "不是图片" not in problem.message  # our own words
    assert summary.upload.attention == 1


def test_a_photo_that_makes_no_headway_waits_and_holds_back_no_other(enrolled):
    service = UploadService()
    photos = photos_of(enrolled, records=3, per_record=1)
    stuck = sorted(photos)[0]
    service.special[stuck] = [no_headway] * (NO_PROGRESS_LIMIT + 5)
    summary = sync_all(enrolled, service)
    assert set(service.complete) == set(photos) - {stuck}
    assert len([p for p in service.puts if p[0] == stuck]) == NO_PROGRESS_LIMIT
    assert summary.upload.left == 1 and summary.upload.attention == 0
    # The next sync sends it (the service makes headway again).
    service.special[stuck] = []
    sync_all(enrolled, service)
    assert service.complete == photos


@pytest.mark.parametrize(
    "no_api",
    [
        httpx.Response(404, json={"detail": "Not Found", "code": "not_found"}),  # older gridterm
        httpx.Response(404, text="<html><body><h1>404 Not Found</h1>nginx</body></html>"),
        httpx.Response(405, json={"detail": "Method Not Allowed"}),
    ],
    ids=["gridterm", "proxy-page", "405"],
)
def test_a_service_without_the_upload_api_keeps_the_photos_here(enrolled, no_api):
    service = UploadService()
    service.has_api, service.no_api = False, no_api
    photos = photos_of(enrolled, records=2, per_record=1)
    summary = sync_all(enrolled, service)
    assert summary.upload.unsupported
    assert len(service.stored) == 2  # the records went as usual
    queue = photo_queue(enrolled, contents_of(enrolled))
    assert {w.sha256 for w in queue.waiting} == set(photos)
