"""The finance rows of a notice as the public sees them: names masked as everywhere else.

A 财务 row names its item in free text (``支付张三明误工补贴``), so a name can only be found
where the township knows it: the residents of its households (heads and members), from
the imported roster and from the household records its devices pushed.
Every such name in a row's text is masked (张*明), longest names first in one pass, so
names that share characters (张三 and 张三明) mask as the longer one.  A row's own
``payee``/``name`` field, when the device sends one, is masked whole.  Amounts and voucher
numbers are shown as published.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core import model
from gridterm.township import db

NAME_FIELDS = ("payee", "name")
ROW_FIELDS = ("item", "income", "spending", "voucher")
_SHORTEST, _LONGEST = 2, 12  # a single character is no name to look for


def known_names(session: Session, township_id: str) -> set[str]:
    """Every resident's name the township holds: its household roster, and the households
    its officers' devices recorded (a village without an imported roster has only those)."""
    roster = session.execute(
        select(db.Household.data)
        .join(db.Grid, db.Grid.id == db.Household.grid_id)
        .where(db.Grid.township_id == township_id)
    ).scalars()
    recorded = session.execute(
        select(db.Record.data).where(
            db.Record.township_id == township_id, db.Record.kind == "household"
        )
    ).scalars()
    names: set[str] = set()
    for data in itertools.chain(roster, recorded):
        if not isinstance(data, dict):
            continue
        names.add(str(data.get("head") or "").strip())
        for member in data.get("members") or []:
            if isinstance(member, dict):
                names.add(str(member.get("name") or "").strip())
    return {n for n in names if _SHORTEST <= len(n) <= _LONGEST}


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    if not ordered:
        return None
    return re.compile("|".join(re.escape(n) for n in ordered))


def mask_text(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None or not text:
        return text
    return pattern.sub(lambda m: model.mask_name(m.group(0)), text)


def public_rows(items: Any, pattern: re.Pattern[str] | None) -> list[dict[str, str]]:
    """The rows of ``items`` (a notice's ``items``) as the public reads them."""
    out: list[dict[str, str]] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        row = {key: str(item.get(key) or "") for key in ROW_FIELDS}
        row["item"] = mask_text(row["item"], pattern)
        for key in NAME_FIELDS:
            if item.get(key):
                row[key] = model.mask_name(str(item[key]))
        out.append(row)
    return out
