"""Home, Outbox, Feedback, Settings, the palette and `gridterm` start-up, on a real store."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from gridterm.cli import main
from gridterm.core import i18n
from gridterm.core.store import Store
from gridterm.ui.kit.form import Field
from gridterm.ui.officer.screens.feedback import FeedbackScreen
from gridterm.ui.officer.screens.home import HomeScreen
from gridterm.ui.officer.screens.households import HouseholdDetailScreen
from gridterm.ui.officer.screens.outbox import OutboxScreen
from gridterm.ui.officer.screens.settings import SettingsScreen

from .conftest import SIZES, make_app, screen_text, settle, type_text


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_home_lists_due_households_and_opens_one(demo_store, size):
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        summary = home.summary
        assert summary.households == 40 and summary.overdue > 0
        assert summary.outbox == len(demo_store.outbox())
        due = home.query_one("#home-due", DataTable)
        assert due.row_count == min(len(summary.due), 30)
        # The first row is the most overdue household.
        first = summary.due[0]
        assert first.overdue
        text = screen_text(app)
        assert first.household["data"]["head"] in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert app.screen.household_id == first.household["id"]
        history = app.screen.query_one("#hd-history", DataTable)
        visits = [
            v
            for v in demo_store.query(kind="visit")
            if v["data"]["household_id"] == first.household["id"]
        ]
        assert history.row_count >= len(visits)


async def test_outbox_shows_queued_attention_with_reason_and_sent(demo_store):
    app = make_app(demo_store)
    attention = [r for r in demo_store.outbox() if r.get("sync_error")]
    assert attention  # the demo data has one record the township refused
    async with app.run_test(size=(50, 25)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        table = app.screen.query_one("#ob-table", DataTable)
        queued = [r for r in demo_store.outbox() if not r.get("sync_error")]
        assert table.row_count == len(queued)
        assert "gridterm enroll" in screen_text(app)  # says plainly how sending comes
        await pilot.press("2")
        await settle(pilot)
        assert table.row_count == len(attention)
        assert attention[0]["sync_error"] in app.screen.query_one("#ob-detail").content
        await pilot.press("3")
        await settle(pilot)
        assert table.row_count == len(demo_store.query(state="sent", archived=True))


async def test_feedback_shows_replies_and_marks_them_seen(demo_store):
    app = make_app(demo_store)
    answered = [r for r in demo_store.query(kind="report") if r.get("status")]
    async with app.run_test(size=(50, 25)) as pilot:
        await settle(pilot)
        assert app.screen.summary.new_feedback == len(answered)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        table = app.screen.query_one("#fb-table", DataTable)
        assert table.row_count == len(answered)
        newest = max(answered, key=lambda r: r["status_at"])
        detail = str(app.screen.query_one("#fb-detail").content)
        assert newest["feedback"] in detail
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.summary.new_feedback == 0
    assert demo_store.meta_get("feedback_seen_at") == newest["status_at"]


async def test_settings_saves_rules_and_printer_and_switches_language_live(store):
    i18n.set_language("zh_CN")
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        printer = app.screen.query_one("#input-printer")
        printer.focus()
        await type_text(pilot, "/dev/usb/lp0")
        elder = app.screen.query_one("#input-tag-living_alone_elder")
        elder.value = "0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one("#field-tag-living_alone_elder", Field).error
        assert store.meta_get("visit_rules") is None
        elder.value = "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert store.meta_get("printer") == "/dev/usb/lp0"
        assert store.meta_get("visit_rules")["tags"]["living_alone_elder"] == 5
        assert "设置" in screen_text(app)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert "Settings" in screen_text(app)
        assert store.meta_get("language") == "en"
        await pilot.press("escape")
        await settle(pilot)
        assert "Due for a visit" in screen_text(app)


async def test_palette_finds_screens_by_name_in_the_language_on_screen(store):
    i18n.set_language("zh_CN")
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "待发")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        # The palette offers the open screen's own keys too.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "需处理")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.view == "attention"


def test_a_second_gridterm_on_the_same_folder_says_so_in_one_line(tmp_path, capsys):
    folder = tmp_path / "data"
    with Store.open(folder):
        code = main(["--data-dir", str(folder), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("gridterm: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_run_honours_no_mouse_lang_and_the_saved_language(tmp_path, monkeypatch):
    from gridterm.ui.officer.app import GridtermApp

    calls = []

    def fake_run(self, **kwargs):  # the terminal itself is not under test here
        calls.append((kwargs, i18n.get_language(), self.store.folder))

    monkeypatch.setattr(GridtermApp, "run", fake_run)
    folder = tmp_path / "data"
    assert main(["--data-dir", str(folder), "--no-mouse", "--lang", "zh"]) == 0
    assert calls[-1][0] == {"mouse": False} and calls[-1][1] == "zh_CN"
    with Store.open(folder) as store:
        store.meta_set("language", "en")
    i18n.set_language("zh_CN")
    assert main(["--data-dir", str(folder)]) == 0
    assert calls[-1][0] == {"mouse": True} and calls[-1][1] == "en"


def test_a_damaged_store_is_one_clear_line_not_a_traceback(tmp_path, capsys):
    folder = tmp_path / "data"
    with Store.open(folder):
        pass
    hot = next(p for p in folder.iterdir() if p.name.startswith("hot"))
    hot.write_bytes(b'{"records": {"x": tru')
    code = main(["--data-dir", str(folder), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("gridterm: ") and err.count("\n") == 1
    assert "Traceback" not in err
