"""The device's own settings and state, kept as key -> JSON value in the hot file.

Keys used across parts are listed in docs/contracts.md (``device_id``, ``enrollment``,
``cursor``, ``last_sync_ok``, …).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridterm.core.store.hot import HotFile, copy_json


class Meta:
    def __init__(self, hot: HotFile) -> None:
        self._hot = hot

    def value(self, key: str, default: Any = None) -> Any:
        """A value as held in memory, unguarded (the caller holds the guard and copies)."""
        doc = self._hot.raw("meta").get(key)
        return doc.get("value", default) if isinstance(doc, dict) else default

    def get(self, key: str, default: Any = None) -> Any:
        with self._hot.guard():
            return copy_json(self.value(key, default))

    def set(self, key: str, value: Any) -> None:
        with self._hot.writing():
            self._hot.put("meta", key, {"value": copy_json(value)})

    def update(self, values: Mapping[str, Any]) -> None:
        """Set several keys in one write."""
        with self._hot.writing(), self._hot.batch():
            for key, value in values.items():
                self._hot.put("meta", key, {"value": copy_json(value)})
