"""Sync end to end: `gridterm sync` pushing a big queue, and a cold full pull.

    python benchmarks/sync.py [--records 10000] [--pull-households 15000]

Starts ``gridterm serve`` (SQLite, a temporary file) in a subprocess on 127.0.0.1, enrolls a
device, queues ``--records`` records in its store (half households, half reports), and times
``gridterm sync`` (a subprocess, as from cron) pushing them all: records per second.

Then the township imports ``--pull-households`` households into the grid (the roster import)
and gives every pushed record a state and feedback (the staff API's bulk transition), and a
freshly enrolled second device in the same grid times ``gridterm sync`` pulling everything
from cursor 0 (households + states): seconds.  Last, the first device re-pulls from cursor 0
(as after a 410), applying the states to the records it holds.

Targets on the 2-core reference machine: >= 1,500 records/s pushed; the 20,000-record cold
pull in <= 10 s.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gridterm.client import sync  # noqa: E402
from gridterm.core.store import Store  # noqa: E402
from gridterm.township import db  # noqa: E402
from gridterm.township.services import admin  # noqa: E402
from gridterm.township.services.roster import import_households  # noqa: E402
from tests.helpers.service import free_socket  # noqa: E402

PUSH_TARGET = 1500.0
PULL_TARGET = 10.0


@contextlib.contextmanager
def served(db_url: str):
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridterm", "serve", "--db", db_url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.05)  # a separate process: nothing to await but its port
        else:
            raise RuntimeError("the service did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def write(db_url: str, fn):
    engine = db.make_engine(db_url)
    try:
        with db.write_session(db.session_factory(engine)) as session:
            return fn(session)
    finally:
        engine.dispose()


def record_data(i: int) -> tuple[str, dict]:
    if i % 2:
        return "report", {
            "category": "safety",
            "urgency": "normal",
            "place": f"{i % 40}组村道",
            "description": f"路灯损坏第{i}处，夜间行人不便，请尽快维修。",
        }
    return "household", {
        "village": f"石桥{i % 7}村",
        "group": f"{i % 12}组",
        "number": str(i),
        "head": "张三丰",
        "phone": "13800138000",
    }


def gridterm_sync(data_dir: Path) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "gridterm", "--data-dir", str(data_dir), "sync"],
        capture_output=True,
        text=True,
        env={**os.environ, "GRIDTERM_LANG": "en"},
    )
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"gridterm sync exited {out.returncode}: {out.stderr}")
    return seconds, out.stdout.strip()


def enroll(db_url: str, url: str, grid_id: str, data_dir: Path, name: str) -> None:
    code = write(
        db_url,
        lambda s: admin.issue_code(s, admin.add_officer(s, grid_id, name).id)[0],
    )
    with Store.open(data_dir) as store:
        sync.enroll(store, url, code, name)


def raw_push_rate(db_url: str, url: str, township_id: str, n: int) -> float:
    """Records/s for bare HTTP pushes of ready-made bodies (no store), batches of 200."""
    import uuid

    from gridterm.core import model

    grid_id = write(db_url, lambda s: admin.add_grid(s, township_id, "对照网格").id)
    code = write(db_url, lambda s: admin.issue_code(s, admin.add_officer(s, grid_id, "对照").id)[0])
    enrolled = httpx.post(f"{url}/api/v1/enroll", json={"code": code, "device_name": "raw"}).json()
    wires = [
        model.canonical_json(
            model.wire_form(model.new_record(*record_data(i), device=enrolled["device_id"]))
        )
        for i in range(n)
    ]
    headers = {"Authorization": f"Bearer {enrolled['token']}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        started = time.perf_counter()
        for i in range(0, n, 200):
            client.post(
                "/api/v1/sync/push",
                content=b'{"records":[' + b",".join(wires[i : i + 200]) + b"]}",
                headers={"Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"},
            ).raise_for_status()
        return n / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--pull-households", type=int, default=15_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gridterm-bench-") as tmp:
        tmp = Path(tmp)
        db_url = f"sqlite:///{tmp / 'township.db'}"
        with served(db_url) as url:
            township_id, grid_id = write(
                db_url,
                lambda s: (lambda t: (t.id, admin.add_grid(s, t.id, "一网格").id))(
                    admin.add_township(s, "青山镇")
                ),
            )
            staff_token = write(db_url, lambda s: admin.add_staff(s, township_id, "李干部")[0])

            # -- the service's own pace: pre-encoded batches straight over HTTP ----------
            raw_rate = raw_push_rate(db_url, url, township_id, args.records)

            # -- push ------------------------------------------------------------------
            first = tmp / "device1"
            enroll(db_url, url, grid_id, first, "王芳")
            with Store.open(first) as store, store.batch():  # build the queue fast
                for i in range(args.records):
                    store.create(*record_data(i))
            seconds, summary = gridterm_sync(first)
            rate = args.records / seconds
            with Store.open(first) as store:
                assert store.outbox() == [], "the queue did not drain"
                ids = [r["id"] for r in store.query(kind="report")]
            print(f"push: {args.records} records by `gridterm sync` in {seconds:.2f} s")
            print(
                f"      {rate:,.0f} records/s (target >= {PUSH_TARGET:,.0f}): "
                f"{'OK' if rate >= PUSH_TARGET else 'BELOW TARGET'}"
            )
            print(
                f"      the service alone took pre-encoded batches at {raw_rate:,.0f} records/s "
                f"in this run: `gridterm sync` reaches {rate / raw_rate:.0%} of that"
            )
            print(f"      {summary}")

            # -- the township: a roster import and a state for every report ------------
            roster_file = tmp / "roster.csv"
            with roster_file.open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(["村", "组", "门牌号", "户主", "电话"])
                for i in range(args.pull_households):
                    w.writerow([f"青山{i % 9}村", f"{i % 15}组", str(i), f"李{i}", "13900139000"])
            write(db_url, lambda s: import_households(s, grid_id, roster_file))
            with httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {staff_token}"}, timeout=120
            ) as staff:
                for start in range(0, len(ids), 500):
                    r = staff.post(
                        "/api/v1/staff/records/bulk-transition",
                        json={
                            "ids": ids[start : start + 500],
                            "to": "accepted",
                            "feedback": "已受理",
                            "public_reply": "已受理，正在处理",
                        },
                    )
                    r.raise_for_status()
            # The feed: a state for each report + the township's households.
            expected = args.pull_households + len(ids)

            # -- cold full pull on a fresh device ----------------------------------------
            second = tmp / "device2"
            enroll(db_url, url, grid_id, second, "赵敏")
            seconds, summary = gridterm_sync(second)
            with Store.open(second) as store:
                held = len(store.reference.households())
            print(
                f"cold pull: {expected} items (states + {held} households) "
                f"in {seconds:.2f} s (target <= {PULL_TARGET:.0f} s): "
                f"{'OK' if seconds <= PULL_TARGET else 'ABOVE TARGET'}"
            )
            print(f"      {summary}")

            # -- full re-pull on the first device, applying states to its records ---------
            with Store.open(first) as store:
                store.meta_set("cursor", 0)
            seconds, summary = gridterm_sync(first)
            with Store.open(first) as store:
                accepted = len(
                    [r for r in store.query(kind="report") if r.get("status") == "accepted"]
                )
            print(
                f"full re-pull on the pushing device: {seconds:.2f} s, "
                f"{accepted} reports now show the township's state"
            )
            print(f"      {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
