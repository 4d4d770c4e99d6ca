"""The village's public board (issue 17 item 4) as HTML: newest first, by type and year, a
share title and description for WeChat, names in 财务 rows masked as elsewhere, nothing of
a resident beyond what the notice publishes — and the supervision committee's countersign.

The live service is shared by the module's tests, so each test names its own village (two
townships with one village name is a case of its own below)."""

from __future__ import annotations

import html
import itertools
import re
from urllib.parse import quote

import httpx
import pytest

from tests.township._notices import finance_data, notice, public, publish, village_data
from tests.township._staff import household, make_township

_villages = (f"测试{n}村" for n in itertools.count(1))


@pytest.fixture
def tw(live_service):
    return make_township(live_service)


def board(service, village: str, query: str = "", address: str = "10.93.0.1"):
    return public(service, f"/v/{quote(village)}{query}", address=address)


def numbers_listed(page: str) -> list[str]:
    return re.findall(r'<li data-number="([^"]+)"', page)


def meta(page: str, prop: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{prop}" content="([^"]*)"', page)
    assert found, prop
    return html.unescape(found.group(1))


def test_the_board_lists_what_is_published_newest_first_with_a_share_title(tw, live_service):
    village = next(_villages)
    first = publish(tw, notice(tw, village_data(village, title="第一条公示"))["id"])
    draft = notice(tw, village_data(village, title="还没审核的草稿"))
    second = publish(tw, notice(tw, finance_data(village))["id"])
    page = board(live_service, village)
    assert page.status_code == 200
    assert numbers_listed(page.text) == [second["number"], first["number"]]
    assert "还没审核的草稿" not in page.text and draft["id"] not in page.text
    assert meta(page.text, "og:title") == f"{village}三务公开栏"
    description = meta(page.text, "og:description")
    assert "2026年10月财务收支公开" in description and "共2条" in description
    assert meta(page.text, "description") == description
    assert '<html lang="zh-CN">' in page.text and 'name="viewport"' in page.text


def test_the_board_filters_by_type_and_year(tw, live_service):
    village = next(_villages)
    shown = publish(tw, notice(tw, village_data(village))["id"])
    money = publish(tw, notice(tw, finance_data(village))["id"])
    assert numbers_listed(board(live_service, village, "?type=finance").text) == [money["number"]]
    assert numbers_listed(board(live_service, village, "?type=village").text) == [shown["number"]]
    none_that_year = board(live_service, village, "?year=2001").text
    assert numbers_listed(none_that_year) == [] and "data-empty" in none_that_year
    # A type or year nobody knows reads as "all", not as an error.
    for query in ("?type=<script>", "?year=abc", "?year=99999", "?offset=-1"):
        answer = board(live_service, village, query)
        assert answer.status_code == 200, query
        assert "<script>" not in answer.text


def test_finance_rows_mask_the_names_the_township_knows_sharing_characters(tw, live_service):
    """Names from the household roster; 王大山 and 王大 share characters (the longer wins)."""
    tw.push(household(tw.device, head="王大山"), household(tw.device, head="王大"))
    village = next(_villages)
    info = publish(tw, notice(tw, finance_data(village))["id"])
    page = public(live_service, info["page"]).text
    assert "支付王*山误工补贴" in page and "王*慰问金" in page
    assert "王大山" not in page and "王大慰问" not in page
    assert "记-12" in page and "5,000.00" in page  # vouchers and amounts as published
    listing = board(live_service, village).text
    assert "王大山" not in listing
    paper = public(live_service, f"{info['page']}/print").text  # the A4 page for the board
    assert "支付王*山误工补贴" in paper and "王大山" not in paper


def test_a_board_and_a_page_carry_no_phone_or_officer_or_device(tw, live_service):
    village = next(_villages)
    info = publish(tw, notice(tw, village_data(village))["id"])
    for path in (f"/v/{quote(village)}", info["page"], f"{info['page']}/print"):
        text = public(live_service, path).text
        assert tw.device.id not in text and "王网格" not in text and "李干部" not in text, path
        assert not re.search(r"1[3-9]\d{9}", text), path


def test_two_townships_with_one_village_name_are_told_apart(live_service):
    village = next(_villages)
    here, there = make_township(live_service), make_township(live_service)
    mine = publish(here, notice(here, village_data(village))["id"])
    theirs = publish(there, notice(there, village_data(village))["id"])
    chooser = board(live_service, village)
    assert chooser.status_code == 200 and "data-townships" in chooser.text
    assert numbers_listed(chooser.text) == []
    narrowed = board(live_service, village, f"?t={here.township_id}").text
    assert numbers_listed(narrowed) == [mine["number"]]
    assert theirs["number"] not in narrowed


def test_a_village_that_published_nothing_is_a_plain_404(live_service):
    for village in ("没有这个村", "x" * 5000, "<b>村", "%00"):
        answer = board(live_service, village)
        assert answer.status_code == 404, village
        assert answer.headers["content-type"].startswith("text/html")
        assert "<b>村" not in answer.text


def test_a_supervisor_countersigns_and_the_page_shows_the_masked_name(tw, live_service):
    village = next(_villages)
    enrolled = tw.staff.post(
        "/api/v1/staff/supervisors", json={"village": village, "name": "陈监督", "phone": ""}
    )
    assert enrolled.status_code == 200, enrolled.text
    link = enrolled.json()["link"]
    rec = notice(tw, village_data(village))
    own = public(live_service, link)
    assert own.status_code == 200 and f'data-record="{rec["id"]}"' in own.text
    assert "noindex" in own.headers.get("x-robots-tag", "")
    signed = sign(f"{link}/sign", record=rec["id"], rev="1")
    assert signed.status_code == 303, signed.text
    again = sign(f"{link}/sign", record=rec["id"], rev="1")
    assert again.status_code == 409  # said once
    info = publish(tw, rec["id"])
    page = public(live_service, info["page"]).text
    assert "陈*督" in page and "陈监督" not in page
    revoked = tw.staff.post(f"/api/v1/staff/supervisors/{enrolled.json()['id']}/revoke")
    assert revoked.status_code == 200
    assert public(live_service, link).status_code == 404
    assert "陈*督" in public(live_service, info["page"]).text  # the signature stays


def sign(url: str, **fields: str) -> httpx.Response:
    """The member's form as the browser posts it."""
    data = {"decision": "agree", "note": "", **fields}
    return httpx.post(url, data=data, headers={"X-Forwarded-For": "10.93.9.9"}, timeout=60)
