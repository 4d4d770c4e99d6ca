"""Receipts on the device (gridterm.core.usecases.receipts), without Pilot: one per party of
a case, every receipt listed (archived ones too), found by number as read off paper, by name
or by what it was for."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from gridterm.core.receipts import format_number, issue
from gridterm.core.store import Store
from gridterm.core.usecases.receipts import issued_receipts, party_receipts, search

SECRET = "secret"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


def give(store, record, party=None, minutes=0):
    receipt = issue(
        store.get(record["id"]), SECRET, party=party, now=NOW + timedelta(minutes=minutes)
    )
    current = store.get(record["id"])
    store.update(record["id"], receipts=[*(current.get("receipts") or []), receipt])
    return receipt


def a_case(store):
    return store.create(
        "case",
        {
            "parties": [{"name": "王大明", "role": "applicant"}, {"name": "李小花"}],
            "dispute_type": "neighbour",
            "source": "party_applied",
            "summary": "排水沟",
        },
    )


def test_each_party_of_a_case_has_its_own_receipt_or_none(store):
    case = a_case(store)
    second = give(store, case, party=1)
    parties = party_receipts(store.get(case["id"]))
    assert [(p.index, p.name, p.role) for p in parties] == [
        (0, "王大明", "applicant"),
        (1, "李小花", ""),
    ]
    assert parties[0].receipt is None and parties[1].receipt == second
    assert party_receipts({"data": {}}) == []


def test_every_receipt_newest_first_archived_too(store):
    case = a_case(store)
    report = store.create(
        "report",
        {"category": "safety", "urgency": "normal", "place": "桥头", "description": "栏杆",
         "raised_by": "张三明"},
    )  # fmt: skip
    first = give(store, case, party=0, minutes=1)
    second = give(store, case, party=1, minutes=2)
    third = give(store, report, minutes=3)
    done = store.get(report["id"])
    store.mark_synced([{"id": done["id"], "rev": done["rev"], "result": "stored", "error": None}])
    items = issued_receipts(store, "zh_CN")
    assert [i.receipt["number"] for i in items] == [
        third["number"],
        second["number"],
        first["number"],
    ]
    assert [i.who for i in items] == ["张三明", "李小花", "王大明"]
    assert items[0].number == format_number(third["number"])
    assert len({i.key for i in items}) == 3


@pytest.mark.parametrize(
    "typed",
    ["{n}", "{n_lower}", "{n_plain}", "{n_part}", "{n_o}", "  {n_part}  "],
)
def test_found_by_the_number_as_read_off_paper(store, typed):
    case = a_case(store)
    wanted = give(store, case, party=0)
    give(store, case, party=1)
    n = format_number(wanted["number"])
    forms = {
        "n": n,
        "n_lower": n.lower(),
        "n_plain": n.replace("-", ""),
        "n_part": n.replace("-", "")[2:8],
        "n_o": n.replace("0", "O"),
    }
    found = search(issued_receipts(store, "en"), typed.format(**forms))
    assert [i.receipt["number"] for i in found] == [wanted["number"]]


def test_found_by_name_or_matter_and_every_word_must_match(store):
    case = a_case(store)
    give(store, case, party=0)
    give(store, case, party=1)
    items = issued_receipts(store, "zh_CN")
    assert [i.who for i in search(items, "李小花")] == ["李小花"]
    assert len(search(items, "")) == 2
    assert search(items, "李小花 王大明") == []
    assert search(items, "\x00") == []
    assert search(items, "x" * 10_000) == []
