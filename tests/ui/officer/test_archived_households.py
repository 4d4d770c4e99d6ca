"""A household stays the officer's after it synced and left the hot file for the archive."""

from gridterm.core.households import all_households
from gridterm.core.store import Store


def test_the_visit_picker_offers_synced_households(tmp_path):
    with Store.open(tmp_path / "d") as store:
        rec = store.create("household", {"village": "李家村", "head": "张三"})
        store.mark_synced([{"id": rec["id"], "rev": 1, "result": "stored", "error": None}])
        assert store.archive() == 1
        assert store.query(kind="household") == []  # no longer in the hot file
        assert [h["id"] for h in all_households(store)] == [rec["id"]]
