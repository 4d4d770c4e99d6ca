"""Household visit (入户走访): pick a household and a checklist, walk its items one at a time
with single keys, then a summary and save.

- ``VisitStartScreen(household_id=None)`` (here): type to filter households (the one search,
  ``gridterm.core.households``), enter to choose; then a digit (or enter) chooses the
  checklist.
- ``VisitWalkScreen`` (``visit_walk.py``): one item at a time, kept as a draft in the store
  so a visit cut off resumes at the same item: :func:`offer_resume` asks on the next start.
- The summary (``visit_summary.py``) takes notes and a follow-up date; ctrl+s finishes the
  visit (``gridterm.core.usecases.visits``) and offers the resident receipts.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from gridterm.core import checklists
from gridterm.core.households import (
    HouseholdIndex,
    all_households,
    find_household,
    household_label,
)
from gridterm.core.i18n import t
from gridterm.core.usecases.visits import drop_draft, keep_draft, load_draft, new_draft
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.visit_kit import now_iso
from gridterm.ui.officer.screens.visit_walk import VisitWalkScreen, digit_bindings

PAGE = 30  # households listed per keystroke; the next page as the highlight nears the end
NEAR_END = 5


# --------------------------------------------------------------------------- resuming


def offer_resume(app: Any, *, replace: bool = False) -> None:
    """When a visit was cut off, ask whether to carry on where it stopped (the app asks on
    start, the visit screen when it opens).  ``replace``: the walk takes the current
    screen's place."""
    store = app.store
    draft = load_draft(store)
    if draft is None:
        return
    household = find_household(store, draft.get("household_id", ""))
    template = checklists.find(
        checklists.available(store), draft["template_id"], draft.get("template_version")
    )
    if template is None:
        return
    question = t(
        "wf.visit.resume_question",
        household=household_label(household) if household else "?",
        template=checklists.text(template["title"]),
        n=min(int(draft.get("index", 0)) + 1, len(template["items"])),
        total=len(template["items"]),
    )

    def answered(yes: bool | None) -> None:
        if yes:
            walk = VisitWalkScreen(household or {"id": draft["household_id"]}, template, draft)
            if replace:
                app.switch_screen(walk)
            else:
                app.push_screen(walk)
        elif yes is False:  # escape (None) keeps the draft for later
            drop_draft(store)
            app.notify(t("wf.visit.draft_dropped"))

    app.push_screen(
        ConfirmScreen(question, yes=t("wf.visit.resume"), no=t("wf.visit.discard")), answered
    )


# --------------------------------------------------------------------------- start


