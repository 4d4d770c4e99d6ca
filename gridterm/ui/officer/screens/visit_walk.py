"""Walking a visit's checklist: one item at a time, then the summary (``visit_summary.py``).

y / n answer a yes/no item, digits pick a choice, number / text / date items are typed and
confirmed with enter; enter goes on, escape goes back one item.  A required item cannot be
passed without an answer.  An answer that needs follow-up (the template's ``flag_if``)
offers an event report pre-filled from the item.  The walk is kept as a draft in the store
(``gridterm.core.usecases.visits``), saved once per answered item, so a visit cut off by a
kill or a flat battery resumes at the same item.  ctrl+o opens the photos of the item on
screen (on the summary: of the visit), ctrl+g the visit's place; both wait in the draft.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from gridterm.core import attachments, checklists, dates
from gridterm.core.households import household_data, household_place
from gridterm.core.i18n import t
from gridterm.core.usecases.date_checks import not_before
from gridterm.core.usecases.visits import keep_draft
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.kit.dates import DateInput
from gridterm.ui.officer.screens.report import ReportFormScreen, prefill_from_item
from gridterm.ui.officer.screens.visit_kit import app_now
from gridterm.ui.officer.screens.visit_summary import VisitSummaryStep

TYPED = ("number", "text", "date")


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


class VisitWalkScreen(VisitSummaryStep):
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
        Binding("ctrl+o", "photos", "evidence.key.photos", id="evidence.visit.photos"),
        Binding("ctrl+g", "place", "evidence.key.place", id="evidence.visit.place"),
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
                yield DateInput(
                    self.draft.get("follow_up") or "",
                    id="visit-follow-up",
                    input_id="visit-follow-up-text",
                    placeholder=t("ux.visit.follow_up"),
                    checks=[not_before(self.visit_day(), "ux.what.visit")],
                )
            yield Static("", id="visit-keys", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#visit-notes", Input).value = self.draft.get("notes") or ""
        self.show()

    def show(self, error: str = "", keep_typed: bool = False) -> None:
        item = self.item
        summary = item is None
        for wid in ("#visit-item", "#visit-options", "#visit-current", "#visit-input"):
            self.query_one(wid).display = not summary
        for wid in ("#visit-summary", "#visit-notes", "#visit-follow-up"):
            self.query_one(wid).display = summary
        error_box = self.query_one("#visit-error", Static)
        error_box.update(error)
        error_box.display = bool(error)
        if item is None:
            self.show_summary()
        else:
            self.show_item(item, keep_typed)
        self._refresh_keys()

    def show_item(self, item: dict, keep_typed: bool) -> None:
        title = checklists.text(self.template["title"])
        kind = item["type"]
        required = t("wf.visit.required") if item.get("required") else t("wf.visit.optional")
        progress = t("wf.visit.progress", n=self.index + 1, total=len(self.items), template=title)
        photos = attachments.photos_of(self.draft.get("attachments") or [], {"item": item["key"]})
        if photos:
            progress += t("evidence.line.sep") + t("evidence.line.photos", count=len(photos))
        self.query_one("#visit-progress", Static).update(progress)
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

    def _typed_answer(self, item: dict) -> str:
        """What was typed, with a date item's ``明天`` or ``12-15`` read as the day it is."""
        if item["type"] != "date":
            return self.typed
        found = dates.understand(self.typed, app_now(self.app), "date")
        return found.stored() if found is not None else ""

    def _said_date(self) -> str:
        """Beside a date item's answer: the day it is read as (nothing while it reads as none)."""
        try:
            found = dates.understand(self.typed, app_now(self.app), "date")
        except dates.DateTextError:
            return ""
        return "  " + dates.understood_text(found, app_now(self.app).date()) if found else ""

    def _show_typed(self) -> None:
        item = self.item
        if item is None or item["type"] not in TYPED:
            return
        box = self.query_one("#visit-input", Static)
        if self.typed:
            said = self._said_date() if item["type"] == "date" else ""
            box.update(self.typed + "▏" + said)
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

    def action_next(self) -> None:
        item = self.item
        if item is None:
            self.action_save()
            return
        if item["type"] in TYPED:
            try:
                value = checklists.parse_answer(item, self._typed_answer(item))
            except (checklists.AnswerError, dates.DateTextError) as exc:
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
        keep_draft(self.app.store, self.draft)
        self.app.notify(t("wf.visit.kept_as_draft"))
        self.dismiss(None)

    # -- photos and the place -------------------------------------------------------------------
    def action_photos(self) -> None:
        from gridterm.ui.officer.screens.attachments import AttachmentsScreen

        item = self.item
        if item is None:
            where, what = None, t("evidence.what.visit")
        else:
            where = {"item": item["key"]}
            what = t("evidence.what.item", n=self.index + 1, label=checklists.text(item["label"]))

        def done(entries: list[dict] | None) -> None:
            if entries is not None:
                self.draft["attachments"] = entries
                keep_draft(self.app.store, self.draft)  # a kill now keeps the photos
                self.show(keep_typed=True)

        self.app.push_screen(
            AttachmentsScreen(self.draft.get("attachments") or [], where, what), done
        )

    def action_place(self) -> None:
        from gridterm.ui.officer.screens.attachments import PlaceScreen

        def done(location: dict | None) -> None:
            if location is not None:
                self.draft["location"] = location or None
                keep_draft(self.app.store, self.draft)
                self.show(keep_typed=True)

        self.app.push_screen(PlaceScreen(self.draft.get("location")), done)

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
        keep_draft(self.app.store, self.draft)
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
            keep_draft(self.app.store, self.draft)
        self.show()

    def action_report(self) -> None:
        item = self.item
        if item is not None and checklists.is_flagged(item, self.answers.get(item["key"])):
            self.raise_report(item, then_advance=False)

    def raise_report(self, item: dict, then_advance: bool = True) -> None:
        value = self.answers.get(item["key"])
        prefill = self.draft["reports"].get(item["key"]) or prefill_from_item(
            item,
            checklists.format_answer(item, value),
            household_place(self.household),
            checklists.text(item["label"]),
            household_data(self.household).get("head") or "",
        )
        prefill = {**prefill, "_from_item": checklists.text(item["label"])}

        def done(data: dict | None) -> None:
            if data:
                self.draft["reports"][item["key"]] = data
                keep_draft(self.app.store, self.draft)
                self.app.notify(t("wf.visit.report_queued"))
            if then_advance:
                self.advance()
            else:
                self.show()

        self.app.push_screen(ReportFormScreen(prefill, save=False), done)
