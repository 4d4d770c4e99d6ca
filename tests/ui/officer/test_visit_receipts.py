"""Receipts after a visit, through the real app and the real (enrolled) store: when the visit
raised event reports, the resident is offered a receipt for each REPORT — the matter the
township handles and the receipt page follows — and then, named as such, for the visit itself.
No network: the app's background sync is not started."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

import gridterm.ui.officer.app
from gridterm.core import checklists, receipts
from gridterm.core.i18n import set_language, t
from gridterm.core.store import Store
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.receipt import ReceiptScreen
from gridterm.ui.officer.screens.report import ReportFormScreen
from gridterm.ui.officer.screens.visit import VisitStartScreen
from gridterm.ui.officer.screens.visit_summary import receipt_offers
from gridterm.ui.officer.screens.visit_walk import VisitWalkScreen
from tests.ui.officer.keys import press
from tests.ui.officer.test_visit import add_household, plain_answer

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
SECRET = "device-secret-visit-receipts"
ENROLLMENT = {
    "service_url": "https://qingshan.example.gov.cn",
    "device_id": "dev-visit",
    "token": "tok",
    "device_secret": SECRET,
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}
# Keys that flag an item of the safety checklist (the option's number).
FLAG_EBIKE = {"ebike_charging": "4"}  # charged by a hanging cable
FLAG_TWO = {"gas_hose": "3", "ebike_charging": "4"}  # an aged gas hose, and the e-bike


class App(GridtermApp):
    """The officer's app without its background sync: these tests make no network calls."""

    CSS_PATH = str(Path(gridterm.ui.officer.app.__file__).with_name("app.tcss"))

    def on_mount(self) -> None:
        pass


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability has its own crash tests
    with Store.open(tmp_path / "data") as opened:
        opened.meta_set("enrollment", ENROLLMENT)
        yield opened


def question(app) -> str:
    assert isinstance(app.screen, ConfirmScreen), type(app.screen).__name__
    return app.screen.question


async def walk_and_save(pilot, household_id: str, flags: dict[str, str]) -> None:
    """The safety checklist with ``flags`` answered (each raising a report), then ctrl+s."""
    app = pilot.app
    template = checklists.find(checklists.builtin_templates(), "safety")
    app.push_screen(VisitStartScreen(household_id=household_id))
    await pilot.pause()
    await pilot.press("2")
    await pilot.pause()
    for item in template["items"]:
        if item["key"] in flags:
            await pilot.press(flags[item["key"]])
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await pilot.pause()
            assert isinstance(app.screen, ReportFormScreen)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, VisitWalkScreen)
            continue
        keys, _value = plain_answer(item)
        await press(pilot, *keys)
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()


def genuine(receipt: dict) -> bool:
    return receipts.verify(receipt["number"], receipt["sig"], SECRET)


@pytest.mark.parametrize("lang,size", [("en", (80, 24)), ("zh_CN", (80, 24)), ("en", (50, 25))])
async def test_the_receipt_is_for_the_report_the_visit_raised(store, lang, size):
    set_language(lang)
    household = add_household(store)
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await walk_and_save(pilot, household["id"], FLAG_EBIKE)
        [report] = store.query(kind="report")
        [visit] = store.query(kind="visit")
        # The first offer names the report, not the visit.
        asked = question(app)
        assert asked.startswith(t("wf.receipt.offer_report", what="").strip().splitlines()[0])
        assert receipts.summary(report, lang) in asked
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert app.screen.record["id"] == report["id"]
        shown = app.screen.receipt
        # The visit is saved and its walk screen gone: back from the receipt is no form.
        assert not any(isinstance(s, VisitWalkScreen) for s in app.screen_stack)
        await pilot.press("escape")
        await pilot.pause()
        # Then the visit's own receipt, named as such; n declines it.
        assert receipts.summary(visit, lang) in question(app)
        assert t("wf.receipt.offer_visit", what="").strip() in question(app)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, ReceiptScreen, VisitWalkScreen))
    got = store.get(report["id"])["receipts"]
    assert [r["number"] for r in got] == [shown["number"]]
    assert genuine(got[0]) and got[0]["party"] is None
    # the app's clock, stamped on China time (the paper and the resident page agree)
    assert got[0]["issued_at"] == "2026-11-25T17:30:00+08:00"
    assert datetime.fromisoformat(got[0]["issued_at"]) == NOW
    assert not receipts.verify(got[0]["number"], got[0]["sig"], "another-device-secret")
    assert not store.get(visit["id"]).get("receipts")


async def test_visit_receipt_still_on_offer(store):
    set_language("en")
    household = add_household(store)
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_and_save(pilot, household["id"], FLAG_EBIKE)
        [report] = store.query(kind="report")
        [visit] = store.query(kind="visit")
        await pilot.press("n")  # not for the report
        await pilot.pause()
        assert "visit itself" in question(app)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert app.screen.record["id"] == visit["id"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, ReceiptScreen, VisitWalkScreen))
    [receipt] = store.get(visit["id"])["receipts"]
    assert genuine(receipt)
    assert not store.get(report["id"]).get("receipts")


async def test_two_reports_offered_one_after_another(store):
    set_language("en")
    household = add_household(store)
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        await walk_and_save(pilot, household["id"], FLAG_TWO)
        reports = store.query(kind="report")
        assert len(reports) == 2
        first = question(app)
        assert "1 of 2" in first
        await pilot.press("y")
        await pilot.pause()
        first_id = app.screen.record["id"]
        await pilot.press("escape")
        await pilot.pause()
        assert "2 of 2" in question(app)
        await pilot.press("y")
        await pilot.pause()
        second_id = app.screen.record["id"]
        await pilot.press("escape")
        await pilot.pause()
        assert "visit itself" in question(app)
        await pilot.press("escape")  # escape ends the offers
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, ReceiptScreen, VisitWalkScreen))
    assert {first_id, second_id} == {r["id"] for r in reports}
    for report in reports:
        [receipt] = store.get(report["id"])["receipts"]
        assert genuine(receipt)
    assert not store.query(kind="visit")[0].get("receipts")


async def test_escape_on_the_first_offer_issues_nothing(store):
    set_language("zh_CN")
    household = add_household(store)
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_and_save(pilot, household["id"], FLAG_TWO)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, ReceiptScreen, VisitWalkScreen))
    assert len(store.query(kind="report")) == 2
    assert not any(r.get("receipts") for r in store.query(kind="report"))
    assert not store.query(kind="visit")[0].get("receipts")


async def test_a_visit_without_reports_offers_the_visit_receipt(store):
    set_language("en")
    household = add_household(store)
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_and_save(pilot, household["id"], {})
        assert question(app) == t("wf.receipt.offer")
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, ReceiptScreen, VisitWalkScreen))
    [visit] = store.query(kind="visit")
    assert genuine(visit["receipts"][0])


def test_receipt_offers_order_and_names():
    set_language("en")
    visit = {"id": "v1", "kind": "visit", "data": {"template_id": "safety"}}
    report = {"id": "r1", "kind": "report", "data": {"category": "safety", "description": "x"}}
    offers = receipt_offers(visit, [report, {**report, "id": "r2"}])
    assert [o[0]["id"] for o in offers] == ["r1", "r2", "v1"]
    assert "1 of 2" in offers[0][1] and "2 of 2" in offers[1][1]
    assert "visit itself" in offers[2][1]
    assert receipt_offers(visit, []) == [(visit, t("wf.receipt.offer"), None)]
