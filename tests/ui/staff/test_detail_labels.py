"""A visit's detail in the staff console reads as the officer saw it: the checklist's title,
each answer under its item's label with options and yes/no worded, flagged answers marked,
and the household's head and address instead of its id — in zh_CN and en, at 80×24."""

from __future__ import annotations

import pytest

from gridterm.client.staff import StaffClient
from gridterm.core import model
from gridterm.core.i18n import set_language
from gridterm.ui.staff.app import StaffApp
from gridterm.ui.staff.record_words import Words
from gridterm.ui.staff.screens.detail import DetailScreen, history_lines, label_of, value_text
from tests.ui.staff.conftest import screen_text, until

ANSWERS = {
    "dispute_signs": "none",
    "farmland_building": False,
    "straw_burning": False,
    "rubbish_piled": False,
    "sewage": False,
    "toilet": "flush",
    "fraud_outreach": True,
    "drug_outreach": True,
    "cult_outreach": True,
    "drowning_outreach": False,
    "fraud_contact": False,
    "suspicious": False,
}
RAW = (
    "dispute_signs",
    "cult_outreach",
    "peace_environment",
    ": neighbour",
    "：neighbour",
    "staff.",
)

EXPECT = {
    "zh_CN": {
        "title": "平安与人居环境",
        "yes_line": "已开展反邪教宣传：是",
        "flag_line": "矛盾纠纷苗头：邻里纠纷  ⚑ 需跟进",
        "home": "王秀英 · 青山村",
        "diff": "矛盾纠纷苗头：无 → 邻里纠纷",
    },
    "en": {
        "title": "Peace and living environment",
        "yes_line": "Anti-cult advice given: yes",
        "flag_line": "Signs of a dispute brewing: Between neighbours  ⚑ needs follow-up",
        "home": "王秀英 · 青山村",
        "diff": "Signs of a dispute brewing: None → Between neighbours",
    },
}


def push_visit(town) -> tuple[dict, dict]:
    """A household and a visit to it on the peace checklist; rev 2 flags a dispute."""
    device = town.device
    kw = {"grid": device.grid_id, "officer": device.officer_id, "device": device.id}
    home = model.new_record(
        "household", {"village": "青山村", "group": "3", "number": "12", "head": "王秀英"}, **kw
    )
    visit = model.new_record(
        "visit",
        {
            "household_id": home["id"],
            "template_id": "peace_environment",
            "template_version": 1,
            "answers": dict(ANSWERS),
            "flagged": [],
        },
        **kw,
    )
    town.push(home, visit)
    visit = dict(visit)
    visit["rev"] = 2
    visit["data"] = {
        **visit["data"],
        "answers": {**ANSWERS, "dispute_signs": "neighbour"},
        "flagged": ["dispute_signs"],
    }
    town.push(visit)
    return home, visit


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_visit_detail_shows_labels_not_keys(township, lang):
    set_language(lang)
    home, visit = push_visit(township)
    app = StaffApp(StaffClient(township.service.url, township.token), refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen_stack) > 1, what="the first screen")
        await pilot.app.workers.wait_for_complete()
        app.push_screen(DetailScreen(visit["id"]))
        await until(
            pilot,
            lambda: isinstance(app.screen, DetailScreen) and app.screen.record is not None,
            what="the visit's detail loaded",
        )
        await pilot.pause()
        screen = app.screen
        want = EXPECT[lang]
        data, history = shown(screen, "#dt-data"), shown(screen, "#dt-history")
        facts = shown(screen, "#dt-facts")
        assert want["title"] in data and want["title"] in facts
        assert want["yes_line"] in data
        assert want["flag_line"] in data
        assert want["home"] in data and home["id"] not in data
        assert want["diff"] in history
        # Only the answer the officer flagged is marked (8 others are answered, unflagged).
        assert data.count("⚑") == 1
        visible = screen_text(app)
        assert want["title"] in visible
        for raw in RAW:
            assert raw not in data and raw not in history and raw not in visible, raw


def test_unknown_checklist_and_unread_household_fall_back_to_keys_and_ids():
    set_language("zh_CN")
    record = {
        "kind": "visit",
        "data": {
            "household_id": "b4328e80-0000-4000-8000-000000000009",
            "template_id": "township_flood",
            "template_version": 3,
            "answers": {"sandbags": True, "level": "high"},
            "flagged": ["level"],
        },
    }
    words = Words(record, {})  # the household could not be read
    assert value_text("template_id", "township_flood", words=words) == "township_flood"
    assert label_of("answers.level", words) == "level"
    assert value_text("answers.sandbags", True, words=words) == "是"
    assert value_text("answers.level", "high", words=words) == "high"
    assert words.flag("answers.level", "high") and not words.flag("answers.sandbags", True)
    assert value_text("household_id", record["data"]["household_id"], words=words) == (
        "b4328e80-0000-4000-8000-000000000009"
    )


def test_newer_version_of_a_builtin_uses_its_labels_and_reports_stay_as_they_were():
    set_language("en")
    visit = {"kind": "visit", "data": {"template_id": "safety", "template_version": 9}}
    words = Words(visit)
    assert value_text("template_id", "safety", words=words) != "safety"
    revs = [
        {"rev": 1, "data": {"template_id": "safety", "flagged": []}, "device": "d"},
        {"rev": 2, "data": {"template_id": "safety", "flagged": ["nope"]}, "device": "d"},
    ]
    lines = [str(line) for line in history_lines(revs, None, words)]
    assert any("nope" in line and "Flagged" in line for line in lines), lines
    report = Words({"kind": "report", "data": {"category": "safety"}})
    assert value_text("category", "safety", words=report) == "Safety hazard"
    assert label_of("answers.x", report) == label_of("answers.x")


def test_an_empty_value_filled_in_reads_as_added():
    set_language("zh_CN")
    words = Words({"kind": "visit", "data": {"template_id": "peace_environment"}})
    revs = [
        {"rev": 1, "data": {"flagged": [], "notes": "有"}, "device": "d"},
        {"rev": 2, "data": {"flagged": ["toilet"], "notes": ""}, "device": "d"},
    ]
    lines = [str(line) for line in history_lines(revs, None, words)]
    assert "  + 标记项：卫生厕所（新增）" in lines, lines
    assert "  - 备注：有（删除）" in lines, lines


def test_a_reports_linked_visit_reads_as_its_checklist_and_day():
    set_language("zh_CN")
    vid = "b4328e80-0000-4000-8000-00000000000a"
    report = {"kind": "report", "data": {"category": "dispute", "links": {"visit": vid}}}
    linked = {
        vid: {
            "id": vid,
            "kind": "visit",
            "summary": "peace_environment",
            "created_at": "2026-11-24T09:30:00+08:00",
        }
    }
    assert value_text("links.visit", vid, words=Words(report, linked)) == (
        "平安与人居环境 · 2026-11-24"
    )
    assert value_text("links.visit", vid, words=Words(report, {})) == vid
    assert label_of("links.visit", Words(report, linked)) == "关联走访"
