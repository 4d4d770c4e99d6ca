"""The staff console's command palette (ctrl+p): every key of the screen on show, by name."""

from __future__ import annotations

from gridterm.ui.officer.palette import KeyCommands


class StaffCommands(KeyCommands):
    pass
