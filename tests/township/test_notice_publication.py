"""Publishing a village notice (issue 17 item 3): the township's review moves, the public
number and versions, a correction making version 2 with version 1 still in the history, and
nothing published ever edited in place."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from gridterm.core import model, receipts
from gridterm.core.i18n import t
from tests.township._notices import (
    correction,
    detail,
    finance_data,
    move,
    notice,
    public,
    publish,
    pulled,
    village_data,
)
from tests.township._staff import make_township


@pytest.fixture
def tw(live_service):
    return make_township(live_service)


def test_a_pushed_notice_awaits_review_and_staff_may_publish_or_return_it(tw):
    rec = notice(tw, village_data())
    got = detail(tw, rec["id"])
    assert got["status"] == "submitted"
    assert got["allowed_transitions"] == ["returned", "published"]
    assert got["notice"]["number"] is None  # not published yet: no public number
    assert [e["to_status"] for e in got["events"]] == ["submitted"]


def test_returning_needs_a_reason_and_the_officers_next_rev_is_back_for_review(tw):
    rec = notice(tw, village_data())
    refused = move(tw, rec["id"], "returned")
    assert refused.status_code == 422 and refused.json()["code"] == "reason_required"
    assert move(tw, rec["id"], "returned", reason="工期写错了").status_code == 200
    assert pulled(tw, rec["id"])["status"] == "returned"
    fixed = {**rec, "rev": 2, "data": {**rec["data"], "body": "工期：11月1日至12月15日。"}}
    tw.push(model.validate_record(fixed))
    assert detail(tw, rec["id"])["status"] == "submitted"


def test_publishing_gives_a_public_number_the_device_pulls_with_its_qr(tw, live_service):
    rec = notice(tw, village_data())
    info = publish(tw, rec["id"])
    assert receipts.is_valid_number(info["number"]) and info["version"] == 1
    assert info["current"] is True and info["page"] == f"/v/n/{info['number']}"
    update = pulled(tw, rec["id"])
    assert update["status"] == "published"
    assert (update["notice_number"], update["notice_version"]) == (info["number"], 1)
    assert update["published_at"]
    expected = f"{live_service.url}/v/n/{info['number']}?{info['qr_query']}"
    assert update["notice_qr"] == expected
    # Nothing more to do with it: staff cannot move it on, nor mark it superseded by hand.
    assert detail(tw, rec["id"])["allowed_transitions"] == []
    refused = move(tw, rec["id"], "superseded")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"


def test_a_correction_is_version_2_of_the_same_number_and_version_1_stays_readable(
    tw, live_service
):
    first = notice(tw, finance_data())
    v1 = publish(tw, first["id"])
    items = [dict(i) for i in first["data"]["items"]]
    items[0]["spending"] = "280.00"
    fixed = correction(
        tw,
        first,
        "误工补贴应为280元",
        items=items,
        totals={"income": "5000.00", "spending": "480.00"},
    )
    assert detail(tw, fixed["id"])["status"] == "submitted"
    v2 = publish(tw, fixed["id"])
    assert (v2["number"], v2["version"]) == (v1["number"], 2)
    assert [(v["version"], v["current"], v["reason"]) for v in v2["versions"]] == [
        (1, False, None),
        (2, True, "误工补贴应为280元"),
    ]
    old = detail(tw, first["id"])
    assert old["status"] == "superseded"
    assert old["events"][-1]["to_status"] == "superseded"
    assert old["events"][-1]["reason"] == "误工补贴应为280元"
    assert pulled(tw, first["id"])["status"] == "superseded"  # the officer's device hears of it
    page = public(live_service, v2["page"]).text
    assert 'data-version="2"' in page  # the page shows the current version …
    assert "<li data-version=1>" in page and "<li data-version=2>" in page  # … and both
    assert "误工补贴应为280元" in page
    assert "280.00" in page and "<del>" in page  # what changed, struck through


def test_a_correction_of_a_correction_is_version_3_and_supersedes_version_2(tw):
    first = notice(tw, village_data())
    publish(tw, first["id"])
    second = correction(tw, first, "工期延长", body="工期：11月1日至12月15日。")
    publish(tw, second["id"])
    third = correction(tw, second, "再次延长", body="工期：11月1日至12月31日。")
    v3 = publish(tw, third["id"])
    assert v3["version"] == 3
    assert [v["current"] for v in v3["versions"]] == [False, False, True]
    assert [detail(tw, r["id"])["status"] for r in (first, second)] == ["superseded"] * 2


def test_a_correction_of_a_notice_never_published_is_refused(tw):
    draft = notice(tw, village_data())
    early = correction(tw, draft, "改标题", title="新标题")
    refused = move(tw, early["id"], "published")
    assert refused.status_code == 409
    assert refused.json()["code"] == "notice_refused"
    assert refused.json()["detail"] == t("board.refuse.not_published")
    assert detail(tw, early["id"])["status"] == "submitted"  # nothing moved


def test_a_correction_naming_another_village_is_refused(tw):
    first = notice(tw, village_data())
    publish(tw, first["id"])
    other = correction(tw, first, "换村", village="河口村")
    refused = move(tw, other["id"], "published")
    assert refused.status_code == 409
    assert refused.json()["detail"] == t("board.refuse.other_village", village="石桥村")


def test_a_published_notice_is_never_edited_in_place(tw):
    rec = notice(tw, village_data())
    publish(tw, rec["id"])
    edited = model.validate_record({**rec, "rev": 2, "data": {**rec["data"], "title": "改过的"}})
    results = tw.device.push([edited]).json()["results"]
    assert results[0]["result"] == "rejected"
    assert results[0]["error"] == t("board.push.published")
    again = tw.device.push([rec]).json()["results"]  # a retry of the published rev: harmless
    assert again[0]["result"] == "unchanged"
    assert detail(tw, rec["id"])["data"]["title"] == rec["data"]["title"]


def test_publishing_what_staff_did_not_read_is_refused(tw):
    rec = notice(tw, village_data())
    newer = model.validate_record({**rec, "rev": 2, "data": {**rec["data"], "title": "新标题"}})
    tw.push(newer)
    refused = move(tw, rec["id"], "published", rev=1)
    assert refused.status_code == 409 and refused.json()["code"] == "rev_moved"
    assert move(tw, rec["id"], "published", rev=2).status_code == 200


def test_a_finance_notice_whose_totals_do_not_add_up_never_reaches_review(tw):
    bad = model.new_record("notice", finance_data(), device=tw.device.id)
    bad["data"]["totals"] = {"income": "5000.00", "spending": "499.00"}
    result = tw.device.push([bad]).json()["results"][0]
    assert result["result"] == "rejected"
    assert "data.totals" in result["error"] or "totals" in result["error"].lower()


def test_bulk_publishing_publishes_each_and_refuses_what_it_cannot(tw):
    good = notice(tw, village_data())
    never = correction(tw, notice(tw, village_data()), "x", title="y")
    response = tw.staff.post(
        "/api/v1/staff/records/bulk-transition",
        json={"ids": [good["id"], never["id"]], "to": "published"},
    )
    assert response.status_code == 200, response.text
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[good["id"]]["ok"] is True
    assert results[never["id"]] == {**results[never["id"]], "ok": False, "code": "notice_refused"}
    assert detail(tw, good["id"])["notice"]["version"] == 1


def test_notices_of_another_township_stay_out_of_reach(tw, live_service):
    rec = notice(tw, village_data())
    other = make_township(live_service)
    assert move(other, rec["id"], "published").status_code == 404
    assert detail(tw, rec["id"])["status"] == "submitted"


def test_a_notice_awaiting_review_is_open_and_a_published_one_is_not(tw):
    waiting = notice(tw, village_data(title="待审核"))
    done = notice(tw, village_data(title="已发布"))
    publish(tw, done["id"])

    def listed(open_: str) -> set[str]:
        answer = tw.staff.get("/api/v1/staff/records", params={"kind": "notice", "open": open_})
        assert answer.status_code == 200, answer.text
        return {item["id"] for item in answer.json()["items"]}

    assert listed("true") == {waiting["id"]}
    assert listed("false") == {done["id"]}


def test_publications_at_once_get_distinct_numbers_and_one_current_version(tw):
    """Twelve staff clicks at the same moment (threads, one service): ten new notices and
    two corrections of one published notice.  Each new notice gets a number of its own; the
    two corrections become versions 2 and 3 of the same number — never two version 2s, never
    two current versions.  A clash the service cannot settle at once is a 503 ``busy`` (it
    says to retry), never a 500; the test retries as the console would."""
    first = notice(tw, village_data(title="原公示"))
    v1 = publish(tw, first["id"])
    fresh = [notice(tw, village_data(title=f"公示{i}")) for i in range(10)]
    fixes = [correction(tw, first, f"更正{i}", body=f"更正后的内容{i}") for i in range(2)]

    def attempt(record_id: str) -> dict:
        for _ in range(20):
            answer = move(tw, record_id, "published")
            if answer.status_code == 200:
                return answer.json()["notice"]
            assert answer.status_code == 503 and answer.json()["code"] == "busy", answer.text
        raise AssertionError("still busy after 20 attempts")

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(attempt, [r["id"] for r in fresh + fixes]))
    numbers = [r["number"] for r in results[:10]]
    assert len(set(numbers)) == 10 and v1["number"] not in numbers
    assert all(r["version"] == 1 for r in results[:10])
    corrected = results[10:]
    assert {r["number"] for r in corrected} == {v1["number"]}
    assert sorted(r["version"] for r in corrected) == [2, 3]
    versions = detail(tw, first["id"])["notice"]["versions"]
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, False), (3, True)]
    statuses = [detail(tw, r["id"])["status"] for r in fixes]
    assert sorted(statuses) == ["published", "superseded"]
