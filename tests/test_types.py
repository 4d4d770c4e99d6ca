"""mypy passes on the core (settings: ``[tool.mypy]`` in pyproject.toml), and ``Store`` is a
``RecordStore`` — what the sync client needs of a store — to the type checker as well."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")


def _mypy(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_core_type_checks(tmp_path):
    found = _mypy(tmp_path)  # the packages named in pyproject.toml
    assert found.returncode == 0, found.stdout + found.stderr


SATISFIES = """
from gridterm.core.store import RecordStore, Store

def as_record_store(store: Store) -> RecordStore:
    return store
"""

# The same check would fail for a store without ``wire``.
MISSES = """
from gridterm.core.store import RecordStore, Store

class NoWire(Store):
    wire = None  # type: ignore[assignment]

def as_record_store(store: NoWire) -> RecordStore:
    return store
"""


def test_store_satisfies_the_record_store_protocol(tmp_path):
    good = tmp_path / "good.py"
    good.write_text(SATISFIES, encoding="utf-8")
    found = _mypy(tmp_path, str(good))
    assert found.returncode == 0, found.stdout + found.stderr


def test_the_protocol_check_could_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(MISSES, encoding="utf-8")
    found = _mypy(tmp_path, str(bad))
    assert found.returncode == 1
    assert "RecordStore" in found.stdout and "wire" in found.stdout, found.stdout


def test_an_open_store_is_a_record_store_at_run_time(tmp_path):
    from gridterm.core.store import RecordStore, Store

    with Store.open(tmp_path / "data") as store:
        assert isinstance(store, RecordStore)
    assert not isinstance(object(), RecordStore)
