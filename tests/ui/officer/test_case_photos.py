"""A case's photos and place through the officer's app (issue 16), at 80×24 and 50×25: the
case's own photo (``i``) and place (``g``) saved with it at once, a session's photo attached
on the session form (ctrl+o) and saved with that session, and a follow-up's with it."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from gridterm.core import attachments
from gridterm.core.i18n import set_language, t
from gridterm.core.store import Store
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.attachments import AttachmentsScreen, PlaceScreen
from gridterm.ui.officer.screens.case import CaseScreen
from gridterm.ui.officer.screens.case_form import FollowUpFormScreen, SessionFormScreen
from tests.helpers.photos import camera_jpeg
from tests.ui.officer.keys import P, assert_no_raw_keys, press, screen_text
from tests.ui.officer.test_photos import attach_path

SIZES = [(80, 24), (50, 25)]
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
CASE = {
    "dispute_type": "neighbour",
    "source": "party_applied",
    "summary": "排水沟堵塞",
    "parties": [{"name": "王大明", "role": "applicant"}],
}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # the screens are under test here
    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_case_and_a_session_carry_their_own_photos(store, tmp_path, size, lang):
    set_language(lang)
    case = store.create("case", CASE)
    ditch, session_photo = tmp_path / "ditch.jpg", tmp_path / "meeting.jpg"
    ditch.write_bytes(camera_jpeg(900, 600))
    session_photo.write_bytes(camera_jpeg(800, 600, seed=7))
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(CaseScreen(case["id"]))
        await pilot.pause()
        case_screen = app.screen
        assert t("evidence.line.photos", count=0) in screen_text(app)
        # The case's own photo: saved with the case as soon as the list is closed.
        await press(pilot, "i")
        assert isinstance(app.screen, AttachmentsScreen)
        assert_no_raw_keys(app)
        await attach_path(pilot, app, ditch)
        await press(pilot, "escape")
        assert app.screen is case_screen
        assert t("evidence.line.photos", count=1) in screen_text(app)
        [entry] = store.get(case["id"])["data"]["attachments"]
        assert entry["name"] == "ditch.jpg" and entry["where"] is None
        # Its place, typed.
        await press(pilot, "g")
        assert isinstance(app.screen, PlaceScreen)
        await press(pilot, P("王家屋后水沟"), "enter")
        assert app.screen is case_screen
        assert store.get(case["id"])["data"]["location"]["place"] == "王家屋后水沟"
        # A session's photo, on the session form, saved with the session.
        await press(pilot, "s")
        await pilot.pause()
        assert isinstance(app.screen, SessionFormScreen)
        session_form = app.screen
        await press(pilot, "ctrl+o")
        assert isinstance(app.screen, AttachmentsScreen)
        assert app.screen.query_one("#ph-table").row_count == 0  # the case's is not the session's
        await attach_path(pilot, app, session_photo)
        await press(pilot, "escape")
        assert app.screen is session_form
        assert "attachments" in store.get(case["id"])["data"]  # only the case's photo so far
        assert len(store.get(case["id"])["data"]["attachments"]) == 1
        await press(pilot, "tab", P("村委会调解室"), "tab", "tab", P("双方陈述"))
        await press(pilot, "tab", P("同意疏通"))
        await press(pilot, "ctrl+s")
        await pilot.pause()
        assert app.screen is case_screen
    data = store.get(case["id"])["data"]
    assert [e["where"] for e in data["attachments"]] == [None, {"session": 0}]
    assert data["sessions"][0]["place"] == "村委会调解室"
    contents = attachments.contents_of(store)
    for e in data["attachments"]:
        assert contents.state(e["sha256"]) == "waiting"
        assert contents.pending(e["sha256"]).records == [case["id"]]


async def test_a_follow_up_carries_its_photo(store, tmp_path):
    set_language("zh_CN")
    case = store.create(
        "case", {**CASE, "follow_ups": [{"due": "2026-12-01"}], "outcome": "success"}
    )
    visit_photo = tmp_path / "after.jpg"
    visit_photo.write_bytes(camera_jpeg(640, 480, seed=3))
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(FollowUpFormScreen(case["id"], 0))
        await pilot.pause()
        form = app.screen
        await press(pilot, "ctrl+o")
        assert isinstance(app.screen, AttachmentsScreen)
        assert t("evidence.what.follow_up", n=1) in screen_text(app)
        await attach_path(pilot, app, visit_photo)
        await press(pilot, "escape")
        assert app.screen is form
        form.store_data(dict(form.data), "wf.case.follow_up_saved")
        await pilot.pause()
    [entry] = store.get(case["id"])["data"]["attachments"]
    assert entry["where"] == {"follow_up": 0}
