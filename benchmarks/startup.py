"""Start-up of the officer's app with 50,000 records on the device, against a bare Textual app
(Header, DataTable, Footer) — time from process start to the first screen ready, and peak
memory — plus search as you type over 5,000 households.

    python benchmarks/startup.py [--records 50000] [--households 5000] [--runs 5] [--dir DIR]

Each sample is a fresh process (``python -c …``) started by this script; the time runs from
just before the process is started to the moment the app's first screen has been drawn
(headless, 80×24; measured the same way in both: right after the first refresh).  For gridterm that is Home with its header; Home's lists are filled by a
worker reading the archive, timed separately ("Home filled").  Peak memory is the child's
peak resident size (VmHWM) when it exits, once Home is filled and the background sync is
loaded.  The bare app and gridterm alternate, so
a busy machine slows both alike; medians are printed with the ratios.  Targets: at most 1.5×
the time and 1.5× the memory of the bare app; search ≤ 50 ms per keystroke.

The store is built by writing its files directly, as a device holds them after months of
work: the live items (outbox and open cases) in the hot file, the rest synced, closed and in
archive shards.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from gridterm.core import model
from gridterm.core.checklists import builtin_templates
from gridterm.core.demo_data import household_data
from gridterm.core.store import (
    ARCHIVE_DIR,
    HOT,
    HOUSEHOLD_SHARD,
    INDEX,
    SCHEMA_VERSION,
    dump_tables,
)

TODAY = date(2026, 11, 25)
LIVE = 200

BARE = r"""
import sys, time

def HWM():
    # The peak resident size of this process (VmHWM; ru_maxrss would include the parent's).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        self.query_one(DataTable).add_columns("a", "b", "c")
        self.call_after_refresh(self.drawn)

    def drawn(self):
        now = time.time()
        sys.stdout.write(f"ready {now!r}\nfilled {now!r}\n")
        self.exit()

Bare().run(headless=True, size=(80, 24))
print("rss", HWM(), flush=True)
"""

GRIDTERM = r"""
import sys, time

def HWM():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

from pathlib import Path
from gridterm.core.i18n import set_language
set_language("zh_CN")
import gridterm.ui.officer.app
from gridterm.ui.officer.app import GridtermApp
from gridterm.core.store import Store

class Timed(GridtermApp):
    CSS_PATH = str(Path(gridterm.ui.officer.app.__file__).with_name("app.tcss"))

    def on_mount(self):
        self.call_after_refresh(self.drawn)

    def drawn(self):
        sys.stdout.write(f"ready {time.time()!r}\n")
        self.set_interval(0.005, self.filled)

    def filled(self):
        if self.filled_at is None and getattr(self.screen, "summary", None) is not None:
            self.filled_at = time.time()
            sys.stdout.write(f"filled {self.filled_at!r}\n")
        # Peak memory counts the background sync too (it is loaded a second after start).
        if self.filled_at is not None and self.sync_worker is not None:
            self.exit()

    filled_at = None

