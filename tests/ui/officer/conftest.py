"""Fixtures for the officer's app: a real store (SQLite-free TinyDB files in tmp), demo data
written through the Store API, a fixed clock, and helpers to read what the screen shows."""

from __future__ import annotations

import html
import itertools
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from gridterm.core import i18n, model
from gridterm.core.store import Store

CHINA = timezone(timedelta(hours=8))
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA)
SIZES = [(80, 24), (50, 25)]
LANGS = ["zh_CN", "en"]


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def ticking_model_clock(monkeypatch):
    """Records' created_at/updated_at from a clock that starts at 08:00 on TODAY and ticks one
    second per save, so lists ordered by time come out the same on every run."""
    ticks = itertools.count()

    def now_iso() -> str:
        moment = datetime(2026, 11, 25, 8, 0, tzinfo=CHINA) + timedelta(seconds=next(ticks))
        return moment.isoformat()

    monkeypatch.setattr(model, "now_iso", now_iso)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data")
    yield opened
    if not opened.closed:
        opened.close()


@pytest.fixture
def demo_store(store, ticking_model_clock):
    from gridterm.core.demo_data import populate

    populate(store, today=TODAY)
    return store


@pytest.fixture(params=LANGS)
def lang(request):
    i18n.set_language(request.param)
    return request.param


def make_app(store, data_dir=None):
    from gridterm.ui.officer.app import GridtermApp

    return GridtermApp(store, data_dir=data_dir or store.folder, clock=fixed_clock)


def screen_text(app) -> str:
    """The text on the terminal, row by row (from the same render as a screenshot)."""
    svg = app.export_screenshot()
    rows: dict[int, list[str]] = {}
    for row, body in re.findall(
        r'<text[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>([^<]*)</text>', svg
    ):
        rows.setdefault(int(row), []).append(html.unescape(body).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(rows.items()))


async def settle(pilot) -> None:
    """Wait until workers are done and the screen has caught up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")
