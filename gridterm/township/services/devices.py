"""A township's devices as staff see them: whose each is, and which gridterm it runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services import client_versions


def township_devices(session: Session, township_id: str) -> dict[str, Any]:
    """Every device enrolled in ``township_id`` (revoked ones too), newest first, with its
    client version and what the township's version settings say about it."""
    policy = client_versions.policy(session)
    rows = session.execute(
        select(db.Device, db.Officer, db.Grid)
        .join(db.Officer, db.Officer.id == db.Device.officer_id)
        .join(db.Grid, db.Grid.id == db.Officer.grid_id)
        .where(db.Grid.township_id == township_id)
        .order_by(db.Grid.name, db.Officer.name, db.Device.enrolled_at.desc())
    ).all()
    items = [
        {
            "id": device.id,
            "name": device.name,
            "officer": {"id": officer.id, "name": officer.name},
            "grid": {"id": grid.id, "name": grid.name},
            "enrolled_at": device.enrolled_at.isoformat(),
            "revoked": device.revoked_at is not None,
            "client_version": device.client_version,
            "update": policy.verdict(device.client_version),
        }
        for device, officer, grid in rows
    ]
    return {"recommended": policy.recommended, "lowest": policy.lowest, "items": items}