store = Store.open(sys.argv[1])
Timed(store).run(headless=True, size=(80, 24))
store.close()
print("rss", HWM(), flush=True)
"""


def _stamp(day: date, i: int) -> str:
    return f"{day.isoformat()}T{8 + i % 10:02d}:{i % 60:02d}:00+08:00"


def build_records(total: int, households: int, device: str) -> list[dict]:
    rng = random.Random(7)
    templates = builtin_templates()
    records: list[dict] = []
    base_day = TODAY - timedelta(days=730)
    homes = []
    for i in range(households):
        data = household_data(rng, TODAY, i)
        rec = model.new_record("household", data, device=device, now=_stamp(base_day, i))
        homes.append(rec)
        records.append(rec)
    others = total - households
    for i in range(others):
        day = base_day + timedelta(days=i * 730 // max(others, 1))
        stamp = _stamp(day, i)
        if i % 10 < 8:
            template = templates[i % len(templates)]
            data = {
                "household_id": homes[i % len(homes)]["id"],
                "template_id": template["id"],
                "template_version": template["version"],
                "answers": {item["key"]: True for item in template["items"][:6]},
                "visited_at": stamp,
            }
            kind = "visit"
        elif i % 10 == 8:
            data = {
                "category": "safety",
                "urgency": "normal",
                "place": f"东河村{i % 8 + 1}组{i % 40 + 1}号",
                "description": "楼道内电动车飞线充电，已当场劝导，请社区跟进。",
                "occurred_at": stamp,
            }
            kind = "report"
        else:
            member = homes[i % len(homes)]["data"]["members"][0]
            other = homes[(i + 1) % len(homes)]["data"]["members"][0]
            data = {
                "parties": [
                    {"name": member["name"], "id_number": member["id_number"]},
                    {"name": other["name"], "id_number": other["id_number"]},
                ],
                "dispute_type": "neighbour",
                "source": "party_applied",
                "summary": "两家因院墙滴水和排水沟走向发生争执。",
                "outcome": "success",
                "closed_at": stamp,
            }
            kind = "case"
        records.append(model.new_record(kind, data, device=device, now=stamp))
    return records


def build_store(folder: Path, records: list[dict], device: str) -> None:
    folder.mkdir(parents=True, mode=0o700)
    archive = folder / ARCHIVE_DIR
    archive.mkdir(mode=0o700)
    live, archived = records[-LIVE:], records[:-LIVE]
    shards: dict[str, dict] = {}
    index: dict[str, str] = {}
    for n, rec in enumerate(records):
        synced = rec in archived or n % 3 == 0
        rec["synced_rev"] = rec["rev"] if synced else 0
        rec["sync_error"] = None
        rec["sync_state"] = "sent" if synced else "unsent"
        if rec["kind"] == "report" and synced:
            rec.update(status="done", seq=n + 1, status_at=rec["created_at"])
        rec["_wire"] = model.canonical_json(model.wire_form(rec)).decode("utf-8")
    for rec in archived:
        name = HOUSEHOLD_SHARD if rec["kind"] == "household" else rec["created_at"][:7]
        shards.setdefault(name, {})[rec["id"]] = rec
        index[rec["id"]] = name
    for name, recs in shards.items():
        (archive / f"{name}.json").write_bytes(dump_tables({"records": recs}))
    (archive / INDEX).write_bytes(dump_tables({"index": index}))
    meta = {
        "schema_version": {"value": SCHEMA_VERSION},
        "device_id": {"value": device},
        "last_sync_ok": {"value": "2026-11-25T08:05:00+08:00"},
    }
    hot = {"meta": meta, "records": {r["id"]: r for r in live}, "drafts": {}, "roster": {}}
    (folder / HOT).write_bytes(dump_tables(hot))


def sample(code: str, *args: str) -> tuple[float, float, int]:
    env = dict(os.environ, GRIDTERM_LANG="zh_CN")
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    ).stdout
    values = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    return float(values["ready"]) - start, float(values["filled"]) - start, int(values["rss"])


def search_timing(households: int) -> tuple[float, float, float]:
    """ms per keystroke: the index alone; then through the Households screen (index, table
    refilled, screen redrawn), as CPU time of this process and as wall time (the wall time
    includes Pilot's own waiting and whatever else the machine is doing)."""
    import asyncio

    from gridterm.core.households import HouseholdIndex

    rng = random.Random(3)
    records = [
        {"id": str(uuid.uuid4()), "data": household_data(rng, TODAY, i)} for i in range(households)
    ]
    index = HouseholdIndex(records)
    queries = [
        "王",
        "王建",
        "东",
        "东河",
        "东河村",
        "东河村 3",
        "独",
        "独居",
        "1",
        "12",
        "123",
        "123X",
    ]
    t0 = time.perf_counter()
    for query in queries * 5:
        index.search(query, limit=25)
    index_ms = (time.perf_counter() - t0) * 1000 / (len(queries) * 5)

    from gridterm.ui.officer.screens.households import HouseholdsScreen

    cpu_ms: list[float] = []
    wall_ms: list[float] = []

    async def run() -> None:
        from gridterm.core.store import Store
        from gridterm.ui.officer.app import GridtermApp

        folder = Path(tempfile.mkdtemp(prefix="gridterm-search-"))
        try:
            with Store.open(folder / "data") as store:
                app = GridtermApp(store)
                async with app.run_test(size=(80, 24)) as pilot:
                    await pilot.pause()
                    screen = HouseholdsScreen()
                    await app.push_screen(screen)
                    await pilot.pause()
                    screen._loaded({r["id"]: r for r in records}, HouseholdIndex(records))
                    await pilot.pause()
                    for query in queries * 2:
                        c, t = time.process_time(), time.perf_counter()
                        screen.show_results(query)
                        await pilot.pause()  # the table drawn
                        cpu_ms.append((time.process_time() - c) * 1000)
                        wall_ms.append((time.perf_counter() - t) * 1000)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    asyncio.run(run())
    return index_ms, statistics.median(cpu_ms), statistics.median(wall_ms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument(
        "--households", type=int, default=300, help="households in the store (a grid: 100-300)"
    )
    parser.add_argument("--search-households", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", help="work folder (default: a temporary one, removed after)")
    args = parser.parse_args(argv)
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="gridterm-startup-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "store"
    try:
        if not folder.exists():
            print(
                f"building a store of {args.records:,} records ({args.households:,} households) …"
            )
            device = str(uuid.uuid4())
            build_store(folder, build_records(args.records, args.households, device), device)
        bare, grid = [], []
        sample(BARE)  # warm the disk cache and byte-code for both
        sample(GRIDTERM, str(folder))
        for _ in range(args.runs):
            bare.append(sample(BARE))
            grid.append(sample(GRIDTERM, str(folder)))
        b_ready = statistics.median(s[0] for s in bare)
        g_ready = statistics.median(s[0] for s in grid)
        g_filled = statistics.median(s[1] for s in grid)
        b_rss = statistics.median(s[2] for s in bare) / 1024
        g_rss = statistics.median(s[2] for s in grid) / 1024
        print(
            f"bare Textual app (Header, DataTable, Footer): first screen {b_ready * 1000:.0f} ms, "
            f"peak memory {b_rss:.1f} MiB"
        )
        print(
            f"gridterm, {args.records:,} records: first screen {g_ready * 1000:.0f} ms, "
            f"Home filled {g_filled * 1000:.0f} ms, peak memory {g_rss:.1f} MiB"
        )
        print(f"ratio first screen  {g_ready / b_ready:.2f}x  (target <= 1.5x)")
        print(f"ratio Home filled   {g_filled / b_ready:.2f}x")
        print(f"ratio peak memory   {g_rss / b_rss:.2f}x  (target <= 1.5x)")
        index_ms, cpu_ms, wall_ms = search_timing(args.search_households)
        print(
            f"search as you type over {args.search_households:,} households, per keystroke: "
            f"index {index_ms:.1f} ms; index + table + redraw {cpu_ms:.1f} ms CPU, "
            f"{wall_ms:.1f} ms wall (target <= 50 ms)"
        )
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
