"""The county's figures (issue 15; docs/county.md "The figures") on a data set made here, where
every figure is known in advance, on SQLite and PostgreSQL: each township's row for the
county's staff, a township's own row for its staff, the leader's village row, and the weekly
trend's overdue count now.

The records go in through the real sync and staff APIs; the moments the figures turn on
(raised, closed, time limits) are then set on the rows, so that which side of a limit each
record falls is certain however slow the machine."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.core.model import CHINA_TIME
from gridterm.township import db
from gridterm.township.services import summary_extra
from tests.township import _county
from tests.township._county import API, make_county, move, ok

# The fixture, by name: a fresh database, so that no other test's records count.
own_service = _county.own_service

DAYS = 10  # the period: the 10 days ending today, China time


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def report(dev, when: dt.datetime, who: str, **data) -> dict:
    fields = {"category": "sanitation", "urgency": "normal", "place": "村口"}
    fields |= {"description": "垃圾", "raised_by": who, **data}
    return model.new_record("report", fields, device=dev.id, now=iso(when))


def case(dev, when: dt.datetime, who: str, **data) -> dict:
    fields = {
        "parties": [{"name": who}, {"name": who + "邻居"}],
        "dispute_type": "neighbour",
        "source": "party_applied",
        "summary": "排水沟",
        **data,
    }
    return model.new_record("case", fields, device=dev.id, now=iso(when))


def set_row(service, rid: str, **values) -> None:
    with service.admin_session() as s:
        row = s.get(db.Record, rid)
        for key, value in values.items():
            setattr(row, key, value)


def build(service):
    """The data set (see each line's words); returns the county and the period's days."""
    now = dt.datetime.now(dt.timezone.utc)
    today = now.astimezone(CHINA_TIME).date()
    first = today - dt.timedelta(days=DAYS - 1)
    t0 = dt.datetime.combine(first, dt.time(), CHINA_TIME)  # the period's first moment

    def day(n: float) -> dt.datetime:
        return t0 + dt.timedelta(days=n)

    county = make_county(service, townships=2)
    a, b = county.townships
    # Township A.
    r1 = report(a.device, day(1), "甲", closed_on_spot=True)  # the officer closed it
    r2 = report(a.device, day(1), "乙")  # the township closes it late; a check back owed
    r3 = report(a.device, day(2), "丙", urgency="urgent", category="safety")  # red, escalated
    c1 = case(
        a.device,
        day(2),
        "丁",
        outcome="success",
        closed_at=iso(day(2.5)),
        follow_ups=[
            {"due": (first + dt.timedelta(days=3)).isoformat(), "done_at": iso(day(3))},
            {"due": (first + dt.timedelta(days=20)).isoformat()},  # after the period
        ],
    )
    c2 = case(
        a.device,
        day(3),
        "戊",
        outcome="failed_referred",
        closed_at=iso(day(3.5)),
        follow_ups=[{"due": (first + dt.timedelta(days=4)).isoformat()}],  # not done
    )
    # Before the period: open, long past its promise (red by the rules), supervised.
    r4 = report(a.device, day(-10), "己")
    a.push(r1, r2, r3, c1, c2, r4)
    # Township B: one report in the period, open, within its limit; one from before it.
    b1 = report(b.device, day(4), "庚")
    b2 = report(b.device, day(-1), "辛")
    b.push(b1, b2)

    got = ok(a.staff.get(f"{API}/records/{r4['id']}"))
    assert (got["tier"], got["tier_rules"]) == ("red", ["long_overdue"])
    ok(move(a.staff, r2["id"], "accepted"))
    ok(move(a.staff, r2["id"], "done"))
    ok(move(a.staff, r3["id"], "escalated", reason="需要县里协调"))
    deadline = (today + dt.timedelta(days=3)).isoformat()
    body = {"deadline": deadline, "note": "三日内办结"}
    ok(county.staff.post(f"{API}/records/{r4['id']}/supervise", json=body))

    # r2: yellow (a 7-day check back), its limit day 1.2, closed day 1.5: late, and its
    # check back falls due on day 8.5 — inside the period.
    set_row(service, r2["id"], tier="yellow", due_at=day(1.2), closed_at=day(1.5))
    set_row(service, r3["id"], tier_due_at=now - dt.timedelta(hours=1))  # past its limit
    set_row(service, r4["id"], due_at=now - dt.timedelta(days=2))  # past its promise
    for rid in (r1["id"], c1["id"], c2["id"], b1["id"], b2["id"]):
        # Limits well after now (and after their closing): none of them is late.
        set_row(service, rid, due_at=None, tier_due_at=now + dt.timedelta(days=5), tier="green")
    return county, first, today


TOWN_A = {
    "received": 5,  # r1 r2 r3 c1 c2 (r4 was raised before the period)
    "closed": 4,  # r1 r2 c1 c2
    "closed_on_time": 3,  # r1 c1 c2 (r2 closed after its limit)
    "closed_on_time_pct": 75.0,
    "overdue_now": 2,  # r3 (the tier's limit), r4 (the promise), whenever raised
    "settled_in_village": 2,  # r1, c1 (c2 failed and was referred on)
    "settled_in_village_pct": 40.0,
    "mediation_cases": 2,
    "mediation_settled": 1,
    "mediation_settled_pct": 50.0,
    "follow_ups_due": 3,  # c1's first, c2's, r2's check back (c1's second is later)
    "follow_ups_done": 1,  # c1's first
    "follow_ups_done_pct": 33.3,
    "red_open": 2,  # r3, r4
    "supervised_open": 1,  # r4
    "escalated_open": 1,  # r3
}
TOWN_B = {
    "received": 1,
    "closed": 0,
    "closed_on_time": 0,
    "closed_on_time_pct": None,
    "overdue_now": 0,
    "settled_in_village": 0,
    "settled_in_village_pct": 0.0,
    "mediation_cases": 0,
    "mediation_settled": 0,
    "mediation_settled_pct": None,
    "follow_ups_due": 0,
    "follow_ups_done": 0,
    "follow_ups_done_pct": None,
    "red_open": 0,
    "supervised_open": 0,
    "escalated_open": 0,
}


def figures(row: dict) -> dict:
    return {key: row[key] for key in TOWN_A}


def test_every_figure_of_a_known_data_set(own_service):
    county, first, today = build(own_service)
    a, b = county.townships
    period = {"from": first.isoformat(), "to": today.isoformat()}

    got = ok(county.staff.get(f"{API}/summary", params=period))
    assert (got["from"], got["to"]) == (period["from"], period["to"])
    rows = {row["township_id"]: row for row in got["townships"]}
    assert set(rows) == {a.township_id, b.township_id}
    assert figures(rows[a.township_id]) == TOWN_A
    assert figures(rows[b.township_id]) == TOWN_B
    assert got["villages"] == []  # county staff lead no village

    # A township's staff: their own row, the same figures.
    own = ok(a.staff.get(f"{API}/summary", params=period))
    assert [figures(row) for row in own["townships"]] == [TOWN_A]

    # The leader's village (石桥村, any township's): both townships' records.
    led = ok(county.leader.get(f"{API}/summary", params=period))
    assert len(led["townships"]) == 2
    (village,) = led["villages"]
    assert village["village"] == "石桥村" and village["township_id"] is None
    both = {k: TOWN_A[k] + TOWN_B[k] for k in TOWN_A if not k.endswith("_pct")}
    assert {k: village[k] for k in both} == both
    assert (village["settled_in_village_pct"], village["closed_on_time_pct"]) == (33.3, 75.0)


def test_a_period_before_every_record_keeps_only_what_is_true_now(own_service):
    county, first, _today = build(own_service)
    a = county.townships[0]
    before = (first - dt.timedelta(days=30)).isoformat()
    got = ok(county.staff.get(f"{API}/summary", params={"from": before, "to": before}))
    row = next(r for r in got["townships"] if r["township_id"] == a.township_id)
    # Nothing raised then; what is open, overdue, red, supervised or escalated now stays.
    now_only = ("overdue_now", "red_open", "supervised_open", "escalated_open")
    assert {k: row[k] for k in now_only} == {k: TOWN_A[k] for k in now_only}
    assert (row["received"], row["closed"], row["follow_ups_due"]) == (0, 0, 0)
    assert row["settled_in_village_pct"] is None


def test_the_weekly_trend_counts_what_is_overdue_now(own_service):
    county, _first, _today = build(own_service)
    a, b = county.townships
    got = ok(county.staff.get(f"{API}/summary/weekly", params={"weeks": 3}))
    assert len(got["weeks"]) == 3
    rows = {row["township_id"]: row for row in got["townships"]}
    assert rows[a.township_id]["overdue"][-1] == TOWN_A["overdue_now"]
    assert rows[b.township_id]["overdue"][-1] == 0
    # Week by week, never more overdue than records of the township.
    assert all(0 <= n <= 6 for n in rows[a.township_id]["overdue"])


# --------------------------------------------------------------------------- added columns

ASKED: list[tuple[list[str], dt.datetime]] = []


def unanswered(session, township_ids, now) -> dict[str, dict[str, int]]:
    """Shaped like issue 17's ``questions.unanswered_by_village``: 2 in 石桥村 and 1 in 别村
    for every township asked about."""
    ASKED.append((sorted(township_ids), now))
    return {tid: {"石桥村": 2, "别村": 1} for tid in township_ids}


def test_a_column_counted_per_village_by_another_part(own_service, monkeypatch):
    # As the lead wires issue 17's questions: one entry, by its path.
    path = f"{__name__}:unanswered"
    monkeypatch.setitem(summary_extra.COLUMNS, "unanswered_questions", path)
    county, first, today = build(own_service)
    a, b = county.townships
    period = {"from": first.isoformat(), "to": today.isoformat()}
    ASKED.clear()

    got = ok(county.staff.get(f"{API}/summary", params=period))
    assert ASKED[-1][0] == sorted([a.township_id, b.township_id])
    for row in got["townships"]:
        assert row["unanswered_questions"] == 3  # the township's villages summed
        assert figures(row) in (TOWN_A, TOWN_B)  # the figures themselves unchanged
    (village,) = ok(county.leader.get(f"{API}/summary", params=period))["villages"]
    assert village["unanswered_questions"] == 4  # 石桥村 of either township
    own = ok(a.staff.get(f"{API}/summary", params=period))
    assert ASKED[-1][0] == [a.township_id]  # a township's staff: their township only
    assert [r["unanswered_questions"] for r in own["townships"]] == [3]

    # The XLSX sheet of the figures has the column too, under the catalog's header.
    r = county.staff.get(f"{API}/export", params={"format": "xlsx"})
    assert r.status_code == 200, r.text
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[-1]
    rows = list(sheet.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[-1] == t("county.col.unanswered_questions", lang="zh_CN")
    assert [row[-1] for row in rows[1:]] == [3, 3]


def test_without_added_columns_the_rows_carry_none():
    counted = summary_extra.count(None, ["t1"], dt.datetime.now(dt.timezone.utc), columns={})
    out = {"townships": [{"township_id": "t1"}], "villages": [{"village": "石桥村"}]}
    summary_extra.add_to(out, counted)
    assert out == {"townships": [{"township_id": "t1"}], "villages": [{"village": "石桥村"}]}
