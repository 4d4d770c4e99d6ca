"""Snapshots of the main screens at 50×25, in Chinese, with the demo data and a fixed clock.

Update after an intended change with ``pytest tests/ui/officer/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from gridterm.core import i18n

from .conftest import make_app, settle

SIZE = (50, 25)


@pytest.fixture(autouse=True)
def _chinese():
    i18n.set_language("zh_CN")


def _opening(name: str | None, keys: tuple[str, ...] = (), **kwargs):
    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(pilot)
        if name:
            app.action_open(name, **kwargs)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


def _first_household(store) -> str:
    return store.query(kind="household")[0]["id"]


def test_home(snap_compare, demo_store):
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=_opening(None))


def test_households_search(snap_compare, demo_store):
    run = _opening("households", ("王",))
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=run)


def test_household_detail(snap_compare, demo_store):
    run = _opening("household", household_id=_first_household(demo_store))
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=run)


def test_member_form_with_a_wrong_id(snap_compare, demo_store):
    async def run_before(pilot) -> None:
        await _opening("household_form", ("ctrl+n",))(pilot)
        screen = pilot.app.screen
        screen.query_one("#input-name", Input).value = "王建华"
        screen.query_one("#input-id_number", Input).value = "500112195803041230"
        await pilot.press("ctrl+s")
        await settle(pilot)
        for field in screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=run_before)


def test_outbox_needs_attention(snap_compare, demo_store):
    run = _opening("outbox", ("2",))
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=run)


def test_feedback(snap_compare, demo_store):
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=_opening("feedback"))


def test_settings(snap_compare, demo_store):
    # The data folder shown is the one the app was given: a fixed one, for a stable picture.
    app = make_app(demo_store, data_dir="/data/data/com.termux/files/home/.local/share/gridterm")
    assert snap_compare(app, terminal_size=SIZE, run_before=_opening("settings"))
