"""Mediation cases through the real app and store, keyboard only, at 80×24 and 50×25, in en and
zh_CN: two elder mediators added to the roster, a case registered with field validation, both
mediators named on it, a session, the outcome and agreement, a follow-up scheduled and
recorded, the list's filters, closing."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest
from textual import events

from gridterm.core import model
from gridterm.core.i18n import set_language, t
from gridterm.core.store import Store
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.case import CaseListScreen, CaseScreen
from gridterm.ui.officer.screens.case_form import (
    AgreementFormScreen,
    CaseFormScreen,
    FollowUpFormScreen,
    SessionFormScreen,
)
from gridterm.ui.officer.screens.roster import MediatorFormScreen, RosterScreen
from tests.ui.officer.keys import P, assert_no_raw_keys, press, screen_text

SIZES = [(80, 24), (50, 25)]
LANGS = ["en", "zh_CN"]
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
GOOD_ID = "11010519491231002X"
BAD_ID = "110105194912310021"  # wrong check character


@pytest.fixture
def store(tmp_path, monkeypatch):
    # The screens are under test here; the store's fsync has its own crash tests.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    with Store.open(tmp_path / "data") as opened:
        yield opened


async def burst(pilot, *keys) -> None:
    """Keys and ``P`` texts sent as one burst (as a fast typist or an input method sends
    them), then one wait.  Only tab (a priority key in forms) and text: a widget's own keys
    (space, enter, ctrl+u) must not be in a burst, they would act on the next field."""
    for key in keys:
        if isinstance(key, P):
            pilot.app.post_message(events.Paste(str(key)))
        else:
            assert key in ("tab", "shift+tab"), key
            pilot.app.post_message(events.Key(key, "\t" if key == "tab" else None))
    await pilot.pause()


def choose(position: int) -> list[str]:
    """Keys that open a focused Select and choose its ``position``-th option (1-based)."""
    return ["enter", *["down"] * position, "enter"]


def position(group: str, code: str) -> int:
    return model.codes(group).index(code) + 1


async def add_mediator(pilot, name, standing, village, phone):
    await press(pilot, "n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MediatorFormScreen)
    await press(pilot, P(name), "tab", *choose(position("standing", standing)))
    await burst(pilot, "tab", P(village), "tab", P(phone))
    await press(pilot, "ctrl+s")
    await pilot.pause()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
async def test_case_with_two_elder_mediators_session_agreement_and_follow_up(store, size, lang):
    set_language(lang)
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        app.push_screen(CaseListScreen())
        await pilot.pause()
        assert t("wf.case.none") in screen_text(app)
        assert_no_raw_keys(app)

        # The roster: two elders.
        await press(pilot, "m")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        await add_mediator(pilot, "李守仁", "teacher", "石桥村", "13800138001")
        await add_mediator(pilot, "赵德明", "party_member", "石桥村", "13800138002")
        assert [m["name"] for m in store.roster.list_mediators()] == ["李守仁", "赵德明"]
        assert_no_raw_keys(app)
        await press(pilot, "escape")
        await pilot.pause()

        # Register the case: a neighbours' dispute the committee found.
        await press(pilot, "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CaseFormScreen)
        assert_no_raw_keys(app)
        await press(pilot, *choose(position("dispute_type", "neighbour")))
        await press(pilot, "tab", *choose(position("source", "committee_found")))
        await press(
            pilot, "tab", P("邻居排水沟堵塞引发争吵"), "tab", "space"
        )  # rights notice given
        # major: no; case number: none yet; party 1's name, role (applicant), ID number.
        await burst(pilot, "tab", "tab", "tab", P("王大明"), "tab", "tab", P(BAD_ID), "tab")
        await pilot.pause()
        # The bad ID number is named at its field as soon as the field is left.
        id_field = form.query_one("#f-parties-0-id_number").parent
        assert id_field.error and model.field_label("data.parties[0].id_number") in id_field.error
        await press(pilot, "ctrl+s")
        await pilot.pause()
        assert store.query(kind="case") == []  # nothing saved half
        assert app.focused is form.query_one("#f-parties-0-id_number")
        await press(pilot, "ctrl+u")
        await burst(pilot, P(GOOD_ID), "tab", P("13912345678"), "tab", P("石桥村3组12号"))
        await burst(pilot, "tab", P("李小花"), "tab", "tab", "tab", P("13912345679"))
        await press(pilot, "ctrl+s")
        await pilot.pause()
        case_screen = app.screen
        assert isinstance(case_screen, CaseScreen)
        [case] = store.query(kind="case")
        data = case["data"]
        assert data["dispute_type"] == "neighbour"
        assert data["source"] == "committee_found"
        assert data["summary"] == "邻居排水沟堵塞引发争吵"
        assert data["rights_notice_given"] is True and data["major"] is False
        assert data["parties"] == [
            {
                "name": "王大明",
                "role": "applicant",
                "id_number": GOOD_ID,
                "phone": "13912345678",
                "address": "石桥村3组12号",
            },
            {"name": "李小花", "role": "respondent", "phone": "13912345679"},
        ]
        assert_no_raw_keys(app)

        # Both elders sit in on it.
        await press(pilot, "m")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        await press(pilot, "enter")
        await pilot.pause()
        await press(pilot, "m")
        await pilot.pause()
        await press(pilot, "enter")
        await pilot.pause()
        assert app.screen is case_screen
        ids = {m["name"]: m["id"] for m in store.roster.list_mediators()}
        assert store.get(case["id"])["data"]["mediators"] == [
            {"id": ids["李守仁"], "name": "李守仁", "standing": "teacher"},
            {"id": ids["赵德明"], "name": "赵德明", "standing": "party_member"},
        ]

        # A session.
        await press(pilot, "s")
        await pilot.pause()
        assert isinstance(app.screen, SessionFormScreen)
        assert_no_raw_keys(app)
        await burst(pilot, "tab", P("村委会调解室"), "tab", "tab", P("双方陈述后调解员释法"))
        await burst(pilot, "tab", P("同意疏通水沟"))
        await press(pilot, "ctrl+s")
        await pilot.pause()
        [session] = store.get(case["id"])["data"]["sessions"]
        assert session == {
            "date": "2026-11-25",
            "place": "村委会调解室",
            "present": ["王大明", "李小花", "李守仁", "赵德明"],
            "record": "双方陈述后调解员释法",
            "result": "同意疏通水沟",
        }

        # Outcome and agreement (Art. 29): a settled case must say what, how and by when.
        await press(pilot, "a")
        await pilot.pause()
        agreement_form = app.screen
        assert isinstance(agreement_form, AgreementFormScreen)
        assert_no_raw_keys(app)
        await press(pilot, *choose(position("outcome", "success")))
        await burst(pilot, "tab", P("排水沟堵塞"), "tab", P("疏通费用"), "tab", P("双方各半"))
        await press(pilot, "ctrl+s")
        await pilot.pause()
        assert app.screen is agreement_form  # terms, manner and deadline are missing
        assert t("wf.case.agreement_needs", field=t("wf.case.agreement.terms")) in screen_text(app)
        assert app.focused is agreement_form.query_one("#f-agreement-terms")
        assert "outcome" not in store.get(case["id"])["data"]
        await burst(pilot, P("王家疏通李家付一半费用"), "tab", P("现金"), "tab", P("2026-12-10"))
        await burst(pilot, "tab", P("2026-11-25"))
        await press(pilot, "ctrl+s")
        await pilot.pause()
        data = store.get(case["id"])["data"]
        assert data["outcome"] == "success"
        assert data["agreement"] == {
            "facts": "排水沟堵塞",
            "matters": "疏通费用",
            "responsibilities": "双方各半",
            "terms": "王家疏通李家付一半费用",
            "performance_manner": "现金",
            "performance_deadline": "2026-12-10",
            "signed_at": "2026-11-25",
        }

        # A follow-up scheduled (already due), seen by the list's "follow-up due" filter.
        await press(pilot, "u")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpFormScreen)
        await press(pilot, P("2026-11-24"), "ctrl+s")
        await pilot.pause()
        assert store.get(case["id"])["data"]["follow_ups"] == [{"due": "2026-11-24"}]
        await press(pilot, "escape")
        await pilot.pause()
        cases = app.screen
        assert isinstance(cases, CaseListScreen)
        await press(pilot, "2")
        await pilot.pause()
        assert [r["id"] for r in cases.cases] == [case["id"]]

        # ... and recorded: performed, satisfied, low risk, a note.
        await press(pilot, "enter")
        await pilot.pause()
        await press(pilot, "f")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpFormScreen)
        assert_no_raw_keys(app)
        await press(pilot, "tab", "space", "tab", "space", "tab", "tab", P("水沟已疏通"), "ctrl+s")
        await pilot.pause()
        [follow_up] = store.get(case["id"])["data"]["follow_ups"]
        assert follow_up == {
            "due": "2026-11-24",
            "done_at": "2026-11-25T17:30:00+08:00",  # the same instant, on China time
            "fulfilled": True,
            "satisfied": True,
            "risk": "low",
            "note": "水沟已疏通",
        }

        # Close it: it leaves "open" and "due" and shows under "closed".
        await press(pilot, "x", "y")
        await pilot.pause()
        # the app's clock, on China time
        assert store.get(case["id"])["data"]["closed_at"] == "2026-11-25T17:30:00+08:00"
        await press(pilot, "escape")
        await pilot.pause()
        await press(pilot, "2")
        await pilot.pause()
        assert cases.cases == []
        await press(pilot, "1")
        await pilot.pause()
        assert cases.cases == []
        await press(pilot, "3")
        await pilot.pause()
        assert [r["id"] for r in cases.cases] == [case["id"]]
        assert_no_raw_keys(app)


async def test_ten_parties_mark_the_case_major(store):
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(CaseFormScreen())
        await pilot.pause()
        form = app.screen
        for _ in range(8):
            await press(pilot, "ctrl+n")
        await pilot.pause()
        assert form.query_one("#f-major").value is True
        assert app.focused is form.query_one("#f-parties-9-name")


async def test_roster_refuses_a_bad_phone_and_a_missing_standing(store):
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(RosterScreen())
        await pilot.pause()
        await press(pilot, "n", P("李守仁"), "tab", "tab", "tab", P("12345"), "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MediatorFormScreen)
        shown = screen_text(app)
        assert t("wf.error.required", field=t("wf.roster.standing")) in shown
        assert "11" in shown  # the phone needs 11 digits
        assert store.roster.list_mediators() == []
        # The first bad field has the focus: fix both, save, then edit the village.
        await press(pilot, *choose(position("standing", "veteran")), "ctrl+s")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#f-phone")
        await press(pilot, "ctrl+u", P("139 1234 5678"), "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        [person] = store.roster.list_mediators()
        assert person["phone"] == "13912345678" and person["standing"] == "veteran"
        await press(pilot, "e", "tab", "tab", P("东河村"), "ctrl+s")
        await pilot.pause()
        assert store.roster.list_mediators() == [{**person, "village": "东河村"}]
