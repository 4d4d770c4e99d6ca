"""Household visit (入户走访): pick a household and a checklist, walk its items one at a time
with single keys, then a summary and save.

- ``VisitStartScreen(household_id=None)``: type to filter households, enter to choose; then
  a digit (or enter) chooses the checklist.
- ``VisitWalkScreen``: one item at a time.  y / n answer a yes/no item, digits pick a choice,
  number / text / date items are typed and confirmed with enter; enter goes on, escape goes
  back one item.  A required item cannot be passed without an answer.  An answer that needs
  follow-up (the template's ``flag_if``) offers an event report pre-filled from the item.
- The visit is kept as a draft in the store (``store.drafts``, key ``"visit"``), saved once per
  answered item, so a visit cut off by a kill or a flat battery resumes at the same item:
  :func:`offer_resume` asks on the next start.
- The summary lists every answer (flagged ones marked), takes notes and a follow-up date, and
  ctrl+s saves the visit, then the reports raised during it (linked to the visit), then offers
  the resident a receipt for each raised report (the matter the township handles), and last
  for the visit itself (:func:`receipt_offers`).
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from gridterm.core import checklists, model
from gridterm.core.households import (
    HouseholdIndex,
    all_households,
    find_household,
    household_label,
    household_place,
)
from gridterm.core.i18n import get_language, t
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.visit_kit import (
    ConfirmScreen,
    changed,
    now_iso,
    offer_receipts,
)

DRAFT_KEY = "visit"
TYPED = ("number", "text", "date")
PICKER_ROWS = 200  # more than a grid holds; typing narrows it


def digit_bindings(action: str, description: str, id_prefix: str) -> list[Binding]:
    """Keys 1-9 for ``action(n)``; the footer shows them once, as "1-9"."""
    return [
        Binding(
            str(n),
            f"{action}({n})",
            description,
            id=f"{id_prefix}.{n}",
            show=n == 1,
            key_display="1-9" if n == 1 else None,
        )
        for n in range(1, 10)
    ]


# --------------------------------------------------------------------------- drafts


def load_draft(store: Any) -> dict | None:
    draft = store.drafts.get_draft(DRAFT_KEY)
    if not isinstance(draft, dict) or not draft.get("template_id"):
        return None
    return draft


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
            store.drafts.delete_draft(DRAFT_KEY)
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

    def compose_body(self) -> ComposeResult:
        with Vertical(id="visit-start"):
            yield Static(t("wf.visit.pick_household"), id="visit-step", markup=False)
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
        households = all_households(store)
        self._households = {h["id"]: h for h in households}
        self._index = HouseholdIndex(households)
        self._fill_households("")
        if self._households:
            self.query_one("#visit-search", Input).focus()
        else:
            self.query_one("#visit-step", Static).update(t("wf.visit.no_households"))
        if load_draft(store) is not None and not isinstance(self.app.screen, ConfirmScreen):
            offer_resume(self.app, replace=True)

    def _fill_households(self, query: str) -> None:
        box = self.query_one("#visit-households", OptionList)
        box.clear_options()
        # The Households screen's search and order: one query finds the same household first.
        shown, _total = self._index.search(query, limit=PICKER_ROWS)
        box.add_options(Option(household_label(self._households[i]), id=i) for i in shown)
        if shown:
            box.highlighted = 0

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
            draft = {
                "household_id": household["id"],
                "template_id": template["id"],
                "template_version": template["version"],
                "answers": {},
                "index": 0,
                "reports": {},
                "notes": "",
                "follow_up": "",
                "started_at": now_iso(self.app),
            }
            store.drafts.save_draft(DRAFT_KEY, draft)
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
            self.query_one("#visit-step", Static).update(t("wf.visit.pick_household"))
            self.query_one("#visit-search", Input).focus()
            self.refresh_bindings()
            return
        self.dismiss(None)


# --------------------------------------------------------------------------- walking


class VisitWalkScreen(GridScreen):
    """One checklist item at a time, then the summary.  ``draft`` is the state kept in the store."""

    TITLE_KEY = "wf.screen.visit"
    CSS_PATH = "visit.tcss"
    BINDINGS = [
        # While an item is on screen its keys are taken by on_key, in the order they were
        # typed; these bindings put them in the footer and the palette.
        Binding("y", "yes_no(True)", "wf.key.yes", id="wf.visit.yes"),
        Binding("n", "yes_no(False)", "wf.key.no", id="wf.visit.no"),
        *digit_bindings("choose", "wf.key.choose_option", "wf.visit.choose"),
        Binding("enter", "next", "wf.key.next", id="wf.visit.next"),
        Binding("escape", "previous", "wf.key.previous", id="wf.visit.previous"),
        Binding("ctrl+s", "save", "wf.key.save", id="wf.visit.save"),
        Binding("ctrl+r", "report", "wf.key.raise_report", id="wf.visit.report"),
    ]

    def __init__(self, household: dict, template: dict, draft: dict) -> None:
        super().__init__()
        self.household = household
        self.template = template
        self.items: list[dict] = template["items"]
        self.draft = draft
        self.draft.setdefault("answers", {})
        self.draft.setdefault("reports", {})
        self.index = max(0, min(int(draft.get("index", 0)), len(self.items)))
        self.typed = ""  # what has been typed for a number, text or date item

    # -- layout ------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="visit-walk"):
            yield Static("", id="visit-progress", markup=False)
            with VerticalScroll(id="visit-item-box"):
                yield Static("", id="visit-item", markup=False)
                yield Static("", id="visit-options", markup=False)
                yield Static("", id="visit-input", markup=False)
                yield Static("", id="visit-current", markup=False)
                yield Static("", id="visit-error", markup=False)
                yield Static("", id="visit-summary", markup=False)
                yield Input(placeholder=t("wf.visit.notes"), compact=True, id="visit-notes")
                yield Input(placeholder=t("wf.visit.follow_up"), compact=True, id="visit-follow-up")
            yield Static("", id="visit-keys", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#visit-notes", Input).value = self.draft.get("notes") or ""
        self.query_one("#visit-follow-up", Input).value = self.draft.get("follow_up") or ""
        self.show()

    @property
    def item(self) -> dict | None:
        return self.items[self.index] if self.index < len(self.items) else None

    @property
    def answers(self) -> dict:
        return self.draft["answers"]

    def show(self, error: str = "", keep_typed: bool = False) -> None:
        item = self.item
        summary = item is None
        for wid in ("#visit-item", "#visit-options", "#visit-current", "#visit-input"):
            self.query_one(wid).display = not summary
        for wid in ("#visit-summary", "#visit-notes", "#visit-follow-up"):
            self.query_one(wid).display = summary
        title = checklists.text(self.template["title"])
        error_box = self.query_one("#visit-error", Static)
        error_box.update(error)
        error_box.display = bool(error)
        if summary:
            self.query_one("#visit-progress", Static).update(
                t(
                    "wf.visit.summary_title",
                    template=title,
                    household=household_label(self.household),
                )
            )
            self.query_one("#visit-summary", Static).update(self.summary_text())
            self.query_one("#visit-keys", Static).update(t("wf.visit.keys.summary"))
            self.query_one("#visit-notes", Input).focus()
            self._refresh_keys()
            return
        kind = item["type"]
        required = t("wf.visit.required") if item.get("required") else t("wf.visit.optional")
        self.query_one("#visit-progress", Static).update(
            t("wf.visit.progress", n=self.index + 1, total=len(self.items), template=title)
        )
        self.query_one("#visit-item", Static).update(
            f"{checklists.text(item['label'])}  [{required}]"
        )
        options = self.query_one("#visit-options", Static)
        box = self.query_one("#visit-input", Static)
        value = self.answers.get(item["key"])
        if kind == "choice":
            options.update(
                "\n".join(
                    f"{n}  {checklists.text(o['label'])}" for n, o in enumerate(item["options"], 1)
                )
            )
        elif kind == "yes_no":
            options.update(t("wf.visit.yes_no_keys"))
        options.display = kind in ("choice", "yes_no")
        box.display = kind in ("number", "text", "date")
        current = self.query_one("#visit-current", Static)
        if item["key"] in self.answers:
            flag = t("wf.visit.flagged_mark") if checklists.is_flagged(item, value) else ""
            current.update(
                t("wf.visit.current", answer=checklists.format_answer(item, value)) + flag
            )
        else:
            current.update("")
        if box.display and not keep_typed:
            self.typed = "" if value is None else str(value)
        self._show_typed()
        self.set_focus(None)
        self.query_one("#visit-keys", Static).update(t(f"wf.visit.keys.{kind}"))
        self.query_one("#visit-item-box").scroll_home(animate=False)
        self._refresh_keys()

    def _show_typed(self) -> None:
        item = self.item
        if item is None or item["type"] not in TYPED:
            return
        box = self.query_one("#visit-input", Static)
        if self.typed:
            box.update(self.typed + "▏")
            box.remove_class("-placeholder")
        else:
            box.update("▏" + t(f"wf.visit.type.{item['type']}"))
            box.add_class("-placeholder")

    def _refresh_keys(self) -> None:
        """Redraw the footer only when the keys on offer change (it is rebuilt each time)."""
        item = self.item
        offer = (
            item is None,
            item is not None and item["type"] == "yes_no",
            item is not None and checklists.is_flagged(item, self.answers.get(item["key"])),
        )
        if offer != getattr(self, "_offer", None):
            self._offer = offer
            self.refresh_bindings()

    def summary_text(self) -> str:
        lines = []
        for n, item in enumerate(self.items, 1):
            value = self.answers.get(item["key"])
            mark = "!" if checklists.is_flagged(item, value) else " "
            report = t("wf.visit.report_mark") if item["key"] in self.draft["reports"] else ""
            lines.append(
                t(
                    "wf.visit.summary_line",
                    mark=mark,
                    n=n,
                    label=checklists.text(item["label"]),
                    answer=checklists.format_answer(item, value),
                    report=report,
                )
            )
        missing = checklists.missing_required(self.template, self.answers)
        if missing:
            lines.append("")
            lines.append(t("wf.visit.missing", count=len(missing)))
        return "\n".join(lines)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        item = self.item
        if action == "yes_no":
            return item is not None and item["type"] == "yes_no"
        if action == "choose":
            return item is not None and item["type"] == "choice"
        if action == "save":
            return item is None
        if action == "report":
            return item is not None and checklists.is_flagged(item, self.answers.get(item["key"]))
        return True

    # -- keys --------------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """Every key of an item, taken here in the order it was typed.

        An officer on a slow phone types ahead ("9000", enter, "n" can arrive together).
        Textual runs bindings later than key handlers, and hands characters to whichever
        widget had the focus when they arrived; so the walk focuses nothing and reads its
        keys itself: the answer typed before enter is the answer, the key after it answers
        the next item.
        """
        item = self.item
        if item is None or self.app.screen is not self:
            return
        key = event.key
        typed_item = item["type"] in TYPED
        if key == "enter":
            self.action_next()
        elif key == "escape":
            self.action_previous()
        elif typed_item and key == "backspace":
            self.typed = self.typed[:-1]
            self._show_typed()
        elif typed_item and key == "ctrl+u":
            self.typed = ""
            self._show_typed()
        elif typed_item and event.is_printable and event.character:
            self.typed += event.character
            self._show_typed()
        elif item["type"] == "yes_no" and key in ("y", "n"):
            self.action_yes_no(key == "y")
        elif item["type"] == "choice" and len(key) == 1 and key.isdigit():
            self.action_choose(int(key))
        else:
            return
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        """Text from an input method or the clipboard goes into a typed answer."""
        item = self.item
        if item is not None and item["type"] in TYPED:
            event.stop()
            self.typed += " ".join(event.text.splitlines())
            self._show_typed()

    def action_choose(self, n: int) -> None:
        item = self.item
        if item is None or item["type"] != "choice":
            return
        if 1 <= n <= len(item["options"]):
            self.record(item["options"][n - 1]["value"])
        else:
            self.show(t("checklist.answer.choice", count=len(item["options"])))

    def action_yes_no(self, value: bool) -> None:
        item = self.item
        if item is not None and item["type"] == "yes_no":
            self.record(value)

    @on(Input.Submitted, "#visit-notes")
    def _notes_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#visit-follow-up", Input).focus()

    @on(Input.Submitted, "#visit-follow-up")
    def _follow_up_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Input.Changed, "#visit-notes")
    @on(Input.Changed, "#visit-follow-up")
    def _summary_typed(self, event: Input.Changed) -> None:
        key = "notes" if event.input.id == "visit-notes" else "follow_up"
        self.draft[key] = event.value

    def action_next(self) -> None:
        item = self.item
        if item is None:
            self.action_save()
            return
        if item["type"] in TYPED:
            try:
                value = checklists.parse_answer(item, self.typed)
            except checklists.AnswerError as exc:
                self.show(str(exc), keep_typed=True)
                return
            self.record(value)
            return
        if self.answers.get(item["key"]) is None and item.get("required"):
            self.show(t("checklist.answer.required"))
            return
        if item["key"] not in self.answers:
            self.record(None)
            return
        self.advance()

    def action_previous(self) -> None:
        if self.index == 0:
            self.leave()
            return
        self.index -= 1
        self.draft["index"] = self.index
        self.show()

    def leave(self) -> None:
        """Escape on the first item: the draft stays, to resume later."""
        self.draft["index"] = self.index
        self.app.store.drafts.save_draft(DRAFT_KEY, self.draft)
        self.app.notify(t("wf.visit.kept_as_draft"))
        self.dismiss(None)

    # -- answering ---------------------------------------------------------------------------
    def record(self, value: Any) -> None:
        item = self.item
        if item is None:
            return
        self.answers[item["key"]] = value
        if not checklists.is_flagged(item, value):
            self.draft["reports"].pop(item["key"], None)
        self.draft["index"] = self.index + 1
        # One save per answered item: a kill now resumes at the next item.
        self.app.store.drafts.save_draft(DRAFT_KEY, self.draft)
        if checklists.is_flagged(item, value) and item["key"] not in self.draft["reports"]:
            self.app.push_screen(
                ConfirmScreen(
                    t("wf.visit.flag_question", item=checklists.text(item["label"])),
                    yes=t("wf.visit.raise_report"),
                    no=t("wf.visit.no_report"),
                ),
                lambda yes: self.raise_report(item) if yes else self.advance(),
            )
            return
        self.advance()

    def advance(self) -> None:
        self.index = min(self.index + 1, len(self.items))
        if self.draft.get("index") != self.index:
            self.draft["index"] = self.index
            self.app.store.drafts.save_draft(DRAFT_KEY, self.draft)
        self.show()

    def action_report(self) -> None:
        item = self.item
        if item is not None and checklists.is_flagged(item, self.answers.get(item["key"])):
            self.raise_report(item, then_advance=False)

    def raise_report(self, item: dict, then_advance: bool = True) -> None:
        from gridterm.ui.officer.screens.report import ReportFormScreen, prefill_from_item

        value = self.answers.get(item["key"])
        prefill = self.draft["reports"].get(item["key"]) or prefill_from_item(
            item,
            checklists.format_answer(item, value),
            household_place(self.household),
            checklists.text(item["label"]),
            (self.household.get("data") or self.household).get("head") or "",
        )
        prefill = {**prefill, "_from_item": checklists.text(item["label"])}

        def done(data: dict | None) -> None:
            if data:
                self.draft["reports"][item["key"]] = data
                self.app.store.drafts.save_draft(DRAFT_KEY, self.draft)
                self.app.notify(t("wf.visit.report_queued"))
            if then_advance:
                self.advance()
            else:
                self.show()

        self.app.push_screen(ReportFormScreen(prefill, save=False), done)

    # -- saving ------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.item is not None:
            return
        missing = checklists.missing_required(self.template, self.answers)
        if missing:
            self.index = next(n for n, item in enumerate(self.items) if item["key"] == missing[0])
            self.show(t("checklist.answer.required"))
            return
        follow_up = (self.draft.get("follow_up") or "").strip() or None
        data = {
            "household_id": self.household["id"],
            "template_id": self.template["id"],
            "template_version": self.template["version"],
            "answers": {k: v for k, v in self.answers.items() if v is not None},
            "flagged": checklists.flagged_keys(self.template, self.answers),
            "notes": (self.draft.get("notes") or "").strip() or None,
            "follow_up": follow_up,
            "visited_at": self.draft.get("started_at") or now_iso(self.app),
        }
        data = {k: v for k, v in data.items() if v is not None}
        problem = model.validate_field("visit", "follow_up", follow_up)
        if problem:
            self.show(problem)
            self.query_one("#visit-follow-up", Input).focus()
            return
        store = self.app.store
        try:
            visit = store.create("visit", data)
        except model.ValidationError as exc:
            self.show(str(exc))
            return
        raised: list[dict] = []
        for report in self.draft["reports"].values():
            body = {k: v for k, v in report.items() if not k.startswith("_")}
            body["links"] = {**(body.get("links") or {}), "visit": visit["id"]}
            try:
                raised.append(store.create("report", body))
            except model.ValidationError as exc:
                self.app.notify(str(exc), severity="error")
        store.drafts.delete_draft(DRAFT_KEY)
        changed(self.app, visit["id"])
        self.app.notify(t("wf.visit.saved", reports=len(raised)))
        offer_receipts(self, receipt_offers(visit, raised), then=lambda: self.dismiss(visit))


def receipt_offers(visit: dict, reports: list[dict]) -> list[tuple[dict, str, None]]:
    """What the resident may get a receipt for after a visit, in the order offered.

    The resident's matter is a report the visit raised: that is what the township moves
    through its workflow and what the receipt's page shows the state of, so each raised
    report is offered first; the visit's own receipt is offered last, named as such.
    """
    if not reports:
        return [(visit, t("wf.receipt.offer"), None)]
    lang = get_language()
    offers: list[tuple[dict, str, None]] = []
    for n, report in enumerate(reports, 1):
        what = receipts_summary(report, lang)
        if len(reports) == 1:
            question = t("wf.receipt.offer_report", what=what)
        else:
            question = t("wf.receipt.offer_report_n", n=n, count=len(reports), what=what)
        offers.append((report, question, None))
    offers.append((visit, t("wf.receipt.offer_visit", what=receipts_summary(visit, lang)), None))
    return offers


def receipts_summary(record: dict, lang: str) -> str:
    try:
        from gridterm.core.receipts import summary
    except ImportError:  # the receipts part is optional; offers are not made without it
        return ""
    return summary(record, lang)
