"""Narrow terminals (a phone at 50×25, Termux at 40×20) and the usual 80×24: the key bar shows
whole keys and ``? 更多`` when they do not all fit, ``?`` lists every key, Textual's own keys
speak our language, notifications take one line at the top edge, and the header speaks one
language after ctrl+l."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Input, Select

from gridterm.core import i18n
from gridterm.core.i18n import t
from gridterm.ui.kit.footer import screen_keys
from gridterm.ui.kit.keys import KeysScreen
from gridterm.ui.kit.messages import SyncStateChanged
from gridterm.ui.officer.screens.case import CaseListScreen
from gridterm.ui.officer.screens.report import ReportFormScreen
from gridterm.ui.officer.screens.settings import SettingsScreen

from .conftest import make_app, screen_text, settle

ALL_SIZES = [(80, 24), (50, 25), (40, 20)]


@pytest.fixture(params=["zh_CN", "en"])
def lang(request):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("zh_CN")


def footer_items(app) -> list[str]:
    """The key bar's items, as the terminal shows them (two spaces between items)."""
    last = screen_text(app).splitlines()[-1].strip()
    return [item for item in re.split(r" {2,}", last) if item]


def whole_keys(app) -> set[str]:
    """ "key words" for every key of the screen, whole."""
    return {f"{k.display} {k.words}" for k in screen_keys(app.screen)}


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_key_bar_shows_whole_keys_and_more_when_they_do_not_fit(store, lang, size):
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        items = footer_items(app)
        more = f"? {t('ux.key.more')}"
        keys = whole_keys(app)
        for item in items:
            assert item in keys or item == more, f"a cut key in the bar: {item!r} of {items}"
        bar_keys = [k for k in screen_keys(app.screen) if k.shown]
        if len(items) < len(bar_keys):
            assert items[-1] == more
        if size[0] < 60:
            assert items[-1] == more  # Home has more keys than a phone's width
        if size[0] >= 80:
            assert f"c {t('wf.screen.cases')}" in items or items[-1] == more


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_question_mark_lists_every_key_and_enter_does_it(store, lang, size):
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        listed = screen_text(app)
        assert t("wf.screen.cases") in listed and t("wf.screen.roster") in listed
        assert t("tui.key.quit") in listed  # keys the bar never shows are listed too
        cases = next(n for n, k in enumerate(app.screen.keys) if k.binding.key == "c")
        app.screen.query_one("OptionList").highlighted = cases
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseListScreen)


async def test_question_mark_typed_in_a_field_is_text(store, lang):
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        await app.push_screen(ReportFormScreen())
        await settle(pilot)
        place = app.screen.query_one("#f-place", Input)
        place.focus()
        await pilot.press("question_mark")
        await settle(pilot)
        assert place.value == "?"
        assert not isinstance(app.screen, KeysScreen)


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_an_open_menu_is_closed_with_words_of_ours(store, lang, size):
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(ReportFormScreen())
        await settle(pilot)
        app.screen.query_one("#f-category", Select).focus()
        await pilot.press("enter")  # the menu opens
        await settle(pilot)
        assert app.screen.query_one("#f-category", Select).expanded
        shown = screen_text(app)
        assert "Dismiss" not in shown
        assert f"esc {t('ux.key.dismiss_menu')}" in footer_items(app)


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_notification_is_one_line_at_the_top_edge(store, lang, size):
    app = make_app(store)
    async with app.run_test(size=size, notifications=True) as pilot:
        await app.push_screen(ReportFormScreen())
        await settle(pilot)
        field = app.screen.query_one("#f-place", Input)
        field.focus()
        await settle(pilot)
        app.notify("[x] " + "一条很长的提示" * 20, severity="warning")
        await settle(pilot)
        toasts = list(app.screen.query("Toast"))
        assert toasts
        for toast in toasts:
            region = toast.region
            assert region.y == 0 and region.height == 1, region
            assert not region.overlaps(field.region)
        assert "[x]" in screen_text(app).splitlines()[0]  # plain text, not markup


@pytest.mark.parametrize("start", ["zh_CN", "en"])
async def test_the_header_speaks_one_language_after_ctrl_l(store, start):
    i18n.set_language(start)
    store.meta_set("last_sync_ok", "2026-11-25T08:05:00+08:00")
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        await settle(pilot)
        app.post_message(SyncStateChanged("synced"))
        await app.push_screen(SettingsScreen())
        await settle(pilot)
        for _ in range(2):
            await pilot.press("ctrl+l")
            await settle(pilot)
            header = screen_text(app).splitlines()[0]
            now = i18n.get_language()
            other = "en" if now == "zh_CN" else "zh_CN"
            assert t("sync.status.synced") in header
            assert t("sync.status.synced", lang=other) not in header
            assert t("tui.screen.settings") in header
            footer = screen_text(app).splitlines()[-1]
            assert t("tui.key.language") in footer or t("ux.key.more") in footer
        i18n.set_language("zh_CN")


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", [None, "cases"])
async def test_tables_keep_every_column_in_sight(demo_store, size, screen):
    """At 50×25 the last columns (the tags, a case's state) were past the right edge; now the
    column that can lose its tail gives way and nothing needs scrolling sideways."""
    from textual.widgets import DataTable

    i18n.set_language("zh_CN")
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if screen:
            app.action_open(screen)
            await settle(pilot)
        tables = list(app.screen.query(DataTable))
        assert tables
        for table in tables:
            assert table.row_count
            assert table.virtual_size.width <= table.scrollable_content_region.width, (
                table.id,
                table.virtual_size.width,
                table.scrollable_content_region.width,
            )
            assert table.region.right <= size[0]
