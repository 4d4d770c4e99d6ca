"""The columns a roster and an officer list may have, by the names people give them.

Plain data (``gridterm admin … --help`` lists them, and nothing heavy may load to build a
parser): each field with its names, Chinese first, then English.  A header matches a name
ignoring spaces, case, a required-star and anything in brackets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from gridterm.core.i18n import t

ROSTER: dict[str, tuple[str, ...]] = {
    "household_no": ("户号", "户编号", "户籍编号", "户口编号", "household_no", "household no"),
    "village": ("村", "村名", "行政村", "村（社区）", "社区", "所属村", "村委会", "village"),
    "group": ("组", "村民小组", "小组", "组别", "组名", "社", "group"),
    "number": ("门牌号", "门牌", "门牌号码", "number", "house number", "house_no"),
    "head": ("户主", "户主姓名", "head", "head of household"),
    "name": ("姓名", "成员姓名", "人员姓名", "家庭成员", "name", "member"),
    "relation": ("与户主关系", "与户主的关系", "家庭关系", "关系", "relation", "relationship"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "身份证",
        "证件号码",
        "id_number",
        "id",
    ),
    "phone": ("联系电话", "手机号", "手机号码", "手机", "电话", "联系方式", "phone", "mobile"),
    "tags": ("标签", "人员类别", "人员类型", "类别", "特殊人群", "重点人群", "tags", "tag"),
    "notes": ("备注", "notes", "note"),
}
# A roster names its village, and its heads or its people.
ROSTER_REQUIRED = [("village",), ("head", "name")]
# Columns a spreadsheet may have turned into numbers (and rounded).
NUMBER_FIELDS = ("id_number", "phone")

OFFICERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "网格员", "网格员姓名", "name", "officer"),
    "grid": ("网格", "网格名称", "所属网格", "grid"),
    "phone": ("手机号", "手机号码", "手机", "联系电话", "电话", "phone", "mobile"),
}
OFFICERS_REQUIRED = [("name",), ("grid",)]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name: str) -> Path:
    """A file shipped in the package to copy: ``roster.csv``, ``officers.csv``."""
    return EXAMPLES / name


def describe(columns: Mapping[str, Iterable[str]], prefix: str) -> str:
    """One line per column for ``--help``: its names, and what it holds (catalog key
    ``<prefix>.<field>``)."""
    lines = []
    for key, names in columns.items():
        lines.append(f"  {' / '.join(names)}")
        lines.append(f"      {t(f'{prefix}.{key}')}")
    return "\n".join(lines)
