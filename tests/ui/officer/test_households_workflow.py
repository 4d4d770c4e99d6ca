"""Add a household with members (a wrong ID number shown at its field, then fixed), find it
by searching, edit it — at 80×24 and 50×25, in Chinese and English — and check the store."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from gridterm.core.model import id_check_char, validate_field
from gridterm.ui.kit.form import Field, TagPicker
from gridterm.ui.officer.screens.household_form import HouseholdFormScreen, MemberFormScreen
from gridterm.ui.officer.screens.households import HouseholdDetailScreen, HouseholdsScreen

from .conftest import SIZES, make_app, settle, type_text

HEAD_ID = "50011219580304" + "123"
HEAD_ID += id_check_char(HEAD_ID)
WRONG_ID = HEAD_ID[:17] + ("0" if HEAD_ID[17] != "0" else "1")
CHILD_ID = "50011220150612" + "242"
CHILD_ID += id_check_char(CHILD_ID)


async def fill(pilot, selector: str, text: str, *, keys: bool = False) -> None:
    """Put ``text`` in a field as a paste does (``keys=True``: one key press per character)."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    if keys:
        await type_text(pilot, text)
    else:
        widget.insert_text_at_cursor(text)
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_add_search_edit_household(store, lang, size):
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdsScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdFormScreen)

        await fill(pilot, "#input-village", "东河村")
        await fill(pilot, "#input-group", "3")
        await fill(pilot, "#input-number", "12")
        await fill(pilot, "#input-phone", "13812345678")

        # First member, with a wrong check character: the message is at the field.
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        await fill(pilot, "#input-name", "王建华")
        await fill(pilot, "#input-id_number", WRONG_ID)
        await fill(pilot, "#input-relation", "户主")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen), "a wrong ID must not close the form"
        id_field = app.screen.query_one("#field-id_number", Field)
        expected = validate_field("household", "members[0].id_number", WRONG_ID)
        assert expected and id_field.error == expected
        assert app.screen.focused is id_field.input
        # Fixing it clears the message as the user types.
        await fill(pilot, "#input-id_number", HEAD_ID, keys=True)
        await settle(pilot)
        assert id_field.error == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdFormScreen)
        # The head of household was filled in from the first member.
        assert app.screen.query_one("#input-head", Input).value == "王建华"

        # A second member: a left-behind child, tagged from the list.
        await pilot.press("ctrl+n")
        await settle(pilot)
        await fill(pilot, "#input-name", "王子涵")
        await fill(pilot, "#input-id_number", CHILD_ID)
        await fill(pilot, "#input-relation", "子")
        tags = app.screen.query_one("#member-tags", TagPicker)
        tags.focus()
        tags.highlighted = [c for c, _ in tags.choices].index("left_behind_child")
        await pilot.press("space")
        await pilot.pause()
        assert tags.selected == ["left_behind_child"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdFormScreen)
        assert app.screen.query_one("#hf-members", DataTable).row_count == 2

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)

        saved = store.query(kind="household")
        assert len(saved) == 1
        record = saved[0]
        data = record["data"]
        assert (data["village"], data["group"], data["number"]) == ("东河村", "3", "12")
        assert data["head"] == "王建华" and data["phone"] == "13812345678"
        assert [m["id_number"] for m in data["members"]] == [HEAD_ID, CHILD_ID]
        assert data["members"][1]["tags"] == ["left_behind_child"]
        assert record["rev"] == 1 and record["sync_state"] == "unsent"

        # Back to the list and find it by the last 4 characters of the child's ID.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdsScreen)
        await fill(pilot, "#hh-search", CHILD_ID[-4:], keys=True)
        await settle(pilot)
        table = app.screen.query_one("#hh-table", DataTable)
        assert table.row_count == 1
        await fill(pilot, "#hh-search", "nothing-like-this")
        await settle(pilot)
        assert table.row_count == 0
        await fill(pilot, "#hh-search", "王建华", keys=True)
        await settle(pilot)
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert app.screen.household_id == record["id"]

        # Edit: a new phone number; an invalid one is refused at its field first.
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdFormScreen)
        await fill(pilot, "#input-phone", "1381234")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdFormScreen)
        assert app.screen.query_one("#field-phone", Field).error
        assert store.get(record["id"])["rev"] == 1
        await fill(pilot, "#input-phone", "13998765432")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)

    edited = store.get(record["id"])
    assert edited["rev"] == 2
    assert edited["data"]["phone"] == "13998765432"
    assert [m["name"] for m in edited["data"]["members"]] == ["王建华", "王子涵"]
