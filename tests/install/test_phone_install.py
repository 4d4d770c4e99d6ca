"""End to end: a machine that reaches only the township installs gridterm from it, enrolls
and syncs — with pip's index settings cleared and the rest of the network out of reach."""

from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy import select

from gridterm import __version__
from gridterm.township import db
from tests.install.conftest import isolated_env, make_venv

pytestmark = pytest.mark.slow

# A record made with the installed gridterm's own store, as the app would make it.
MAKE_REPORT = """
from gridterm.core.store import Store
from gridterm.core.paths import data_dir
with Store.open(data_dir()) as store:
    rec = store.create("report", {"category": "safety", "urgency": "normal",
                                  "place": "村口", "description": "路灯不亮"})
    print(rec["id"])
"""


def run(argv, env, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, **kw)


def test_a_fresh_virtualenv_installs_from_the_township_alone_then_enrolls_and_syncs(
    township, tmp_path
):
    bin_dir = make_venv(tmp_path / "venv")
    env = isolated_env(tmp_path / "home", f"{bin_dir}:/usr/bin:/bin")
    index = f"{township.url}/simple"

    installed = run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "--no-cache-dir",
            "--index-url",
            index,
            "gridterm",
        ],
        env,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # pip looked in the township's index and nowhere else.
    assert f"Looking in indexes: {index}" in installed.stdout
    assert "Looking in links" not in installed.stdout
    assert f"gridterm-{__version__}" in installed.stdout.splitlines()[-1]

    helped = run([str(bin_dir / "gridterm"), "--help"], env)
    assert helped.returncode == 0 and "enroll" in helped.stdout

    grid = township.make_grid()
    code = township.make_code(township.make_officer(grid, "王网格"))
    enrolled = run([str(bin_dir / "gridterm"), "enroll", township.url, code], env)
    assert enrolled.returncode == 0, enrolled.stderr

    made = run([str(bin_dir / "python"), "-c", MAKE_REPORT], env)
    assert made.returncode == 0, made.stderr
    record_id = made.stdout.strip()
    synced = run([str(bin_dir / "gridterm"), "sync"], env)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "Sent 1 (1 stored" in synced.stdout

    with township.sessions() as s:
        stored = s.execute(select(db.Record.grid_id).where(db.Record.id == record_id)).scalar()
        versions = s.execute(select(db.Device.client_version)).scalars().all()
    assert stored == grid.grid_id
    assert __version__ in versions  # the installed client said which it is
    listed = run([str(bin_dir / "gridterm"), "outbox", "--json"], env)
    assert listed.returncode == 0 and json.loads(listed.stdout)["count"] == 0
