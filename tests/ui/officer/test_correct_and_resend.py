"""Correct a record the township refused and send it again: the Outbox's needs-attention tab
shows the reason, enter opens the record on the screen of its kind with the reason and the
township's reply at the top, the officer corrects it and saves, and the store then holds a
new rev, unsent, with the reason gone — which the sync worker picks up.  At 80×24 and 50×25,
in zh_CN and en."""

from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable, Input

from gridterm.client import sync
from gridterm.core.demo_data import populate
from gridterm.core.store import state_of
from gridterm.ui.officer.screens.case import CaseScreen
from gridterm.ui.officer.screens.feedback import FeedbackScreen
from gridterm.ui.officer.screens.household_form import HouseholdFormScreen
from gridterm.ui.officer.screens.outbox import OutboxScreen
from gridterm.ui.officer.screens.record_detail import VisitDetailScreen
from gridterm.ui.officer.screens.report import ReportFormScreen
from gridterm.ui.officer.widgets.township_state import TownshipState

from .conftest import SIZES, TODAY, make_app, screen_text, settle

REASON = "门牌号不存在"


def flat(text: str) -> str:
    """Screen text without line breaks and spaces (a wrapped reason reads as one)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def small_grid(store, ticking_model_clock):
    populate(store, today=TODAY, households=4)
    return store


def refuse(store, kind: str) -> dict:
    record = store.query(kind=kind)[0]
    store.mark_synced(
        [{"id": record["id"], "rev": record["rev"], "result": "rejected", "error": REASON}]
    )
    refused = store.get(record["id"])
    assert state_of(refused) == "attention" and not sync.needs_sending(refused)
    return refused


async def open_from_attention_tab(pilot, record_id: str) -> None:
    app = pilot.app
    await pilot.press("o")
    await settle(pilot)
    assert isinstance(app.screen, OutboxScreen)
    await pilot.press("2")
    await settle(pilot)
    table = app.screen.query_one("#ob-table", DataTable)
    assert record_id in [key.value for key in table.rows]
    table.focus()
    table.move_cursor(row=table.get_row_index(record_id))
    await pilot.pause()
    assert flat(REASON) in flat(screen_text(app))
    await pilot.press("enter")
    await settle(pilot)


def assert_reason_shown(app) -> None:
    banner = app.screen.query_one(TownshipState)
    assert banner.has_class("-attention") and banner.display
    assert REASON in str(banner.content)
    assert flat(REASON) in flat(screen_text(app))


def assert_resent(store, before: dict) -> None:
    after = store.get(before["id"])
    assert after["rev"] == before["rev"] + 1
    assert after["sync_error"] is None
    assert state_of(after) == "unsent"
    assert sync.needs_sending(after)
    assert after in store.outbox() or any(r["id"] == after["id"] for r in store.outbox())


@pytest.mark.parametrize("size", SIZES)
async def test_household_refused_is_corrected_and_queued_again(small_grid, lang, size):
    store = small_grid
    refused = refuse(store, "household")
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_from_attention_tab(pilot, refused["id"])
        assert isinstance(app.screen, HouseholdFormScreen)
        assert_reason_shown(app)
        app.screen.query_one("#input-number", Input).value = "88"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        # Back on the Outbox: the record left "needs attention" for "queued".
        table = app.screen.query_one("#ob-table", DataTable)
        assert refused["id"] not in [key.value for key in table.rows]
    assert_resent(store, refused)
    assert store.get(refused["id"])["data"]["number"] == "88"


@pytest.mark.parametrize("size", SIZES)
async def test_report_opens_in_edit_mode_and_saves_a_new_rev(small_grid, lang, size):
    store = small_grid
    refused = refuse(store, "report")
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_from_attention_tab(pilot, refused["id"])
        assert isinstance(app.screen, ReportFormScreen)
        assert_reason_shown(app)
        place = app.screen.query_one("#f-place", Input)
        assert place.value == refused["data"]["place"]  # pre-filled from the record
        place.value = "村口桥东侧"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
    assert_resent(store, refused)
    after = store.get(refused["id"])
    assert after["data"]["place"] == "村口桥东侧"
    assert after["data"]["category"] == refused["data"]["category"]
    assert after["data"].get("links") == refused["data"].get("links")


@pytest.mark.parametrize("size", SIZES)
async def test_visit_detail_shows_answers_and_saves_notes(small_grid, lang, size):
    store = small_grid
    refused = refuse(store, "visit")
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_from_attention_tab(pilot, refused["id"])
        assert isinstance(app.screen, VisitDetailScreen)
        assert_reason_shown(app)
        answers = str(app.screen.query_one("#rd-answers").content)
        assert answers.strip() and "records." not in answers
        app.screen.query_one("#input-follow_up", Input).value = "2026-12-40"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VisitDetailScreen)  # a bad date is not saved
        assert store.get(refused["id"])["rev"] == refused["rev"]
        app.screen.query_one("#input-follow_up", Input).value = "2026-12-01"
        app.screen.query_one("#input-notes", Input).value = "户主已补报门牌"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
    assert_resent(store, refused)
    data = store.get(refused["id"])["data"]
    assert data["follow_up"] == "2026-12-01" and data["notes"] == "户主已补报门牌"
    assert data["answers"] == refused["data"]["answers"]


async def test_case_opens_its_file_with_the_reason(small_grid, lang):
    store = small_grid
    refused = refuse(store, "case")
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        await settle(pilot)
        await open_from_attention_tab(pilot, refused["id"])
        assert isinstance(app.screen, CaseScreen)
        assert_reason_shown(app)


async def test_feedback_row_opens_the_record_with_the_township_reply(small_grid, lang):
    store = small_grid
    report = store.query(kind="report")[0]
    store.apply_updates(
        [
            {
                "id": report["id"],
                "seq": 10_000,
                "status": "in_hand",
                "feedback": "已派人查看",
                "public_reply": "正在处理",
                "status_at": "2026-11-25T09:59:00+08:00",
            }
        ]
    )
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_open("feedback")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        table = app.screen.query_one("#fb-table", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(report["id"]))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportFormScreen)
        banner = str(app.screen.query_one(TownshipState).content)
        assert "已派人查看" in banner and "正在处理" in banner


async def test_a_record_the_real_service_refuses_is_corrected_and_stored(tmp_path, monkeypatch):
    """Against the township service on 127.0.0.1: the service already holds this record's
    rev 1 with other words (a device restored from an old backup), so it answers
    ``conflict``; the officer opens it from the Outbox, corrects it, and after ctrl+y the
    service holds the corrected rev 2."""
    import json
    import time

    import httpx

    from gridterm.ui.officer import sync_worker
    from gridterm.ui.officer.app import GridtermApp
    from tests.helpers.service import fresh_database, start_service
    from tests.sync.live import enroll_store, service_rows, stored_body

    monkeypatch.setattr(
        sync_worker,
        "TIMING",
        sync_worker.Timing(
            idle_poll=0.05,
            pull_every=60.0,
            backoff_initial=0.1,
            backoff_max=0.3,
            config=sync.SyncConfig(
                connect_timeout=0.5, read_timeout=5.0, deadline=2.0, wait_initial=0.01
            ),
        ),
    )

    async def until(pilot, condition, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "condition not met in time"
            await pilot.pause(0.05)

    with fresh_database("sqlite", str(tmp_path)) as db_url, start_service(db_url) as svc:
        store = enroll_store(svc, tmp_path / "dev")
        with store:
            from gridterm.core import credentials

            enrollment = credentials.enrollment(store)  # with the token, from its own file
            grid_id = enrollment["grid"]["id"]
            rec = store.create(
                "report",
                {
                    "category": "safety",
                    "urgency": "normal",
                    "place": "青山村3组",
                    "description": "路灯不亮",
                },
            )
            other = json.loads(store.wire(rec))
            other["data"]["description"] = "另一个版本的描述"
            answer = httpx.post(
                f"{svc.url}/api/v1/sync/push",
                json={"records": [other]},
                headers={"Authorization": f"Bearer {enrollment['token']}"},
                timeout=30,
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["results"][0]["result"] == "stored"

            app = GridtermApp(store, data_dir=tmp_path / "dev")
            async with app.run_test(size=(80, 24)) as pilot:
                await until(pilot, lambda: state_of(store.get(rec["id"])) == "attention")
                reason = store.get(rec["id"])["sync_error"]
                assert reason
                await pilot.press("o")
                await settle(pilot)
                await pilot.press("2")
                await until(
                    pilot,
                    lambda: (
                        rec["id"]
                        in [k.value for k in app.screen.query_one("#ob-table", DataTable).rows]
                    ),
                )
                table = app.screen.query_one("#ob-table", DataTable)
                table.focus()
                table.move_cursor(row=table.get_row_index(rec["id"]))
                await pilot.press("enter")
                await settle(pilot)
                assert isinstance(app.screen, ReportFormScreen)
                assert reason in str(app.screen.query_one(TownshipState).content)
                app.screen.query_one("#f-description", Input).value = "路灯不亮，已核实"
                await pilot.press("ctrl+s")
                await until(pilot, lambda: store.get(rec["id"])["rev"] == 2)
                await pilot.press("ctrl+y")
                await until(pilot, lambda: service_rows(svc, grid_id)[0].get(rec["id"]) == 2)
                await until(pilot, lambda: store.outbox() == [])
            body = json.loads(stored_body(svc, rec["id"], 2))
            assert body["data"]["description"] == "路灯不亮，已核实"
            assert store.get(rec["id"])["sync_error"] is None
