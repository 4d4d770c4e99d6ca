"""The county ladder through the real service, on SQLite and PostgreSQL (issue 15): a report
raised by a device in township A is escalated, signed for, assigned to a county department
and done; the officer's device pulls the feedback, the resident page shows it; township B's
staff see none of it and another county's staff get 404 for it."""

from __future__ import annotations

import re

import httpx
import pytest

from gridterm.core import receipts
from gridterm.township import db
from tests.township._county import API, make_county, move, ok
from tests.township._staff import household, make_township, report


def resident_text(service, rec) -> str:
    rc = rec["receipts"][0]
    # A resident's phone of its own (each test its own rate-limit budget).
    with httpx.Client(base_url=service.url, headers={"X-Forwarded-For": "10.77.0.9"}) as c:
        page = c.get(f"/r/{receipts.format_number(rc['number'])}", params={"s": rc["sig"]})
    assert page.status_code == 200, page.text[:300]
    return re.sub(r"<[^>]+>", " ", page.text)


def test_the_whole_ladder(live_service):
    county = make_county(live_service, townships=2)
    a, b = county.townships
    other = make_county(live_service)
    rec = report(a.device, receipt=True, urgency="urgent", category="safety")
    a.push(rec)
    rid = rec["id"]

    got = ok(a.staff.get(f"{API}/records/{rid}"))
    assert (got["tier"], got["tier_by"], got["level"]) == ("red", "rule", "township")
    assert got["tier_rules"] == ["urgent_risk"] and got["tier_reason"]
    assert got["township"]["id"] == a.township_id and got["village"] == "石桥村"
    assert "escalated" in got["allowed_transitions"]

    # Escalating needs a reason.
    r = move(a.staff, rid, "escalated")
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    up = ok(move(a.staff, rid, "escalated", reason="需要县住建局鉴定"))
    assert (up["status"], up["level"]) == ("escalated", "county") and up["escalated_at"]
    assert up["allowed_transitions"] == []  # the township waits for the county now
    r = move(a.staff, rid, "in_hand")
    assert r.status_code == 409 and r.json()["code"] == "wrong_level"

    listed = ok(county.staff.get(f"{API}/records", params={"level": "county"}))
    assert [i["id"] for i in listed["items"]] == [rid]
    assert listed["items"][0]["township"]["name"]
    signed = ok(move(county.staff, rid, "signed"))
    assert signed["status"] == "signed" and signed["signed_at"]
    assert signed["tier_due_at"] >= signed["signed_at"]  # the county's clock starts
    dept = ok(move(county.staff, rid, "county_assigned", department=county.department_id))
    assert dept["county_department"] == {"id": county.department_id, "name": "住建局"}
    done = ok(
        move(
            county.staff,
            rid,
            "done",
            feedback="线路已由县住建局更换",
            public_reply="已由县住建局更换线路",
        )
    )
    assert done["status"] == "done" and done["closed_at"]

    # The officer's device pulls the feedback, with the tier.
    update = next(u for u in a.device.pull().json()["updates"] if u["id"] == rid)
    assert update["status"] == "done" and update["feedback"] == "线路已由县住建局更换"
    assert update["tier"] == "red" and update["level"] in ("township", "county")
    # The resident page says the county handled it, and its reply.
    text = resident_text(live_service, rec)
    assert "由县级部门办理（住建局）" in text and "已由县住建局更换线路" in text
    assert "张三明" not in text  # masked as always

    # The township sees the outcome; the history names every step.
    mine = ok(a.staff.get(f"{API}/records/{rid}"))
    assert mine["status"] == "done" and mine["county_department"]["name"] == "住建局"
    steps = [(e["from_status"], e["to_status"]) for e in mine["events"] if e["to_status"]]
    assert steps == [
        ("reported", "escalated"),
        ("escalated", "signed"),
        ("signed", "county_assigned"),
        ("county_assigned", "done"),
    ]

    # Township B sees none of it; another county's staff get 404 for it.
    assert b.staff.get(f"{API}/records/{rid}").status_code == 404
    assert ok(b.staff.get(f"{API}/records"))["total"] == 0
    assert rid not in {i["id"] for i in ok(b.staff.get(f"{API}/records"))["items"]}
    for call in (
        lambda c: c.get(f"{API}/records/{rid}"),
        lambda c: move(c, rid, "checked_back"),
        lambda c: c.post(f"{API}/records/{rid}/tier", json={"tier": "green", "reason": "x"}),
        lambda c: c.post(f"{API}/records/{rid}/supervise", json={"deadline": "2999-01-01"}),
        lambda c: c.post(f"{API}/records/{rid}/comments", json={"text": "看看"}),
    ):
        r = call(other.staff)
        assert r.status_code == 404 and r.json()["code"] == "not_found", r.text
    assert ok(other.staff.get(f"{API}/records"))["total"] == 0


