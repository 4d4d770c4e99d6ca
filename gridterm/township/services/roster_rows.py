"""A roster sheet's rows as households: the columns a roster may have, and the two layouts.

- **One row per household**: no 姓名 column; 户主 names the head, the other columns are the
  household's (身份证号 and 联系电话 are the head's).
- **One row per person** (what townships keep): a 姓名 column, one row for each member.
  Rows are grouped into households by 户号 (a blank 户号 continues the household above, as a
  merged cell does), else by 与户主关系 (a 户主 row starts a household, the rows after it are
  its members), else by the 户主 column (rows naming the same head at the same address).
  A member's blank village, group or number is the household's.

Each :class:`Draft` remembers the row and column every value came from, so a problem found
later (by the app's own validation) is told as "row 12, column E (身份证号)".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.township.services.sheet_columns import Columns, Problems, RowValues

HEAD_RELATIONS = frozenset({"户主", "本人", "户主本人", "head", "self"})
HOUSEHOLD_FIELDS = ("village", "group", "number")
HOUSEHOLD_NO_MAX = 100

# What rosters write for the app's tags, beyond its own labels.
TAG_WORDS = {
    "低保户": "dibao",
    "低保对象": "dibao",
    "五保": "tekun",
    "五保户": "tekun",
    "特困": "tekun",
    "特困人员": "tekun",
    "特困供养": "tekun",
    "残疾": "disabled",
    "残疾人员": "disabled",
    "独居": "living_alone_elder",
    "监测户": "poverty_watch",
    "监测对象": "poverty_watch",
    "外出务工人员": "working_away",
    "流动人员": "migrant",
}
_TAG_SPLIT = re.compile(r"[,，;；、|\s]+")


@dataclass
class Draft:
    """One household as the sheet gives it."""

    row: int  # its first row
    household_no: str = ""
    data: dict = field(default_factory=dict)
    where: dict[str, tuple[int, str]] = field(default_factory=dict)  # data path -> (row, field)
    rows: list[int] = field(default_factory=list)  # every row it was made from
    broken: bool = False  # a problem of its shape was found: its values are not checked


def tag_codes() -> dict[str, str]:
    """Every way a roster may write a tag (code, Chinese or English label, common words)."""
    names: dict[str, str] = {}
    for code in model.codes("tag"):
        names[code] = code
        zh = model.label("tag", code, "zh_CN")
        names[zh] = code
        for part in zh.split("/"):
            names[part] = code
        names[model.label("tag", code, "en").casefold()] = code
    names.update(TAG_WORDS)
    return names


def parse_tags(text: str, row: int, known: dict[str, str], problems: Problems) -> list[str]:
    codes: list[str] = []
    for word in _TAG_SPLIT.split(text):
        if not word:
            continue
        code = known.get(word) or known.get(word.casefold())
        if code is None:
            joiner = t("roster.list_joiner")
            allowed = joiner.join(model.label("tag", c) for c in model.codes("tag"))
            problems.cell(row, "tags", t("roster.error.tag", value=word, allowed=allowed))
        elif code not in codes:
            codes.append(code)
    return codes


def drafts(rows: Iterable[RowValues], columns: Columns, problems: Problems) -> list[Draft]:
    """The households of a roster's rows; what is wrong on the way goes to ``problems``."""
    rows = list(rows)
    known = tag_codes()
    if columns.has("name"):
        return _per_person(rows, columns, known, problems)
    return [_per_household(row, columns, known, problems) for row in rows]


def _per_household(
    row: RowValues, columns: Columns, known: dict[str, str], problems: Problems
) -> Draft:
    draft = Draft(row.row, household_no=row.get("household_no"), rows=[row.row])
    data = draft.data
    for name in (*HOUSEHOLD_FIELDS, "head", "phone", "notes"):
        if columns.has(name):
            draft.where[name] = (row.row, name)
        if row.get(name):
            data[name] = row.get(name)
    tags = parse_tags(row.get("tags"), row.row, known, problems)
    if tags:
        data["tags"] = tags
        draft.where["tags"] = (row.row, "tags")
    if row.get("id_number"):
        # The head's ID: the head is then a member, so the number is checked and kept.
        data["members"] = [
            {"name": row.get("head"), "relation": "户主", "id_number": row.get("id_number")}
        ]
        draft.where["members[0].name"] = (row.row, "head")
        draft.where["members[0].id_number"] = (row.row, "id_number")
    return draft


