"""The staff list as an inbox: several kinds at once and ``open=true`` (states that still need
the township), against a real uvicorn on 127.0.0.1 (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

from gridterm.core import workflow
from tests.township._staff import case, household, make_township, report, visit

API = "/api/v1/staff"


def ids(tw, **params) -> set[str]:
    r = tw.staff.get(f"{API}/records", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def move(tw, rid: str, *path: str) -> None:
    for to in path:
        r = tw.staff.post(f"{API}/records/{rid}/transition", json={"to": to, "feedback": "ok"})
        assert r.status_code == 200, r.text


def inbox(live_service):
    """A township with one of each kind, plus a report moved to done and an on-the-spot one."""
    tw = make_township(live_service)
    home = household(tw.device)
    rec = {
        "household": home,
        "visit": visit(tw.device, home["id"]),
        "case": case(tw.device),
        "report": report(tw.device),
        "done": report(tw.device, description="井盖缺失"),
        "on_spot": report(tw.device, description="树枝挡路", closed_on_spot=True),
        "in_hand": report(tw.device, description="路面塌陷"),
    }
    tw.push(*rec.values())
    move(tw, rec["done"]["id"], "accepted", "done")
    move(tw, rec["in_hand"]["id"], "accepted", "in_hand")
    return tw, {name: r["id"] for name, r in rec.items()}


def test_open_states_are_the_workflows():
    # The service reads its set from the workflow; this pins what "open" means to the clerk.
    township = {"reported", "accepted", "assigned", "in_hand", "extended"}
    # The county ladder's (issue 15): still owed to the resident while the county holds it,
    # and once it comes back.
    ladder = {"escalated", "signed", "county_assigned", "returned_to_township"}
    assert township | ladder == workflow.OPEN_STATES


def test_several_kinds_comma_or_repeated_and_open(live_service):
    tw, rid = inbox(live_service)
    everything = set(rid.values())
    assert ids(tw) == everything  # no filter: as before
    reports = {rid["report"], rid["done"], rid["on_spot"], rid["in_hand"]}
    assert ids(tw, kind="report") == reports  # one kind: as before
    work = reports | {rid["case"]}
    assert ids(tw, kind="report,case") == work
    assert ids(tw, kind=["report", "case"]) == work  # kind=report&kind=case
    assert ids(tw, kind=" report , case ,") == work  # spaces and a stray comma are fine
    assert ids(tw, kind="household,visit") == {rid["household"], rid["visit"]}

    todo = {rid["report"], rid["in_hand"], rid["case"]}
    assert ids(tw, kind="report,case", open="true") == todo
    # Households and visits carry the initial state too: open alone does not drop them.
    assert rid["household"] in ids(tw, open="true")
    assert ids(tw, kind="report", open="false") == {rid["done"], rid["on_spot"]}
    # open combines with the other filters.
    assert ids(tw, kind="report,case", open="true", status="in_hand") == {rid["in_hand"]}
    assert ids(tw, kind="report,case", open="true", status="done") == set()


def test_the_inbox_shrinks_as_the_clerk_works_and_pages_by_cursor(live_service):
    tw, rid = inbox(live_service)
    params = {"kind": "report,case", "open": "true"}
    assert rid["case"] in ids(tw, **params)
    move(tw, rid["case"], "accepted", "done")
    assert rid["case"] not in ids(tw, **params)
    # Paging keeps the filter: two pages of one cover the two open reports.
    first = tw.staff.get(f"{API}/records", params={**params, "limit": 1}).json()
    assert first["total"] == 2 and first["next_cursor"]
    second = tw.staff.get(
        f"{API}/records", params={**params, "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    got = {first["items"][0]["id"], second["items"][0]["id"]}
    assert got == {rid["report"], rid["in_hand"]} and second["next_cursor"] is None


def test_unknown_kind_is_a_422_naming_it_in_the_users_language(live_service):
    tw = make_township(live_service)
    r = tw.staff.get(f"{API}/records", params={"kind": "report,houshold"})
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_request"
    assert "houshold" in r.json()["detail"] and "household" in r.json()["detail"]
    r = tw.staff.get(
        f"{API}/records", params={"kind": "bogus"}, headers={"Accept-Language": "zh-CN"}
    )
    assert r.status_code == 422 and "未知的记录类型" in r.json()["detail"]
    r = tw.staff.get(f"{API}/records", params={"open": "perhaps"})
    assert r.status_code == 422 and "open" in r.json()["detail"]
    r = tw.staff.get(f"{API}/records", params=[("kind", "report")] * 9)
    assert r.status_code == 422
