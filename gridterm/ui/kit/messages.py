"""The apps' own messages: small dataclasses, posted by an app, its screens or its workers."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StoreChanged(Message):
    """Something was saved (``record_id``, or None for settings and sync); screens showing
    counts or lists refresh themselves.  The officer's app posts it to every screen."""

    record_id: str | None = None


@dataclass
class SyncStateChanged(Message):
    """The officer's background sync moved on: ``state`` is "offline" | "syncing" |
    "synced" | "error".  Posted to the app, which owns the state (``app.sync_state``)."""

    state: str
