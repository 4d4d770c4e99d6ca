"""The officer's two choices about photos, kept in the store's meta.

- ``photos_keep_days``: how long a photo the service confirmed stays on the device (0: it
  goes at the next sync after the confirmation; ``None``: kept until removed by hand).
- ``photos_allow_location``: whether the place a photo's EXIF names may travel with it
  (off unless the officer turns it on: a photo taken at home says where home is).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KEEP_DAYS = "photos_keep_days"
ALLOW_LOCATION = "photos_allow_location"
DEFAULT_KEEP_DAYS = 30
MAX_KEEP_DAYS = 3650


@dataclass(frozen=True)
class PhotoSettings:
    keep_days: int | None = DEFAULT_KEEP_DAYS
    allow_location: bool = False


def photo_settings(store: Any) -> PhotoSettings:
    keep = store.meta_get(KEEP_DAYS, DEFAULT_KEEP_DAYS)
    if keep is not None and (
        isinstance(keep, bool) or not isinstance(keep, int) or not 0 <= keep <= MAX_KEEP_DAYS
    ):
        keep = DEFAULT_KEEP_DAYS
    return PhotoSettings(keep, store.meta_get(ALLOW_LOCATION) is True)


def save_photo_settings(store: Any, settings: PhotoSettings) -> None:
    store.meta_update({KEEP_DAYS: settings.keep_days, ALLOW_LOCATION: settings.allow_location})


def parse_keep_days(text: str) -> int | None:
    """What the settings field says: digits (0 … 3650), or empty for "keep them"; ValueError."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_KEEP_DAYS:
        raise ValueError(text)
    return int(text)
