"""Rate limits shared across service processes (issue 15, item 5): two real ``gridterm serve``
processes on one database — as ``--workers N`` behind a proxy — limit each client address as
one service does.  With the old in-process buckets each process had a budget of its own, and
a client alternating between them got twice the budget.

Shapes: the resident page (budget 6, one more a minute) from one address alternating between
the processes, then 24 requests at once from another address spread over both (two processes
racing for the last token); wrong enrollment codes alternating between them (budget 10, one
more each 6 s).  Run on PostgreSQL, and on SQLite (one file, two processes) too."""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.helpers.service import serve_process

NUMBER = "0000000000" + "0"  # a well-formed receipt number nobody holds
BURST = 6
ENROLL_BURST, ENROLL_PER_SECOND = 10, 10 / 60  # the service's default enrollment budget


@contextlib.contextmanager
def two_processes(db_url: str, tmp_path):
    env = {
        "GRIDTERM_DATA_DIR": str(tmp_path),
        "GRIDTERM_PUBLIC_RATE": f"{BURST}/1",
        # As behind a proxy on this machine: X-Forwarded-For names the client.
        "GRIDTERM_FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    # One after the other: the first migrates the database, the second finds it ready.
    with serve_process(db_url, env=env) as first, serve_process(db_url, env=env) as second:
        yield first, second


def page(base: str, address: str) -> int:
    with httpx.Client(base_url=base, timeout=60) as client:
        return client.get(f"/r/{NUMBER}", headers={"X-Forwarded-For": address}).status_code


def test_the_resident_page_limit_holds_across_two_processes(fresh_db_url, tmp_path):
    with two_processes(fresh_db_url, tmp_path) as bases:
        # One address, each request to the other process.
        statuses = [page(bases[i % 2], "10.1.1.1") for i in range(2 * BURST + 2)]
        assert 429 not in statuses[:BURST], statuses
        assert statuses[BURST:] == [429] * (BURST + 2), statuses
        # Another address, all at once over both: exactly one budget gets through.
        with ThreadPoolExecutor(8) as pool:
            burst = list(pool.map(lambda i: page(bases[i % 2], "10.2.2.2"), range(24)))
        assert sum(s != 429 for s in burst) == BURST, burst
        # A third address is a client of its own, on either process.
        assert page(bases[1], "10.3.3.3") != 429


def test_wrong_enrollment_codes_are_counted_across_two_processes(fresh_db_url, tmp_path):
    with two_processes(fresh_db_url, tmp_path) as bases:
        statuses = []
        started = time.monotonic()
        for i in range(2 * ENROLL_BURST):
            with httpx.Client(base_url=bases[i % 2], timeout=60) as client:
                r = client.post(
                    "/api/v1/enroll",
                    json={"code": f"WRONG{i:04d}", "device_name": "测试手机"},
                    headers={"X-Forwarded-For": "10.4.4.4"},
                )
            statuses.append(r.status_code)
        elapsed = time.monotonic() - started
    refused = [s for s in statuses if s != 429]
    assert all(400 <= s < 500 for s in statuses), statuses
    # One budget between both (plus what refilled while the test ran), not one each.
    assert ENROLL_BURST <= len(refused) <= ENROLL_BURST + int(elapsed * ENROLL_PER_SECOND)
    assert statuses[-1] == 429, statuses