def test_who_is_who(live_service):
    county = make_county(live_service, leader_villages=("石桥村", "河口村"))
    a = county.townships[0]
    me = ok(a.staff.get(f"{API}/me"))
    assert me["role"] == "township" and me["township"]["id"] == a.township_id
    assert me["county"] is None and me["villages"] == []
    me = ok(county.staff.get(f"{API}/me"))
    assert me["role"] == "county" and me["township"] is None
    assert me["county"] == {"id": county.id, "name": county.name} and me["villages"] == []
    me = ok(county.leader.get(f"{API}/me"))
    assert me["role"] == "leader" and me["villages"] == ["石桥村", "河口村"]
    # The county's departments are what county roles assign to; its townships' grids.
    depts = ok(county.staff.get(f"{API}/departments"))["items"]
    assert [d["name"] for d in depts] == ["住建局"]
    assert ok(a.staff.get(f"{API}/departments"))["items"] == []
    grids = {g["id"] for g in ok(county.staff.get(f"{API}/grids"))["items"]}
    assert grids == {a.grid_id}


def test_county_roles_see_every_township_and_filter(live_service):
    county = make_county(live_service, townships=2)
    a, b = county.townships
    with live_service.admin_session() as s:
        s.get(db.Grid, b.grid_id).village = "河口村"
    ra, rb = report(a.device), report(b.device, urgency="important")
    a.push(ra)
    b.push(rb)
    ids = {i["id"] for i in ok(county.staff.get(f"{API}/records"))["items"]}
    assert ids == {ra["id"], rb["id"]}
    one = ok(county.staff.get(f"{API}/records", params={"township": b.township_id}))
    assert [i["id"] for i in one["items"]] == [rb["id"]]
    yellow = ok(county.staff.get(f"{API}/records", params={"tier": "yellow,red"}))
    assert [i["id"] for i in yellow["items"]] == [rb["id"]]
    green = ok(county.staff.get(f"{API}/records", params={"tier": ["green"]}))
    assert [i["id"] for i in green["items"]] == [ra["id"]]
    villages = ok(county.staff.get(f"{API}/records", params={"level": "village"}))
    assert [i["id"] for i in villages["items"]] == [ra["id"]]
    # The leader is responsible for 石桥村 (township A's grid): "mine" is that village.
    mine = ok(county.leader.get(f"{API}/records", params={"mine": "true"}))
    assert [i["id"] for i in mine["items"]] == [ra["id"]]
    assert ok(county.leader.get(f"{API}/records"))["total"] == 2
    by_village = ok(county.staff.get(f"{API}/records", params={"village": "河口村"}))
    assert [i["id"] for i in by_village["items"]] == [rb["id"]]
    for bad in ({"tier": "purple"}, {"level": "province"}):
        r = county.staff.get(f"{API}/records", params=bad)
        assert r.status_code == 422, r.text


def test_returned_to_the_township_and_sent_up_again(live_service):
    county = make_county(live_service)
    a = county.townships[0]
    rec = report(a.device)
    a.push(rec)
    rid = rec["id"]
    ok(move(a.staff, rid, "escalated", reason="跨部门"))
    r = move(county.staff, rid, "returned_to_township")
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    back = ok(move(county.staff, rid, "returned_to_township", reason="属乡镇职责"))
    assert back["status"] == "returned_to_township" and back["level"] == "village"
    assert set(back["allowed_transitions"]) == set()  # the county's view: nothing to do
    here = ok(a.staff.get(f"{API}/records/{rid}"))
    assert "in_hand" in here["allowed_transitions"] and "escalated" in here["allowed_transitions"]
    ok(move(a.staff, rid, "in_hand"))
    ok(move(a.staff, rid, "escalated", reason="乡镇确实无法处理"))
    ok(move(county.staff, rid, "signed"))


def test_county_assignment_names_a_department_of_the_county(live_service):
    county = make_county(live_service)
    other = make_county(live_service)
    a = county.townships[0]
    rec = report(a.device)
    a.push(rec)
    ok(move(a.staff, rec["id"], "escalated", reason="上报"))
    ok(move(county.staff, rec["id"], "signed"))
    for dept in (None, other.department_id, "no-such-department"):
        fields = {"department": dept} if dept else {}
        r = move(county.staff, rec["id"], "county_assigned", **fields)
        assert r.status_code == 422, r.text
    r = move(county.staff, rec["id"], "done", department=county.department_id)
    assert r.status_code == 422
    # The county signs in bulk too; a record it does not hold is refused, named.
    extra = report(a.device)
    a.push(extra)
    ok(move(a.staff, extra["id"], "escalated", reason="上报"))
    plain = report(a.device)
    a.push(plain)
    body = {"ids": [extra["id"], plain["id"]], "to": "signed"}
    results = ok(county.staff.post(f"{API}/records/bulk-transition", json=body))["results"]
    assert [(x["ok"], x.get("code")) for x in results] == [(True, None), (False, "wrong_level")]


