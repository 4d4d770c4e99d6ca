"""The one household search on both screens that list households (Pilot, 80×24 and 50×25):
the township's imported households are listed beside the officer's, the best match comes
first (exact, prefix, pinyin full and initials, ID's last 4), and every list can be browsed
to its end.

The township's households here are shaped as a pull delivers them (fields at the top level,
a roster's names that share characters: 胡丽, 胡刚, 胡丽丽).
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList

from gridterm.ui.officer.screens.households import HouseholdDetailScreen, HouseholdsScreen
from gridterm.ui.officer.screens.visit import VisitStartScreen

from .conftest import SIZES, make_app, screen_text, settle

SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]

# Address order puts 胡刚's household before 胡丽's: a search that ranks wrong shows.
TOWNSHIP = [
    {
        "id": "t-gang",
        "village": "石桥村",
        "group": "1",
        "number": "1",
        "head": "胡刚",
        "members": [{"name": "胡刚"}, {"name": "胡丽丽", "relation": "孙女"}],
    },
    {"id": "t-lili", "village": "石桥村", "group": "1", "number": "2", "head": "胡丽丽"},
    {
        "id": "t-li",
        "village": "石桥村",
        "group": "1",
        "number": "3",
        "head": "胡丽",
        "phone": "13800138000",
        "members": [{"name": "胡丽", "relation": "户主", "id_number": "11010519491231002X"}],
    },
]
FILLER = [
    {"id": f"t-{n:03d}", "village": "东河村", "group": "9", "number": str(n), "head": f"赵{n}"}
    for n in range(1, 98)
]
LAST = "t-li"  # in address order 东河村 comes before 石桥村
QUERIES = [
    ("胡丽", "t-li"),  # exact, though 胡刚's household (a member 胡丽丽) comes first by address
    ("胡丽丽", "t-lili"),
    ("胡", "t-gang"),  # prefix: every head 胡…, in address order
    ("hl", "t-li"),  # pinyin initials
    ("huli", "t-li"),  # full pinyin
    ("002X", "t-li"),  # ID's last 4
    ("13800138000", "t-li"),  # phone
]


@pytest.fixture
def township_store(store):
    store.save_reference("households", TOWNSHIP + FILLER)
    return store


async def _type(pilot, selector: str, text: str) -> None:
    box = pilot.app.screen.query_one(selector, Input)
    box.focus()
    box.value = ""
    box.insert_text_at_cursor(text)
    await settle(pilot)


def _table_ids(app) -> list[str]:
    table = app.screen.query_one("#hh-table", DataTable)
    return [table.coordinate_to_cell_key((n, 0)).row_key.value for n in range(table.row_count)]


def _picker_ids(app) -> list[str]:
    box = app.screen.query_one("#visit-households", OptionList)
    return [box.get_option_at_index(n).id for n in range(box.option_count)]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_households_screen_lists_the_townships_households(township_store, size):
    app = make_app(township_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdsScreen)
        assert app.screen.query_one("#hh-table", DataTable).row_count > 0
        assert "100" in str(app.screen.query_one("#hh-count").render())
        # One of them opens with its members; it is the township's to edit, not the device's.
        await _type(pilot, "#hh-search", "胡丽")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        text = screen_text(app)
        assert "胡丽" in text and "11010519491231002X" in text
        assert app.screen.check_action("edit", ()) is False


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_every_household_can_be_reached_by_scrolling(township_store, size):
    app = make_app(township_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.action_open("households")
        await settle(pilot)
        table = app.screen.query_one("#hh-table", DataTable)
        table.focus()
        for _ in range(len(TOWNSHIP + FILLER)):
            await pilot.press("down")
        await settle(pilot)
        assert table.row_count == 100
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        assert row_key.value == _table_ids(app)[-1] == LAST
        # The wheel (or a swipe) brings the rest too, without moving the cursor.
        await _type(pilot, "#hh-search", "东河村")
        await _type(pilot, "#hh-search", "")  # the list starts again from its first page
        assert table.row_count < 100
        for _ in range(60):
            table.scroll_end(animate=False)
            await settle(pilot)
            if table.row_count == 100:
                break
        assert table.row_count == 100


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_visit_picker_can_be_browsed_to_its_end(township_store, size):
    app = make_app(township_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.action_open("visit")
        await settle(pilot)
        box = app.screen.query_one("#visit-households", OptionList)
        for _ in range(len(TOWNSHIP + FILLER) - 1):
            await pilot.press("down")  # from the search box, as an officer does
        await settle(pilot)
        assert box.option_count == 100
        assert box.get_option_at_index(box.highlighted).id == LAST


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_both_screens_put_the_same_best_match_first(township_store, size):
    app = make_app(township_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(HouseholdsScreen())
        await settle(pilot)
        for query, first in QUERIES:
            await _type(pilot, "#hh-search", query)
            assert _table_ids(app)[0] == first, query
        app.pop_screen()
        await settle(pilot)
        app.push_screen(VisitStartScreen())
        await settle(pilot)
        for query, first in QUERIES:
            await _type(pilot, "#visit-search", query)
            assert _picker_ids(app)[0] == first, query


async def test_typing_a_name_and_enter_visits_that_household(township_store):
    app = make_app(township_store)
    async with app.run_test(size=(50, 25)) as pilot:
        await settle(pilot)
        app.action_open("visit")
        await settle(pilot)
        for key in ("h", "u", "l", "i", "enter"):
            await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, VisitStartScreen)
        assert screen.household is not None and screen.household["id"] == "t-li"
