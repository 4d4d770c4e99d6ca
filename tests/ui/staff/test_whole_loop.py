"""The whole loop, end to end, on SQLite and on PostgreSQL (when GRIDTERM_TEST_PG is set):

1. the officer's app (Pilot, real store): a visit whose flagged answer raises an event report;
   the resident gets a receipt for the report (and one for the visit), as the visit flow
   offers them; ctrl+y syncs it to the live service (gridterm.client.sync);
2. the staff console (Pilot): the report is accepted, assigned, taken in hand and closed as
   done, with feedback to the officer and a public reply to the resident;
3. the resident's page for the receipt (plain httpx GET) says done, with the reply;
4. the officer's app syncs again: the store and the feedback screen show the township's reply.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import httpx
import pytest

from gridterm.client import sync
from gridterm.client.staff import StaffClient
from gridterm.core import checklists, receipts
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.officer import sync_worker
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.receipt import ReceiptScreen
from gridterm.ui.officer.screens.report import ReportFormScreen
from gridterm.ui.officer.screens.visit import VisitStartScreen
from gridterm.ui.officer.screens.visit_walk import VisitWalkScreen
from gridterm.ui.staff.app import StaffApp
from gridterm.ui.staff.screens.detail import DetailScreen
from gridterm.ui.staff.screens.incoming import IncomingScreen
from gridterm.ui.staff.screens.transition import TransitionDialog
from tests.sync.live import enroll_store
from tests.ui.officer.keys import press
from tests.ui.officer.test_visit import plain_answer
from tests.ui.staff.conftest import screen_text, until

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
REPLY = "路灯下的充电飞线已拆除，谢谢您的反映。"
FEEDBACK = "已联系供电所拆除飞线，请回访。"


@pytest.fixture(autouse=True)
def quick_sync(monkeypatch):
    """The officer app's background sync, with short waits (the sync itself is the real one)."""
    monkeypatch.setattr(
        sync_worker,
        "TIMING",
        sync_worker.Timing(
            idle_poll=0.1,
            pull_every=60.0,
            backoff_initial=0.1,
            backoff_max=0.3,
            config=sync.SyncConfig(connect_timeout=2.0, read_timeout=10.0, deadline=5.0),
        ),
    )
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability has its own crash tests


async def walk_visit_with_a_flag(pilot, household_id: str) -> None:
    """The safety checklist; e-bikes charged by a hanging cable flags an item (a report)."""
    app = pilot.app
    template = checklists.find(checklists.builtin_templates(), "safety")
    app.push_screen(VisitStartScreen(household_id=household_id))
    await pilot.pause()
    await pilot.press("2")
    await pilot.pause()
    for item in template["items"]:
        if item["key"] == "ebike_charging":
            await pilot.press("4")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await until(pilot, lambda: isinstance(app.screen, ReportFormScreen))
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, VisitWalkScreen))
            continue
        keys, _value = plain_answer(item)
        await press(pilot, *keys)
    await pilot.pause()
    await pilot.press("ctrl+s")  # save the visit (and its report)
    # The receipt offered first is the report's: the matter the township handles.
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="receipt offered")
    await pilot.press("y")  # the resident takes a receipt for the report
    await until(pilot, lambda: isinstance(app.screen, ReceiptScreen), what="receipt shown")
    assert app.screen.record["kind"] == "report"
    await pilot.press("escape")
    # Then the visit's own receipt, which the resident takes too.
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="visit receipt offered")
    await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, ReceiptScreen), what="visit receipt shown")
    assert app.screen.record["kind"] == "visit"
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(app.screen, (ConfirmScreen, ReceiptScreen)))


async def sync_now(pilot, store) -> None:
    await pilot.press("ctrl+y")
    await until(
        pilot,
        lambda: not store.outbox() and pilot.app.sync_state == "synced",
        what="the device synced",
    )


