"""Dates and times as officers type them and read them, on the township's clock.

- ``parse``: what is typed (``2026/12/15``, ``12月15日``, ``明天``, ``下午2点半``, ``3pm``)
  to a day and an optional time — :func:`understand`
- ``shown``: what was understood, in words beside the field; stored values shown in a field
- ``zone``: the township's time zone (China time unless Settings says otherwise)
- ``plausible``: warnings for dates that are possible but probably wrong

No UI here: ``gridterm.ui.kit.dates.DateInput`` is the one input every screen uses.
"""

from __future__ import annotations

from gridterm.core.dates.parse import KINDS, DateTextError, Understood, understand
from gridterm.core.dates.shown import (
    day_text,
    field_text,
    moment_text,
    relative_text,
    understood_text,
)
from gridterm.core.dates.zone import (
    CHINA_TIME,
    DEFAULT_ZONE,
    day_of,
    in_zone,
    township_zone,
    zone_named,
)

__all__ = [
    "CHINA_TIME",
    "DEFAULT_ZONE",
    "KINDS",
    "DateTextError",
    "Understood",
    "day_of",
    "day_text",
    "field_text",
    "in_zone",
    "moment_text",
    "relative_text",
    "township_zone",
    "understand",
    "understood_text",
    "zone_named",
]