class VisitStartScreen(GridScreen):
    """Choose the household (type to filter, enter) and then the checklist (a digit or enter)."""

    TITLE_KEY = "wf.screen.visit"
    CSS_PATH = "visit.tcss"
    BINDINGS = [
        Binding("escape", "back", "wf.key.back", id="wf.visit.back"),
        *digit_bindings("template", "wf.key.choose_template", "wf.visit.template"),
    ]

    def __init__(self, household_id: str | None = None) -> None:
        super().__init__()
        self.household_id = household_id
        self.household: dict | None = None
        self.templates: list[dict] = []
        self._households: dict[str, dict] = {}
        self._index = HouseholdIndex()
        self._found: list[str] = []  # every match of the query, best first
        self._shown = 0  # how many of them the list holds

    def compose_body(self) -> ComposeResult:
        with Vertical(id="visit-start"):
            yield Static(t("search.visit.pick_household"), id="visit-step", markup=False)
            yield Input(placeholder=t("wf.visit.search"), compact=True, id="visit-search")
            yield OptionList(id="visit-households", compact=True)
            yield OptionList(id="visit-templates", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        store = self.app.store
        self.templates = checklists.available(store)
        templates = self.query_one("#visit-templates", OptionList)
        for n, template in enumerate(self.templates, 1):
            prefix = f"{n} " if n <= 9 else "  "
            templates.add_option(
                Option(prefix + checklists.text(template["title"]), id=template["id"])
            )
        templates.display = False
        if self.household_id:
            household = find_household(store, self.household_id)
            if household is not None:
                self._choose_household(household)
                return
        self.query_one("#visit-step", Static).update(t("tui.loading"))
        self._load_households()
        if load_draft(store) is not None and not isinstance(self.app.screen, ConfirmScreen):
            offer_resume(self.app, replace=True)

    @work(thread=True, exclusive=True, group="visit-households", exit_on_error=False)
    def _load_households(self) -> None:
        # In a thread: the index holds every name's pinyin, computed on first use.
        households = all_households(self.app.store)
        index = HouseholdIndex(households)
        self.app.call_from_thread(self._show_households, households, index)

    def _show_households(self, households: list[dict], index: HouseholdIndex) -> None:
        if self.household is not None:
            return  # chosen meanwhile (from a household's page)
        self._households = {h["id"]: h for h in households}
        self._index = index
        search = self.query_one("#visit-search", Input)
        self._fill_households(search.value)
        step = self.query_one("#visit-step", Static)
        if self._households:
            step.update(t("search.visit.pick_household"))
            search.focus()
        else:
            step.update(t("wf.visit.no_households"))

    def _fill_households(self, query: str) -> None:
        box = self.query_one("#visit-households", OptionList)
        box.clear_options()
        # The Households screen's search and order: one query finds the same household first.
        self._found, _total = self._index.search(query)
        self._shown = 0
        self._more_households()
        if self._shown:
            box.highlighted = 0

    def _more_households(self) -> None:
        box = self.query_one("#visit-households", OptionList)
        page = self._found[self._shown : self._shown + PAGE]
        box.add_options(Option(household_label(self._households[i]), id=i) for i in page)
        self._shown = box.option_count

    @on(OptionList.OptionHighlighted, "#visit-households")
    def _near_end(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index >= self._shown - NEAR_END and self._shown < len(self._found):
            self._more_households()

    @on(Input.Changed, "#visit-search")
    def _search(self, event: Input.Changed) -> None:
        self._fill_households(event.value)

    @on(Input.Submitted, "#visit-search")
    def _search_enter(self, event: Input.Submitted) -> None:
        box = self.query_one("#visit-households", OptionList)
        if box.option_count and box.highlighted is not None:
            option = box.get_option_at_index(box.highlighted)
            self._pick_household_id(option.id)

    def on_key(self, event) -> None:
        # Arrows in the search box move through the list below it.
        if self.query_one("#visit-search", Input).has_focus and event.key in ("down", "up"):
            box = self.query_one("#visit-households", OptionList)
            if event.key == "down":
                box.action_cursor_down()
            else:
                box.action_cursor_up()
            event.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "template":
            return self.household is not None
        return True

    def action_template(self, n: int) -> None:
        if self.household is not None and 1 <= n <= len(self.templates):
            self._start(self.templates[n - 1])

    @on(OptionList.OptionSelected, "#visit-households")
    def _household_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick_household_id(event.option.id)

    def _pick_household_id(self, household_id: str | None) -> None:
        household = self._households.get(household_id or "")
        if household is not None:
            self._choose_household(household)

    def _choose_household(self, household: dict) -> None:
        self.household = household
        self.query_one("#visit-search", Input).display = False
        self.query_one("#visit-households", OptionList).display = False
        self.query_one("#visit-step", Static).update(
            t("wf.visit.pick_template", household=household_label(household))
        )
        templates = self.query_one("#visit-templates", OptionList)
        templates.display = True
        templates.highlighted = 0
        templates.focus()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#visit-templates")
    def _template_selected(self, event: OptionList.OptionSelected) -> None:
        template = checklists.find(self.templates, event.option.id)
        if template is not None:
            self._start(template)

    def _start(self, template: dict) -> None:
        store = self.app.store
        household = self.household
        existing = load_draft(store)

        def begin(replace: bool | None = True) -> None:
            if not replace:
                return
            draft = new_draft(household["id"], template, now_iso(self.app))
            keep_draft(store, draft)
            self.app.switch_screen(VisitWalkScreen(household, template, draft))

        if existing is not None:
            self.app.push_screen(ConfirmScreen(t("wf.visit.replace_draft")), begin)
        else:
            begin()

    def action_back(self) -> None:
        if self.household is not None and not self.household_id:
            self.household = None
            self.query_one("#visit-templates", OptionList).display = False
            self.query_one("#visit-search", Input).display = True
            self.query_one("#visit-households", OptionList).display = True
            self.query_one("#visit-step", Static).update(t("search.visit.pick_household"))
            self.query_one("#visit-search", Input).focus()
            self.refresh_bindings()
            return
        self.dismiss(None)
