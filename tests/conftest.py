"""Shared fixtures.  Area-specific fixtures live in the area's own conftest or helpers."""

from __future__ import annotations

import os

import pytest

from gridterm.core import i18n


@pytest.fixture(autouse=True)
def _language_en(monkeypatch):
    """Tests run in English unless they choose otherwise; each test starts fresh."""
    # English for subprocesses too (the CLI reads GRIDTERM_LANG; the C locale means Chinese).
    monkeypatch.setenv("GRIDTERM_LANG", "en")
    monkeypatch.delenv("GRIDTERM_DATA_DIR", raising=False)
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    return path


def pg_url() -> str | None:
    return os.environ.get("GRIDTERM_TEST_PG") or None
