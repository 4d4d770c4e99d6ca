"""The layout holds: import-linter's contracts, no cycles, and modules a newcomer can read.

import-linter is run the way ruff is: a broken contract fails the build.  The contracts live
in pyproject.toml (``[tool.importlinter]``); docs/contracts.md explains them.  Module and
function sizes are checked here too: no module in gridterm/ over 500 lines and no function over
80, except generated migrations and what docs/contracts.md lists under "Long on purpose" with
the reason.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gridterm"
MODULE_MAX = 500
FUNCTION_MAX = 80
MIN_CONTRACTS = 6


def _lint_imports() -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    return subprocess.run(
        [exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_import_contracts_are_kept():
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    kept = re.search(r"Contracts: (\d+) kept, (\d+) broken", result.stdout)
    assert kept, result.stdout
    assert int(kept.group(2)) == 0
    assert int(kept.group(1)) >= MIN_CONTRACTS


def _long_on_purpose() -> set[str]:
    """``path`` or ``path:function`` named in docs/contracts.md's "Long on purpose" list."""
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    section = text.partition("## Long on purpose")[2].partition("\n## ")[0]
    return set(re.findall(r"^- `([^`]+)`", section, re.M))


def _sizes() -> tuple[list[str], list[str]]:
    allowed = _long_on_purpose()
    long_modules, long_functions = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/versions/" in rel:
            continue  # generated
        source = path.read_text(encoding="utf-8")
        lines = source.count("\n")
        if lines > MODULE_MAX and rel not in allowed:
            long_modules.append(f"{rel} ({lines} lines)")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                name = f"{rel}:{node.name}"
                if length > FUNCTION_MAX and name not in allowed:
                    long_functions.append(f"{name} ({length} lines)")
    return long_modules, long_functions


def test_no_module_or_function_too_long_to_read():
    long_modules, long_functions = _sizes()
    assert long_modules == [], f"over {MODULE_MAX} lines: {long_modules}"
    assert long_functions == [], f"over {FUNCTION_MAX} lines: {long_functions}"


def test_the_size_check_would_see_a_long_function(tmp_path, monkeypatch):
    fake = tmp_path / "gridterm"
    fake.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_MAX + 1))
    (fake / "big.py").write_text(f"def big():\n{body}\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "contracts.md").write_text("# x\n", encoding="utf-8")
    assert _sizes()[1] == [f"gridterm/big.py:big ({FUNCTION_MAX + 2} lines)"]
