"""The one household search and lookup (gridterm.core.households), without the UI."""

from __future__ import annotations

import pytest

from gridterm.core.households import (
    HouseholdIndex,
    address,
    all_households,
    find_household,
    household_label,
    household_place,
)
from gridterm.core.i18n import set_language
from gridterm.core.store import Store

WANG = {
    "village": "石桥村",
    "group": "3",
    "number": "12",
    "head": "王大明",
    "phone": "13800138000",
    "members": [
        {"name": "王大明", "id_number": "11010519491231002X"},
        {"name": "李秀英", "phone": "13911112222", "tags": ["living_alone_elder"]},
    ],
}
ZHAO = {"id": "hh-township-1", "village": "东河村", "group": "2", "head": "赵四"}


def _record(rid: str, **data) -> dict:
    return {"id": rid, "kind": "household", "data": data}


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


def test_address_and_label_in_either_language():
    assert address(WANG, "zh_CN") == "石桥村3组12号"
    assert address(WANG, "en") == "石桥村 group 3 no. 12"
    set_language("zh_CN")
    assert household_place(_record("h1", **WANG)) == "石桥村3组12号"
    assert household_label(_record("h1", **WANG)) == "王大明 · 石桥村3组12号"
    # A township household holds its fields at the top level.
    assert household_label(ZHAO) == "赵四 · 东河村2组"
    assert household_label({"id": "x"}) == "?"
    assert household_place(None) == ""


def test_every_word_must_match_names_members_phones_id_tail_and_addresses():
    wang = _record("h-wang", **WANG)
    other = _record("h-li", village="石桥村", group="4", head="李强", phone="13700000000")
    index = HouseholdIndex([wang, other])
    for query in (
        "王大明",
        "李秀英",  # a member
        "13911112222",  # a member's phone
        "13800138000",  # the household's phone
        "002x",  # last 4 of an ID number, any case
        "石桥村3组",  # the address as the Chinese screen writes it
        "group 3 no. 12",  # ... and as the English one does
        "3组 李秀英",  # every word, in any order
    ):
        assert index.search(query) == (["h-wang"], 1), query
    assert index.search("石桥村")[0] == ["h-wang", "h-li"]
    assert index.search("王大明 4组") == ([], 0)  # one word missing: no match


def test_tags_match_in_both_languages_whatever_is_on_screen():
    index = HouseholdIndex(
        [_record("h-wang", **WANG), _record("h-li", village="石桥村", head="李强")]
    )
    for lang in ("en", "zh_CN"):
        set_language(lang)
        assert index.search("独居老人")[0] == ["h-wang"]
        assert index.search("ELDER living")[0] == ["h-wang"]


def test_results_come_in_address_order_and_township_households_are_searched():
    records = [
        _record("a", village="石桥村", group="12", number="1", head="甲"),
        _record("b", village="石桥村", group="3", number="10", head="乙"),
        _record("c", village="石桥村", group="3", number="9", head="丙"),
        ZHAO,
        {"id": "odd", "village": None, "group": 5, "head": None},  # a township roster's odd row
    ]
    index = HouseholdIndex(records)
    assert index.search("")[0] == ["odd", "hh-township-1", "c", "b", "a"]
    assert index.search("赵四 东河村2组") == (["hh-township-1"], 1)
    assert index.search("石桥村", limit=2) == (["c", "b"], 3)


def test_lookup_finds_the_officers_household_then_the_townships(store):
    mine = store.create("household", {"village": "东河村", "head": "赵四"})
    store.save_reference("households", [ZHAO, {"id": mine["id"], "head": "重复"}, {"head": "无id"}])
    found = all_households(store)
    assert [h["id"] for h in found] == [mine["id"], ZHAO["id"]]  # theirs not already mine
    assert find_household(store, mine["id"])["data"]["head"] == "赵四"
    assert find_household(store, ZHAO["id"]) == ZHAO
    assert find_household(store, "no-such-id") is None


# Names that share characters, as a village has them; 胡刚's household lists first in
# address order, so any wrong order shows.
HU = [
    _record(
        "h-gang",
        village="石桥村",
        group="1",
        number="1",
        head="胡刚",
        members=[{"name": "胡刚"}, {"name": "胡丽丽", "phone": "13812345678"}],
    ),
    _record("h-lili", village="石桥村", group="1", number="2", head="胡丽丽"),
    _record(
        "h-li",
        village="石桥村",
        group="1",
        number="3",
        head="胡丽",
        members=[{"name": "胡丽", "id_number": "11010519491231002X"}],
    ),
    _record(
        "h-lei",
        village="石桥村",
        group="2",
        number="1",
        head="李雷",
        members=[{"name": "李雷"}, {"name": "胡丽", "relation": "配偶"}],
    ),
]


@pytest.mark.parametrize(
    ("query", "first", "order"),
    [
        # exact head, then exact member, then heads that start with it, then the rest
        ("胡丽", "h-li", ["h-li", "h-lei", "h-lili", "h-gang"]),
        ("胡", "h-gang", ["h-gang", "h-lili", "h-li", "h-lei"]),
        ("hl", "h-li", ["h-li", "h-lei", "h-lili", "h-gang"]),  # pinyin initials
        ("huli", "h-li", ["h-li", "h-lei", "h-lili", "h-gang"]),  # full pinyin
        ("HULI", "h-li", None),  # as a soft keyboard's shift gives it
        ("hulili", "h-lili", ["h-lili", "h-gang"]),
        ("hg", "h-gang", ["h-gang"]),
        ("002x", "h-li", ["h-li"]),  # ID's last 4
        ("13812345678", "h-gang", ["h-gang"]),  # a member's phone
        ("石桥村2组", "h-lei", ["h-lei"]),  # the address as written on screen
    ],
)
def test_exact_names_come_first_then_prefixes_then_the_rest(query, first, order):
    ids, total = HouseholdIndex(HU).search(query)
    assert ids[0] == first
    if order is not None:
        assert ids == order and total == len(order)


def test_every_word_must_match_and_the_best_word_ranks():
    index = HouseholdIndex(HU)
    assert index.search("hl 2组") == (["h-lei"], 1)
    assert index.search("石桥村 胡丽")[0][:2] == ["h-li", "h-lei"]
    assert index.search("hl 无此村") == ([], 0)


def test_an_edited_household_is_searched_as_it_is_now():
    index = HouseholdIndex(HU)
    index.put(_record("h-li", village="石桥村", group="1", number="3", head="胡莉"))
    assert index.search("huli")[0][0] == "h-li"  # 莉 is li too
    assert "h-li" not in index.search("002x")[0]