def test_a_township_of_no_county_cannot_escalate(live_service):
    town = make_township(live_service)
    rec = report(town.device)
    town.push(rec)
    got = ok(town.staff.get(f"{API}/records/{rec['id']}"))
    assert "escalated" not in got["allowed_transitions"]
    r = move(town.staff, rec["id"], "escalated", reason="试试")
    assert r.status_code == 409 and r.json()["code"] == "no_county"
    me = ok(town.staff.get(f"{API}/me"))
    assert me["role"] == "township" and me["county"] is None


def test_supervision(live_service):
    county = make_county(live_service)
    a = county.townships[0]
    rec = report(a.device)
    a.push(rec)
    rid = rec["id"]
    r = a.staff.post(f"{API}/records/{rid}/supervise", json={"deadline": "2999-01-01"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = county.staff.post(f"{API}/records/{rid}/supervise", json={"deadline": "2001-01-01"})
    assert r.status_code == 422
    r = county.staff.post(f"{API}/records/{rid}/supervise", json={"deadline": "tomorrow"})
    assert r.status_code == 422
    seq_before = ok(a.staff.get(f"{API}/records/{rid}"))["seq"]
    got = ok(
        county.leader.post(
            f"{API}/records/{rid}/supervise", json={"deadline": "2999-12-31", "note": "三天内答复"}
        )
    )
    sup = got["supervision"]
    assert (sup["deadline"], sup["note"], sup["by"], sup["done_at"]) == (
        "2999-12-31",
        "三天内答复",
        "张县长",
        None,
    )
    assert got["seq"] == seq_before  # nothing the device must hear of
    # It heads the township's to-do list: the supervised filter finds it, with the mark.
    listed = ok(a.staff.get(f"{API}/records", params={"supervised": "true", "open": "true"}))
    assert [i["id"] for i in listed["items"]] == [rid]
    assert listed["items"][0]["supervision"]["deadline"] == "2999-12-31"
    again = ok(county.staff.post(f"{API}/records/{rid}/supervise", json={"deadline": "2999-06-01"}))
    assert again["supervision"]["deadline"] == "2999-06-01" and again["supervision"]["note"] == ""
    actions = [(e["action"], e["value"]) for e in again["events"] if e["action"]]
    assert actions == [("supervise", "2999-12-31"), ("supervise", "2999-06-01")]
    ok(move(a.staff, rid, "accepted"))
    closed = ok(move(a.staff, rid, "done", feedback="已处理"))
    assert closed["supervision"]["done_at"] == closed["closed_at"]
    assert ok(a.staff.get(f"{API}/records", params={"supervised": "true"}))["total"] == 0
    r = county.staff.post(f"{API}/records/{rid}/supervise", json={"deadline": "2999-06-01"})
    assert r.status_code == 409 and r.json()["code"] == "not_open"


def test_staff_set_a_tier_with_a_reason(live_service):
    county = make_county(live_service)
    a = county.townships[0]
    rec = report(a.device, urgency="urgent", category="safety")
    home = household(a.device)
    a.push(rec, home)
    rid = rec["id"]
    seq = ok(a.staff.get(f"{API}/records/{rid}"))["seq"]
    for body in (
        {"tier": "green"},
        {"tier": "green", "reason": "  "},
        {"tier": "blue", "reason": "x"},
    ):
        r = a.staff.post(f"{API}/records/{rid}/tier", json=body)
        assert r.status_code == 422, (body, r.text)
    got = ok(
        a.staff.post(f"{API}/records/{rid}/tier", json={"tier": "green", "reason": "已排除险情"})
    )
    assert (got["tier"], got["tier_by"], got["tier_reason"]) == ("green", "staff", "已排除险情")
    assert got["seq"] > seq and got["level"] == "village"
    update = next(u for u in a.device.pull().json()["updates"] if u["id"] == rid)
    assert update["tier"] == "green" and update["level"] == "village"
    # The county may set it too; the rules no longer touch a tier staff set.
    ok(county.staff.post(f"{API}/records/{rid}/tier", json={"tier": "yellow", "reason": "复核"}))
    a.push({**rec, "rev": 2, "data": {**rec["data"], "description": "又发现一处"}})
    assert ok(a.staff.get(f"{API}/records/{rid}"))["tier"] == "yellow"
    r = a.staff.post(f"{API}/records/{home['id']}/tier", json={"tier": "red", "reason": "x"})
    assert r.status_code == 409 and r.json()["code"] == "not_tiered"


@pytest.mark.parametrize("path", ["summary", "summary/weekly"])
def test_figures_need_a_staff_token(live_service, path):
    town = make_township(live_service)
    assert live_service.client().get(f"{API}/{path}").status_code == 401
    assert town.device.client.get(f"{API}/{path}").status_code == 401
