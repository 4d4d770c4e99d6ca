"""One save with 1k-100k records held, and with 0-10,000 unsent: gridterm vs TinyDB, SQLite.

    python benchmarks/store_save.py [--sizes 1000,10000,50000,100000]
                                    [--unsent 0,2000,10000] [--dir DIR]

Prints, from one run on one machine, the median latency of one save (a new event report,
validated, written durably) for

* gridterm's store: live items in the hot file, the rest synced, closed and archived in
  monthly shards (what a device looks like after months of work), and
* TinyDB with its default JSONStorage holding the same records in one file (it rereads and
  rewrites the whole file on every insert, without fsync),

and the time to open the store and list the outbox.  Then the ratios the design promises:
at 50k gridterm saves >= 50x faster than stock TinyDB; gridterm's save at 100k <= 1.5x its
save at 1k; open + outbox at 100k <= 1.5x at 1k (archives are not read at open).

Second, what is *live* (issue 14): the median save with 0, 2,000 and 10,000 unsent records
in the hot set, and in the same round-robin the same record's bytes committed by Python's
sqlite3 (WAL, ``synchronous=FULL``, 50,000 rows held) and a bare atomic 4 KB write (temp,
fsync, rename, fsync the folder).  Targets: save at 10,000 unsent <= 1.5x at 0; gridterm's
save (at 10,000 unsent) <= 3x the SQLite commit.

Stores are built by writing their files directly (building 100k records through TinyDB would
take hours); the measured saves go through the real APIs.  gridterm's samples are taken
round-robin across the sizes so that a busy machine slows every size alike.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tinydb import TinyDB

from gridterm.core import model
from gridterm.core.store import ARCHIVE_DIR, HOT, INDEX, SCHEMA_VERSION, Store, dump_tables
from gridterm.core.store.files import atomic_write

SQLITE_ROWS = 50_000

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


def build_unsent(folder: Path, n: int, device: str) -> None:
    """A hot set of n unsent records and nothing archived (an officer long offline)."""
    folder.mkdir(parents=True, mode=0o700)
    records = make_records(n + LIVE, device)[LIVE:] if n else []
    for rec in records:
        rec.update(synced_rev=0, sync_state="unsent")
    meta = {"schema_version": {"value": SCHEMA_VERSION}, "device_id": {"value": device}}
    hot = {"meta": meta, "records": {r["id"]: r for r in records}, "drafts": {}, "roster": {}}
    (folder / HOT).write_bytes(dump_tables(hot))


def build_sqlite(path: Path, device: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO records VALUES (?, ?)",
        ((r["id"], json.dumps(r, ensure_ascii=False)) for r in make_records(SQLITE_ROWS, device)),
    )
    db.execute("COMMIT")
    return db


def measure_unsent(work: Path, unsent: list[int], saves: int, device: str) -> dict[str, list]:
    """Round-robin: a gridterm save at each unsent count, an SQLite commit, an atomic write."""
    for n in unsent:
        build_unsent(work / f"unsent-{n}", n, device)
    db = build_sqlite(work / "sqlite.db", device)
    os.sync()
    stores = {n: Store.open(work / f"unsent-{n}") for n in unsent}
    samples: dict[str, list] = {
        **{f"gridterm {n:,}": [] for n in unsent},
        "sqlite": [],
        "atomic": [],
    }
    page = os.urandom(4096)
    for i in range(saves):
        data = dict(REPORT, description=f"{REPORT['description']} #{i}")
        for n in unsent:
            start = time.perf_counter()
            rec = stores[n].create("report", data)
            samples[f"gridterm {n:,}"].append(time.perf_counter() - start)
        body = json.dumps(dict(rec, id=str(uuid.uuid4())), ensure_ascii=False)
        start = time.perf_counter()
        db.execute("INSERT INTO records VALUES (?, ?)", (str(uuid.uuid4()), body))
        samples["sqlite"].append(time.perf_counter() - start)  # autocommit: one durable commit
        start = time.perf_counter()
        atomic_write(work / "atomic-4k.bin", page)
        samples["atomic"].append(time.perf_counter() - start)
    for n in unsent:
        assert len(stores[n].outbox()) == n + saves
        stores[n].close()
    db.close()
    return samples


def report_unsent(samples: dict[str, list], unsent: list[int]) -> list[tuple[str, str, bool]]:
    print()
    print(f"{'one save':>24} | {'median':>9} | {'/ sqlite':>8} | {'/ atomic 4 KB':>13}")
    print("-" * 64)
    sqlite_ms, atomic_ms = median_ms(samples["sqlite"]), median_ms(samples["atomic"])
    for name, label in [
        *((f"gridterm {n:,}", f"gridterm, {n:,} unsent") for n in unsent),
        ("sqlite", f"sqlite3 ({SQLITE_ROWS:,} rows)"),
        ("atomic", "atomic 4 KB write"),
    ]:
        ms = median_ms(samples[name])
        print(f"{label:>24} | {ms:>6.2f} ms | {ms / sqlite_ms:>7.2f}x | {ms / atomic_ms:>12.2f}x")
    print()
    lo, hi = (
        median_ms(samples[f"gridterm {unsent[0]:,}"]),
        median_ms(samples[f"gridterm {unsent[-1]:,}"]),
    )
    return [
        (
            f"save at {unsent[-1]:,} unsent / at {unsent[0]:,} = {hi / lo:.2f}x",
            "<= 1.5x",
            hi / lo <= 1.5,
        ),
        (
            f"save at {unsent[-1]:,} unsent / sqlite3 commit = {hi / sqlite_ms:.2f}x",
            "<= 3x",
            hi / sqlite_ms <= 3,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000,100000")
    parser.add_argument("--saves", type=int, default=40, help="gridterm saves per size")
    parser.add_argument("--opens", type=int, default=25, help="open + outbox samples per size")
    parser.add_argument("--unsent", default="0,2000,10000", help="unsent records in the hot set")
    parser.add_argument("--dir", help="work folder (default: a temporary one, removed after)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    unsent = [int(s) for s in args.unsent.split(",")]
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

        print(f"building hot sets of {args.unsent} unsent records and sqlite3 …", flush=True)
        unsent_samples = measure_unsent(work, unsent, args.saves, device)
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
    checks += report_unsent(unsent_samples, unsent)
    for text, target, ok in checks:
        print(f"{text:<55} target {target:<8} {'met' if ok else 'NOT MET'}")
    return 0 if all(ok for *_, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
