"""The Outbox's tabs count what their lists show, and sent visits name their household, at
80×24 and 50×25: the issue saw "3 已发送 8" and then a list of 79 (archived records were
counted only once the tab was opened), and visits listed without a name."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from gridterm.core import i18n
from gridterm.core.i18n import t
from gridterm.core.usecases.outbox import outbox_views
from gridterm.ui.officer.screens.outbox import OutboxScreen

from .conftest import SIZES, make_app, screen_text, settle


def sent_visit(store, head: str) -> dict:
    home = store.create("household", {"village": "石桥村", "group": "3", "head": head})
    visit = store.create(
        "visit",
        {
            "household_id": home["id"],
            "template_id": "basic_info",
            "template_version": 1,
            "answers": {"note": "ok"},
            "visited_at": "2026-11-20T09:00:00+08:00",
        },
    )
    store.mark_synced(
        [{"id": r["id"], "rev": r["rev"], "result": "stored", "error": None} for r in (home, visit)]
    )
    return visit


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_sent_tab_counts_what_it_lists(demo_store, size, lang):
    i18n.set_language(lang)
    assert demo_store.archive() > 0  # synced, closed records leave for the archive
    sent_all = demo_store.query(state="sent", archived=True)
    sent_hot = demo_store.query(state="sent")
    assert len(sent_all) > len(sent_hot), "the demo has archived sent records"
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        tab = t("tui.outbox.tab.sent", count=len(sent_all))
        assert tab in screen_text(app).replace("\n", "")  # before the tab is opened
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one("#ob-table", DataTable).row_count == len(sent_all)
        assert tab in screen_text(app).replace("\n", "")
    i18n.set_language("zh_CN")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_sent_visit_names_its_household(store, size):
    i18n.set_language("zh_CN")
    visit = sent_visit(store, "欧阳修远")
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#ob-table", DataTable)
        visit_row = table.get_row(visit["id"])
        assert "欧阳修远" in str(visit_row[1]), visit_row


def test_counts_agree_with_rows_beyond_the_shown_limit(store):
    for n in range(5):
        sent_visit(store, f"户主{n}")
    # Six shown of ten: more than the five households, so a visit is among them whatever
    # order records saved in the same second come in.
    views = outbox_views(store, shown=6)
    assert views.counts["sent"] == 10  # five households and five visits
    assert len(views.rows["sent"]) == 6
    assert all(r["kind"] == "visit" or r["kind"] == "household" for r in views.rows["sent"])
    visit = next(r for r in views.rows["sent"] if r["kind"] == "visit")
    assert visit["data"]["household_id"] in views.households
