"""A training day: 200 devices enrolling at once, then pushing 50 records each.

    python benchmarks/enroll_burst.py [--devices 200] [--records 50] [--batch 10]

For SQLite (always; ``gridterm serve``, one process) and PostgreSQL (when ``GRIDTERM_TEST_PG``
names a database: a fresh schema, ``gridterm serve --workers 2``), this starts the real service
in a subprocess on 127.0.0.1, issues one enrollment code per officer, then lets every device
go at the same instant: enroll, then push its records in batches.  A device behaves as the
real client does: a 429 or 503 is retried after its ``Retry-After`` (counted as "refused,
retried"), within a deadline; whatever still failed is an error.  Bounded: every request has
a 60 s timeout and the whole run ``--deadline`` seconds.

Prints, per engine: enrolled, stored, errors, refusals, and p50/p99 of enrollment and push
latency (first try to final answer).  Target (issue 13): 200/200 enrolled,
10,000/10,000 stored, 0 errors, enrollment p99 < 2 s.  The ratio printed beside the figures
is one enrollment against one push of the same run (the machine is shared: absolute times
move, ratios less).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gridterm.core import model  # noqa: E402
from gridterm.township import db  # noqa: E402
from gridterm.township.migrations import upgrade  # noqa: E402
from gridterm.township.services import admin  # noqa: E402
from tests.helpers.service import fresh_database, serve_process  # noqa: E402

RETRY_CAP = 5.0  # seconds: the longest Retry-After a device honours (as gridterm.client does)


@dataclass
class Tally:
    enroll_times: list[float] = field(default_factory=list)
    push_times: list[float] = field(default_factory=list)
    enrolled: int = 0
    stored: int = 0
    errors: list[str] = field(default_factory=list)
    refused: int = 0  # 429/503 answers that were retried


def make_codes(url: str, devices: int) -> list[str]:
    """A township with ``devices`` officers over 10 grids, and one fresh code each."""
    engine = db.make_engine(url)
    upgrade(engine)
    codes = []
    with db.write_session(db.session_factory(engine)) as s:
        township = admin.add_township(s, "培训镇")
        grids = [admin.add_grid(s, township.id, f"网格{g}").id for g in range(10)]
        for i in range(devices):
            officer = admin.add_officer(s, grids[i % 10], f"网格员{i}")
            code, _ = admin.issue_code(s, officer.id)
            codes.append(code)
    engine.dispose()
    return codes


def records_for(n: int) -> list[dict]:
    """Made before the burst (validating records is the client's own CPU work, and would
    otherwise stall the event loop that times the requests); the device id goes in later."""
    data = {
        "category": "safety",
        "urgency": "normal",
        "place": "村道",
        "description": "路灯损坏，夜间行人不便，请尽快维修。",
    }
    return [model.new_record("report", dict(data), device="unknown") for _ in range(n)]


async def _send(client: httpx.AsyncClient, tally: Tally, deadline: float, **request) -> tuple:
    """One request as a device sends it: retried on 429/503 after Retry-After, on a transport
    error after a second; (response or None, seconds from first try to final answer)."""
    start = time.perf_counter()
    while True:
        try:
            response = await client.request(**request)
        except httpx.HTTPError as exc:
            if time.perf_counter() > deadline:
                return f"{type(exc).__name__}", time.perf_counter() - start
            await asyncio.sleep(1.0)
            continue
        if response.status_code in (429, 503) and time.perf_counter() < deadline:
            tally.refused += 1
            wait = float(response.headers.get("retry-after") or 1)
            await asyncio.sleep(min(RETRY_CAP, max(0.1, wait)))
            continue
        return response, time.perf_counter() - start


async def device(
    client: httpx.AsyncClient,
    code: str,
    records: list[dict],
    args: argparse.Namespace,
    tally: Tally,
    go: asyncio.Event,
) -> None:
    deadline = time.perf_counter() + args.deadline
    await go.wait()
    body = {"code": code, "device_name": "培训手机"}
    answer, took = await _send(
        client, tally, deadline, method="POST", url="/api/v1/enroll", json=body
    )
    if not isinstance(answer, httpx.Response) or answer.status_code != 200:
        status = answer if isinstance(answer, str) else answer.status_code
        tally.errors.append(f"enroll {status}")
        return
    tally.enroll_times.append(took)
    tally.enrolled += 1
    enrollment = answer.json()
    headers = {"Authorization": f"Bearer {enrollment['token']}", "Content-Type": "application/json"}
    records = [{**rec, "device": enrollment["device_id"]} for rec in records]
    for i in range(0, len(records), args.batch):
        content = json.dumps({"records": records[i : i + args.batch]}, ensure_ascii=False)
        answer, took = await _send(
            client,
            tally,
            deadline,
            method="POST",
            url="/api/v1/sync/push",
            content=content.encode(),
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        if not isinstance(answer, httpx.Response) or answer.status_code != 200:
            status = answer if isinstance(answer, str) else answer.status_code
            tally.errors.append(f"push {status}")
            continue
        tally.push_times.append(took)
        tally.stored += sum(r["result"] == "stored" for r in answer.json()["results"])


async def burst(base: str, codes: list[str], args: argparse.Namespace) -> Tally:
    tally = Tally()
    timeout = httpx.Timeout(60.0, connect=60.0, pool=60.0)
    # One client (one connection) per device, as on a real training day; one shared pool of
    # 200 connections would spend the client's CPU scanning itself (httpcore's pool is O(n)).
    clients = [httpx.AsyncClient(base_url=base, timeout=timeout) for _ in codes]
    try:
        go = asyncio.Event()
        tasks = [
            asyncio.create_task(device(client, code, records_for(args.records), args, tally, go))
            for client, code in zip(clients, codes, strict=True)
        ]
        await asyncio.sleep(0.5)  # every task is waiting on the event: then all go at once
        go.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=args.deadline + 120)
    finally:
        for client in clients:
            await client.aclose()
    return tally


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(kind: str, workers: int, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, tmp) as url:
        codes = make_codes(url, args.devices)
        with serve_process(url, workers=workers) as base:
            started = time.perf_counter()
            tally = asyncio.run(burst(base, codes, args))
            wall = time.perf_counter() - started
            report(kind, workers, args, tally, wall)


def report(kind: str, workers: int, args: argparse.Namespace, tally: Tally, wall: float) -> None:
    want = args.devices * args.records
    e50, e99 = pct(tally.enroll_times, 0.5), pct(tally.enroll_times, 0.99)
    p50, p99 = pct(tally.push_times, 0.5), pct(tally.push_times, 0.99)
    print(
        f"{kind:6} workers={workers}: enrolled {tally.enrolled}/{args.devices}"
        f" | stored {tally.stored}/{want} | errors {len(tally.errors)}"
        f" | refused+retried {tally.refused} | {wall:5.1f} s in all"
    )
    print(
        f"{'':6} enrollment p50 {e50:6.3f} s p99 {e99:6.3f} s"
        f" | push ({args.batch} records) p50 {p50:6.3f} s p99 {p99:6.3f} s"
        f" | enrollment p50 / push p50 = {e50 / p50 if p50 else float('nan'):4.2f}"
    )
    if tally.errors:
        common = statistics.multimode(tally.errors)
        print(f"{'':6} most common error: {common[0]} ({tally.errors.count(common[0])}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--records", type=int, default=50, help="records per device")
    parser.add_argument("--batch", type=int, default=10, help="records per push")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds per device")
    parser.add_argument("--sqlite-workers", type=int, default=1)
    parser.add_argument("--pg-workers", type=int, default=2)
    args = parser.parse_args()
    print(
        f"{args.devices} devices at once: enroll, then {args.records} records each"
        f" in pushes of {args.batch}; service in its own process on 127.0.0.1"
    )
    run("sqlite", args.sqlite_workers, args)
    if os.environ.get("GRIDTERM_TEST_PG"):
        run("pg", args.pg_workers, args)


if __name__ == "__main__":
    main()
