"""The photos' two settings on the settings screen (issue 16), at 80×24 and 50×25: how many
days a photo the township holds stays on the device, and whether a photo's GPS position may
travel with it (off until the officer ticks it)."""

from __future__ import annotations

import pytest

from gridterm.core import i18n
from gridterm.core.attachments import PhotoSettings, photo_settings
from gridterm.ui.kit.form import Field, TickBox
from gridterm.ui.officer.screens.settings import SettingsScreen

from .conftest import SIZES, make_app, settle
from .keys import P, press


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_keep_days_and_the_photo_place_are_saved(store, size, lang):
    i18n.set_language(lang)
    assert photo_settings(store) == PhotoSettings(30, False)
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(SettingsScreen())
        await settle(pilot)
        keep = app.screen.query_one("#input-photos_keep_days")
        keep.focus()
        await press(pilot, "ctrl+u", P("7 天"))  # not a number of days
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert app.screen.query_one("#field-photos_keep_days", Field).error
        assert photo_settings(store) == PhotoSettings(30, False)  # nothing saved half
        await press(pilot, "ctrl+u", P("7"))
        tick = app.screen.query_one("#st-photo-location", TickBox)
        tick.focus()
        await press(pilot, "enter")
        assert tick.value
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert photo_settings(store) == PhotoSettings(7, True)
        keep.focus()
        await press(pilot, "ctrl+u", "ctrl+s")  # empty: kept until taken off by hand
        await settle(pilot)
        assert photo_settings(store) == PhotoSettings(None, True)
    i18n.set_language("zh_CN")


async def test_the_settings_screen_opens_with_what_was_saved(store):
    i18n.set_language("zh_CN")
    store.meta_update({"photos_keep_days": 0, "photos_allow_location": True})
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(SettingsScreen())
        await settle(pilot)
        assert app.screen.query_one("#input-photos_keep_days").value == "0"
        assert app.screen.query_one("#st-photo-location", TickBox).value is True
