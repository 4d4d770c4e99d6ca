"""The officer's screens, by name: plain data, imported by the app, the palette and screens.

Each entry: the name screens open it by (``app.action_open(name, **kwargs)``), where its
class lives (``"module:Class"``, imported the first time it opens, so start-up pays only for
Home), the key that opens it from Home (``None`` for screens that need arguments), and the
catalog key of its label.  A screen with a key shows on Home's menu and footer and in the
command palette.  See docs/tui.md, "Adding a screen".
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from textual.screen import Screen


class ScreenEntry(NamedTuple):
    name: str
    target: str  # "module:Class"
    key: str | None  # the key on Home, or None
    label: str  # catalog key


# One line per screen (a table: kept out of the formatter so it stays one).
# fmt: off
SCREEN_REGISTRY: list[ScreenEntry] = [
    ScreenEntry("home", "gridterm.ui.officer.screens.home:HomeScreen", None, "tui.screen.home"),
    ScreenEntry("households", "gridterm.ui.officer.screens.households:HouseholdsScreen", "h", "tui.screen.households"),
    ScreenEntry("household", "gridterm.ui.officer.screens.households:HouseholdDetailScreen", None, "tui.screen.household"),
    ScreenEntry("household_form", "gridterm.ui.officer.screens.household_form:HouseholdFormScreen", None, "tui.screen.household_form"),
    ScreenEntry("outbox", "gridterm.ui.officer.screens.outbox:OutboxScreen", "o", "tui.screen.outbox"),
    ScreenEntry("feedback", "gridterm.ui.officer.screens.feedback:FeedbackScreen", "f", "tui.screen.feedback"),
    ScreenEntry("settings", "gridterm.ui.officer.screens.settings:SettingsScreen", "s", "tui.screen.settings"),
    ScreenEntry("visit", "gridterm.ui.officer.screens.visit:VisitStartScreen", "v", "wf.screen.visit"),
    ScreenEntry("cases", "gridterm.ui.officer.screens.case:CaseListScreen", "c", "wf.screen.cases"),
    ScreenEntry("case", "gridterm.ui.officer.screens.case:CaseScreen", None, "wf.screen.case"),
    ScreenEntry("report", "gridterm.ui.officer.screens.report:ReportFormScreen", "r", "wf.screen.report"),
    ScreenEntry("roster", "gridterm.ui.officer.screens.roster:RosterScreen", "m", "wf.screen.roster"),
    ScreenEntry("visit_detail", "gridterm.ui.officer.screens.record_detail:VisitDetailScreen", None, "records.screen.visit"),
    ScreenEntry("receipts", "gridterm.ui.officer.screens.receipts:ReceiptsScreen", "t", "ux.screen.receipts"),
    ScreenEntry("affairs", "gridterm.ui.officer.screens.affairs:AffairsScreen", "n", "affairs.screen.affairs"),
    ScreenEntry("notice", "gridterm.ui.officer.screens.notice:NoticeScreen", None, "affairs.screen.notice"),
    ScreenEntry("notice_form", "gridterm.ui.officer.screens.notice_form:NoticeFormScreen", None, "affairs.screen.notice_form"),
    ScreenEntry("matter", "gridterm.ui.officer.screens.matter:MatterScreen", None, "affairs.screen.matter"),
    ScreenEntry("matter_form", "gridterm.ui.officer.screens.matter:MatterFormScreen", None, "affairs.screen.matter_form"),
    ScreenEntry("matter_step", "gridterm.ui.officer.screens.matter_step:StepFormScreen", None, "affairs.screen.matter_step"),
]
# fmt: on


def registry_entry(name: str) -> ScreenEntry | None:
    for entry in SCREEN_REGISTRY:
        if entry.name == name:
            return entry
    return None


def load_screen_class(name: str) -> type[Screen]:
    entry = registry_entry(name)
    if entry is None:
        raise KeyError(name)
    module_name, _, class_name = entry.target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def screen_available(name: str) -> bool:
    """True when ``name`` is registered and its module is installed (another part may not be)."""
    entry = registry_entry(name)
    if entry is None:
        return False
    return importlib.util.find_spec(entry.target.partition(":")[0]) is not None
