"""Recording a 四议两公开 matter's next step: its date, who attended, the vote, and the text.

``StepFormScreen(matter_id)`` asks for the step that comes next — never another: the order
is the rule.  What the form asks follows the step's rule (``matter_rules``): a meeting's
attendance, a vote where the step votes (the representatives' meeting also asks whether it
was the villagers' meeting), the text.  Under the vote a line says, as it is typed, what the
rule asks (two thirds present, more than half of those present for) and whether the figures
meet it; a step the rules refuse is not saved, and the reason shows there and at its field.
Steps 5 and 6 publish: their text becomes a notice of the board, written with the step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.core.model import affairs, label
from gridterm.core.usecases import affairs as uc
from gridterm.ui.officer.screens.affairs_kit import area_field, outcome_text, read
from gridterm.ui.officer.screens.visit_kit import (
    Field,
    FormScreen,
    changed,
    code_options,
    date_field,
    select_field,
    text_field,
    today_iso,
)

STEP_FIELDS = ("date", "place", "meeting", "attendees", "members", "present", "text")
VOTES = ("for", "against", "abstain")


class StepFormScreen(FormScreen):
    TITLE_KEY = "affairs.screen.matter_step"
    CSS_PATH = "affairs.tcss"
    KIND = "matter"

    def __init__(self, matter_id: str) -> None:
        super().__init__()
        self.matter_id = matter_id
        self.steps: list[dict] = []
        self.step = ""
        self.index = 0
        self.rule: affairs.StepRule | None = None

    def compose_body(self) -> ComposeResult:
        record = self.app.store.get(self.matter_id) or {}
        self.steps = list((record.get("data") or {}).get("steps") or [])
        self.index = len(self.steps)
        self.step = affairs.next_step(self.steps) or ""
        self.rule = affairs.rule_of(self.step)
        yield from super().compose_body()
        yield Static("", id="step-rule", markup=False)

    def path(self, name: str) -> str:
        return f"steps[{self.index}].{name}"

    def intro(self) -> str:
        return t(
            "affairs.step.intro",
            n=self.index + 1,
            step=label("matter_step", self.step),
            title=(self.app.store.get(self.matter_id) or {}).get("data", {}).get("title", ""),
        )

    def fields(self) -> Iterable[Field]:
        rule = self.rule
        if rule is None:
            return
        yield date_field(self.path("date"), t("affairs.step.date"), today_iso(self.app))
        if rule.meeting:
            yield text_field(self.path("place"), t("affairs.step.place"))
        if len(rule.rules) > 1:
            meetings = code_options("matter_meeting")
            yield select_field(
                self.path("meeting"), t("affairs.step.meeting"), meetings, "representatives"
            )
        if rule.meeting:
            yield text_field(
                self.path("attendees"),
                t("affairs.step.attendees"),
                hint=t("affairs.step.names_hint"),
            )
        if rule.vote != "none":
            yield text_field(self.path("members"), t("affairs.step.members"))
        if rule.meeting:
            yield text_field(self.path("present"), t("affairs.step.present"))
        if rule.vote != "none":
            for name in VOTES:
                yield text_field(self.path(f"vote.{name}"), t(f"affairs.step.vote.{name}"))
        yield area_field(self.path("text"), t(f"affairs.step.text.{self.step}"))

    def on_mount(self) -> None:
        super().on_mount()
        self.show_rule()

    def refresh_data(self) -> None:
        """A form keeps what is typed; it does not reload from the store."""

    @staticmethod
    def value_of(field: Field) -> Any:
        return read(field)

    def step_from(self, values: dict[str, Any]) -> dict[str, Any]:
        """The step as the model keeps it, from the form's ``{path: value}``."""
        prefix = self.path("")
        step: dict[str, Any] = {"step": self.step}
        vote = {}
        for path, value in values.items():
            if value in (None, [], ""):
                continue
            name = path.removeprefix(prefix)
            if name.startswith("vote."):
                vote[name.removeprefix("vote.")] = value
            else:
                step[name] = value
        if vote:
            step["vote"] = vote
        return step

    # -- the rule, as it is typed ----------------------------------------------------------
    @on(Input.Changed)
    def _figures_changed(self, event: Input.Changed) -> None:
        self.show_rule()

    def show_rule(self, problems: list[str] | None = None) -> None:
        """What the step's rule asks, what the figures typed come to, and any refusal."""
        box = self.query_one("#step-rule", Static)
        if self.rule is None:
            box.update(t("affairs.error.complete"))
            return
        lines = [t(f"affairs.rule.{self.rule_key()}")]
        step = self.step_from(self.values())
        if problems is None:  # while typing: what the figures break, not what is still empty
            found = affairs.check_steps([*self.steps, step])
            problems = [e.message() for e in found if not e.key.endswith("_required")]
        if outcome_text(step):
            lines.append(outcome_text(step))
        lines += problems
        box.update("\n".join(lines))
        box.set_class(bool(problems), "-refused")

    def rule_key(self) -> str:
        if self.step != "resolution":
            return self.step
        values = self.values()
        return str(values.get(self.path("meeting")) or "representatives")

    def show_validation(self, exc: model.ValidationError) -> None:
        super().show_validation(exc)
        self.show_rule([e.message() for e in exc.errors])

    def save(self, values: dict[str, Any]) -> None:
        try:
            saved = uc.add_step(self.app.store, self.matter_id, self.step_from(values))
        except uc.AffairsError as exc:
            self.notify(str(exc), severity="error")
            return
        changed(self.app, saved.matter["id"])
        if saved.notice is not None:
            changed(self.app, saved.notice["id"])
            self.app.notify(t("affairs.step.saved_notice"))
        else:
            self.app.notify(t("affairs.step.saved"))
        self.dismiss(saved.matter)
