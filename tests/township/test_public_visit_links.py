"""A visit receipt's resident page lists the state of the reports that visit raised
(``data.links.visit``) — what each is and its state, nothing personal."""

from __future__ import annotations

import httpx
import pytest

from gridterm.core import receipts
from tests.township._staff import household, make_township, report, visit
from tests.township.test_public_page import verdict, visible_text

HEADING = "这次走访上报的事项"


@pytest.fixture
def resident(live_service):
    with httpx.Client(
        base_url=live_service.url, headers={"X-Forwarded-For": "10.77.0.1"}
    ) as client:
        yield client


def page(resident, rec: dict) -> httpx.Response:
    rc = rec["receipts"][0]
    return resident.get(f"/r/{rc['number']}", params={"s": rc["sig"]})


def test_visit_page_lists_the_states_of_its_reports(live_service, resident):
    tw = make_township(live_service)
    home = household(tw.device)
    seen = visit(tw.device, home["id"])
    seen["receipts"] = [receipts.issue(seen, tw.device.secret)]
    linked = report(tw.device, receipt=True, links={"visit": seen["id"]})
    second = report(
        tw.device, category="sanitation", description="垃圾堆放", links={"visit": seen["id"]}
    )
    elsewhere = report(tw.device, category="facilities", description="路灯坏了")
    tw.push(home, seen, linked, second, elsewhere)

    r = page(resident, seen)
    assert r.status_code == 200 and verdict(r) == "genuine"
    text = visible_text(r)
    assert HEADING in text
    section = text.split(HEADING, 1)[1]
    assert "安全隐患" in section and "环境卫生" in section
    assert "设施" not in section  # a report of another visit (or none) is not listed
    assert section.count("已上报") == 2
    # Nothing personal or descriptive from the reports.
    for private in ("张*明", "张三明", "电线裸露", "垃圾堆放", "村口"):
        assert private not in section

    moved = tw.staff.post(
        f"/api/v1/staff/records/{linked['id']}/transition",
        json={"to": "accepted", "public_reply": "已安排电工"},
    )
    assert moved.status_code == 200, moved.text
    section = visible_text(page(resident, seen)).split(HEADING, 1)[1]
    assert "已受理" in section and section.count("已上报") == 1
    assert "已安排电工" not in section  # the reply is on the report's own receipt page

    # A report's own page has no such list.
    assert HEADING not in visible_text(page(resident, linked))


def test_visit_without_reports_has_no_list(live_service, resident):
    tw = make_township(live_service)
    home = household(tw.device)
    seen = visit(tw.device, home["id"])
    seen["receipts"] = [receipts.issue(seen, tw.device.secret)]
    tw.push(home, seen)
    r = page(resident, seen)
    assert verdict(r) == "genuine"
    assert HEADING not in visible_text(r)
