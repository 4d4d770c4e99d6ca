"""One save with 1k, 10k, 50k and 100k records on the device: gridterm's store vs stock TinyDB.

    python benchmarks/store_save.py [--sizes 1000,10000,50000,100000] [--dir DIR]

Prints, from one run on one machine, the median latency of one save (a new event report,
validated, written durably) for

* gridterm's store: live items in the hot file, the rest synced, closed and archived in
  monthly shards (what a device looks like after months of work), and
* TinyDB with its default JSONStorage holding the same records in one file (it rereads and
  rewrites the whole file on every insert, without fsync),

and the time to open the store and list the outbox.  Then the ratios the design promises:
at 50k gridterm saves >= 50x faster than stock TinyDB; gridterm's save at 100k <= 1.5x its
save at 1k; open + outbox at 100k <= 1.5x at 1k (archives are not read at open).

Stores are built by writing their files directly (building 100k records through TinyDB would
take hours); the measured saves go through the real APIs.  gridterm's samples are taken
round-robin across the sizes so that a busy machine slows every size alike.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tinydb import TinyDB

from gridterm.core import model
from gridterm.core.store import ARCHIVE_DIR, HOT, INDEX, SCHEMA_VERSION, Store, dump_tables

LIVE = 200  # outbox + open items in the hot file, the same at every size
REPORT = {
    "category": "safety",
    "urgency": "normal",
    "place": "李家村三组村口老槐树下",
    "description": "村口电线杆旁有私拉乱接的电线，离地面不到两米，雨天有触电危险，请供电所尽快处理。",
    "raised_by": "张三",
}


def make_records(n: int, device: str) -> list[dict]:
    """n report records as the store holds them (device-only keys and wire bytes included)."""
    base = model.new_record("report", dict(REPORT), device=device)
    records = []
    for i in range(n):
        month = 1 + (i * 24 // max(n, 1)) % 24
        year, month = 2025 + (month - 1) // 12, (month - 1) % 12 + 1
        stamp = f"{year}-{month:02d}-{1 + i % 28:02d}T09:{i % 60:02d}:00+08:00"
        rec = dict(base, id=str(uuid.uuid4()), created_at=stamp, updated_at=stamp)
        rec["data"] = dict(REPORT, place=f"{REPORT['place']}{i}号")
        live = i >= n - LIVE
        if not live:
            rec.update(status="done", seq=i + 1)
        rec["synced_rev"] = 0 if live and i % 4 else 1
        rec["sync_error"] = None
        rec["sync_state"] = "unsent" if rec["synced_rev"] == 0 else "sent"
        rec["_wire"] = model.canonical_json(model.wire_form(rec)).decode("utf-8")
        records.append(rec)
    return records


def build_gridterm(folder: Path, records: list[dict], device: str) -> None:
    folder.mkdir(parents=True, mode=0o700)
    archive = folder / ARCHIVE_DIR
    archive.mkdir(mode=0o700)
    live, archived = records[-LIVE:], records[:-LIVE]
    shards: dict[str, dict] = {}
    for rec in archived:
        shards.setdefault(rec["created_at"][:7], {})[rec["id"]] = rec
    for name, recs in shards.items():
        (archive / f"{name}.json").write_bytes(dump_tables({"records": recs}))
    index = {rec["id"]: rec["created_at"][:7] for rec in archived}
    (archive / INDEX).write_bytes(dump_tables({"index": index}))
    meta = {"schema_version": {"value": SCHEMA_VERSION}, "device_id": {"value": device}}
    hot = {"meta": meta, "records": {r["id"]: r for r in live}, "drafts": {}, "roster": {}}
    (folder / HOT).write_bytes(dump_tables(hot))


def build_stock(path: Path, records: list[dict]) -> None:
    table = {str(i + 1): rec for i, rec in enumerate(records)}
    path.write_text(json.dumps({"_default": table}), encoding="utf-8")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000,100000")
    parser.add_argument("--saves", type=int, default=40, help="gridterm saves per size")
    parser.add_argument("--opens", type=int, default=25, help="open + outbox samples per size")
    parser.add_argument("--dir", help="work folder (default: a temporary one, removed after)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="gridterm-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    device = str(uuid.uuid4())
    try:
        print(
            f"building stores of {', '.join(f'{n:,}' for n in sizes)} records in {work} …",
            flush=True,
        )
        for n in sizes:
            records = make_records(n, device)
            build_gridterm(work / f"gridterm-{n}", records, device)
            build_stock(work / f"tinydb-{n}.json", records)
            del records
        os.sync()  # flush the freshly built files, so the first fsyncs measured don't pay for them

        # gridterm: saves, round-robin across sizes
        stores = {n: Store.open(work / f"gridterm-{n}") for n in sizes}
        save_samples: dict[int, list[float]] = {n: [] for n in sizes}
        for i in range(args.saves):
            for n in sizes:
                data = dict(REPORT, description=f"{REPORT['description']} #{i}")
                start = time.perf_counter()
                stores[n].create("report", data)
                save_samples[n].append(time.perf_counter() - start)
        for n in sizes:
            assert len(stores[n].outbox()) >= args.saves
            stores[n].close()

        # gridterm: open + list the outbox, round-robin across sizes
        open_samples: dict[int, list[float]] = {n: [] for n in sizes}
        for _ in range(args.opens):
            for n in sizes:
                start = time.perf_counter()
                with Store.open(work / f"gridterm-{n}") as store:
                    store.outbox()
                open_samples[n].append(time.perf_counter() - start)

        # stock TinyDB: the same saves (validate, then insert), fewer of them when they are slow
        stock_samples: dict[int, list[float]] = {}
        for n in sizes:
            db = TinyDB(work / f"tinydb-{n}.json")
            count = 15 if n <= 1000 else 7 if n <= 10000 else 3
            samples = []
            for i in range(count):
                data = dict(REPORT, description=f"{REPORT['description']} #{i}")
                start = time.perf_counter()
                rec = model.new_record("report", data, device=device)
                db.insert(rec)
                samples.append(time.perf_counter() - start)
            db.close()
            stock_samples[n] = samples
            print(f"  stock TinyDB at {n:,}: {len(samples)} saves measured", flush=True)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(
        f"{'records':>9} | {'gridterm save':>13} | {'TinyDB save':>11} | {'TinyDB/gridterm':>15} | {'open+outbox':>11}"
    )
    print("-" * 73)
    for n in sizes:
        g, s, o = (
            median_ms(save_samples[n]),
            median_ms(stock_samples[n]),
            median_ms(open_samples[n]),
        )
        print(f"{n:>9,} | {g:>10.2f} ms | {s:>8.1f} ms | {s / g:>14.1f}x | {o:>8.2f} ms")
    print()
    lo, hi = sizes[0], sizes[-1]
    checks = []
    if 50000 in sizes:
        speedup = median_ms(stock_samples[50000]) / median_ms(save_samples[50000])
        checks.append(
            (f"save at 50,000: stock TinyDB / gridterm = {speedup:.1f}x", ">= 50x", speedup >= 50)
        )
    save_ratio = median_ms(save_samples[hi]) / median_ms(save_samples[lo])
    checks.append(
        (f"gridterm save at {hi:,} / at {lo:,} = {save_ratio:.2f}x", "<= 1.5x", save_ratio <= 1.5)
    )
    open_ratio = median_ms(open_samples[hi]) / median_ms(open_samples[lo])
    checks.append(
        (f"open + outbox at {hi:,} / at {lo:,} = {open_ratio:.2f}x", "<= 1.5x", open_ratio <= 1.5)
    )
    for text, target, ok in checks:
        print(f"{text:<55} target {target:<8} {'met' if ok else 'NOT MET'}")
    return 0 if all(ok for *_, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
