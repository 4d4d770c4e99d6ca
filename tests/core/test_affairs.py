"""Village affairs in the model: money as decimal text, a financial notice's totals, and the
四议两公开 steps — in order, each vote possible, the meetings quorate (two thirds of the
representatives present, more than half of those present for) — on the record as both the
device and the service check it (``validate_record``)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from gridterm.core import model
from gridterm.core.model import affairs
from gridterm.core.model.affairs import (
    MoneyError,
    Share,
    check_steps,
    display_money,
    finance_totals,
    matter_state,
    next_step,
    outcome,
    parse_money,
    step_order,
)

ORDER = (
    "proposal",
    "discussion",
    "review",
    "resolution",
    "resolution_public",
    "result_public",
)


def finance(items, totals=None, **extra):
    data = {
        "village": "石桥村",
        "type": "finance",
        "title": "2026年第三季度财务公开",
        "items": items,
        "totals": totals if totals is not None else finance_totals(items),
    }
    return {**data, **extra}


def steps(n: int = 6) -> list[dict]:
    """The six steps of a matter that went through, the first ``n`` of them."""
    every = [
        {"step": "proposal", "date": "2026-10-08", "attendees": ["王建国", "李红梅", "赵强"],
         "text": "提议硬化三组至五组村道1.2公里。"},
        {"step": "discussion", "date": "2026-10-10", "present": 7, "members": 7,
         "text": "两委会商议：同意，资金由一事一议筹补。"},
        {"step": "review", "date": "2026-10-15", "members": 42, "present": 35,
         "vote": {"for": 33, "against": 1, "abstain": 1}, "text": "党员大会审议通过。"},
        {"step": "resolution", "date": "2026-10-20", "meeting": "representatives",
         "members": 45, "present": 38, "vote": {"for": 36, "against": 2, "abstain": 0},
         "text": "决议：硬化村道，预算38万元。"},
        {"step": "resolution_public", "date": "2026-10-21", "text": "决议公开，公示七天。"},
        {"step": "result_public", "date": "2026-12-30", "text": "已完工，决算36.8万元。"},
    ]  # fmt: skip
    return copy.deepcopy(every[:n])


def matter(n: int = 6) -> dict:
    return {"village": "石桥村", "title": "三组至五组村道硬化", "steps": steps(n)}


def problems(data: dict, kind: str = "matter") -> dict[str, str]:
    with pytest.raises(model.ValidationError) as info:
        model.validate_data(kind, data)
    return info.value.by_field("en")


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1234.5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("０.１", "0.10"),  # full-width, as a phone's input method types it
        ("¥ 12", "12.00"),
        ("￥12元", "12.00"),
        ("0", "0.00"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_money_is_stored_as_text_with_two_decimals(typed, stored):
    assert affairs.money_text(parse_money(typed)) == stored
    data = model.validate_data("notice", finance([{"item": "补助", "income": typed}]))
    assert data["items"][0]["income"] == stored


@pytest.mark.parametrize(
    ("given", "key"),
    [
        (1234.5, "affairs.money.not_text"),  # a float: never
        (1234, "affairs.money.not_text"),
        (True, "affairs.money.not_text"),
        ("-12.00", "affairs.money.negative"),
        ("1.005", "affairs.money.cents"),
        ("12,34.00", "affairs.money.bad"),
        ("1e3", "affairs.money.bad"),
        ("NaN", "affairs.money.bad"),
        ("12.00\x00", "affairs.money.bad"),
        ("1" * 10_000, "affairs.money.too_big"),
        (str(2**63), "affairs.money.too_big"),
        ("1000000000000", "affairs.money.too_big"),
    ],
)
def test_money_that_is_not_an_amount_is_refused_with_its_reason(given, key):
    with pytest.raises(MoneyError) as info:
        parse_money(given)
    assert info.value.key == key
    bad = problems(finance([{"item": "补助", "income": given}], {"income": "1.00"}), "notice")
    assert "data.items[0].income" in bad


def test_sums_are_exact_to_the_fen():
    # 0.1 + 0.2 as floats is 0.30000000000000004; a ledger must say 0.30.
    items = [{"item": "a", "income": "0.10"}, {"item": "b", "income": "0.20"}]
    assert finance_totals(items) == {"income": "0.30", "spending": "0.00"}
    many = [{"item": f"第{n}项", "spending": "0.01"} for n in range(500)]
    assert finance_totals(many)["spending"] == "5.00"
    assert display_money("1234567.5") == "1,234,567.50"
    assert display_money("junk") == "junk" and display_money(None) == ""


# --------------------------------------------------------------------------- financial notices


def test_a_financial_notice_whose_totals_add_up_is_valid():
    items = [
        {"item": "上级转移支付", "income": "50000", "voucher": "记-001"},
        {"item": "村道维修材料", "spending": "12,345.60", "voucher": "记-002"},
        {"item": "保洁员工资", "spending": "3600", "voucher": "记-003"},
    ]
    data = model.validate_data("notice", finance(items, {"income": "50000", "spending": "15945.6"}))
    assert data["totals"] == {"income": "50000.00", "spending": "15945.60"}


def test_totals_that_do_not_add_up_are_refused_naming_both_sums():
    items = [{"item": "材料", "spending": "100.00"}, {"item": "人工", "spending": "50.00"}]
    bad = problems(finance(items, {"income": "0", "spending": "160.00"}), "notice")
    assert bad == {
        "data.totals.spending": "Totals › Spending 160.00 is not the sum of the items, 150.00"
    }
    bad = problems(finance(items, {"income": "0.01", "spending": "150"}), "notice")
    assert set(bad) == {"data.totals.income"}


def test_a_financial_notice_needs_items_amounts_and_totals():
    assert set(problems(finance([]), "notice")) == {"data.items"}
    assert set(problems(finance([{"item": "材料", "voucher": "7"}]), "notice")) == {
        "data.items[0].income"
    }
    no_totals = finance([{"item": "材料", "spending": "1"}])
    del no_totals["totals"]
    assert set(problems(no_totals, "notice")) == {"data.totals"}


def test_only_a_financial_notice_has_items_and_others_need_a_body():
    data = {"village": "石桥村", "type": "party", "title": "发展党员公示", "body": "…"}
    assert model.validate_data("notice", data)["type"] == "party"
    bad = problems({**data, "items": [{"item": "x", "income": "1"}]}, "notice")
    assert set(bad) == {"data.items"}
    bad = problems({**data, "body": ""}, "notice")
    assert set(bad) == {"data.body"}
    bad = problems({**data, "type": "weather"}, "notice")
    assert set(bad) == {"data.type"}


def test_period_correction_and_matter_links():
    data = {"village": "石桥村", "type": "village", "title": "低保评议", "body": "名单如下。"}
    year_end = {"from": "2026-10-01", "to": "2026-12-31"}
    assert model.validate_data("notice", {**data, "period": year_end})
    backwards = {"from": "2026-12-31", "to": "2026-10-01"}
    assert set(problems({**data, "period": backwards}, "notice")) == {"data.period.to"}
    assert set(problems({**data, "period": {"from": "2026-12-31"}}, "notice")) == {"data.period.to"}
    assert set(problems({**data, "correction_of": "abc"}, "notice")) == {"data.reason"}
    assert model.validate_data("notice", {**data, "correction_of": "abc", "reason": "错字"})
    assert set(problems({**data, "matter_id": "abc"}, "notice")) == {"data.matter_id"}


def test_a_notice_body_may_be_long_but_not_endless_nor_hold_controls():
    data = {"village": "石桥村", "type": "village", "title": "村规民约", "body": "条" * 20_000}
    assert model.validate_data("notice", data)
    assert set(problems({**data, "body": "条" * 20_001}, "notice")) == {"data.body"}
    assert set(problems({**data, "body": "第一条\x00"}, "notice")) == {"data.body"}


# --------------------------------------------------------------------------- the six steps


def test_the_order_is_the_vocabularys():
    assert step_order() == ORDER
    assert model.label("matter_step", "resolution", "zh_CN") == "村民（代表）会议决议"


def test_a_matter_that_walked_every_step_in_order_is_valid_and_complete():
    data = model.validate_data("matter", matter())
    assert [s["step"] for s in data["steps"]] == list(ORDER)
    assert matter_state(data["steps"]) == "complete" and next_step(data["steps"]) is None
    for n in range(6):
        assert model.validate_data("matter", matter(n))
        assert next_step(steps(n)) == ORDER[n] and matter_state(steps(n)) == "open"


@pytest.mark.parametrize("skipped", range(5))
def test_a_step_out_of_order_is_refused_with_the_step_it_should_be(skipped):
    walked = steps()
    del walked[skipped]
    bad = problems({**matter(), "steps": walked})
    path = f"data.steps[{skipped}].step"
    assert list(bad) == [path]
    assert bad[path].startswith(f"Step {skipped + 1} must be")
    assert "in order" in bad[path]


def test_a_step_repeated_or_dated_before_the_last_is_refused():
    walked = steps(3)
    walked.insert(1, copy.deepcopy(walked[0]))
    assert list(problems({**matter(), "steps": walked})) == ["data.steps[1].step"]
    walked = steps(3)
    walked[2]["date"] = "2026-10-09"  # the day before the committees met
    bad = problems({**matter(), "steps": walked})
    assert list(bad) == ["data.steps[2].date"] and "2026-10-10" in bad["data.steps[2].date"]
    walked[2]["date"] = walked[1]["date"]  # the same day is fine
    assert model.validate_data("matter", {**matter(), "steps": walked})


def test_a_vote_whose_counts_exceed_those_present_is_refused():
    walked = steps(4)
    walked[3]["vote"] = {"for": 30, "against": 5, "abstain": 4}  # 39 votes, 38 present
    bad = problems({**matter(), "steps": walked})
    assert bad == {"data.steps[3].vote": "The votes add up to 39, more than the 38 present"}
    walked[3]["vote"]["abstain"] = 3  # 38 votes, 38 present
    assert model.validate_data("matter", {**matter(), "steps": walked})


def test_an_optional_vote_is_counted_against_the_names_listed():
    walked = steps(1)
    walked[0]["vote"] = {"for": 4}  # three names listed
    assert set(problems({**matter(), "steps": walked})) == {"data.steps[0].vote"}


def test_more_present_than_members_or_names_than_present_is_refused():
    walked = steps(4)
    walked[3]["present"] = 46
    assert "data.steps[3].present" in problems({**matter(), "steps": walked})
    walked = steps(2)
    walked[1]["attendees"] = [f"代表{n}" for n in range(8)]
    assert set(problems({**matter(), "steps": walked})) == {"data.steps[1].attendees"}


@pytest.mark.parametrize(
    ("members", "present", "quorate"),
    [(45, 30, True), (45, 29, False), (60, 40, True), (60, 39, False), (3, 2, True), (1, 1, True)],
)
def test_representatives_need_two_thirds_of_their_members_present(members, present, quorate):
    walked = steps(4)
    walked[3].update(members=members, present=present, vote={"for": present, "against": 0})
    found = outcome(walked[3])
    assert found is not None and found.quorate is quorate
    assert found.needed_present == -(-2 * members // 3)  # two thirds, rounded up: 以上 counts
    if quorate:
        assert model.validate_data("matter", {**matter(4), "steps": walked})
    else:
        bad = problems({**matter(4), "steps": walked})
        assert list(bad) == ["data.steps[3].present"]
        assert (
            f"{members} members, at least {found.needed_present}, {present} present"
            in (bad["data.steps[3].present"])
        )


@pytest.mark.parametrize(
    ("present", "votes_for", "passed"),
    [(38, 20, True), (38, 19, False), (37, 19, True), (37, 18, False), (30, 16, True)],
)
def test_representatives_decide_by_more_than_half_of_those_present(present, votes_for, passed):
    walked = steps(4)
    vote = {"for": votes_for, "against": present - votes_for}
    walked[3].update(members=45, present=present, vote=vote)
    found = outcome(walked[3])
    assert found is not None and found.passed is passed
    assert found.needed_for == present // 2 + 1
    # A resolution that did not carry is recorded (the village voted), and the matter stops.
    data = model.validate_data("matter", {**matter(4), "steps": walked})
    assert matter_state(data["steps"]) == ("open" if passed else "stopped")
    assert next_step(data["steps"]) == ("resolution_public" if passed else None)
    walked.append(steps(5)[4])
    if passed:
        assert model.validate_data("matter", {**matter(), "steps": walked})
    else:
        bad = problems({**matter(), "steps": walked})
        assert list(bad) == ["data.steps[4].step"]
        assert "not carried" in bad["data.steps[4].step"]


def test_the_party_members_meeting_needs_half_present_and_more_than_half_of_all_for():
    walked = steps(3)
    walked[2].update(members=42, present=21, vote={"for": 21})  # half present is enough
    found = outcome(walked[2])
    assert found is not None and found.quorate and not found.passed and found.needed_for == 22
    # More than half of those present is not enough: more than half of all the members.
    walked[2].update(present=40, vote={"for": 21, "against": 19})
    found = outcome(walked[2])
    assert found is not None and not found.passed
    walked[2]["vote"] = {"for": 22, "against": 18}
    assert outcome(walked[2]).passed
    walked[2].update(present=20, vote={"for": 20})  # fewer than half of the 42
    bad = problems({**matter(3), "steps": walked})
    assert list(bad) == ["data.steps[2].present"]
    assert "at least 21" in bad["data.steps[2].present"]


def test_a_villagers_meeting_needs_more_than_half_present():
    walked = steps(4)
    walked[3].update(meeting="villagers", members=800, present=400, vote={"for": 390})
    bad = problems({**matter(4), "steps": walked})
    assert "at least 401" in bad["data.steps[3].present"]
    walked[3]["present"] = 401
    assert model.validate_data("matter", {**matter(4), "steps": walked})


def test_what_each_step_must_record():
    walked = steps(4)
    del walked[3]["vote"], walked[3]["members"]
    assert set(problems({**matter(4), "steps": walked})) == {
        "data.steps[3].members",
        "data.steps[3].vote.for",
    }
    walked = steps(5)
    walked[4]["vote"] = {"for": 1}
    assert set(problems({**matter(5), "steps": walked})) == {"data.steps[4].vote"}
    walked = steps(1)
    del walked[0]["attendees"]
    assert set(problems({**matter(1), "steps": walked})) == {"data.steps[0].present"}
    walked = steps(2)
    walked[1]["meeting"] = "villagers"
    assert set(problems({**matter(2), "steps": walked})) == {"data.steps[1].meeting"}
    walked = steps(1)
    walked[0]["text"] = ""
    assert set(problems({**matter(1), "steps": walked})) == {"data.steps[0].text"}
    too_many = {**matter(), "steps": [*steps(), steps(1)[0]]}
    assert set(problems(too_many)) == {"data.steps"}


@pytest.mark.parametrize(
    "value", [2**63, -1, 1.5, "38", True, None], ids=lambda v: type(v).__name__ + repr(v)[:8]
)
def test_counts_at_the_edges(value):
    walked = steps(4)
    walked[3]["present"] = value
    if value is None:
        assert set(problems({**matter(4), "steps": walked})) == {"data.steps[3].present"}
        return
    assert "data.steps[3].present" in problems({**matter(4), "steps": walked})


def test_check_steps_is_the_rule_alone_for_callers():
    assert check_steps(steps()) == []
    walked = steps()
    walked[4], walked[5] = walked[5], walked[4]
    [error] = check_steps(walked)
    assert error.field == "data.steps[4].step" and error.key == "affairs.order.resolution_public"
    assert check_steps(None) == [] and check_steps([None, "x"]) == []


def test_share_arithmetic_is_exact():
    two_thirds = Share(2, 3, strict=False)
    assert [two_thirds.needed(n) for n in (1, 2, 3, 4, 45, 60, 61)] == [1, 2, 2, 3, 30, 40, 41]
    half = Share(1, 2, strict=True)
    assert [half.needed(n) for n in (0, 1, 2, 3, 38, 37)] == [1, 1, 2, 2, 20, 19]
    assert Share(1, 2, strict=False).needed(42) == 21


# --------------------------------------------------------------------------- records


def test_notices_and_matters_are_records_like_the_others():
    notice = model.new_record("notice", finance([{"item": "补助", "income": "10"}]), device="d")
    assert notice["kind"] == "notice" and notice["data"]["totals"]["income"] == "10.00"
    record = model.new_record("matter", matter(2), device="d")
    assert not model.is_closed(record)
    assert model.is_closed(model.new_record("matter", matter(), device="d"))
    assert not model.is_closed(notice)
    assert model.is_closed({**notice, "status": "published"})
    assert model.is_closed({**notice, "status": "superseded"})


def test_a_published_notices_number_and_qr_are_the_services():
    for key in ("notice_number", "notice_version", "published_at", "notice_qr"):
        assert key in model.SERVICE_OWNED
    notice = model.new_record("notice", finance([{"item": "补助", "income": "10"}]), device="d")
    pulled = {
        **notice,
        "notice_number": "SQ-2026-0007",
        "notice_version": 2,
        "published_at": "2026-11-25T10:00:00+08:00",
        "notice_qr": "https://zhen.example.gov.cn/v/n/SQ-2026-0007?v=2&h=0123456789abcdef&s=X",
    }
    assert model.validate_record(pulled)["notice_version"] == 2
    assert "notice_qr" not in model.wire_form(pulled)
    with pytest.raises(model.ValidationError):
        model.validate_record({**pulled, "notice_version": 0})


def test_money_never_becomes_a_float_on_the_wire():
    notice = model.new_record("notice", finance([{"item": "补助", "income": "0.10"}]), device="d")
    wire = model.canonical_json(model.wire_form(notice)).decode()
    assert '"income":"0.10"' in wire
    assert Decimal(notice["data"]["totals"]["income"]) == Decimal("0.10")


def test_a_step_with_values_at_the_edges_is_refused_at_its_field_not_by_a_crash():
    """Counts at 2**63 (a pasted ID number, a stuck key), a day that does not exist; the
    year 9999 is a date like any other."""
    huge = {**steps(4)[3], "members": 2**63, "present": 2**63}
    huge["vote"] = {"for": 2**63, "against": 0, "abstain": 0}
    found = problems({"village": "石桥村", "title": "村道", "steps": [*steps(3), huge]})
    assert {"data.steps[3].members", "data.steps[3].present"} <= set(found)
    first = steps(1)[0]
    bad_day = problems(
        {"village": "石桥村", "title": "村道", "steps": [{**first, "date": "2026-02-30"}]}
    )
    assert set(bad_day) == {"data.steps[0].date"}
    far = {"village": "石桥村", "title": "村道", "steps": [{**first, "date": "9999-12-31"}]}
    assert model.validate_data("matter", far)
