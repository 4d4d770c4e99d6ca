"""One writer: a second process on the same data folder gets a clear error and changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from gridterm.core.store import Store

REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}

SECOND = """
import sys
from gridterm.core.i18n import set_language
from gridterm.core.store import Store, StoreLocked
set_language(sys.argv[2])
try:
    Store.open(sys.argv[1])
except StoreLocked as exc:
    print(exc)
    sys.exit(17)
sys.exit(0)
"""


def _snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _env():
    return {**os.environ, "GRIDTERM_LANG": "en"}


def test_second_process_gets_store_locked_and_touches_nothing(data_dir):
    with Store.open(data_dir) as store:
        store.create("report", REPORT)
        before = _snapshot(data_dir)
        for lang, words in (("en", "Another gridterm"), ("zh", "另一个 gridterm")):
            out = subprocess.run(
                [sys.executable, "-c", SECOND, str(data_dir), lang],
                capture_output=True,
                text=True,
                env=_env(),
                timeout=60,
            )
            assert out.returncode == 17, out.stderr
            assert words in out.stdout and str(data_dir) in out.stdout
        # A command that writes (reading commands open a read-only view and need no lock).
        cli = subprocess.run(
            [sys.executable, "-m", "gridterm", "--data-dir", str(data_dir), "sync"],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
        assert cli.returncode == 3
        assert cli.stderr.startswith("gridterm: Another gridterm") and "Traceback" not in cli.stderr
        assert _snapshot(data_dir) == before
        store.create("report", REPORT)  # the first process is unaffected
    # Once the first one closes, the folder is free again.
    free = subprocess.run(
        [sys.executable, "-c", SECOND, str(data_dir), "en"],
        capture_output=True,
        env=_env(),
        timeout=60,
    )
    assert free.returncode == 0


def test_lock_is_released_when_the_holder_dies(data_dir):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from gridterm.core.store import Store; s = Store.open(sys.argv[1]);"
            " print('ready', flush=True); sys.stdin.read()",
            str(data_dir),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        second = subprocess.run(
            [sys.executable, "-c", SECOND, str(data_dir), "en"],
            capture_output=True,
            env=_env(),
            timeout=60,
        )
        assert second.returncode == 17
    finally:
        holder.kill()
        holder.wait()
    with Store.open(data_dir) as store:
        assert store.outbox() == []
