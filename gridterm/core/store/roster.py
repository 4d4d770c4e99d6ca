"""The officer's own roster of mediators (elders named on cases), in the hot file."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from gridterm.core.store.errors import StoreError
from gridterm.core.store.hot import HotFile, copy_json
from gridterm.core.store.reference import Reference


class Roster:
    def __init__(self, hot: HotFile, reference: Reference) -> None:
        self._hot = hot
        self._reference = reference

    def list_mediators(self) -> list[dict[str, Any]]:
        """The officer's own roster, then the township's mediators not already in it."""
        with self._hot.guard():
            mine = [copy_json(m) for m in self._hot.raw("roster").values()]
            ids = {m.get("id") for m in mine}
            theirs = [m for m in self._reference.items("mediators") if m.get("id") not in ids]
            return mine + theirs

    def save_mediator(self, mediator: Mapping[str, Any]) -> dict[str, Any]:
        """Add or replace one mediator (by ``id``; a new one gets an id); returns it as saved."""
        with self._hot.writing():
            name = mediator.get("name") if isinstance(mediator, dict) else None
            if not isinstance(name, str) or not name.strip():
                raise StoreError("store.mediator_name")
            m = copy_json(mediator)
            m["name"] = name.strip()
            m.setdefault("id", str(uuid.uuid4()))
            self._hot.put("roster", m["id"], m)
            return copy_json(m)
