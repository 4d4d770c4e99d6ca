"""Ticked tags and boxes read as ticked without colour: the household form's tag picker and
a case form's checkboxes, at 80×24 and 50×25, drawn as plain text (what NO_COLOR, 16 colours
and ``TERM=linux`` show: only the characters)."""

from __future__ import annotations

import pytest

from gridterm.core.i18n import set_language
from gridterm.core.model import label
from gridterm.ui.kit.form import TagPicker
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.case_form import CaseFormScreen
from gridterm.ui.officer.screens.household_form import HouseholdFormScreen

from .conftest import SIZES, fixed_clock, screen_text, settle


class App(GridtermApp):
    def _load_sync_worker(self) -> None:
        return None


def lines_with(app, text: str) -> list[str]:
    return [line.strip() for line in screen_text(app).splitlines() if text in line]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_ticked_tag_shows_its_tick(store, size, lang):
    set_language(lang)
    app = App(store, clock=fixed_clock)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(HouseholdFormScreen())
        await settle(pilot)
        picker = app.screen.query_one("#hf-tags", TagPicker)
        picker.focus()
        picker.scroll_visible(animate=False)
        await settle(pilot)
        first, second = label("tag", picker.choices[0][0]), label("tag", picker.choices[1][0])
        await pilot.press("space")  # tick the first
        await settle(pilot)
        assert lines_with(app, first) == [f"[x] {first}"]
        assert lines_with(app, second) == [f"[ ] {second}"]
        await pilot.press("enter")  # enter ticks too: now it is off again
        await settle(pilot)
        assert lines_with(app, first) == [f"[ ] {first}"]


@pytest.mark.parametrize("size", SIZES)
async def test_a_ticked_box_differs_from_an_unticked_one_by_its_characters(store, size):
    set_language("zh_CN")
    app = App(store, clock=fixed_clock)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(CaseFormScreen())
        await settle(pilot)
        rights = app.screen.query_one("#f-rights_notice_given")
        major = app.screen.query_one("#f-major")
        rights.value = True
        rights.scroll_visible(animate=False)
        await settle(pilot)
        ticked = rights.render().plain
        unticked = major.render().plain
        assert ticked.startswith("[x]") and unticked.startswith("[ ]")
