"""One household search: the visit's household picker and the Households screen find the
same households in the same order (gridterm.core.households), whatever the language."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList

from gridterm.ui.officer.screens.households import HouseholdsScreen
from gridterm.ui.officer.screens.visit import VisitStartScreen

from .conftest import make_app, settle

# One word; two words in any order; a tag in the other language than the screen's; a
# member's name; an address as written on screen.
QUERIES = ("王", "3组 东河村", "elder living alone", "独居老人", "西山村2组")


async def _first_row(pilot, screen, search: str, query: str) -> str | None:
    app = pilot.app
    app.push_screen(screen)
    await settle(pilot)
    box = app.screen.query_one(search, Input)
    box.focus()
    box.insert_text_at_cursor(query)
    await settle(pilot)
    if isinstance(screen, HouseholdsScreen):
        table = app.screen.query_one("#hh-table", DataTable)
        first = table.coordinate_to_cell_key((0, 0)).row_key.value if table.row_count else None
    else:
        options = app.screen.query_one("#visit-households", OptionList)
        first = options.get_option_at_index(0).id if options.option_count else None
    app.pop_screen()
    await settle(pilot)
    return first


@pytest.mark.parametrize("lang", ["zh_CN", "en"], indirect=True)
async def test_the_same_query_gives_the_same_first_household_on_both_screens(demo_store, lang):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for query in QUERIES:
            listed = await _first_row(pilot, HouseholdsScreen(), "#hh-search", query)
            picked = await _first_row(pilot, VisitStartScreen(), "#visit-search", query)
            assert listed is not None, query  # every query finds someone in the demo grid
            assert picked == listed, query
