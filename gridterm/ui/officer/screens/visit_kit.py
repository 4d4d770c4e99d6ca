"""Pieces shared by the visit, mediation-case and event-report screens.

- :class:`Field`: a label, one input widget and the field's error line under it.
- :class:`FormScreen`: a form built of fields, validated at the field with ``gridterm.core.model``,
  saved with ctrl+s.
- :func:`offer_receipt`: after a save, ask whether to issue the resident a receipt, then store
  it on the record and show it — when the receipts part and an enrollment are there;
  :func:`offer_receipts` asks about several records one after another (a visit's reports).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.kit.dates import Check, DateInput, warnings_of
from gridterm.ui.kit.form import TickBox
from gridterm.ui.officer.screens.base import GridScreen


def app_now(app: Any) -> datetime:
    now = getattr(app, "now", None)
    return now() if callable(now) else datetime.now().astimezone()


def now_iso(app: Any) -> str:
    return app_now(app).replace(microsecond=0).isoformat()


def today_iso(app: Any) -> str:
    return app_now(app).date().isoformat()


def changed(app: Any, record_id: str | None) -> None:
    """Tell the app's screens the store changed (the shell refreshes counts and lists)."""
    hook = getattr(app, "store_changed", None)
    if callable(hook):
        hook(record_id)


def code_options(group: str) -> list[tuple[str, str]]:
    return [(model.label(group, code), code) for code in model.codes(group)]


class Field(Vertical):
    """One form field: its label, its widget and an error line.  ``path`` is the model path."""

    DEFAULT_CSS = """
    Field { height: auto; margin-bottom: 0; }
    Field > .field-label { color: $text-muted; height: auto; }
    Field > .field-error { color: $error; height: auto; }
    Field > .field-error.-empty { display: none; }
    Field Input, Field Select { width: 100%; }
    Field Input { background: $boost; }
    """

    def __init__(self, path: str, label: str, widget: Widget, *, hint: str = "") -> None:
        super().__init__(classes="field")
        self.path = path
        self.label_text = label + (f" ({hint})" if hint else "")
        self.widget = widget

    def compose(self) -> ComposeResult:
        if not isinstance(self.widget, Checkbox):
            yield Label(self.label_text, classes="field-label", markup=False)
        yield self.widget
        yield Static("", classes="field-error -empty", markup=False)

    def set_error(self, message: str | None) -> None:
        error = self.query_one(".field-error", Static)
        error.update(message or "")
        error.set_class(not message, "-empty")

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).content)


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-").replace("[", "-").replace("]", "")


def text_field(
    path: str, label: str, value: Any = "", *, placeholder: str = "", hint: str = ""
) -> Field:
    widget = Input(
        "" if value is None else str(value),
        placeholder=placeholder,
        compact=True,
        id=field_id(path),
    )
    return Field(path, label, widget, hint=hint)


def date_field(
    path: str,
    label: str,
    value: Any = "",
    *,
    kind: str = "date",
    checks: Iterable[Check] = (),
) -> Field:
    """A date (``kind="date"``) or a date with an optional time ("moment"): typed as people
    write them, understood beside the field (``gridterm.ui.kit.dates.DateInput``)."""
    widget = DateInput(
        "" if value is None else str(value),
        kind=kind,
        input_id=field_id(path),
        placeholder=t(f"ux.date.hint.{kind}"),
        checks=list(checks),
    )
    return Field(path, label, widget)


def select_field(path: str, label: str, options: list[tuple[str, str]], value: Any) -> Field:
    widget = Select(
        options,
        value=value if value in {code for _, code in options} else Select.NULL,
        prompt=t("wf.select.prompt"),
        compact=True,
        id=field_id(path),
    )
    return Field(path, label, widget)


def check_field(path: str, label: str, value: bool) -> Field:
    return Field(path, label, TickBox(label, bool(value), compact=True, id=field_id(path)))


