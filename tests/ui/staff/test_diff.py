"""What changed between two revs: added, changed and removed keys, nested and in lists."""

from __future__ import annotations

from gridterm.ui.staff.diff import Change, diff, show
from gridterm.ui.staff.screens.detail import history_lines, value_text


def test_added_changed_removed_nested_and_list_items():
    old = {
        "place": "1组",
        "urgency": "normal",
        "note": "旧",
        "members": [{"name": "王一", "phone": "13800000000"}],
        "empty": "",
    }
    new = {
        "place": "2组",
        "urgency": "normal",
        "members": [{"name": "王一", "phone": "13900000000"}],
        "address": {"village": "石桥村"},
        "empty": None,
    }
    assert diff(old, new) == [
        Change("changed", "place", "1组", "2组"),
        Change("removed", "note", "旧", None),
        Change("changed", "members[0].phone", "13800000000", "13900000000"),
        Change("added", "address.village", None, "石桥村"),
    ]
    assert diff(new, new) == []
    assert diff(None, {"a": 1}) == [Change("added", "a", None, 1)]
    # Lists of different lengths are one value.
    assert diff({"tags": ["a"]}, {"tags": ["a", "b"]}) == [
        Change("changed", "tags", ["a"], ["a", "b"])
    ]


def test_values_read_as_labels_and_short_text():
    assert value_text("category", "safety") == "Safety hazard"
    assert value_text("members[0].tags", ["dibao", "disabled"]).count(",") == 1
    assert show("x" * 100, 10) == "x" * 9 + "…"
    assert show(True) == "true" and show({"a": "中"}) == '{"a": "中"}'


def test_history_lines_name_the_fields_in_the_users_language():
    revs = [
        {"rev": 1, "data": {"place": "1组", "urgency": "normal"}},
        {"rev": 2, "data": {"place": "2组", "urgency": "urgent"}},
    ]
    lines = [str(line) for line in history_lines(revs, None)]
    assert lines[0].startswith("rev 1")
    assert "  ~ Place: 1组 → 2组" in lines
    assert any("Urgency: Normal → Urgent" in line for line in lines)
