"""The staff client, token config and diff import no UI and no service framework; the console
itself needs Textual but never FastAPI or SQLAlchemy (it runs on a plain `pip install gridterm`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps([m for m in ("textual", "fastapi", "starlette", "uvicorn", "sqlalchemy",
                              "openpyxl") if m in sys.modules]))
"""


def loaded(module: str) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, module], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "module", ["gridterm.client.staff", "gridterm.ui.staff.config", "gridterm.ui.staff.diff"]
)
def test_headless_parts_import_nothing_heavy(module):
    assert loaded(module) == []


def test_the_console_needs_textual_but_no_service_framework():
    assert loaded("gridterm.ui.staff.app") == ["textual"]
    assert loaded("gridterm.cli.staff") == []  # the parser costs nothing
