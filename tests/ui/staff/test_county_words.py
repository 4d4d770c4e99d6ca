"""The county console's rules without Textual: the periods, the figures' cells, the items'
order, the trends' series, how tiers and supervision are worded (readable without colour)."""

from __future__ import annotations

from datetime import date

import pytest

from gridterm.core.i18n import set_language
from gridterm.ui.staff import tiers
from gridterm.ui.staff.county import figures, items, period, trends


@pytest.fixture(autouse=True)
def chinese():
    set_language("zh_CN")
    yield
    set_language("en")


# -- periods ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "today", "start", "end"),
    [
        ("this_month", date(2026, 11, 25), date(2026, 11, 1), date(2026, 11, 25)),
        ("last_month", date(2026, 11, 25), date(2026, 10, 1), date(2026, 10, 31)),
        ("last_month", date(2026, 1, 5), date(2025, 12, 1), date(2025, 12, 31)),
        ("last_month", date(2026, 3, 31), date(2026, 2, 1), date(2026, 2, 28)),
        ("last_30", date(2026, 3, 1), date(2026, 1, 31), date(2026, 3, 1)),
        ("this_quarter", date(2026, 11, 25), date(2026, 10, 1), date(2026, 11, 25)),
        ("this_quarter", date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        ("this_year", date(2026, 11, 25), date(2026, 1, 1), date(2026, 11, 25)),
    ],
)
def test_named_periods_end_today_at_the_latest(name, today, start, end):
    chosen = period.preset(name, today)
    assert (chosen.start, chosen.end) == (start, end)
    assert chosen.params == (start.isoformat(), end.isoformat())


def test_p_cycles_the_named_periods_and_a_typed_one_goes_back_to_the_first():
    today = date(2026, 11, 25)
    seen = []
    current = period.preset("this_month", today)
    for _ in range(len(period.PRESETS)):
        seen.append(current.preset)
        current = period.next_preset(current, today)
    assert seen == list(period.PRESETS)
    assert current.preset == "this_month"
    typed = period.typed(date(2026, 11, 20), date(2026, 10, 2))
    assert (typed.start, typed.end, typed.preset) == (date(2026, 10, 2), date(2026, 11, 20), None)
    assert period.next_preset(typed, today).preset == "this_month"


def test_a_period_reads_with_its_name_and_its_days():
    assert period.preset("this_month", date(2026, 11, 25)).text() == "本月 11-01 至 11-25"
    across = period.typed(date(2025, 12, 20), date(2026, 1, 10))
    assert across.text() == "2025-12-20 至 2026-01-10"


# -- figures ---------------------------------------------------------------------------------
ROW = {
    "township": "东河镇",
    "township_id": "T1",
    "received": 12,
    "closed": 9,
    "closed_on_time": 6,
    "closed_on_time_pct": 66.666,
    "overdue_now": 2,
    "settled_in_village": 3,
    "settled_in_village_pct": 33.3,
    "mediation_cases": 0,
    "mediation_settled": 0,
    "mediation_settled_pct": None,
    "follow_ups_due": 4,
    "follow_ups_done": 4,
    "follow_ups_done_pct": 100,
    "red_open": 1,
    "supervised_open": 1,
    "escalated_open": 0,
}


def test_a_percentage_rounds_and_nothing_to_measure_is_a_dash_not_zero():
    assert figures.percent_text(66.666) == "67%"
    assert figures.percent_text(0) == "0%"
    assert figures.percent_text(None) == "—"
    assert figures.percent_text(True) == "—"
    assert figures.count_text(0) == "0"
    assert figures.count_text(None) == "—"


def test_the_narrow_table_keeps_the_issues_seven_figures_and_the_wide_one_adds_counts():
    columns, rows = figures.table([ROW], 80)
    assert [key for key, _ in columns] == [
        "name",
        "received",
        "closed_on_time_pct",
        "overdue_now",
        "settled_in_village_pct",
        "mediation_settled_pct",
        "follow_ups_done_pct",
        "red_open",
    ]
    assert rows == [("T1", ["东河镇", "12", "67%", "2", "33%", "—", "100%", "1"])]
    wide, wide_rows = figures.table([ROW], 120)
    assert {"closed", "supervised_open", "escalated_open"} <= {key for key, _ in wide}
    assert len(wide_rows[0][1]) == len(wide)


def test_a_leaders_villages_are_keyed_by_village():
    row = {k: v for k, v in ROW.items() if k not in ("township", "township_id")}
    columns, rows = figures.table([{**row, "village": "青山村"}], 80, first="village")
    assert columns[0] == ("name", "村")
    assert rows[0][0] == "青山村" and rows[0][1][0] == "青山村"


# -- items -----------------------------------------------------------------------------------
def item(rid, **kw):
    return {"id": rid, "received_at": "2026-11-20T09:00:00+08:00", **kw}


def test_items_are_merged_once_and_a_leaders_villages_come_first():
    escalated = item("a", level="county", village="石桥村", status_at="2026-11-24T10:00:00+08:00")
    red = item("b", tier="red", village="青山村", status_at="2026-11-25T10:00:00+08:00")
    supervised = item(
        "c",
        tier="red",
        village="石桥村",
        supervision={"deadline": "2026-12-01", "done_at": None},
        status_at="2026-11-23T10:00:00+08:00",
    )
    late = item("d", tier="red", overdue=True, village="东坡村")
    merged = items.merge([[escalated], [supervised], [red, supervised, late]])
    assert [i["id"] for i in merged] == ["c", "a", "d", "b"]
    mine = items.merge([[escalated], [supervised], [red, late]], villages=["青山村"])
    assert [i["id"] for i in mine] == ["b", "c", "a", "d"]
    assert items.counts(merged) == {"escalated": 1, "supervised": 1, "red": 3, "overdue": 1}


