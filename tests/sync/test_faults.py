"""Sync through a misbehaving network: exactly once per rev, nothing lost, nothing doubled.

A proxy between the device and the real service refuses connections, cuts requests, loses
answers after the service did the work, stalls past the client's timeouts and answers 503
with Retry-After, at random (three seeds).  2,000 records are each edited several times while
sync passes run (edits land between batches of a pass in flight).  Afterwards the service
holds each record once at its latest rev, the history holds each rev at most once and the
latest one exactly once, with the device's exact bytes, and the device's outbox is empty.
"""

from __future__ import annotations

import json
import random
import time

import pytest

from gridterm.client import sync
from tests.helpers.service import fresh_database, start_service
from tests.sync.conftest import report_data
from tests.sync.fault_proxy import FaultProxy
from tests.sync.live import enroll_store, service_rows, stored_body

RECORDS = 2000


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("township"))
    with fresh_database("sqlite", folder) as url, start_service(url) as svc:
        yield svc


def bulk(store):
    """Many saves in one disk write: only to build big test queues quickly."""
    return store.batch()


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exactly_once_through_a_faulty_network(service, tmp_path, seed):
    rng = random.Random(seed)
    started = time.monotonic()
    store = enroll_store(service, tmp_path / "dev")
    grid_id = store.meta_get("enrollment")["grid"]["id"]
    upstream_port = int(service.url.rsplit(":", 1)[1])
    with FaultProxy(upstream_port, seed, stall_seconds=0.8) as proxy, store:
        enrollment = store.meta_get("enrollment")
        store.meta_set("enrollment", {**enrollment, "sync_url": proxy.url})
        with bulk(store):
            ids = [store.create("report", report_data(i))["id"] for i in range(RECORDS)]
        edits_left = {rid: rng.randint(2, 4) for rid in ids}

        def edit_some(phase, done, total):
            if not edits_left or phase != "push":
                return
            chosen = rng.sample(sorted(edits_left), min(len(edits_left), rng.randint(50, 400)))
            with bulk(store):
                for rid in chosen:
                    store.update(rid, data=report_data(edits_left[rid], f"edit {rng.random()}"))
                    edits_left[rid] -= 1
                    if not edits_left[rid]:
                        del edits_left[rid]

        config = sync.SyncConfig(
            read_timeout=0.4,
            connect_timeout=0.4,
            deadline=20.0,
            wait_initial=0.005,
            wait_max=0.05,
            wait_jitter=0.01,
        )
        passes = failures = 0
        while edits_left or store.outbox():
            passes += 1
            assert passes < 200, "the queue never drained"
            try:
                with sync.SyncClient(store, config, on_progress=edit_some) as client:
                    client.sync()
            except sync.ServiceUnreachable:
                failures += 1
        # Every kind of fault really happened.
        for mode in ("refuse", "cut_request", "lose_answer", "stall", "busy", "pass"):
            assert proxy.seen[mode] > 0, (mode, proxy.seen)

        latest = {rid: store.get(rid)["rev"] for rid in ids}
        assert store.outbox() == []
        assert max(latest.values()) >= 3
        held, history = service_rows(service, grid_id)
        assert held == latest  # each record exactly once, at its latest rev
        assert max(history.values()) == 1  # no rev twice
        assert all(history[(rid, rev)] == 1 for rid, rev in latest.items())
        assert all(rev <= latest[rid] for rid, rev in history)
        for rid in rng.sample(ids, 25):
            rec = store.get(rid)
            assert json.loads(stored_body(service, rid, rec["rev"])) == json.loads(store.wire(rec))
    print(
        f"seed {seed}: {passes} passes ({failures} gave up), faults {dict(proxy.seen)}, "
        f"{time.monotonic() - started:.1f}s"
    )
