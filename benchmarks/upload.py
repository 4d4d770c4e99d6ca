"""Photos from a device to the service: upload throughput, and what an interruption costs.

    python benchmarks/upload.py [--records 10] [--per-record 5] [--seed 1]

Runs the township service (SQLite, a temporary folder) on 127.0.0.1 and the sync tests'
fault proxy in front of it.  Two devices each queue ``--records`` reports with
``--per-record`` photos of 1–3 MB (as a phone without Pillow sends them) and sync until every
photo is on the service:

1. **clean**: through the proxy with every exchange passed — the throughput (MB/s) of the
   chunked upload (256 KiB requests, one status call per pass) on this machine;
2. **faults**: through the proxy refusing connections, cutting requests, losing answers
   after the service did the work, stalling and answering 503 — the same amount of photos.

It prints, measured in this one run (the machine is shared: ratios, not absolute times):

- the bytes that crossed the wire over the photos' size, clean and with faults;
- the **resume cost**: extra bytes per interrupted upload request, in chunks (at most one:
  the service tells the device what it holds; starting a photo over would cost half a photo
  on average, about 4–8 chunks for these sizes);
- the time with faults over the clean time (waiting out stalls and retries included).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gridterm.client import sync  # noqa: E402
from gridterm.client.upload import CHUNK  # noqa: E402
from tests.helpers.service import fresh_database, start_service  # noqa: E402
from tests.sync.fault_proxy import FaultProxy  # noqa: E402
from tests.sync.live import enroll_store  # noqa: E402
from tests.sync.photos import held_content, reports_with_photos  # noqa: E402

FAULTS = {"pass": 8, "refuse": 1, "cut_request": 1, "lose_answer": 1, "stall": 0.15, "busy": 1}
CONFIG = dict(
    read_timeout=5.0,
    connect_timeout=5.0,
    deadline=60.0,
    wait_initial=0.005,
    wait_max=0.05,
    wait_jitter=0.01,
)


def run(service, folder: Path, data_dir: Path, args, seed: int, faults: bool) -> dict:
    """One device's photos through the proxy until all are on the service."""
    store = enroll_store(service, data_dir)
    port = int(service.url.rsplit(":", 1)[1])
    with FaultProxy(port, seed, weights=FAULTS, stall_seconds=6.0) as proxy, store:
        proxy.enabled = faults
        enrollment = store.meta_get("enrollment")
        store.meta_set("enrollment", {**enrollment, "sync_url": proxy.url})
        photos = reports_with_photos(store, args.records, args.per_record, seed)
        total = sum(len(p) for p in photos.values())
        started = time.perf_counter()
        passes = 0
        while True:
            passes += 1
            if passes > 200:
                raise SystemExit("the photos never all went")
            try:
                with sync.SyncClient(store, sync.SyncConfig(**CONFIG)) as client:
                    summary = client.sync()
            except sync.ServiceUnreachable:
                continue
            if summary.upload.left == 0 and not store.outbox():
                break
        seconds = time.perf_counter() - started
        puts = [(mode, size) for mode, method, size in proxy.exchanges if method in ("PUT", "")]
    held = held_content(folder)
    assert all(held.get(sha) == data for sha, data in photos.items()), "a photo differs"
    return {
        "photos": len(photos),
        "total": total,
        "seconds": seconds,
        "sent": sum(size for _, size in puts),
        "cuts": sum(1 for mode, _ in puts if mode != "pass"),
        "passes": passes,
        "faults": dict(proxy.seen) if faults else {},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10)
    parser.add_argument("--per-record", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # A stalled exchange still open when the proxy stops is cancelled: not worth a traceback.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="gt-upload-") as tmp:
        base = Path(tmp)
        folder = base / "attachments"
        with (
            fresh_database("sqlite", tmp) as url,
            start_service(url, attachments=str(folder)) as service,
        ):
            clean = run(service, folder, base / "clean", args, args.seed, faults=False)
            faulty = run(service, folder, base / "faults", args, args.seed + 1, faults=True)
    mb = 1024 * 1024
    for name, r in (("clean", clean), ("faults", faulty)):
        print(
            f"{name:6}: {r['photos']} photos, {r['total'] / mb:.1f} MiB in {r['seconds']:.1f} s"
            f" = {r['total'] / mb / r['seconds']:.1f} MiB/s; on the wire {r['sent'] / r['total']:.3f}×"
            f" the photos; {r['cuts']} interrupted uploads; {r['passes']} sync passes"
        )
    if faulty["faults"]:
        print(f"faults: {faulty['faults']}")
    extra = faulty["sent"] - faulty["total"]
    per_cut = extra / faulty["cuts"] / CHUNK if faulty["cuts"] else 0.0
    mean_photo = faulty["total"] / faulty["photos"]
    print(
        f"resume cost: {per_cut:.2f} chunks ({CHUNK // 1024} KiB) re-sent per interruption"
        f" (bound: 1); starting the photo over would cost {mean_photo / 2 / CHUNK:.1f} chunks"
        f" on average"
    )
    print(
        f"time with faults / clean: {faulty['seconds'] / clean['seconds']:.2f}×;"
        f" throughput with faults / clean:"
        f" {(faulty['total'] / faulty['seconds']) / (clean['total'] / clean['seconds']):.2f}×"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
