"""Assignment names someone (issue 11, item 4): the township keeps a list of departments and
people (``gridterm admin department add``), staff assign a record to one of them, the staff
API and the export name it, and the resident's page says which department handles it.
Also: a case the officer closed reaches the township closed, with no accept or return."""

from __future__ import annotations

import itertools
import re

import httpx
import pytest

from gridterm.cli import main
from gridterm.core import model
from gridterm.township.services import departments
from tests.township._staff import make_township, report

STAFF = "/api/v1/staff"
_addresses = itertools.count(1)


def add_department(service, township_id: str, name: str, *, person: bool = False) -> str:
    with service.admin_session() as s:
        kind = "person" if person else "department"
        return departments.add_department(s, township_id, name, kind).id


def move(tw, rid: str, to: str, **fields):
    return tw.staff.post(f"{STAFF}/records/{rid}/transition", json={"to": to, **fields})


@pytest.fixture
def township(live_service):
    tw = make_township(live_service)
    tw.building = add_department(live_service, tw.township_id, "镇城建办")
    tw.police = add_department(live_service, tw.township_id, "派出所")
    tw.director = add_department(live_service, tw.township_id, "王主任", person=True)
    return tw


def test_staff_see_their_townships_list_only(township, live_service):
    other = make_township(live_service)
    add_department(live_service, other.township_id, "别镇司法所")
    items = township.staff.get(f"{STAFF}/departments").json()["items"]
    assert [(i["name"], i["kind"]) for i in items] == [
        ("派出所", "department"),
        ("镇城建办", "department"),
        ("王主任", "person"),
    ]
    assert other.staff.get(f"{STAFF}/departments").json()["items"][0]["name"] == "别镇司法所"


def test_an_assignment_names_the_department_everywhere_staff_look(township):
    rec = report(township.device)
    township.push(rec)
    assert move(township, rec["id"], "accepted").status_code == 200
    r = move(township, rec["id"], "assigned", assignee=township.building, feedback="转城建办")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "assigned"
    assert body["assignee"] == {"id": township.building, "name": "镇城建办", "kind": "department"}
    assert body["events"][-1]["assignee"]["name"] == "镇城建办"
    listed = township.staff.get(f"{STAFF}/records", params={"kind": "report"}).json()["items"]
    assert listed[0]["assignee"]["name"] == "镇城建办"
    # Moving on keeps who handles it.
    assert move(township, rec["id"], "in_hand").json()["assignee"]["name"] == "镇城建办"


def test_an_assignment_must_name_an_entry_of_the_list(township, live_service):
    rec = report(township.device)
    township.push(rec)
    move(township, rec["id"], "accepted")
    r = move(township, rec["id"], "assigned")
    assert r.status_code == 422 and r.json()["code"] == "assignee_required"
    other = make_township(live_service)
    foreign = add_department(live_service, other.township_id, "别镇司法所")
    r = move(township, rec["id"], "assigned", assignee=foreign)
    assert r.status_code == 422 and r.json()["code"] == "unknown_assignee"
    r = move(township, rec["id"], "in_hand", assignee=township.building)
    assert r.status_code == 422 and r.json()["code"] == "assignee_not_expected"
    r = move(township, rec["id"], "assigned", assignee="x" * 65)
    assert r.status_code == 422
    assert township.staff.get(f"{STAFF}/records/{rec['id']}").json()["status"] == "accepted"


def test_a_township_without_a_list_assigns_as_before(live_service):
    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    move(tw, rec["id"], "accepted")
    r = move(tw, rec["id"], "assigned")
    assert r.status_code == 200 and r.json()["assignee"] is None


