"""`gridterm sync` SIGKILLed at random moments while it pushes: nothing lost, nothing doubled."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from gridterm.core.store import Store
from tests.helpers.service import fresh_database, start_service
from tests.sync.conftest import report_data
from tests.sync.live import enroll_store, service_rows

RECORDS = 3000
EDITS = 1500
KILLS = 8


def revs_held(service) -> int:
    from sqlalchemy import func, select

    from gridterm.township import db

    with service.sessions() as session:
        return session.execute(select(func.count()).select_from(db.RecordRev)).scalar_one()


def pushing_started(service, before: int, proc: subprocess.Popen) -> bool:
    """Poll the service until it holds a rev this run sent (True) or the run ended (False)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if revs_held(service) > before:
            return True
        time.sleep(0.005)  # polling another process's progress, not waiting out a guess
    return False


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("township"))
    with fresh_database("sqlite", folder) as url, start_service(url) as svc:
        yield svc


def gridterm_sync(data: str) -> subprocess.Popen:
    env = {**os.environ, "GRIDTERM_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-m", "gridterm", "--data-dir", data, "sync", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.timeout(150)
def test_sync_killed_while_pushing_loses_and_doubles_nothing(service, tmp_path):
    rng = random.Random(5)
    data = str(tmp_path / "dev")
    with enroll_store(service, data) as store:
        grid_id = store.meta_get("enrollment")["grid"]["id"]
        with store.batch():  # build the queue in one write
            ids = [store.create("report", report_data(i))["id"] for i in range(RECORDS)]

    killed = 0
    for _ in range(KILLS):
        before = revs_held(service)
        proc = gridterm_sync(data)
        try:
            # Kill while it pushes: once the service has taken a batch of this run, at a
            # random moment within the next few batches.
            if pushing_started(service, before, proc):
                proc.wait(timeout=rng.uniform(0.0, 0.4))
            else:
                proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed += 1
        else:
            assert proc.returncode == 0, proc.stderr.read().decode()
        proc.stdout.close()
        proc.stderr.close()
        # After every kill the store opens cleanly, holds every record, and the service has
        # no rev twice; then the officer edits many records, so the next run has a long push.
        with Store.open(data) as store:
            assert {r["id"] for r in store.query(kind="report")} == set(ids)
            with store.batch():
                for rid in rng.sample(ids, EDITS):
                    store.update(rid, data=report_data(0, f"edit {rng.random()}"))
        _, history = service_rows(service, grid_id)
        assert not history or max(history.values()) == 1
    assert killed >= KILLS // 2, "the kills did not land while pushing"

    proc = gridterm_sync(data)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    with Store.open(data) as store:
        assert store.outbox() == []
        latest = {rid: store.get(rid)["rev"] for rid in ids}
    held, history = service_rows(service, grid_id)
    assert held == latest
    assert max(history.values()) == 1
    assert all(history[(rid, rev)] == 1 for rid, rev in latest.items())
