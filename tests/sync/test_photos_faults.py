"""Photos through a misbehaving network (issue 16): every photo arrives once, byte-identical,
and the bytes sent in all are at most the photos' size plus one chunk per interruption.

20 records with 5 photos of 1–3 MB each (about 200 MB, photos as a phone without Pillow
sends them) go through the fault proxy: refused connections, requests cut, answers lost
after the service did the work, stalls past the client's timeout, 503 with Retry-After.  The
proxy logs every exchange, so "sent" is what crossed the wire, not what the client believes.
"""

from __future__ import annotations

import time

import pytest

from gridterm.client import sync
from gridterm.client.upload import CHUNK
from gridterm.core.attachments.content import Contents
from tests.helpers.service import fresh_database, start_service
from tests.sync.fault_proxy import FaultProxy
from tests.sync.live import enroll_store
from tests.sync.photos import content_rows, held_content, reports_with_photos, same_bytes

RECORDS, PER_RECORD = 20, 5
# Fewer stalls than the record tests: each one costs the client's whole read timeout, which
# must stay well above what a 256 KiB chunk takes on a busy machine (a slow answer the proxy
# passed is not an interruption, and must not make the client send again).
WEIGHTS = {"pass": 8, "refuse": 1, "cut_request": 1, "lose_answer": 1, "stall": 0.15, "busy": 1}


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


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("seed", [1])
def test_every_photo_once_byte_identical_and_no_more_than_one_chunk_per_cut(
    service, folder, tmp_path, seed
):
    started = time.monotonic()
    store = enroll_store(service, tmp_path / "dev")
    upstream_port = int(service.url.rsplit(":", 1)[1])
    with FaultProxy(upstream_port, seed, weights=WEIGHTS, stall_seconds=6.0) as proxy, store:
        enrollment = store.meta_get("enrollment")
        store.meta_set("enrollment", {**enrollment, "sync_url": proxy.url})
        photos = reports_with_photos(store, RECORDS, PER_RECORD, seed)
        total = sum(len(p) for p in photos.values())
        config = sync.SyncConfig(
            read_timeout=5.0,
            connect_timeout=5.0,
            deadline=60.0,
            wait_initial=0.005,
            wait_max=0.05,
            wait_jitter=0.01,
        )
        passes = failures = 0
        while True:
            passes += 1
            assert passes < 100, "the photos never all went"
            try:
                with sync.SyncClient(store, config) as client:
                    summary = client.sync()
            except sync.ServiceUnreachable:
                failures += 1
                continue
            if summary.upload.left == 0 and not store.outbox():
                break
        assert summary.upload.attention == 0
        for mode in ("refuse", "cut_request", "lose_answer", "stall", "busy"):
            assert proxy.seen[mode] > 0, (mode, proxy.seen)

        contents = Contents(store.folder)
        assert all(contents.state(sha) == "sent" for sha in photos)
    held = held_content(folder / "attachments")
    assert same_bytes({sha: held[sha] for sha in photos}, photos)  # byte-identical, by hash
    assert len(photos) == RECORDS * PER_RECORD

    puts = [(mode, size) for mode, method, size in proxy.exchanges if method in ("PUT", "")]
    sent = sum(size for _, size in puts)
    cuts = sum(1 for mode, _ in puts if mode != "pass")
    assert sent <= total + CHUNK * cuts, (sent, total, cuts)
    print(
        f"seed {seed}: {len(photos)} photos, {total / 1e6:.1f} MB; sent {sent / 1e6:.1f} MB"
        f" ({sent / total:.3f}×) with {cuts} interruptions of uploads; {passes} passes"
        f" ({failures} gave up); faults {dict(proxy.seen)}; {time.monotonic() - started:.0f}s"
    )


def test_content_is_counted_once_however_many_devices_send_it(service, tmp_path):
    """Two devices with the same photo: the service holds one copy (one row)."""
    before = content_rows(service)
    for n in range(2):
        store = enroll_store(service, tmp_path / f"dev{n}")
        with store:
            reports_with_photos(store, 1, 2, seed=77, low=20_000, high=40_000)
            with sync.SyncClient(store, sync.SyncConfig(deadline=10.0)) as client:
                client.sync()
    assert content_rows(service) == before + 2
