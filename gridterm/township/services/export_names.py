"""The names an export shows instead of ids, looked up a page of records at a time.

For each page the export reads, :meth:`Names.attach` finds in a few batched queries what the
page points at — the households its visits (and the visits its reports) were made at, the
checklists its visits were filled in on — and puts them on each row as ``refs``.  It also gives every row a village: its own, its
household's, else the village of most of its grid's households (a grid lies in one village).
What is looked up once (templates, the grids' villages) is kept for the export.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridterm.core import checklists
from gridterm.township import db
from gridterm.township.services.export_columns import household_address

Row = dict[str, Any]


def _link(data: Any, *path: str) -> str | None:
    value = data
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, str) and value else None


def household_ref(data: Any) -> dict[str, str]:
    data = data if isinstance(data, dict) else {}
    return {
        "head": str(data.get("head") or ""),
        "address": household_address(data),
        "village": str(data.get("village") or ""),
    }


class Names:
    """Lookups for one export of ``township``'s records (several townships': a county's)."""

    def __init__(self, township: str | list[str]) -> None:
        self.township_ids = [township] if isinstance(township, str) else list(township)
        self.templates: dict[tuple[str, Any], dict | None] = {}
        self.grid_villages: dict[str, str] | None = None

    def attach(self, session: Session, page: list[Row]) -> None:
        """Put ``refs`` and a village on every row of ``page``."""
        if self.grid_villages is None:
            self.grid_villages = self._grid_villages(session)
        visits = self._records(session, "visit", {_link(r["data"], "links", "visit") for r in page})
        wanted = {_link(r["data"], "household_id") for r in page if r["kind"] == "visit"}
        wanted |= {_link(v, "household_id") for v in visits.values()}
        households = self._households(session, wanted)
        for row in page:
            found: dict[str, Any] = {}
            household_id = None
            if row["kind"] == "visit":
                household_id = _link(row["data"], "household_id")
                found["template"] = self.template(session, row["data"])
            elif row["kind"] == "report":
                visit = visits.get(_link(row["data"], "links", "visit") or "")
                household_id = _link(visit, "household_id")
            household = households.get(household_id or "")
            if household:
                found["household"] = household
            row["refs"] = found
            if not row.get("village"):
                row["village"] = (household or {}).get("village") or self.grid_villages.get(
                    row.get("grid") or "", ""
                )

    # -- the lookups ---------------------------------------------------------------------------
    def _records(self, session: Session, kind: str, ids: Iterable[str | None]) -> dict[str, Any]:
        wanted = sorted(i for i in ids if i)
        if not wanted:
            return {}
        rows = session.execute(
            select(db.Record.id, db.Record.data).where(
                db.Record.township_id.in_(self.township_ids),
                db.Record.kind == kind,
                db.Record.id.in_(wanted),
            )
        ).all()
        return {rid: data for rid, data in rows}

    def _households(self, session: Session, ids: Iterable[str | None]) -> dict[str, dict]:
        wanted = sorted(i for i in ids if i)
        if not wanted:
            return {}
        found = {
            rid: household_ref(d) for rid, d in self._records(session, "household", wanted).items()
        }
        missing = [i for i in wanted if i not in found]
        if missing:
            imported = session.execute(
                select(db.Household.id, db.Household.data)
                .join(db.Grid, db.Grid.id == db.Household.grid_id)
                .where(db.Grid.township_id.in_(self.township_ids), db.Household.id.in_(missing))
            ).all()
            found.update({hid: household_ref(data) for hid, data in imported})
        return found

    def _grid_villages(self, session: Session) -> dict[str, str]:
        """Each grid's village: the one most of its households (synced or imported) are in."""
        counts: dict[str, Counter] = {}
        synced = session.execute(
            select(db.Record.grid_id, db.Record.village, func.count())
            .where(
                db.Record.township_id.in_(self.township_ids),
                db.Record.kind == "household",
                db.Record.village != "",
            )
            .group_by(db.Record.grid_id, db.Record.village)
        ).all()
        village = db.Household.data["village"].as_string()
        imported = session.execute(
            select(db.Household.grid_id, village, func.count())
            .join(db.Grid, db.Grid.id == db.Household.grid_id)
            .where(db.Grid.township_id.in_(self.township_ids))
            .group_by(db.Household.grid_id, village)
        ).all()
        for grid_id, name, count in [*synced, *imported]:
            if name:
                counts.setdefault(grid_id, Counter())[name] += count
        return {grid_id: c.most_common(1)[0][0] for grid_id, c in counts.items()}

    def template(self, session: Session, data: dict[str, Any]) -> dict | None:
        """The checklist a visit was made on: the township's published version, else the
        built-in of that id and version, else the newest built-in of that id."""
        tid = data.get("template_id")
        version = data.get("template_version")
        if not isinstance(tid, str) or not tid:
            return None
        key = (tid, version if isinstance(version, int) else None)
        if key not in self.templates:
            body = None
            if key[1] is not None:
                body = session.execute(
                    select(db.Template.body)
                    .where(db.Template.id == tid, db.Template.version == key[1])
                    .where(
                        (db.Template.township_id.in_(self.township_ids))
                        | db.Template.township_id.is_(None)
                    )
                ).scalar()
            if not isinstance(body, dict):
                builtins = checklists.builtin_templates()
                body = checklists.find(builtins, tid, key[1]) or checklists.find(builtins, tid)
            self.templates[key] = body
        return self.templates[key]
