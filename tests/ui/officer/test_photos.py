"""Photos and a place through the officer's app (issue 16), at 80×24 and 50×25: attached on
the report form and on a visit's item, taken off before they are sent, a file that is not a
photo refused with a clear message, the place typed, and the outbox telling the bytes left."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from gridterm.core import attachments, checklists
from gridterm.core.i18n import set_language, t
from gridterm.core.store import Store
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.attachments import AttachmentsScreen, PlaceScreen
from gridterm.ui.officer.screens.report import ReportFormScreen
from tests.helpers.photos import camera_jpeg
from tests.ui.officer.keys import P, assert_no_raw_keys, press, screen_text
from tests.ui.officer.test_visit import plain_answer

SIZES = [(80, 24), (50, 25)]
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # the screens are under test here
    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "IMG_20261125.jpg"
    path.write_bytes(camera_jpeg(1200, 900))
    return path


async def attach_path(pilot, app, path) -> None:
    """On the photos screen: a, the path, enter; then wait for the shrinking thread."""
    await press(pilot, "a", P(str(path)), "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_photos_attached_on_the_report_form_are_saved_with_the_report(
    store, photo, tmp_path, size, lang
):
    set_language(lang)
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=size, notifications=True) as pilot:
        app.action_open("report")
        await pilot.pause()
        assert isinstance(app.screen, ReportFormScreen)
        await press(pilot, "enter", "down", "enter", "tab", "tab", P("村口"), "tab")
        await press(pilot, P("电线老化"))
        await press(pilot, "ctrl+o")
        assert isinstance(app.screen, AttachmentsScreen)
        assert_no_raw_keys(app)
        await attach_path(pilot, app, photo)
        assert app.screen.query_one("#ph-table").row_count == 1
        assert "IMG_20261125.jpg" in screen_text(app)
        # A file that is not a photo is refused with a clear message; nothing is added.
        note = tmp_path / "readme.txt"
        note.write_text("hello")
        await attach_path(pilot, app, note)
        assert app.screen.query_one("#ph-table").row_count == 1
        [refused] = [n.message for n in app._notifications if "readme.txt" in n.message]
        assert refused == t("evidence.not_an_image", name="readme.txt")
        # A second photo, then take it off again (before it was ever sent).
        second = tmp_path / "second.png"
        second.write_bytes(camera_jpeg(300, 200, seed=4))
        await attach_path(pilot, app, second)
        assert app.screen.query_one("#ph-table").row_count == 2
        await press(pilot, "down", "d", "y")
        assert app.screen.query_one("#ph-table").row_count == 1
        await press(pilot, "escape")
        assert isinstance(app.screen, ReportFormScreen)
        assert t("evidence.line.photos", count=1) in screen_text(app)
        # The place, typed.
        await press(pilot, "ctrl+g")
        assert isinstance(app.screen, PlaceScreen)
        await press(pilot, P("村口老槐树"), "enter")
        assert isinstance(app.screen, ReportFormScreen)
        await press(pilot, "ctrl+s")
        await pilot.pause()
    [report] = store.query(kind="report")
    [entry] = report["data"]["attachments"]
    assert entry["name"] == "IMG_20261125.jpg" and entry["type"] == "image/jpeg"
    assert entry["where"] is None
    assert report["data"]["location"]["source"] == "typed"
    assert report["data"]["location"]["place"] == "村口老槐树"
    contents = attachments.contents_of(store)
    assert contents.state(entry["sha256"]) == "waiting"
    assert contents.pending(entry["sha256"]).records == [report["id"]]


@pytest.mark.parametrize("size", SIZES)
async def test_a_photo_attached_on_a_visit_item_is_saved_with_the_visit(store, photo, size):
    set_language("zh_CN")
    household = store.create("household", {"village": "石桥村", "group": "3", "head": "王大明"})
    from gridterm.ui.officer.screens.visit import VisitStartScreen

    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        app.push_screen(VisitStartScreen(household_id=household["id"]))
        await pilot.pause()
        await press(pilot, "enter")  # the first template
        await pilot.pause()
        walk = app.screen
        first = walk.items[0]
        await press(pilot, "ctrl+o")
        assert isinstance(app.screen, AttachmentsScreen)
        assert checklists.text(first["label"])[:6] in screen_text(app)
        await attach_path(pilot, app, photo)
        await press(pilot, "escape")
        assert app.screen is walk
        assert walk.draft["attachments"][0]["where"] == {"item": first["key"]}
        # The photo survives a draft save (a kill now would keep it).
        assert store.get_draft("visit")["attachments"][0]["where"] == {"item": first["key"]}
    # Finishing the visit (the rule the summary's ctrl+s calls) saves the photo with it.
    from gridterm.core.usecases.visits import finish_visit

    draft = store.get_draft("visit")
    template = next(t for t in checklists.builtin_templates() if t["id"] == draft["template_id"])
    for item in template["items"]:
        draft["answers"].setdefault(item["key"], plain_answer(item)[1])
    visit = finish_visit(store, draft, template, "2026-11-25T17:30:00+08:00").visit
    assert visit["data"]["attachments"][0]["where"] == {"item": first["key"]}
