"""The app's own messages: small dataclasses, posted by screens and widgets."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StoreChanged(Message):
    """Something was saved; screens showing counts or lists refresh themselves."""

    record_id: str | None = None


@dataclass
class HouseholdSaved(Message):
    """The household form saved ``record`` (the whole stored record)."""

    record: dict


@dataclass
class SyncStatus(Message):
    """The sync worker's state for the header: ``text`` is already translated."""

    text: str
