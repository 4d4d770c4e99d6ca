"""Unsaved forms, kept in the hot file so they survive a crash or a closed app."""

from __future__ import annotations

from typing import Any

from gridterm.core.store.hot import HotFile, copy_json


class Drafts:
    def __init__(self, hot: HotFile) -> None:
        self._hot = hot

    def get_draft(self, key: str, default: Any = None) -> Any:
        with self._hot.guard():
            doc = self._hot.raw("drafts").get(key)
            return default if doc is None else copy_json(doc.get("value"))

    def save_draft(self, key: str, value: Any) -> None:
        with self._hot.writing():
            self._hot.put("drafts", key, {"value": copy_json(value)})

    def delete_draft(self, key: str) -> None:
        with self._hot.writing():
            if key in self._hot.raw("drafts"):
                self._hot.remove("drafts", [key])