async def staff_moves(pilot, to: str, **fields: str) -> None:
    """t, choose ``to``, fill the fields, ctrl+s — and wait for the new state."""
    app = pilot.app
    detail = app.screen
    assert isinstance(detail, DetailScreen)
    await pilot.press("t")
    await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
    dialog = app.screen
    for _ in dialog.states:
        if dialog.chosen() == to:
            break
        await pilot.press("down")
    assert dialog.chosen() == to, dialog.states
    await pilot.press("enter")  # the reason field
    for field, widget in (("feedback", "#tr-feedback"), ("public_reply", "#tr-reply")):
        if field in fields:
            dialog.query_one(widget).value = fields[field]
    await pilot.press("ctrl+s")
    await until(
        pilot,
        lambda: isinstance(app.screen, DetailScreen) and (detail.record or {}).get("status") == to,
        what=f"the report {to}",
    )


async def test_whole_loop(any_service, tmp_path):
    svc = any_service
    folder = tmp_path / "device"
    store = enroll_store(svc, folder)
    from gridterm.core import credentials

    enrollment = credentials.enrollment(store)  # with the secret, from its own file
    household = store.create(
        "household",
        {"village": "石桥村", "group": "3组", "number": "12号", "head": "王大明"},
    )

    # 1. The officer's visit raises a report and the resident gets a receipt; then it syncs.
    officer = GridtermApp(store, data_dir=folder, clock=lambda: NOW)
    async with officer.run_test(size=(80, 24)) as pilot:
        await walk_visit_with_a_flag(pilot, household["id"])
        [visit] = store.query(kind="visit", archived=True)
        [report] = store.query(kind="report", archived=True)
        assert report["data"]["links"] == {"visit": visit["id"]}
        assert visit["receipts"], "the visit's receipt"
        # The resident's receipt for the report, as the visit flow issued it.
        [receipt] = report["receipts"]
        assert receipts.verify(receipt["number"], receipt["sig"], enrollment["device_secret"])
        await sync_now(pilot, store)
    assert store.get(report["id"])["synced_rev"] == store.get(report["id"])["rev"]

    # 2. The township: accepted, assigned, in hand, done with a public reply.
    staff_token = svc.make_staff(enrollment["township"]["id"])
    console = StaffApp(StaffClient(svc.url, staff_token), refresh_every=0)
    async with console.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(console.screen, IncomingScreen))
        screen = console.screen
        # The first screen is the work to handle: the open report, not the household or visit.
        await until(pilot, lambda: [i["id"] for i in screen.items] == [report["id"]])
        await pilot.press("k")  # all
        await until(pilot, lambda: len(screen.items) == 3, what="household, visit, report")
        await pilot.press("k")  # reports only
        await until(pilot, lambda: [i["id"] for i in screen.items] == [report["id"]])
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(console.screen, DetailScreen) and console.screen.record,
            what="the report open",
        )
        assert receipts.format_number(receipt["number"]) in screen_text(console) or (
            receipt["number"] in str(console.screen.record["receipt_numbers"])
        )
        await staff_moves(pilot, "accepted")
        await staff_moves(pilot, "assigned")
        await staff_moves(pilot, "in_hand")
        await staff_moves(pilot, "done", feedback=FEEDBACK, public_reply=REPLY)
        events = console.screen.query_one("#dt-events").render()
        assert REPLY in str(events)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(console.screen, IncomingScreen))

    # 3. The resident's page for the receipt says done, with the reply.
    page = httpx.get(f"{svc.url}/r/{receipt['number']}", params={"s": receipt["sig"]})
    assert page.status_code == 200
    assert 'data-verdict="genuine"' in page.text
    assert "已办结" in page.text
    assert REPLY in page.text

    # 4. The next sync brings the township's reply to the officer's device.
    officer = GridtermApp(store, data_dir=folder, clock=lambda: NOW)
    async with officer.run_test(size=(80, 24)) as pilot:
        await sync_now(pilot, store)
        await until(
            pilot,
            lambda: (store.get(report["id"]) or {}).get("status") == "done",
            what="the reply pulled",
        )
        got = store.get(report["id"])
        assert (got["feedback"], got["public_reply"]) == (FEEDBACK, REPLY)
        await pilot.press("f")  # Home -> Feedback
        await until(pilot, lambda: FEEDBACK[:8] in screen_text(officer), what="feedback shown")
        detail = str(officer.screen.query_one("#fb-detail").render())
        assert FEEDBACK in detail and REPLY in detail
        assert re.search(r"Done", screen_text(officer))
    store.close()
