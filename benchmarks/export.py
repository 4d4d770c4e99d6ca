"""Export 100,000 records through the real township service: first byte, time, peak memory.

    python benchmarks/export.py [--records 100000] [--formats xlsx,csv,jsonl] [--no-verify]

Seeds a fresh database (SQLite in a temp folder, or a fresh schema in ``GRIDTERM_TEST_PG``
with ``--pg``) with one township, one grid and N records of all four kinds (visits made at
the households, some reports raised on visits, so the export looks names up as it goes),
starts ``gridterm serve`` in a subprocess on 127.0.0.1, and downloads
``GET /api/v1/staff/export`` with a staff token.  For each format it prints the time to the
first byte and to the last, the file size, and the service process's resident-set high-water
mark (``VmHWM`` in /proc/PID/status); the ratios are of figures measured in this one run.
Targets (issue 11): the first byte within 2 s and the service under 300 MB for 100,000 records.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gridterm.township import db  # noqa: E402
from gridterm.township.migrations import upgrade  # noqa: E402
from gridterm.township.services import admin  # noqa: E402
from tests.helpers.service import fresh_database  # noqa: E402

LIMIT_MB = 300
FIRST_BYTE_S = 2.0


def record_id(i: int) -> str:
    return str(uuid.UUID(int=i + 1, version=4))


def record_row(i: int, ids: dict, now: dt.datetime) -> dict:
    kind = ("report", "household", "visit", "case")[i % 4]
    if kind == "report":
        data = {
            "category": ("safety", "sanitation", "dispute")[i % 3],
            "urgency": ("normal", "urgent", "important")[i % 3],
            "place": f"{i % 40}组村道旁第{i % 17}户门前",
            "description": f"路灯损坏第{i}处，夜间行人不便，老人出行有摔倒风险，请尽快安排维修。",
            "raised_by": "张三明",
        }
        if i % 8 == 0 and i >= 2:
            data["links"] = {"visit": record_id(i - 2)}
    elif kind == "household":
        data = {
            "village": f"石桥{i % 7}村",
            "group": f"{i % 12}组",
            "number": str(i),
            "head": "王大山",
            "phone": "13800138000",
            "tags": ["dibao", "living_alone_elder"] if i % 3 == 0 else [],
            "members": [
                {"name": "王大山", "relation": "户主", "phone": "13800138000"},
                {"name": "李秀英", "relation": "配偶"},
            ],
        }
    elif kind == "visit":
        data = {
            "household_id": record_id(i - 1),
            "template_id": "safety",
            "template_version": 1,
            "answers": {"gas_alarm": "none", "wiring_sound": True, "ebike_charging": "indoor"},
            "flagged": ["gas_alarm", "ebike_charging"],
            "notes": "燃气报警器未安装，已告知住户尽快安装。",
        }
    else:
        data = {
            "parties": [
                {"name": "赵小红", "phone": "13900139000", "role": "applicant"},
                {"name": "钱大伟", "role": "respondent"},
            ],
            "mediators": [{"id": record_id(-1), "name": "周德明", "standing": "xiangxian"}],
            "dispute_type": "neighbour",
            "source": "party_applied",
            "summary": f"宅前排水沟堵塞引起邻里争执（第{i}件），双方同意调解。",
        }
    created = now - dt.timedelta(minutes=i)
    return {
        "id": record_id(i),
        "kind": kind,
        "rev": 1,
        "township_id": ids["township"],
        "grid_id": ids["grid"],
        "officer_id": ids["officer"],
        "device_id": "bench-device",
        "data": data,
        "receipts": [],
        "created_at": created,
        "updated_at": created,
        "received_at": now,
        "status": "reported",
        "seq": 0,
        "village": data.get("village", ""),
        "category": data.get("category", data.get("dispute_type", "")),
        "urgency": data.get("urgency", ""),
        "search": json.dumps(data, ensure_ascii=False)[:500],
    }


def seed(url: str, n: int) -> str:
    engine = db.make_engine(url)
    upgrade(engine)
    sessions = db.session_factory(engine)
    with db.write_session(sessions) as s:
        township = admin.add_township(s, "基准镇")
        grid = admin.add_grid(s, township.id, "基准网格")
        officer = admin.add_officer(s, grid.id, "王网格")
        token, _ = admin.add_staff(s, township.id, "基准干部")
        ids = {"township": township.id, "grid": grid.id, "officer": officer.id}
    now = db.utcnow()
    chunk = 5000
    for start in range(0, n, chunk):
        with db.write_session(sessions) as s:
            rows = [record_row(i, ids, now) for i in range(start, min(n, start + chunk))]
            s.execute(insert(db.Record), rows)
    engine.dispose()
    return token


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(url: str):
    port = free_port()
    env = {**os.environ, "GRIDTERM_LANG": "en"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridterm", "serve", "--db", url, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # wait for the service to answer (the condition, not a fixed sleep)
            if proc.poll() is not None:
                raise SystemExit(f"service exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield proc, base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--formats", default="xlsx")
    parser.add_argument("--pg", action="store_true", help="use GRIDTERM_TEST_PG")
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args()
    kind = "pg" if args.pg else "sqlite"
    if kind == "pg" and not os.environ.get("GRIDTERM_TEST_PG"):
        raise SystemExit("--pg needs GRIDTERM_TEST_PG")
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, tmp) as url:
        t0 = time.perf_counter()
        token = seed(url, args.records)
        print(
            f"engine: {kind}; seeded {args.records:,} records in {time.perf_counter() - t0:.1f} s"
        )
        with serve(url) as (proc, base):
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                assert client.get("/api/v1/staff/records", params={"limit": 1}).status_code == 200
                idle = vm_hwm_mb(proc.pid)
                print(f"service VmHWM after start and one list request: {idle:.1f} MB")
                worst = idle
                timings: dict[str, float] = {}
                firsts: dict[str, float] = {}
                for fmt in args.formats.split(","):
                    out = Path(tmp) / f"export.{fmt}"
                    t0 = time.perf_counter()
                    with (
                        client.stream("GET", "/api/v1/staff/export", params={"format": fmt}) as r,
                        out.open("wb") as fh,
                    ):
                        r.raise_for_status()
                        first = None
                        for block in r.iter_bytes():
                            if first is None:
                                first = time.perf_counter() - t0
                            fh.write(block)
                    took = time.perf_counter() - t0
                    timings[fmt] = took
                    peak = vm_hwm_mb(proc.pid)
                    worst = max(worst, peak)
                    size = out.stat().st_size / 1024 / 1024
                    print(
                        f"{fmt:5}: {args.records:,} records, {size:.1f} MB file, {took:.1f} s "
                        f"({args.records / took:,.0f} records/s); first byte after {first:.2f} s "
                        f"({first / took:.3f} of the whole); service VmHWM {peak:.1f} MB"
                    )
                    firsts[fmt] = first
                    if fmt == "xlsx" and not args.no_verify:
                        import openpyxl

                        book = openpyxl.load_workbook(out, read_only=True)
                        rows = sum(
                            sum(1 for _ in sheet.iter_rows(values_only=True)) - 1 for sheet in book
                        )
                        book.close()
                        print(f"xlsx : verified {rows:,} data rows in sheets {book.sheetnames}")
                        assert rows == args.records, rows
                print(
                    f"ratio: service peak / idle {worst / idle:.2f}x "
                    f"(+{worst - idle:.1f} MB while exporting {args.records:,} records)"
                )
                if len(timings) > 1:
                    base_fmt = min(timings, key=timings.get)
                    for fmt, took in timings.items():
                        print(f"ratio: {fmt} takes {took / timings[base_fmt]:.2f}x {base_fmt}")
        verdict = "OK" if worst < LIMIT_MB else "OVER"
        print(f"peak service memory {worst:.1f} MB vs limit {LIMIT_MB} MB: {verdict}")
        slow = {f: s for f, s in firsts.items() if s > FIRST_BYTE_S}
        for fmt, first in firsts.items():
            print(
                f"first byte {fmt}: {first:.2f} s vs target {FIRST_BYTE_S:.0f} s: "
                + ("OK" if fmt not in slow else "OVER")
            )
        return 0 if worst < LIMIT_MB and not slow else 1


if __name__ == "__main__":
    raise SystemExit(main())
