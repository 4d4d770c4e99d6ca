"""A county on one service: 20 townships × 50 officers' devices pushing and pulling at once.

    GRIDTERM_TEST_PG=postgresql+psycopg://postgres@127.0.0.1:55432/DB \\
        python benchmarks/county_load.py [--townships 20] [--devices 50] [--rounds 3]
            [--batch 5] [--workers 4] [--clients 40]

Loopback only and bounded (issue 15): a fresh schema in ``GRIDTERM_TEST_PG`` (dropped after),
one county of ``--townships`` townships with ``--devices`` enrolled devices each (made before
the clock starts), then ``gridterm serve --workers N`` on 127.0.0.1.  Every device does
``--rounds`` rounds of: push ``--batch`` new reports (a fifth of them red: urgent safety
matters, so the tier rules and the county's records are in play), then pull from its
cursor.  ``--clients`` threads share the devices (each request pre-encoded).  Prints records
per second (pushed records over the wall time of the whole run), the p50/p99 latency of the
pushes, of the pulls and of all requests, the errors (any answer but 200, or no answer), and
what the county's summary took afterwards over all those records.  Target: 0 errors, p99 < 1 s.
Without ``GRIDTERM_TEST_PG`` it runs on SQLite (one file; not what a county should run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gridterm.core import model  # noqa: E402
from gridterm.township import db  # noqa: E402
from gridterm.township.migrations import upgrade  # noqa: E402
from gridterm.township.services import admin, enrollment  # noqa: E402
from gridterm.township.services import county as county_service  # noqa: E402
from tests.helpers.service import fresh_database, serve_process  # noqa: E402

TIMEOUT = 60.0  # seconds a request may take before it counts as an error


@dataclass
class Device:
    device_id: str
    token: str
    cursor: int = 0


@dataclass
class Tally:
    push: list[float] = field(default_factory=list)
    pull: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stored: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def setup(url: str, townships: int, devices: int) -> tuple[list[Device], str]:
    """The county, its townships, grids, officers and enrolled devices; the county staff's
    token.  Written straight to the database: enrolling is not what is measured."""
    engine = db.make_engine(url)
    upgrade(engine)
    out: list[Device] = []
    with db.write_session(db.session_factory(engine)) as s:
        county = county_service.add_county(s, "基准县")
        staff_token, _ = county_service.add_staff(s, county.id, "县综治中心")
        for t in range(townships):
            town = admin.add_township(s, f"基准{t:02d}镇")
            county_service.set_township_county(s, town.id, county.id)
            for d in range(devices):
                grid = admin.add_grid(s, town.id, f"{t:02d}镇{d:02d}网格")
                grid.village = f"{t:02d}镇{d % 10}村"
                officer = admin.add_officer(s, grid.id, f"网格员{t:02d}{d:02d}")
                code, _ = admin.issue_code(s, officer.id)
                done = enrollment.enroll(s, code, "bench")
                out.append(Device(done.device_id, done.token))
    engine.dispose()
    return out, staff_token


def body(device: Device, round_no: int, batch: int) -> bytes:
    records = []
    for i in range(batch):
        red = (round_no * batch + i) % 5 == 0
        data = {
            "category": "safety" if red else "sanitation",
            "urgency": "urgent" if red else "normal",
            "place": f"{i}组村道",
            "description": f"第{round_no}轮第{i}条：路灯损坏，夜间行人不便。",
            "raised_by": f"居民{uuid.uuid4().hex[:6]}",
        }
        records.append(model.new_record("report", data, device=device.device_id))
    return json.dumps({"records": records}, ensure_ascii=False).encode()


def one_device(base: str, device: Device, bodies: list[bytes], tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {device.token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, headers=headers, timeout=TIMEOUT) as client:
        for payload in bodies:
            _push(client, payload, tally)
            _pull(client, device, tally)


def _push(client: httpx.Client, payload: bytes, tally: Tally) -> None:
    start = time.perf_counter()
    try:
        r = client.post(
            "/api/v1/sync/push", content=payload, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        took = time.perf_counter() - start
        stored = sum(x["result"] == "stored" for x in r.json()["results"]) if r.is_success else 0
        error = None if r.status_code == 200 else f"push {r.status_code}: {r.text[:200]}"
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        took, stored, error = time.perf_counter() - start, 0, f"push {type(exc).__name__}"
    with tally.lock:
        tally.push.append(took)
        tally.stored += stored
        if error:
            tally.errors.append(error)


def _pull(client: httpx.Client, device: Device, tally: Tally) -> None:
    start = time.perf_counter()
    error = None
    try:
        r = client.get("/api/v1/sync/pull", params={"cursor": device.cursor})
        if r.status_code == 200:
            device.cursor = r.json()["cursor"]
        else:
            error = f"pull {r.status_code}: {r.text[:200]}"
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        error = f"pull {type(exc).__name__}"
    took = time.perf_counter() - start
    with tally.lock:
        tally.pull.append(took)
        if error:
            tally.errors.append(error)


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(args: argparse.Namespace, kind: str) -> int:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, tmp) as url:
        devices, staff_token = setup(url, args.townships, args.devices)
        work = [(dev, [body(dev, r, args.batch) for r in range(args.rounds)]) for dev in devices]
        env = {"GRIDTERM_DATA_DIR": tmp}
        with serve_process(url, workers=args.workers, env=env) as base:
            tally = Tally()
            start = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                jobs = [pool.submit(one_device, base, d, b, tally) for d, b in work]
                for job in jobs:
                    job.result()
            wall = time.perf_counter() - start
            summary_s = _summary(base, staff_token)
    expected = len(devices) * args.rounds * args.batch
    every = tally.push + tally.pull
    print(
        f"{kind}: {args.townships} townships × {args.devices} devices, {args.rounds} rounds of"
        f" push {args.batch} + pull, {args.workers} workers, {args.clients} client threads"
    )
    print(
        f"  {tally.stored} of {expected} records stored in {wall:.1f} s ="
        f" {tally.stored / wall:.0f} records/s; {len(every)} requests = {len(every) / wall:.0f}/s"
    )
    for name, values in (("push", tally.push), ("pull", tally.pull), ("all", every)):
        print(
            f"  {name:4} p50 {quantile(values, 0.5) * 1000:7.0f} ms"
            f"  p99 {quantile(values, 0.99) * 1000:7.0f} ms"
            f"  max {max(values, default=0) * 1000:7.0f} ms"
        )
    print(
        f"  errors: {len(tally.errors)}" + (f" (first: {tally.errors[0]})" if tally.errors else "")
    )
    print(f"  the county's summary over {tally.stored} records afterwards: {summary_s:.2f} s")
    ok = not tally.errors and tally.stored == expected and quantile(every, 0.99) < 1.0
    print(f"  target (0 errors, p99 < 1 s): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def _summary(base: str, token: str) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=TIMEOUT) as client:
        start = time.perf_counter()
        r = client.get("/api/v1/staff/summary")
        r.raise_for_status()
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--devices", type=int, default=50, help="devices per township")
    parser.add_argument("--rounds", type=int, default=3, help="push + pull rounds per device")
    parser.add_argument("--batch", type=int, default=5, help="records per push")
    parser.add_argument("--workers", type=int, default=4, help="service processes")
    parser.add_argument("--clients", type=int, default=40, help="client threads")
    args = parser.parse_args()
    for name in ("townships", "devices", "rounds", "batch", "workers", "clients"):
        if not 1 <= getattr(args, name) <= 1000:
            parser.error(f"--{name} must be 1..1000 (the run is bounded)")
    kind = "pg" if os.environ.get("GRIDTERM_TEST_PG") else "sqlite"
    sys.exit(run(args, kind))


if __name__ == "__main__":
    main()