class FormScreen(GridScreen):
    """A form of :class:`Field`s for one record kind; ctrl+s saves, escape goes back.

    Subclasses implement ``fields()`` (the fields to show) and ``save(values)``; values are
    read as ``{path: value}`` with blank text as ``None``.  Each field is checked with
    ``gridterm.core.model.validate_field`` when it loses focus and again on save; ``extra_checks``
    adds the form's own rules (``{path: message}``).
    """

    KIND = "report"
    BINDINGS = [
        Binding("ctrl+s", "save", "wf.key.save", id="wf.form.save"),
        Binding("escape", "cancel", "wf.key.cancel", id="wf.form.cancel"),
        # Priority: the focus moves the moment tab arrives, so text typed right after it (a
        # fast typist, a lagging phone, an input method's burst) lands in the next field
        # rather than in the field being left.
        Binding(
            "tab",
            "app.focus_next",
            "wf.key.next_field",
            show=False,
            priority=True,
            id="wf.form.next_field",
        ),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "wf.key.previous_field",
            show=False,
            priority=True,
            id="wf.form.prev_field",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="form-body"):
            yield Static("", id="form-intro", markup=False)
            yield from self.fields()
            yield Static(t("wf.form.save_hint"), id="form-hint", markup=False)

    def fields(self) -> Iterable[Field]:
        return ()

    def intro(self) -> str:
        return ""

    def on_mount(self) -> None:
        intro = self.intro()
        box = self.query_one("#form-intro", Static)
        box.update(intro)
        box.display = bool(intro)
        super().on_mount()
        widgets = [f.widget for f in self.query(Field)]
        if widgets:
            widgets[0].focus()

    # -- reading -----------------------------------------------------------------------------
    def all_fields(self) -> list[Field]:
        return list(self.query(Field))

    @staticmethod
    def value_of(field: Field) -> Any:
        widget = field.widget
        if isinstance(widget, Checkbox):
            return bool(widget.value)
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        text = str(widget.value).strip()
        return text or None

    def values(self) -> dict[str, Any]:
        return {field.path: self.value_of(field) for field in self.all_fields()}

    # -- checking ----------------------------------------------------------------------------
    def check_one(self, path: str, value: Any) -> str | None:
        field = self._field_at(path)
        if field is not None and isinstance(field.widget, DateInput) and field.widget.problem:
            return field.widget.problem  # says which forms are read, not "YYYY-MM-DD"
        try:
            return model.validate_field(self.KIND, path, value)
        except KeyError:
            return None

    def extra_checks(self, values: dict[str, Any]) -> dict[str, str]:
        return {}

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        # What was typed is checked as soon as the field is left; an empty field is only
        # called missing on save (tabbing through a form should not light it up red).
        field = self._field_of(event.input)
        if field is not None:
            value = self.value_of(field)
            field.set_error(self.check_one(field.path, value) if value is not None else None)

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        field = self._field_of(event.input)
        if field is not None and field.error:
            field.set_error(self.check_one(field.path, self.value_of(field)))

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _field_at(self, path: str) -> Field | None:
        return next((f for f in self.all_fields() if f.path == path), None)

    def _field_of(self, widget: Widget) -> Field | None:
        for ancestor in widget.ancestors:
            if isinstance(ancestor, Field):
                return ancestor
        return None

    def check_all(self) -> dict[str, Any] | None:
        """The values when every field is good; else mark the bad fields, focus the first."""
        values = self.values()
        errors: dict[str, str] = {}
        for field in self.all_fields():
            message = self.check_one(field.path, values[field.path])
            if message:
                errors[field.path] = message
        for path, message in self.extra_checks(values).items():
            errors.setdefault(path, message)
        first = None
        for field in self.all_fields():
            field.set_error(errors.get(field.path))
            if field.path in errors and first is None:
                first = field
        if first is not None:
            first.widget.focus()
            first.scroll_visible()
            self.notify(t("wf.form.fix", count=len(errors)), severity="error")
            return None
        return values

    def date_warnings(self) -> list[str]:
        """Dates that are possible but probably wrong (shown beside their fields)."""
        return warnings_of([f.widget for f in self.all_fields() if isinstance(f.widget, DateInput)])

    # -- actions -----------------------------------------------------------------------------
    def action_save(self) -> None:
        values = self.check_all()
        if values is None:
            return
        warnings = self.date_warnings()
        try:
            self.save(values)
        except model.ValidationError as exc:
            self.show_validation(exc)
            return
        if warnings:  # saved, and said once more where it cannot be missed
            self.app.notify(warnings[0], severity="warning")

    def show_validation(self, exc: model.ValidationError) -> None:
        """Errors the store found: shown at their fields when the form has them."""
        by_field = {path.removeprefix("data."): message for path, message in exc.by_field().items()}
        shown = False
        for field in self.all_fields():
            if field.path in by_field:
                field.set_error(by_field[field.path])
                shown = True
        self.notify(
            str(exc) if not shown else t("wf.form.fix", count=len(by_field)), severity="error"
        )

    def save(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


def receipts_available() -> bool:
    try:
        return importlib.util.find_spec("gridterm.core.receipts") is not None
    except ModuleNotFoundError:
        return False


def offer_receipt(
    screen: Any, record: dict, *, party: int | None = None, then: Callable[[], None] | None = None
) -> None:
    """Ask whether to give the resident a receipt for ``record``; issue, store and show it.

    Does nothing but ``then()`` when the receipts part is missing or the device is not
    enrolled (a receipt the township cannot verify would tell the resident nothing).
    """
    question = t("wf.receipt.offer")
    if party is not None:
        parties = (record.get("data") or {}).get("parties") or []
        name = parties[party].get("name", "") if party < len(parties) else ""
        question = t("wf.receipt.offer_party", n=party + 1, name=name)
    offer_receipts(screen, [(record, question, party)], then=then)


def offer_receipts(
    screen: Any,
    offers: list[tuple[dict, str, int | None]],
    *,
    then: Callable[[], None] | None = None,
) -> None:
    """Offer receipts one after another: each ``(record, question, party)`` is asked with y/n.

    y issues the receipt, stores it on that record and shows it; going back from the receipt
    asks the next question.  n skips to the next one; escape ends the offers.  ``then()`` runs
    once, at the first answer (the form is done before any receipt shows, so going back from a
    receipt never lands on a form already saved) — or at once when receipts cannot be issued.
    """
    app = screen.app
    done = [False]

    def finish() -> None:
        if not done[0]:
            done[0] = True
            if then is not None:
                then()

    enrollment = getattr(app, "enrollment", None)
    secret = (enrollment or {}).get("device_secret")
    if not receipts_available() or not secret or not offers:
        finish()
        return

    def ask(n: int) -> None:
        if n >= len(offers):
            finish()
            return
        record, question, party = offers[n]

        def answered(yes: bool | None) -> None:
            finish()
            if yes is None:  # escape: no more receipts now
                return
            if not yes:
                ask(n + 1)
                return
            shown = issue_and_show(app, record, secret, party, lambda _result=None: ask(n + 1))
            if not shown:
                ask(n + 1)

        app.push_screen(ConfirmScreen(question), answered)

    ask(0)


def issue_and_show(
    app: Any,
    record: dict,
    secret: str,
    party: int | None,
    closed: Callable[[Any], None],
) -> bool:
    """Issue a receipt for ``record``, store it on the record and show it; ``closed`` runs
    when the receipt screen is left.  False when nothing is shown (an error, or no screen)."""
    from gridterm.core import receipts

    store = app.store
    current = store.get(record["id"]) or record
    try:
        receipt = receipts.issue(current, secret, party=party, now=app_now(app))
        saved = store.update(current["id"], receipts=[*(current.get("receipts") or []), receipt])
    except Exception as exc:  # a receipt that fails must not lose the saved record
        app.notify(str(exc), severity="error")
        return False
    changed(app, saved["id"])
    if importlib.util.find_spec("gridterm.ui.officer.screens.receipt") is None:
        app.notify(t("wf.receipt.issued", number=receipts.format_number(receipt["number"])))
        return False
    from gridterm.ui.officer.screens.receipt import ReceiptScreen

    app.push_screen(ReceiptScreen(saved, receipt), closed)
    return True


def parse_day(value: str | None) -> date | None:
    try:
        return model.parse_date(str(value)[:10]) if value else None
    except ValueError:
        return None