def test_a_finished_supervision_no_longer_counts():
    done = item("x", supervision={"deadline": "2026-12-01", "done_at": "2026-11-30T10:00:00Z"})
    assert not tiers.supervision_open(done)
    assert tiers.supervision_short(done) == ""
    assert items.counts([done])["supervised"] == 0
    assert "已完成 2026-11-30" in tiers.supervision_fact(done)


# -- trends ----------------------------------------------------------------------------------
WEEKLY = {
    "weeks": ["2026-W51", "2026-W52", "2027-W01"],
    "townships": [
        {
            "township": "东河镇",
            "township_id": "T1",
            "overdue": [3, 1, 0],
            "settled_in_village_pct": [50, None, 75.5],
        },
        {
            "township": "石桥镇",
            "township_id": "T2",
            "overdue": [0, 2, 4],
            "settled_in_village_pct": [None, None, None],
        },
    ],
}


def test_weeks_read_short_with_the_year_where_it_changes():
    assert trends.week_labels(WEEKLY["weeks"]) == ["W51", "W52", "27W01"]


def test_each_township_has_its_own_marker_and_null_weeks_are_left_out():
    overdue = trends.series(WEEKLY, "overdue")
    assert [(s.name, s.marker, s.xs, s.ys) for s in overdue] == [
        ("东河镇", "x", [1, 2, 3], [3.0, 1.0, 0.0]),
        ("石桥镇", "o", [1, 2, 3], [0.0, 2.0, 4.0]),
    ]
    settled = trends.series(WEEKLY, "settled_in_village_pct")
    assert (settled[0].xs, settled[0].ys) == ([1, 3], [50.0, 75.5])
    assert settled[1].xs == []
    assert trends.legend(overdue) == "x 东河镇  o 石桥镇"
    # One township alone keeps its own marker (the legend still matches the other chart).
    alone = trends.series(WEEKLY, "overdue", only="T2")
    assert [(s.name, s.marker) for s in alone] == [("石桥镇", "o")]


def test_t_goes_through_each_township_then_back_to_all():
    assert trends.next_township(WEEKLY, None) == "T1"
    assert trends.next_township(WEEKLY, "T1") == "T2"
    assert trends.next_township(WEEKLY, "T2") is None
    assert trends.next_weeks(12) == 26 and trends.next_weeks(52) == 8


# -- tiers -----------------------------------------------------------------------------------
def test_a_tier_is_a_word_or_a_letter_in_either_language():
    assert [tiers.tier_short(x) for x in tiers.TIERS] == ["红", "黄", "绿"]
    assert tiers.tier_cell("red").plain == "红"
    assert tiers.tier_short(None) == "" and tiers.tier_short("purple") == ""
    set_language("en")
    assert [tiers.tier_short(x) for x in tiers.TIERS] == ["R", "Y", "G"]
    fact = {"kind": "case", "tier": "red", "tier_reason": "major dispute", "tier_by": "rule"}
    assert tiers.tier_fact(fact) == "red · major dispute · by rule"


def test_households_and_visits_are_not_graded_and_show_no_tier():
    for kind in ("household", "visit"):
        assert tiers.shown_tier({"kind": kind, "tier": "green"}) is None
        assert tiers.tier_fact({"kind": kind, "tier": "green", "tier_by": "rule"}) == ""
    assert tiers.shown_tier({"kind": "report", "tier": "green"}) == "green"


def test_county_facts_name_the_township_only_for_a_countys_staff():
    record = {
        "kind": "report",
        "tier": "yellow",
        "tier_reason": "人工调整理由",
        "tier_by": "staff",
        "level": "county",
        "township": {"id": "T1", "name": "东河镇"},
        "county_department": {"id": "D1", "name": "县住建局"},
        "signed_at": "2026-11-25T09:00:00+08:00",
        "supervision": {"deadline": "2026-12-01", "note": "本周办结", "by": "王县长"},
    }
    facts = dict(tiers.county_facts(record, True, lambda at: at[:10]))
    assert facts["countyview.fact.tier"] == "黄色 · 人工调整理由 · 人工调整"
    assert facts["countyview.fact.level"] == "县"
    assert facts["countyview.fact.township"] == "东河镇"
    assert facts["countyview.fact.department"] == "县住建局"
    assert facts["countyview.fact.signed"] == "2026-11-25"
    assert facts["countyview.fact.supervision"] == "期限 2026-12-01 · 本周办结 · 王县长"
    township_view = dict(tiers.county_facts(record, False, str))
    assert township_view["countyview.fact.township"] == ""


def test_a_percent_chart_labels_only_as_many_ticks_as_it_has_rows():
    """More ticks than rows and plotext keeps whichever label it draws last on a row: the
    same screen drew 75% in one run and 50% in the next."""
    from gridterm.ui.staff.screens.county_trends import percent_ticks

    assert percent_ticks(20) == [0, 25, 50, 75, 100]
    assert percent_ticks(7) == [0, 50, 100]
    assert percent_ticks(4) == [0, 100]
