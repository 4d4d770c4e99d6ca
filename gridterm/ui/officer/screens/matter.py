"""A 四议两公开 matter: its file — the six steps in order, each with its date, who attended,
the vote and what its rule made of it — and the forms that start one and record its next step.

``MatterScreen(record_id)`` shows one; ``s`` records the next step (the step form,
``gridterm.ui.officer.screens.matter_step``), ``e`` changes its title or background,
``escape`` goes back.  ``MatterFormScreen()`` starts a matter (village, title, background);
its first step, the Party branch's proposal, is recorded from the matter's file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from gridterm.core.i18n import t
from gridterm.core.model import affairs, label
from gridterm.core.usecases import affairs as uc
from gridterm.ui.officer.screens.affairs import matter_state_text, state_text
from gridterm.ui.officer.screens.affairs_kit import area_field, outcome_text, read
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.visit_kit import Field, FormScreen, changed, text_field


def step_lines(store: Any, n: int, step: dict) -> list[str]:
    """One recorded step: its name and date, attendance, vote and outcome, text, notice."""
    name = label("matter_step", str(step.get("step", "")))
    meeting = label("matter_meeting", step["meeting"]) if step.get("meeting") else ""
    lines = [f"{n}. {name}  {step.get('date', '')}  {meeting}".rstrip()]
    if step.get("attendees"):
        lines.append("   " + t("affairs.matter.attendees", names="、".join(step["attendees"])))
    facts = uc.step_facts(step, outcome=False)
    if facts:
        lines.append("   " + t("affairs.board.joiner").join(facts))
    if outcome_text(step):
        lines.append("   " + outcome_text(step))
    lines += ["   " + line for line in str(step.get("text") or "").splitlines()]
    if step.get("notice_id"):
        notice = store.get(step["notice_id"]) or {}
        lines.append("   " + t("affairs.matter.notice", state=state_text(notice)))
    return lines


class MatterScreen(GridScreen):
    TITLE_KEY = "affairs.screen.matter"
    CSS_PATH = "affairs.tcss"
    BINDINGS = [
        Binding("s", "add_step", "affairs.key.add_step", id="matter.add_step"),
        Binding("e", "edit", "affairs.key.edit", id="matter.edit"),
        Binding("escape", "back", "affairs.key.back", id="matter.back"),
    ]

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id
        self.record: dict = {}

    def compose_body(self) -> ComposeResult:
        from gridterm.ui.officer.widgets.township_state import TownshipState

        yield TownshipState(id="matter-state")
        with VerticalScroll(id="matter-body"):
            yield Static("", id="matter-file", markup=False)
        yield Static("", id="matter-keys", markup=False)

    def focus_default(self) -> None:
        self.query_one("#matter-body").focus()

    @property
    def steps(self) -> list[dict]:
        return list((self.record.get("data") or {}).get("steps") or [])

    def refresh_data(self) -> None:
        self.record = self.app.store.get(self.record_id) or {"data": {}}
        self.query_one("#matter-state").show(self.record)
        self.query_one("#matter-file", Static).update(self.file_text())
        self.query_one("#matter-keys", Static).update(self.keys_text())
        self.refresh_bindings()

    def file_text(self) -> str:
        data = self.record.get("data") or {}
        lines = [data.get("title", ""), t("affairs.matter.village", village=data.get("village"))]
        if data.get("background"):
            lines += ["", *str(data["background"]).splitlines()]
        lines += ["", t("affairs.matter.steps")]
        for n, step in enumerate(self.steps, 1):
            lines += step_lines(self.app.store, n, step)
        if not self.steps:
            lines.append(" " + t("affairs.matter.no_steps"))
        return "\n".join(lines)

    def keys_text(self) -> str:
        state = affairs.matter_state(self.steps)
        if state == "open":
            return matter_state_text(self.record) + "  " + t("affairs.matter.keys")
        return matter_state_text(self.record)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_step":
            return affairs.next_step(self.steps) is not None
        return True

    def _after(self, _result: object = None) -> None:
        self.refresh_data()
        if _result is not None:  # a step recorded: it is at the end of the file
            body = self.query_one("#matter-body")
            self.call_after_refresh(body.scroll_end, animate=False)

    def action_add_step(self) -> None:
        from gridterm.ui.officer.screens.matter_step import StepFormScreen

        self.app.push_screen(StepFormScreen(self.record_id), self._after)

    def action_edit(self) -> None:
        self.app.push_screen(MatterFormScreen(record_id=self.record_id), self._after)

    def action_back(self) -> None:
        self.dismiss(None)


class MatterFormScreen(FormScreen):
    """A new matter, or a matter's title and background changed (its steps are kept)."""

    TITLE_KEY = "affairs.screen.matter_form"
    CSS_PATH = "affairs.tcss"
    KIND = "matter"

    def __init__(self, record_id: str | None = None) -> None:
        super().__init__()
        self.record_id = record_id
        self.prefill: dict[str, Any] = {}

    def compose_body(self) -> ComposeResult:
        record = self.app.store.get(self.record_id) if self.record_id else None
        self.prefill = dict((record or {}).get("data") or {})
        if not self.prefill.get("village"):
            self.prefill["village"] = uc.default_village(self.app.store)
        yield from super().compose_body()

    def intro(self) -> str:
        return "" if self.record_id else t("affairs.matter.intro")

    def fields(self) -> Iterable[Field]:
        p = self.prefill
        yield text_field("village", t("affairs.form.village"), p.get("village"))
        yield text_field("title", t("affairs.matter.title"), p.get("title"))
        yield area_field("background", t("affairs.matter.background"), p.get("background") or "")

    def refresh_data(self) -> None:
        """A form keeps what is typed; it does not reload from the store."""

    @staticmethod
    def value_of(field: Field) -> Any:
        return read(field)

    def save(self, values: dict[str, Any]) -> None:
        data = {k: v for k, v in values.items() if v}
        store = self.app.store
        if self.record_id:
            record = store.update(self.record_id, data={**self.prefill, **data})
        else:
            record = store.create("matter", data)
        changed(self.app, record["id"])
        self.app.notify(t("affairs.form.saved"))
        self.dismiss(record)
