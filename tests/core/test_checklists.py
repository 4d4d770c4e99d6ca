"""The checklist templates: the five built-ins are valid and complete in both languages, the
validator names what is wrong, township versions override built-ins, answers parse and flag."""

from __future__ import annotations

import copy

import pytest

from gridterm.core import checklists
from gridterm.core.checklists import AnswerError, TemplateError
from gridterm.core.i18n import set_language


def test_five_builtins_in_domain_order_with_8_to_15_items():
    templates = checklists.builtin_templates()
    assert [tpl["id"] for tpl in templates] == list(checklists.BUILTIN_IDS)
    for tpl in templates:
        assert 8 <= len(tpl["items"]) <= 15, tpl["id"]
        assert tpl["title"]["zh"] != tpl["title"]["en"]
        flagged = [item for item in tpl["items"] if "flag_if" in item]
        assert flagged, f"{tpl['id']} flags nothing"
        for item in tpl["items"]:
            assert item["label"]["zh"] and item["label"]["en"]
            if item["type"] == "choice":
                for option in item["options"]:
                    assert option["label"]["zh"] and option["label"]["en"]


def test_builtin_titles_are_domain_names():
    titles = {tpl["title"]["zh"] for tpl in checklists.builtin_templates()}
    assert titles == {
        "基本信息核实",
        "安全隐患排查",
        "特殊人群关爱",
        "防返贫动态监测",
        "平安与人居环境",
    }


def _template():
    return copy.deepcopy(checklists.builtin_templates()[1])


@pytest.mark.parametrize(
    ("breakage", "where", "phrase"),
    [
        (lambda tpl: tpl.update(version=0), "version", "version"),
        (lambda tpl: tpl["title"].pop("zh"), "title", "zh and en"),
        (lambda tpl: tpl.update(items=[]), "items", "non-empty list"),
        (lambda tpl: tpl["items"][2].update(type="slider"), "items[3]", "yes_no, choice"),
        (lambda tpl: tpl["items"][3].update(key=tpl["items"][0]["key"]), "items[4]", "used twice"),
        (lambda tpl: tpl["items"][1].update(flag_if=["broken"]), "items[2] gas_hose", "options"),
        (
            lambda tpl: tpl["items"][4].update(flag_if="no"),
            "items[5] wiring_sound",
            "true or false",
        ),
        (lambda tpl: tpl["items"][4].update(report_category="fire"), "items[5]", "dispute, safety"),
        (
            lambda tpl: tpl["items"][1].update(options=tpl["items"][1]["options"][:1]),
            "items[2] gas_hose",
            "2 to 9 options",
        ),
    ],
)
def test_validator_names_template_place_and_problem(breakage, where, phrase):
    tpl = _template()
    breakage(tpl)
    with pytest.raises(TemplateError) as info:
        checklists.validate(tpl)
    message = str(info.value)
    assert "'safety'" in message and where in message and phrase in message


def test_validator_message_in_chinese():
    tpl = _template()
    tpl["version"] = "2"
    set_language("zh_CN")
    with pytest.raises(TemplateError) as info:
        checklists.validate(tpl)
    assert "version 必须是不小于 1 的整数" in str(info.value)


def test_township_newer_version_overrides_older_is_ignored_bad_one_reported():
    newer = _template()
    newer["version"] = 2
    newer["items"] = newer["items"][:8]
    older = _template()
    older["id"] = "basic_info"
    older["version"] = 1
    older["title"] = {"zh": "旧", "en": "old"}
    broken = _template()
    broken["id"] = "special_care"
    broken["version"] = 9
    broken["items"] = "none"
    extra = _template()
    extra["id"] = "flood_season"
    templates, problems = checklists.merge([newer, older, broken, extra])
    by_id = {tpl["id"]: tpl for tpl in templates}
    assert by_id["safety"]["version"] == 2 and len(by_id["safety"]["items"]) == 8
    assert by_id["basic_info"]["title"]["zh"] == "基本信息核实"
    assert by_id["special_care"]["version"] == 1  # a bad publication never hides the built-in
    assert [tpl["id"] for tpl in templates][-1] == "flood_season"
    assert len(problems) == 1 and "'special_care'" in str(problems[0])


def _item(tid, key):
    tpl = checklists.find(checklists.builtin_templates(), tid)
    return next(item for item in tpl["items"] if item["key"] == key)


def test_parse_and_flag_each_type():
    ebike = _item("safety", "ebike_charging")
    assert checklists.parse_answer(ebike, "4") == "flying_cable"
    assert checklists.is_flagged(ebike, "flying_cable")
    assert not checklists.is_flagged(ebike, checklists.parse_answer(ebike, "2"))
    cellar = _item("safety", "cellar_bedroom")
    assert checklists.parse_answer(cellar, "y") is True and checklists.is_flagged(cellar, True)
    income = _item("poverty_watch", "income_per_head")
    assert checklists.parse_answer(income, "6,500") == 6500
    assert checklists.is_flagged(income, 6500) and not checklists.is_flagged(income, 9000)
    other = _item("safety", "other_hazards")
    assert checklists.parse_answer(other, "") is None and not checklists.is_flagged(other, None)
    assert checklists.is_flagged(other, "loose tiles")
    date = _item("poverty_watch", "next_visit")
    assert checklists.parse_answer(date, "2026-12-01") == "2026-12-01"


@pytest.mark.parametrize(
    ("tid", "key", "raw", "phrase"),
    [
        ("safety", "ebike_charging", "7", "1 to 4"),
        ("safety", "cellar_bedroom", "maybe", "y (yes)"),
        ("safety", "cellar_bedroom", "", "must be answered"),
        ("poverty_watch", "income_per_head", "lots", "'lots' is not a number"),
        ("poverty_watch", "next_visit", "2026-02-30", "2026-11-25"),
    ],
)
def test_bad_answers_say_what_the_item_expects(tid, key, raw, phrase):
    with pytest.raises(AnswerError) as info:
        checklists.parse_answer(_item(tid, key), raw)
    assert phrase in str(info.value)


def test_missing_required_and_flagged_keys():
    tpl = checklists.find(checklists.builtin_templates(), "safety")
    assert "gas_type" in checklists.missing_required(tpl, {})
    assert "other_hazards" not in checklists.missing_required(tpl, {})
    assert checklists.flagged_keys(tpl, {"cellar_bedroom": True, "exits_clear": True}) == [
        "cellar_bedroom"
    ]
