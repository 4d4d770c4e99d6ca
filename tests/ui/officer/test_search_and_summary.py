"""The household search index and Home's summary, without the UI."""

from __future__ import annotations

import random
from datetime import timedelta

from gridterm.core.demo_data import household_data
from gridterm.core.households import HouseholdIndex
from gridterm.core.usecases.home import summarize

from .conftest import TODAY


def _records(n: int) -> list[dict]:
    rng = random.Random(5)
    return [{"id": f"h{i:05d}", "data": household_data(rng, TODAY, i)} for i in range(n)]


def test_search_by_name_address_id_tail_and_tag_in_either_language():
    records = _records(300)
    index = HouseholdIndex(records)
    target = records[123]
    member = target["data"]["members"][-1]
    for query in (
        member["name"],
        member["id_number"][-4:],
        f"{target['data']['village']} {member['name']}",
    ):
        ids, total = index.search(query)
        assert target["id"] in ids, query
        assert total == len(ids)
    elders = [r for r in records if "living_alone_elder" in str(r["data"])]
    assert elders
    for query in ("独居老人", "elder living alone"):
        ids, _ = index.search(query)
        assert set(ids) == {r["id"] for r in elders}
    assert index.search("无此人")[0] == []


def test_search_limit_keeps_the_total_and_edits_replace_one_entry():
    records = _records(120)
    index = HouseholdIndex(records)
    ids, total = index.search("", limit=10)
    assert len(ids) == 10 and total == 120
    changed = dict(records[0], data=dict(records[0]["data"], head="欧阳修远"))
    index.put(changed)
    assert index.search("欧阳修远")[0] == [changed["id"]]
    assert len(index) == 120
    index.remove(changed["id"])
    assert index.search("欧阳修远")[0] == []


def test_summary_uses_the_visit_rules_saved_in_settings(store):
    elder = store.create(
        "household",
        {
            "village": "东河村",
            "head": "周桂英",
            "members": [{"name": "周桂英", "tags": ["living_alone_elder"]}],
        },
    )
    plain = store.create("household", {"village": "东河村", "head": "李强"})
    for household, days_ago in ((elder, 10), (plain, 10)):
        store.create(
            "visit",
            {
                "household_id": household["id"],
                "template_id": "basic_info",
                "template_version": 1,
                "answers": {"note": "ok"},
                "visited_at": (TODAY - timedelta(days=days_ago)).isoformat() + "T09:00:00+08:00",
            },
        )
    found = summarize(store, TODAY)
    assert [d.household["id"] for d in found.due] == [elder["id"]]  # weekly rule: overdue
    assert found.due[0].overdue
    store.meta_set("visit_rules", {"default_days": 5, "tags": {"living_alone_elder": 30}})
    found = summarize(store, TODAY)
    assert [d.household["id"] for d in found.due] == [plain["id"]]