def _is_head(row: RowValues) -> bool:
    return row.get("relation").casefold() in HEAD_RELATIONS


def _groups(rows: list[RowValues], columns: Columns, problems: Problems) -> list[list[RowValues]]:
    """The rows of each household, in the order their first rows come."""
    groups: dict[object, list[RowValues]] = {}
    current: object = None
    for row in rows:
        if columns.has("household_no"):
            if row.get("household_no"):
                current = ("no", row.get("household_no"))
        elif columns.has("relation"):
            if _is_head(row) or current is None:
                current = ("row", row.row)
        elif columns.has("head"):
            if row.get("head"):  # a blank head continues the household above
                current = ("head", row.get("head"), *(row.get(f) for f in HOUSEHOLD_FIELDS))
        else:
            problems.row(row.row, t("roster.error.no_grouping", row=row.row))
            continue
        if current is None:
            problems.cell(row.row, "household_no", t("roster.error.no_household_no"))
            continue
        groups.setdefault(current, []).append(row)
    return list(groups.values())


def _per_person(
    rows: list[RowValues], columns: Columns, known: dict[str, str], problems: Problems
) -> list[Draft]:
    return [
        _household(group, columns, known, problems)
        for group in _groups(rows, columns, problems)
        if group
    ]


def _household(
    group: list[RowValues], columns: Columns, known: dict[str, str], problems: Problems
) -> Draft:
    heads = [row for row in group if _is_head(row)]
    if not heads and columns.has("head"):
        heads = [row for row in group if row.get("name") and row.get("name") == row.get("head")]
    if len(heads) > 1 and columns.has("relation"):
        others = ", ".join(str(r.row) for r in heads[1:])
        problem = t("roster.error.two_heads", first=heads[0].row, others=others)
        problems.cell(heads[1].row, "relation", problem)
    head = heads[0] if heads else None
    first = head or group[0]
    draft = Draft(group[0].row, first.get("household_no"), rows=[row.row for row in group])
    draft.broken = len(heads) > 1 and columns.has("relation")
    data = draft.data
    for name in HOUSEHOLD_FIELDS:
        _household_value(draft, group, first, name, columns, problems)
    if head is not None:
        data["head"] = head.get("name")
        draft.where["head"] = (head.row, "name")
        if head.get("phone"):
            data["phone"] = head.get("phone")
            draft.where["phone"] = (head.row, "phone")
    elif first.get("head"):
        data["head"] = first.get("head")
        draft.where["head"] = (first.row, "head")
    else:
        problems.row(group[0].row, t("roster.error.no_head", row=group[0].row))
        draft.broken = True
    notes = "；".join(row.get("notes") for row in group if row.get("notes"))
    if notes:
        data["notes"] = notes
        draft.where["notes"] = (first.row, "notes")
    data["members"] = [
        _member(draft, n, row, row is head, columns, known, problems) for n, row in enumerate(group)
    ]
    return draft


def _household_value(
    draft: Draft,
    group: list[RowValues],
    first: RowValues,
    name: str,
    columns: Columns,
    problems: Problems,
) -> None:
    """A household field from its head's row, else its first row that has one; a member's
    row that says otherwise is a problem."""
    source = first if first.get(name) else next((r for r in group if r.get(name)), None)
    if source is None:
        draft.where.setdefault(name, (first.row, name))
        return
    value = source.get(name)
    draft.data[name] = value
    draft.where[name] = (source.row, name)
    for row in group:
        if row.get(name) and row.get(name) != value:
            problem = t("roster.error.differs", value=row.get(name), other=value, row=source.row)
            problems.cell(row.row, name, problem)
            draft.broken = True


def _member(
    draft: Draft,
    n: int,
    row: RowValues,
    is_head: bool,
    columns: Columns,
    known: dict[str, str],
    problems: Problems,
) -> dict:
    member: dict = {"name": row.get("name")}
    draft.where[f"members[{n}].name"] = (row.row, "name")
    relation = "户主" if is_head and not row.get("relation") else row.get("relation")
    if relation:
        member["relation"] = relation
        draft.where[f"members[{n}].relation"] = (row.row, "relation")
    for name in ("id_number", "phone"):
        if row.get(name):
            member[name] = row.get(name)
            draft.where[f"members[{n}].{name}"] = (row.row, name)
    tags = parse_tags(row.get("tags"), row.row, known, problems)
    if tags:
        member["tags"] = tags
        draft.where[f"members[{n}].tags"] = (row.row, "tags")
    return member
