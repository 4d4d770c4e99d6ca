"""Who is who in a township, for its staff: the township's name, its grids and officers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.township import db


def township_name(session: Session, township_id: str) -> str:
    township = session.get(db.Township, township_id)
    return township.name if township else ""


def grids(session: Session, township_id: str) -> list[dict[str, Any]]:
    """The township's grids by name, each with its officers by name (``GridOut``-shaped)."""
    rows = session.execute(
        select(db.Grid).where(db.Grid.township_id == township_id).order_by(db.Grid.name)
    ).scalars()
    out: dict[str, dict[str, Any]] = {
        g.id: {"id": g.id, "name": g.name, "officers": []} for g in rows
    }
    officers = session.execute(
        select(db.Officer).where(db.Officer.grid_id.in_(list(out))).order_by(db.Officer.name)
    ).scalars()
    for o in officers:
        out[o.grid_id]["officers"].append({"id": o.id, "name": o.name})
    return list(out.values())