def test_bulk_assignment(township):
    recs = [report(township.device, description=f"第{i}件") for i in range(3)]
    township.push(*recs)
    ids = [r["id"] for r in recs]
    township.staff.post(f"{STAFF}/records/bulk-transition", json={"ids": ids, "to": "accepted"})
    r = township.staff.post(
        f"{STAFF}/records/bulk-transition",
        json={"ids": ids, "to": "assigned", "assignee": township.police},
    )
    assert r.status_code == 200 and all(x["ok"] for x in r.json()["results"])
    for rid in ids:
        assert township.staff.get(f"{STAFF}/records/{rid}").json()["assignee"]["name"] == "派出所"
    r = township.staff.post(f"{STAFF}/records/bulk-transition", json={"ids": ids, "to": "assigned"})
    assert r.status_code == 422 and r.json()["code"] == "assignee_required"


def _page(live_service, rec) -> str:
    address = f"10.8.{next(_addresses) // 250}.{next(_addresses) % 250 + 1}"
    rc = rec["receipts"][0]
    with httpx.Client(base_url=live_service.url, headers={"X-Forwarded-For": address}) as c:
        r = c.get(f"/r/{rc['number']}", params={"s": rc["sig"]})
    assert r.status_code == 200
    return re.sub(r"<[^>]+>", " ", r.text.split("<body>", 1)[1])


def test_the_resident_page_says_which_department_handles_it(township, live_service):
    rec = report(township.device, receipt=True)
    township.push(rec)
    assert "办理部门" not in _page(live_service, rec)
    move(township, rec["id"], "accepted")
    move(township, rec["id"], "assigned", assignee=township.building)
    page = _page(live_service, rec)
    assert re.search(r"办理部门\s+镇城建办", page), page
    # A person on the list is not named to the public.
    other = report(township.device, receipt=True)
    township.push(other)
    move(township, other["id"], "accepted")
    move(township, other["id"], "assigned", assignee=township.director)
    page = _page(live_service, other)
    assert "王主任" not in page and "乡镇专人办理" in page


def test_admin_department_add_and_list(fresh_db_url, capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--lang", "en", "admin", "--db", fresh_db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("township", "add", "石桥镇")
    township = out.splitlines()[-1]
    code, out, _ = run("department", "add", "--township", "石桥镇", "镇城建办")
    assert code == 0 and "镇城建办" in out.splitlines()[0]
    dept = out.splitlines()[-1]
    code, out, _ = run("department", "add", "--township", township, "--person", "王主任")
    assert code == 0 and out.splitlines()[0] == "Added person: 王主任"
    code, out, err = run("department", "add", "--township", township, "镇城建办")
    assert code == 2 and "already has" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    code, out, _ = run("department", "list", "--township", township)
    assert code == 0 and out.splitlines() == [
        f"{dept}  department  镇城建办",
        f"{out.splitlines()[1].split()[0]}  person  王主任",
    ]
    code, _, err = run("department", "add", "--township", "no such town", "镇城建办")
    assert code == 2 and "Traceback" not in err


def test_a_case_the_officer_closed_arrives_closed(live_service):
    tw = make_township(live_service)
    data = {
        "parties": [
            {"name": "赵小红", "role": "applicant"},
            {"name": "钱大伟", "role": "respondent"},
        ],
        "dispute_type": "neighbour",
        "source": "party_applied",
        "summary": "宅前排水沟堵塞引起争执",
        "outcome": "success",
        "closed_at": "2026-11-21T16:00:00+08:00",
    }
    closed = model.new_record("case", data, device=tw.device.id)
    tw.push(closed)
    got = tw.staff.get(f"{STAFF}/records/{closed['id']}").json()
    assert got["status"] == "closed_on_spot"
    assert got["allowed_transitions"] == ["checked_back"]
    todo = tw.staff.get(f"{STAFF}/records", params={"kind": "report,case", "open": "true"})
    assert closed["id"] not in [i["id"] for i in todo.json()["items"]]
    # The officer's device hears of it.
    updates = tw.device.pull(0).json()["updates"]
    assert [u["status"] for u in updates if u["id"] == closed["id"]] == ["closed_on_spot"]
