"""The headless modules must not drag in the UI or the service framework.

Modelled on Harlequin's tests/unit_tests/test_import_hygiene.py: each module is imported in a
fresh interpreter and ``sys.modules`` is checked, which is the only way to prove that a
deferred import really defers.  ``gridterm sync`` (cron, Termux:Job) and the township service
must not pay for Textual's import; the device must not pay for FastAPI's.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEADLESS = [
    "gridterm.core.model",
    "gridterm.core.store",
    "gridterm.client.sync",
    "gridterm.core.receipts",
]
FORBIDDEN = ("textual", "fastapi", "starlette", "uvicorn", "sqlalchemy")

_PROBE = """
import importlib, json, sys
name = sys.argv[1]
try:
    importlib.import_module(name)
except ModuleNotFoundError as exc:
    if exc.name != name:
        raise
    print(json.dumps({"missing": True}))
    raise SystemExit(0)
print(json.dumps({"missing": False, "loaded": [m for m in %r if m in sys.modules]}))
"""


def _probe(module: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE % (FORBIDDEN,), module],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_imports_no_ui_or_service(module):
    found = _probe(module)
    if found["missing"]:
        pytest.skip(f"{module} is not built yet")
    assert found["loaded"] == [], f"importing {module} imported {found['loaded']}"


def test_the_probe_would_see_a_leak():
    """The check above could fail: importing textual itself is seen."""
    found = _probe("textual")
    if found["missing"]:
        pytest.skip("textual is not installed")
    assert "textual" in found["loaded"]


def test_a_missing_dependency_inside_a_module_is_not_mistaken_for_a_missing_module():
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE % (FORBIDDEN,), "gridterm.no_such_module"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(proc.stdout)["missing"] is True
