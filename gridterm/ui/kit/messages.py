"""The app's own messages: small dataclasses, posted by the app and its screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StoreChanged(Message):
    """Something was saved (``record_id``, or None for settings and sync); screens showing
    counts or lists refresh themselves, and the header its outbox depth."""

    record_id: str | None = None
