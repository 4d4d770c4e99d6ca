"""Event reports through the real app and store, at 80×24 and 50×25, in en and zh_CN: raised
from a household and from a case, refused when incomplete, and a receipt issued when the
device is enrolled.  Also: every key of these screens is named in both catalogs."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import pytest
from textual import events

from gridterm.core import model, receipts
from gridterm.core.i18n import has, set_language, t
from gridterm.core.record_text import address
from gridterm.core.store import Store
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.registry import SCREEN_REGISTRY, load_screen_class
from gridterm.ui.officer.screens.case import CaseScreen
from gridterm.ui.officer.screens.case_form import SessionFormScreen
from gridterm.ui.officer.screens.report import ReportFormScreen
from tests.ui.officer.keys import P, assert_no_raw_keys, press, screen_text

SIZES = [(80, 24), (50, 25)]
LANGS = ["en", "zh_CN"]
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
SECRET = "device-secret-for-tests"


@pytest.fixture
def store(tmp_path, monkeypatch):
    # The screens are under test here; the store's fsync has its own crash tests.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    with Store.open(tmp_path / "data") as opened:
        yield opened


def choose(group: str, code: str, current: str | None = None) -> list[str]:
    """Keys that open a focused Select showing ``current`` and choose ``code``."""
    codes = model.codes(group)
    moves = codes.index(code) - (codes.index(current) if current else -1)
    return ["enter", *(["down"] * moves if moves > 0 else ["up"] * -moves), "enter"]


def add_household(store):
    return store.create("household", {"village": "石桥村", "group": "3", "head": "王大明"})


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
async def test_report_from_a_household_closed_on_the_spot(store, size, lang):
    set_language(lang)
    household = add_household(store)
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        app.action_open("report", household_id=household["id"])
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReportFormScreen)
        assert_no_raw_keys(app)
        await press(
            pilot, *choose("category", "sanitation"), "tab", *choose("urgency", "urgent", "normal")
        )
        await press(pilot, "tab", "tab", P("路口垃圾堆放"), "tab", "tab", "tab", "space", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ReportFormScreen)
    [report] = store.query(kind="report")
    assert report["data"] == {
        "category": "sanitation",
        "urgency": "urgent",
        "place": address(household["data"]),
        "description": "路口垃圾堆放",
        "raised_by": "王大明",
        "occurred_at": "2026-11-25T17:30:00+08:00",  # the same instant, on China time
        "closed_on_spot": True,
    }


async def test_incomplete_report_is_refused_at_its_fields_and_nothing_saved(store):
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        app.action_open("report")
        await pilot.pause()
        form = app.screen
        await press(pilot, "tab", "tab", P("x" * 201), "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        shown = screen_text(app)
        assert model.field_label("data.category") in shown
        assert "200" in shown  # the place is too long, and says how long it may be
        assert app.focused is form.query_one("#f-category")
    assert store.query(kind="report") == []


@pytest.mark.parametrize("lang", LANGS)
async def test_report_from_a_case_links_the_case(store, lang):
    set_language(lang)
    case = store.create(
        "case",
        {
            "parties": [{"name": "王大明", "address": "石桥村3组12号"}, {"name": "李小花"}],
            "dispute_type": "neighbour",
            "source": "party_applied",
            "summary": "排水沟纠纷",
            "major": True,
        },
    )
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(CaseScreen(case["id"]))
        await pilot.pause()
        assert_no_raw_keys(app)
        await press(pilot, "r")
        await pilot.pause()
        assert isinstance(app.screen, ReportFormScreen)
        assert t("wf.report.from_case", case="")[:4] in screen_text(app)
        await press(pilot, "ctrl+s")
        await pilot.pause()
        assert app.screen.__class__ is CaseScreen
    [report] = store.query(kind="report")
    assert report["data"]["links"] == {"case": case["id"]}
    assert report["data"]["category"] == "dispute"
    assert report["data"]["urgency"] == "important"  # a major case
    assert report["data"]["place"] == "石桥村3组12号"
    assert report["data"]["description"] == "排水沟纠纷"


def enroll(store):
    store.meta_set(
        "enrollment",
        {
            "service_url": "http://127.0.0.1:9",
            "device_id": "d1",
            "token": "tok",
            "device_secret": SECRET,
            "officer": {"id": "o1", "name": "张网格", "phone": "13800138000"},
            "grid": {"id": "g1", "name": "石桥村一网格"},
            "township": {"id": "t1", "name": "石桥镇"},
        },
    )


async def test_enrolled_device_offers_a_receipt_and_stores_it(store):
    enroll(store)
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        app.action_open("report")
        await pilot.pause()
        await press(pilot, *choose("category", "safety"), "tab", "tab", P("桥头"), "tab")
        await press(pilot, P("护栏松动"), "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == t("wf.receipt.offer")
        await press(pilot, "y")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReceiptScreen"
        await press(pilot, "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReportFormScreen)  # the saved form is gone
    [report] = store.query(kind="report")
    [receipt] = report["receipts"]
    assert receipts.verify(receipt["number"], receipt["sig"], SECRET)
    assert receipt["party"] is None and report["rev"] == 2


def add_case(store):
    return store.create(
        "case",
        {
            "parties": [{"name": "王大明", "address": "石桥村3组12号"}, {"name": "李小花"}],
            "dispute_type": "neighbour",
            "source": "party_applied",
            "summary": "排水沟纠纷",
        },
    )


async def test_case_gives_each_party_its_own_receipt(store):
    enroll(store)
    case = add_case(store)
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(CaseScreen(case["id"]))
        await pilot.pause()
        for n, name in enumerate(["王大明", "李小花"], 1):
            await press(pilot, "t")
            await pilot.pause()
            assert app.screen.question == t("wf.receipt.offer_party", n=n, name=name)
            await press(pilot, "y")
            await pilot.pause()
            assert type(app.screen).__name__ == "ReceiptScreen"
            await press(pilot, "escape")
            await pilot.pause()
            assert isinstance(app.screen, CaseScreen)
    issued = store.get(case["id"])["receipts"]
    assert [r["party"] for r in issued] == [0, 1]
    assert all(receipts.verify(r["number"], r["sig"], SECRET) for r in issued)
    assert issued[0]["number"] != issued[1]["number"]


async def test_case_actions_are_found_by_name_in_the_palette(store):
    case = add_case(store)
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(CaseScreen(case["id"]))
        await pilot.pause()
        await press(pilot, "ctrl+p", P(t("wf.key.add_session")))
        await pilot.pause()
        await press(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionFormScreen)


MY_SCREENS = ("visit", "cases", "case", "report", "roster")


def test_my_screens_are_registered_and_every_key_is_named_in_both_languages():
    import gridterm.ui.officer.screens.case_form as case_form
    import gridterm.ui.officer.screens.roster as roster
    import gridterm.ui.officer.screens.visit_kit as kit
    import gridterm.ui.officer.screens.visit_walk as visit

    names = {entry[0]: entry for entry in SCREEN_REGISTRY}
    classes = [load_screen_class(name) for name in MY_SCREENS]
    assert all(has(names[name][3], "en") and has(names[name][3], "zh_CN") for name in MY_SCREENS)
    classes += [
        visit.VisitWalkScreen,
        case_form.CaseFormScreen,
        case_form.SessionFormScreen,
        case_form.AgreementFormScreen,
        case_form.FollowUpFormScreen,
        roster.MediatorFormScreen,
        kit.ConfirmScreen,
    ]
    allowed = re.compile(
        r"^(ctrl\+[a-z]|[a-z0-9]|enter|escape|tab|shift\+tab|up|down|left|right|space)$"
    )
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            assert has(binding.description, "en") and has(binding.description, "zh_CN"), (
                f"{cls.__name__}: {binding.description}"
            )
            for key in binding.key.split(","):
                assert allowed.match(key), (
                    f"{cls.__name__}: {key} is not a key every terminal sends"
                )


async def test_text_typed_in_a_burst_after_tab_lands_in_the_next_field(store):
    """A fast typist, a lagging phone or an input method sends tab and text together: the
    focus must move before the text after the tab is delivered."""
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        app.action_open("report")
        await pilot.pause()
        form = app.screen
        for key in ["tab", "tab", "x", "y", "tab", "a", "b", "tab", "c"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        values = form.values()
        assert (values["place"], values["description"], values["raised_by"]) == ("xy", "ab", "c")
