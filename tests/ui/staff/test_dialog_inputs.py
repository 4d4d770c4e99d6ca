"""The staff console's dialogs as a clerk sees them (issue 12): every input is a box on the
screen, not a blank line, at 80×24 and 120×40, with the whole dialog in sight; and enter
starts the export, as the export dialog's hint says."""

from __future__ import annotations

import re

import pytest

from gridterm.ui.staff.screens.comment import CommentDialog
from gridterm.ui.staff.screens.export import ExportDialog
from gridterm.ui.staff.screens.transition import TransitionDialog
from tests.ui.staff.conftest import screen_text, until
from tests.ui.staff.test_console import make_app, open_detail, open_list

SIZES = [(80, 24), (120, 40)]


def boxes(text: str) -> tuple[int, int]:
    """How many input boxes are drawn: (blurred ┌──┐ tops, focused ┏━━┓ tops)."""
    blurred = re.findall(r"┌─{10,}┐", text)
    focused = re.findall(r"┏━{10,}┓", text)
    return len(blurred), len(focused)


def assert_inputs_are_boxes(app, count: int, focused: int) -> None:
    text = screen_text(app)
    assert boxes(text) == (count - focused, focused), text
    for field in app.screen.query("Input"):
        region = field.region
        assert region.height == 3, (field.id, region)
        # the box lies wholly on the screen: nothing of it is cut off
        assert app.screen.region.contains_region(region), (field.id, region)
    assert app.screen.query_one(".hint").region.bottom <= app.screen.region.bottom


@pytest.mark.parametrize("size", SIZES)
async def test_every_dialog_input_is_a_box_on_screen(township, size, tmp_path):
    app = make_app(township, export_folder=tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_list(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await pilot.pause()
        assert_inputs_are_boxes(app, 1, focused=0)  # the format list has the focus
        await pilot.press("tab")
        await pilot.pause()
        assert_inputs_are_boxes(app, 1, focused=1)
        await pilot.press("escape")

        await open_detail(pilot, township, "gas")
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
        await pilot.press("tab")  # from the moves to the reason
        await pilot.pause()
        assert_inputs_are_boxes(app, 3, focused=1)
        shown = screen_text(app)
        for label in app.screen.query(".field-label"):
            assert str(label.render()) in shown  # every field's label is in sight
        await pilot.press("escape")

        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CommentDialog))
        await pilot.pause()
        assert_inputs_are_boxes(app, 1, focused=1)
        await pilot.press("escape")


@pytest.mark.parametrize("size", SIZES)
async def test_enter_on_the_format_starts_the_export(township, size, tmp_path):
    app = make_app(township, export_folder=tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_list(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        await pilot.press("down")  # CSV
        await pilot.press("enter")
        await until(pilot, lambda: dialog.saved is not None, what="the export saved")
    saved = list(tmp_path.iterdir())
    assert [p.suffix for p in saved] == [".csv"]
    assert saved[0].read_bytes().count(b"\n") >= 1 + 5


@pytest.mark.parametrize("size", SIZES)
async def test_the_token_input_is_a_box_too(township, size):
    """The first thing a clerk types into — the token — is a field they can see, not the
    blank line it was."""
    from gridterm.ui.staff.screens.login import LoginScreen

    app = make_app(township, token="")
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.pause()
        assert_inputs_are_boxes(app, 1, focused=1)
