"""The staff API against a real uvicorn on 127.0.0.1 (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

import datetime as dt

import pytest

from gridterm.core import workflow
from tests.township._staff import case, household, make_township, report, visit

API = "/api/v1/staff"


def move(tw, rid: str, to: str, **extra):
    return tw.staff.post(f"{API}/records/{rid}/transition", json={"to": to, **extra})


def detail(tw, rid: str) -> dict:
    r = tw.staff.get(f"{API}/records/{rid}")
    assert r.status_code == 200, r.text
    return r.json()


# --------------------------------------------------------------------------- workflow


def test_workflow_table_matches_the_domain():
    # Every state the township still owes may also go up to the county (issue 15).
    assert workflow.allowed("reported") == ["accepted", "returned", "escalated"]
    assert set(workflow.allowed("accepted")) == {
        "assigned",
        "in_hand",
        "done",
        "extended",
        "escalated",
    }
    assert set(workflow.allowed("assigned")) == {"in_hand", "returned", "escalated"}
    assert set(workflow.allowed("in_hand")) == {"done", "extended", "escalated"}
    assert set(workflow.allowed("extended")) == {"in_hand", "done", "escalated"}
    assert workflow.allowed("done") == ["checked_back"]
    assert workflow.allowed("closed_on_spot") == ["checked_back"]
    assert workflow.allowed("checked_back") == [] and workflow.allowed("returned") == []
    with pytest.raises(workflow.TransitionError) as exc:
        workflow.check("accepted", "extended", "  ")
    assert exc.value.code == "reason_required"
    assert workflow.status_after_new_rev("returned") == "reported"
    assert workflow.status_after_new_rev("in_hand") == "in_hand"
    assert workflow.initial_status("report", {"closed_on_spot": True}) == "closed_on_spot"
    assert workflow.initial_status("report", {}) == "reported"


def test_valid_chain_to_checked_back_with_events_and_seq(live_service):
    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    seqs = []
    for to in ("accepted", "assigned", "in_hand", "done", "checked_back"):
        r = move(tw, rec["id"], to, feedback=f"fb-{to}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == to
        assert body["handled_by"] == "李干部"
        seqs.append(body["seq"])
    assert seqs == sorted(seqs) and len(set(seqs)) == 5  # every change bumps seq
    events = detail(tw, rec["id"])["events"]
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        ("reported", "accepted"),
        ("accepted", "assigned"),
        ("assigned", "in_hand"),
        ("in_hand", "done"),
        ("done", "checked_back"),
    ]
    assert all(e["actor"].startswith("staff:") for e in events)
    # The officer's device pulls the new status and feedback.
    pulled = tw.device.pull(0).json()["updates"]
    mine = [u for u in pulled if u["id"] == rec["id"]]
    assert (
        mine and mine[-1]["status"] == "checked_back" and mine[-1]["feedback"] == "fb-checked_back"
    )


def test_invalid_change_is_409_naming_from_and_to(live_service):
    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    r = move(tw, rec["id"], "done")
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "invalid_transition"
    assert "reported" in body["detail"] and "done" in body["detail"]
    assert "accepted" in body["detail"]  # says what is possible
    r = tw.staff.post(
        f"{API}/records/{rec['id']}/transition",
        json={"to": "done"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert (
        r.status_code == 409 and "已上报" in r.json()["detail"] and "已办结" in r.json()["detail"]
    )
    assert detail(tw, rec["id"])["status"] == "reported"  # nothing changed
    r = move(tw, rec["id"], "no_such_state")
    assert r.status_code == 422


def test_return_and_extend_need_a_reason(live_service):
    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    r = move(tw, rec["id"], "returned")
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    assert "reason" in r.json()["detail"]
    r = move(tw, rec["id"], "returned", reason="地点不清楚，请补充门牌号")
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert r.json()["events"][-1]["reason"] == "地点不清楚，请补充门牌号"
    # The officer who must fix it is told why: the device pulls the reason as the feedback.
    (update,) = [u for u in tw.device.pull().json()["updates"] if u["id"] == rec["id"]]
    assert update["status"] == "returned" and update["feedback"] == "地点不清楚，请补充门牌号"
    assert move(tw, rec["id"], "accepted").status_code == 409  # only the officer's new rev reopens

    other = report(tw.device, urgency="urgent")
    tw.push(other)
    assert move(tw, other["id"], "accepted").status_code == 200
    before = detail(tw, other["id"])["due_at"]
    assert move(tw, other["id"], "extended").status_code == 422
    r = move(tw, other["id"], "extended", reason="需要供电所配合")
    assert r.status_code == 200
    assert r.json()["due_at"] > before  # the extension moved the promised time


def test_feedback_and_public_reply_without_state_change_and_comments(live_service):
    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    r = tw.staff.post(f"{API}/records/{rec['id']}/feedback", json={})
    assert r.status_code == 422
    r = tw.staff.post(
        f"{API}/records/{rec['id']}/feedback",
        json={"feedback": "请拍照补充", "public_reply": "已收到，正在核实"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "reported"
    assert body["feedback"] == "请拍照补充" and body["public_reply"] == "已收到，正在核实"
    assert body["seq"] > 0
    r = tw.staff.post(f"{API}/records/{rec['id']}/comments", json={"text": "交给王主任"})
    assert r.status_code == 200
    assert r.json()["events"][-1]["comment"] == "交给王主任"
    assert (
        tw.staff.post(f"{API}/records/{rec['id']}/comments", json={"text": ""}).status_code == 422
    )
    update = [u for u in tw.device.pull(0).json()["updates"] if u["id"] == rec["id"]][-1]
    assert update["public_reply"] == "已收到，正在核实"


def test_bulk_transition_gives_per_id_results(live_service):
    tw = make_township(live_service)
    a, b, c = report(tw.device), report(tw.device), report(tw.device)
    tw.push(a, b, c)
    assert move(tw, c["id"], "accepted").status_code == 200
    r = tw.staff.post(
        f"{API}/records/bulk-transition",
        json={"ids": [a["id"], b["id"], c["id"], "nope"], "to": "accepted"},
    )
    assert r.status_code == 200, r.text
    res = {x["id"]: x for x in r.json()["results"]}
    assert res[a["id"]]["ok"] and res[b["id"]]["ok"]
    assert not res[c["id"]]["ok"] and res[c["id"]]["code"] == "invalid_transition"
    assert not res["nope"]["ok"] and res["nope"]["code"] == "not_found"
    assert detail(tw, a["id"])["status"] == "accepted"


def test_detail_shows_every_rev_with_device_and_time(live_service):
    tw = make_township(live_service)
    rec = household(tw.device, head="王大山")
    tw.push(rec)
    rev2 = {**rec, "rev": 2, "data": {**rec["data"], "head": "王小山"}}
    tw.push(rev2)
    body = detail(tw, rec["id"])
    assert body["rev"] == 2 and body["data"]["head"] == "王小山"
    assert [r["rev"] for r in body["revs"]] == [1, 2]
    assert body["revs"][0]["data"]["head"] == "王大山"
    assert all(r["device"] == "测试手机" and r["received_at"] for r in body["revs"])


def test_list_filters_search_and_paging(live_service):
    tw = make_township(live_service)
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)
    late = report(tw.device, now=old, urgency="urgent", description="井盖缺失")
    fresh = report(tw.device, category="sanitation", description="垃圾堆放")
    hh = household(tw.device, village="东山村")
    cs = case(tw.device)
    vs = visit(tw.device, hh["id"])
    tw.push(late, fresh, hh, cs, vs)

    def ids(**params):
        r = tw.staff.get(f"{API}/records", params=params)
        assert r.status_code == 200, r.text
        return {x["id"] for x in r.json()["items"]}, r.json()["total"]

    assert ids() == ({late["id"], fresh["id"], hh["id"], cs["id"], vs["id"]}, 5)
    assert ids(kind="report")[0] == {late["id"], fresh["id"]}
    assert ids(category="sanitation")[0] == {fresh["id"]}
    assert ids(urgency="urgent")[0] == {late["id"]}
    assert ids(village="东山村")[0] == {hh["id"]}
    assert ids(grid=tw.grid_id)[1] == 5
    assert ids(grid="other-grid")[1] == 0
    assert ids(q="井盖")[0] == {late["id"]}
    assert ids(q="100%_")[1] == 0  # wildcards are text, not patterns
    assert ids(overdue="true")[0] == {late["id"]}
    assert late["id"] not in ids(overdue="false")[0]
    day = old.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    assert ids(**{"from": day, "to": day})[0] == {late["id"]}
    assert late["id"] not in ids(**{"from": (old + dt.timedelta(days=2)).isoformat()})[0]
    r = tw.staff.get(f"{API}/records", params={"from": "yesterday"})
    assert r.status_code == 422 and "yesterday" in r.json()["detail"]
    assert ids(status="reported")[1] == 5
    # Closing it takes it off the overdue list.
    for to in ("accepted", "done"):
        assert move(tw, late["id"], to).status_code == 200
    assert ids(overdue="true")[1] == 0
    assert ids(status="done")[0] == {late["id"]}

    # Paging: offset and cursor walk the same five records once each.
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = tw.staff.get(f"{API}/records", params=params).json()
        assert page["total"] == 5
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and len(set(seen)) == 5
    by_offset = []
    for offset in (0, 2, 4):
        page = tw.staff.get(f"{API}/records", params={"limit": 2, "offset": offset}).json()
        by_offset += [x["id"] for x in page["items"]]
    assert by_offset == seen
    r = tw.staff.get(f"{API}/records", params={"cursor": "garbage!"})
    assert r.status_code == 400 and r.json()["code"] == "bad_cursor"


def test_search_by_receipt_number_as_read_over_the_phone(live_service):
    tw = make_township(live_service)
    rec = report(tw.device, receipt=True)
    other = report(tw.device)
    tw.push(rec, other)
    number = rec["receipts"][0]["number"]
    spoken = f"{number[:5]}-{number[5:10]}-{number[10:]}".lower()
    r = tw.staff.get(f"{API}/records", params={"q": spoken})
    assert [x["id"] for x in r.json()["items"]] == [rec["id"]]


def test_me_and_grids(live_service):
    tw = make_township(live_service, staff_name="赵干部")
    me = tw.staff.get(f"{API}/me").json()
    assert me["staff"]["name"] == "赵干部" and me["township"]["id"] == tw.township_id
    grids = tw.staff.get(f"{API}/grids").json()["items"]
    assert [g["id"] for g in grids] == [tw.grid_id]
    assert grids[0]["officers"][0]["name"] == "王网格"


def test_returned_record_comes_back_as_reported_when_the_officer_sends_a_new_rev(live_service):
    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    assert move(tw, rec["id"], "returned", reason="请补充门牌号").status_code == 200
    cursor = tw.device.pull(0).json()["cursor"]
    fixed = {**rec, "rev": 2, "data": {**rec["data"], "place": "村口12号"}}
    tw.push(fixed)
    body = detail(tw, rec["id"])
    assert body["status"] == "reported" and body["rev"] == 2
    last = body["events"][-1]
    assert (last["from_status"], last["to_status"]) == ("returned", "reported")
    assert last["actor"] == f"device:{tw.device.id}"
    # the device hears of it on its next pull
    updates = tw.device.pull(cursor).json()["updates"]
    assert [(u["id"], u["status"]) for u in updates] == [(rec["id"], "reported")]
    # pushing the same rev again changes nothing
    tw.push(fixed)
    assert len(detail(tw, rec["id"])["events"]) == 2


def test_report_closed_on_the_spot_enters_as_closed_on_spot(live_service):
    tw = make_township(live_service)
    rec = report(tw.device, closed_on_spot=True)
    plain = report(tw.device)
    tw.push(rec, plain)
    assert detail(tw, rec["id"])["status"] == "closed_on_spot"
    assert detail(tw, plain["id"])["status"] == "reported"
    assert move(tw, rec["id"], "accepted").status_code == 409
    assert move(tw, rec["id"], "checked_back").status_code == 200


def test_concurrent_changes_of_one_record_apply_once(live_service):
    """Eight staff accept the same report at the same instant: one wins, the others are told
    it moved on (409), and the history holds one event — never a 500, never two events."""
    import threading

    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    clients = [live_service.client(tw.staff_token) for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []

    def accept(client):
        barrier.wait()
        r = client.post(f"{API}/records/{rec['id']}/transition", json={"to": "accepted"})
        codes.append(r.status_code)

    threads = [threading.Thread(target=accept, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 7
    assert len(detail(tw, rec["id"])["events"]) == 1
