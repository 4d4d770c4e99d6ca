"""`gridterm sync` SIGKILLed again and again while it uploads photos (issue 16): each run
resumes where the service's copy ends; nothing is lost, nothing kept twice.

The kills land while a photo is on its way: the test watches the service's upload folder
and kills the process soon after it grew, at a random moment.  When the photos left grow
few, the officer attaches more (so every kill has an upload to land in).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridterm.core.attachments.content import Contents
from gridterm.core.store import Store
from tests.helpers.service import fresh_database, start_service
from tests.sync.live import enroll_store
from tests.sync.photos import MB, content_rows, held_content, reports_with_photos, same_bytes

KILLS = 20


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("township")


@pytest.fixture(scope="module")
def service(folder):
    with (
        fresh_database("sqlite", str(folder)) as url,
        start_service(url, attachments=str(folder / "attachments")) as svc,
    ):
        yield svc


def service_progress(folder: Path) -> tuple[int, int]:
    """(whole photos, bytes of uploads in progress) the service holds."""
    whole = sum(1 for p in (folder / "content").rglob("*") if p.is_file())
    partial = sum(p.stat().st_size for p in (folder / "staging").rglob("*.part"))
    return whole, partial


def upload_moved(folder: Path, before: tuple[int, int], proc: subprocess.Popen) -> bool:
    """Poll the service's folder until this run's upload shows (True) or the run ended."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if service_progress(folder) != before:
            return True
        time.sleep(0.002)  # polling another process's progress, not waiting out a guess
    return False


def gridterm_sync(data: str) -> subprocess.Popen:
    env = {**os.environ, "GRIDTERM_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-m", "gridterm", "--data-dir", data, "sync", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def photos_left(data: str) -> int:
    with Store.open(data) as store:
        contents = Contents(store.folder)
        return sum(p.size for p in contents.all_pending())


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_sync_killed_while_uploading_resumes_and_keeps_each_photo_once(service, folder, tmp_path):
    rng = random.Random(16)
    held_folder = folder / "attachments"
    data = str(tmp_path / "dev")
    with enroll_store(service, data) as store:
        photos = reports_with_photos(store, 4, 3, seed=1, low=2 * MB, high=3 * MB)
    killed = runs = 0
    while killed < KILLS:
        runs += 1
        assert runs < 120, f"only {killed} kills landed while uploading"
        if photos_left(data) < 8 * MB:
            with Store.open(data) as store:
                photos |= reports_with_photos(store, 2, 3, seed=runs + 1, low=2 * MB, high=3 * MB)
        before = service_progress(held_folder)
        proc = gridterm_sync(data)
        try:
            if upload_moved(held_folder, before, proc):
                proc.wait(timeout=rng.uniform(0.0, 0.15))
            else:
                proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed += 1
        else:
            assert proc.returncode == 0, proc.stderr.read().decode()
        proc.stderr.close()
        # After every kill the store opens cleanly and every photo is still whole on disk.
        with Store.open(data) as store:
            contents = Contents(store.folder)
            assert all(contents.intact(sha) for sha in photos if contents.has(sha))
            assert all(contents.state(sha) != "missing" for sha in photos)

    proc = gridterm_sync(data)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    with Store.open(data) as store:
        contents = Contents(store.folder)
        assert store.outbox() == []
        assert all(contents.state(sha) == "sent" for sha in photos)
        assert contents.all_pending() == []
    held = held_content(held_folder)
    assert same_bytes({sha: held[sha] for sha in photos}, photos)
    assert content_rows(service) == len(photos)  # each kept once
    print(f"{killed} kills in {runs} runs; {len(photos)} photos")
