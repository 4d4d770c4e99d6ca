"""Whose records a device may send: its own, and those made under enrollments it replaced.

The officer, grid and device of a pushed record come from the device's enrollment (issue 13:
a device must not put words in another officer's mouth).  A record may name

* as its officer: none (``""``: the enrollment's), the enrollment's officer, or the officer of
  an enrollment this one replaced on the same device (``devices.previous_id``: re-enrolling
  proved it held that enrollment's token);
* as its device: this device, one it replaced, or a local id that is no enrolled device's
  (records made before the first enrollment are named so);
* as its grid: none or the enrollment's (:mod:`~gridterm.township.services.incoming`).

Anything else is refused with the reason; the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services.tokens import DeviceIdentity

# Re-enrolling the same phone more often than this is not a lineage worth following.
MAX_LINEAGE = 50


@dataclass(frozen=True)
class Lineage:
    devices: frozenset[str]
    officers: frozenset[str]


def lineage(session: Session, device: DeviceIdentity) -> Lineage:
    """This device and the enrollments it replaced, newest first, with their officers."""
    devices, officers = [device.device_id], {device.officer_id}
    current = device.device_id
    for _ in range(MAX_LINEAGE):
        previous = session.execute(
            select(db.Device.previous_id).where(db.Device.id == current)
        ).scalar()
        row = (
            session.execute(
                select(db.Device.id, db.Device.officer_id).where(db.Device.id == previous)
            ).first()
            if previous and previous not in devices
            else None
        )
        if row is None:
            break
        devices.append(row.id)
        officers.add(row.officer_id)
        current = row.id
    return Lineage(frozenset(devices), frozenset(officers))


def own_records(
    session: Session,
    device: DeviceIdentity,
    items: Iterable[Any],
    reject: Callable[[Any, str, dict[str, str]], None],
) -> list[Any]:
    """The items (each with a validated ``.record``) this device may send; for each other one,
    ``reject(item, catalog key, params)``."""
    items = list(items)
    named_devices = {item.record.get("device") for item in items} - {device.device_id}
    named_officers = {item.record.get("officer") for item in items} - {device.officer_id, ""}
    if not named_devices and not named_officers:
        return items  # the common case: no lookup at all
    family = lineage(session, device)
    strangers = named_devices - family.devices
    enrolled = (
        set(session.execute(select(db.Device.id).where(db.Device.id.in_(strangers))).scalars())
        if strangers
        else set()
    )
    kept = []
    for item in items:
        officer = item.record.get("officer")
        if officer and officer not in family.officers:
            reject(item, "hardening.push.other_officer", {"officer": str(officer)[:64]})
        elif item.record.get("device") in enrolled:
            reject(item, "hardening.push.other_device", {})
        else:
            kept.append(item)
    return kept
