"""Risk tiers: every rule of core/tiers.json on its own (gridterm.core.tiers), and the facts
the service supplies — the same household's matters within 30 days (at push), a record past
its time limit (the sweep, with a fake clock)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from gridterm.core import model, tiers
from gridterm.township import db
from gridterm.township.services import escalation
from tests.township import _county
from tests.township._county import API, make_county, ok
from tests.township._staff import visit

REPORT = {"category": "sanitation", "urgency": "normal", "place": "村口", "description": "垃圾"}
CASE = {
    "parties": [{"name": "赵小红"}, {"name": "钱大伟"}],
    "dispute_type": "neighbour",
    "source": "party_applied",
    "summary": "排水沟",
}

# The fixture, by name, for the tests below that sweep with a clock of their own.
own_service = _county.own_service


def assess(kind: str, data: dict, **facts) -> tiers.Assessment:
    return tiers.assess(kind, data, tiers.Facts(**facts))


# --------------------------------------------------------------------------- each rule


@pytest.mark.parametrize(
    ("kind", "data", "facts", "tier", "rules"),
    [
        ("report", REPORT, {}, "green", ()),
        ("case", CASE, {}, "green", ()),
        ("case", {**CASE, "major": True}, {}, "red", ("major_dispute",)),
        ("case", {**CASE, "major": False}, {}, "green", ()),
        (
            "case",
            {**CASE, "parties": [{"name": f"村民{i}"} for i in range(10)]},
            {},
            "red",
            ("many_people",),
        ),
        ("case", {**CASE, "parties": [{"name": f"村民{i}"} for i in range(9)]}, {}, "green", ()),
        (
            "case",
            {**CASE, "follow_ups": [{"risk": "high"}, {"note": "无"}]},
            {},
            "red",
            ("flare_up_risk",),
        ),
        # The latest follow-up that recorded a risk speaks for the case.
        ("case", {**CASE, "follow_ups": [{"risk": "high"}, {"risk": "low"}]}, {}, "green", ()),
        (
            "report",
            {**REPORT, "urgency": "urgent", "category": "dispute"},
            {},
            "red",
            ("urgent_risk",),
        ),
        (
            "report",
            {**REPORT, "urgency": "urgent", "category": "public_order"},
            {},
            "red",
            ("urgent_risk",),
        ),
        (
            "report",
            {**REPORT, "urgency": "urgent", "category": "safety"},
            {},
            "red",
            ("urgent_risk",),
        ),
        ("report", {**REPORT, "urgency": "urgent"}, {}, "yellow", ("urgent",)),
        ("report", {**REPORT, "urgency": "important"}, {}, "yellow", ("urgent",)),
        ("report", {**REPORT, "category": "public_order"}, {}, "yellow", ("public_order",)),
        (
            "case",
            {**CASE, "dispute_type": "land_acquisition"},
            {},
            "yellow",
            ("risky_dispute_type",),
        ),
        (
            "case",
            {**CASE, "dispute_type": "house_homestead"},
            {},
            "yellow",
            ("risky_dispute_type",),
        ),
        ("case", {**CASE, "dispute_type": "land_contract"}, {}, "yellow", ("risky_dispute_type",)),
        ("report", REPORT, {"repeat_count": 2}, "yellow", ("repeat",)),
        ("case", CASE, {"repeat_count": 2}, "yellow", ("repeat",)),
        ("report", REPORT, {"repeat_count": 3}, "red", ("repeat_often",)),
        ("report", REPORT, {"overdue_days": 0}, "yellow", ("overdue",)),
        ("report", REPORT, {"overdue_days": 6}, "yellow", ("overdue",)),
        ("case", CASE, {"overdue_days": 7}, "red", ("long_overdue",)),
        # A rule for one kind does not touch the other.
        ("report", {**REPORT, "major": True}, {}, "green", ()),
        ("case", {**CASE, "urgency": "urgent"}, {}, "green", ()),
        # Several rules of the highest tier are all named; lower ones are not.
        (
            "report",
            {**REPORT, "urgency": "urgent", "category": "safety"},
            {"repeat_count": 3, "overdue_days": 9},
            "red",
            ("urgent_risk", "repeat_often", "long_overdue"),
        ),
    ],
)
def test_each_rule(kind, data, facts, tier, rules):
    found = assess(kind, data, **facts)
    assert (found.tier, found.rules) == (tier, rules)


def test_every_rule_of_the_file_is_tested_above():
    tested = {
        "major_dispute",
        "many_people",
        "flare_up_risk",
        "urgent_risk",
        "urgent",
        "public_order",
        "risky_dispute_type",
        "repeat",
        "repeat_often",
        "overdue",
        "long_overdue",
    }
    assert {r["id"] for r in tiers.rules_doc()["rules"]} == tested


def test_what_a_tier_means_is_data():
    assert [tiers.days(t) for t in tiers.TIERS] == [20, 7, 1]
    assert [tiers.follow_up_days(t) for t in tiers.TIERS] == [None, 7, 3]
    assert [tiers.escalates(t) for t in tiers.TIERS] == [False, False, True]
    assert [tiers.level("accepted", t) for t in tiers.TIERS] == ["village", "township", "township"]
    assert tiers.level("signed", "green") == "county"
    assert tiers.is_tiered("report") and tiers.is_tiered("case")
    assert not tiers.is_tiered("visit") and not tiers.is_tiered("household")
    assert tiers.tier_label("red", "zh") == "红" and tiers.tier_label("red", "en") == "red"
    assert tiers.reason_text(["urgent", "repeat"], "en") == (
        "urgent or important; the same household raised a matter again within 30 days"
    )
    assert "；" in tiers.reason_text(["urgent", "repeat"], "zh")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d["rules"].append({**d["rules"][0]}), "used twice"),
        (lambda d: d["rules"][0].update(colour="red"), "unknown condition colour"),
        (lambda d: d["rules"][0].update(tier="purple"), "tier must be one of"),
        (lambda d: d["rules"][0].update(label={"zh": "只有中文"}), "label needs zh and en"),
        (lambda d: d["rules"][0].update(kind="case"), "kind must be a list"),
        (lambda d: d["rules"][1].update(people_at_least=-1), "people_at_least"),
        (lambda d: d["rules"][0].update(major="yes"), "major must be"),
        (lambda d: d["tiers"].pop("yellow"), "tiers must be exactly"),
        (lambda d: d["tiers"]["red"].update(days=1.5), "days must be"),
        (lambda d: d["tiers"]["red"].update(level="county"), "level must be"),
        (lambda d: d["tiers"]["red"].update(follow_up_days="3"), "follow_up_days"),
        (lambda d: d.update(default="blue"), "default must name a tier"),
        (lambda d: d.update(repeat_window_days=0), "repeat_window_days"),
    ],
)
def test_a_rules_file_that_cannot_be_applied_is_refused(change, complaint):
    doc = copy.deepcopy(tiers.rules_doc())
    tiers.check_rules(doc)  # the shipped file is fine
    change(doc)
    with pytest.raises(tiers.RulesError, match=complaint):
        tiers.check_rules(doc)


def test_the_household_a_record_speaks_for():
    key = tiers.household_key
    assert key("report", {"raised_by": " 张三 明 "}, "g1") == "name:g1:张三 明"
    assert key("report", {"raised_by": "张三"}, "g1", visit_household="h7") == "hh:h7"
    assert key("report", {}, "g1") is None
    party = {"name": "赵小红", "id_number": "11010519491231002x"}
    assert key("case", {"parties": [party]}, "g1") == "id:11010519491231002X"
    assert key("case", {"parties": [{"name": "赵小红"}]}, "g1") == "name:g1:赵小红"
    assert key("case", {"parties": []}, "g1") is None
    assert key("visit", {"household_id": "h7"}, "g1") is None
    assert len(key("report", {"raised_by": "名" * 10_000}, "g1")) <= 200


# --------------------------------------------------------------------------- the facts


def raised(dev, days_ago: float, **data) -> dict:
    when = (
        (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago))
        .replace(microsecond=0)
        .isoformat()
    )
    return model.new_record(
        "report", {**REPORT, "raised_by": "孙大娘", **data}, device=dev.id, now=when
    )


def tier_of(town, rid: str) -> dict:
    return ok(town.staff.get(f"{API}/records/{rid}"))


def test_the_same_household_again_within_30_days(live_service):
    town = make_county(live_service).townships[0]
    # Recent ones (none past its time limit), and one 31.5 days old: outside every window.
    old = raised(town.device, 31.5)
    first = raised(town.device, 1)
    second = raised(town.device, 0.5)
    third = raised(town.device, 0.2)
    other = raised(town.device, 0.1, raised_by="李四")
    town.push(old)
    town.push(first)
    assert tier_of(town, first["id"])["tier"] == "green"  # 30.5 days after: not within 30
    # The old one arrived past its time limit, long ago: the push weighs that too.
    assert tier_of(town, old["id"])["tier_rules"] == ["long_overdue"]
    town.push(second, other)
    got = tier_of(town, second["id"])
    assert (got["tier"], got["tier_rules"]) == ("yellow", ["repeat"])
    assert tier_of(town, other["id"])["tier"] == "green"
    town.push(third)
    assert tier_of(town, third["id"])["tier_rules"] == ["repeat_often"]
    # What the push decided is not announced (the device has the same rules).
    assert {u["id"] for u in town.device.pull().json()["updates"]} == set()


def test_the_household_of_the_visit_a_report_came_from(live_service):
    town = make_county(live_service).townships[0]
    home = "hh-" + "1" * 8
    v1, v2 = visit(town.device, home), visit(town.device, home)
    r1 = raised(town.device, 3, raised_by="甲", links={"visit": v1["id"]})
    town.push(v1, r1)
    r2 = raised(town.device, 2, raised_by="乙", links={"visit": v2["id"]})
    town.push(v2, r2)  # a visit in the same batch names the household too
    assert tier_of(town, r1["id"])["tier"] == "green"
    assert tier_of(town, r2["id"])["tier_rules"] == ["repeat"]


def test_past_its_time_limit_the_sweep_raises_the_tier(own_service):
    live_service = own_service
    county = make_county(live_service)
    town = county.townships[0]
    rec = raised(town.device, 0, raised_by="")
    town.push(rec)
    got = tier_of(town, rec["id"])
    assert got["tier"] == "green" and got["due_at"]
    due = dt.datetime.fromisoformat(got["due_at"])
    writes = db.write_session_factory(live_service.engine)
    assert escalation.sweep(writes, now=due - dt.timedelta(minutes=1)).raised == 0
    assert escalation.sweep(writes, now=due + dt.timedelta(hours=1)).raised == 1
    got = tier_of(town, rec["id"])
    assert (got["tier"], got["tier_rules"]) == ("yellow", ["overdue"])
    # The device hears of it; the sweep again changes nothing.
    update = next(u for u in town.device.pull().json()["updates"] if u["id"] == rec["id"])
    assert update["tier"] == "yellow"
    assert escalation.sweep(writes, now=due + dt.timedelta(hours=2)).raised == 0
    assert escalation.sweep(writes, now=due + dt.timedelta(days=7, hours=1)).raised == 1
    got = tier_of(town, rec["id"])
    assert (got["tier"], got["tier_rules"]) == ("red", ["long_overdue"])
    events = [(e["actor"], e["action"], e["value"]) for e in got["events"] if e["action"]]
    assert events == [("rule", "tier", "yellow"), ("rule", "tier", "red")]


def test_a_closed_record_is_never_raised(own_service):
    live_service = own_service
    town = make_county(live_service).townships[0]
    rec = raised(town.device, 0, raised_by="")
    town.push(rec)
    ok(town.staff.post(f"{API}/records/{rec['id']}/transition", json={"to": "accepted"}))
    ok(town.staff.post(f"{API}/records/{rec['id']}/transition", json={"to": "done"}))
    writes = db.write_session_factory(live_service.engine)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)
    escalation.sweep(writes, now=later)
    assert tier_of(town, rec["id"])["tier"] == "green"
