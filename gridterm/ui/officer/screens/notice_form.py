"""Writing a village notice (三务公开): its type, village, title, period and text — and for a
financial notice (财务公开) its table of items, summed as it is typed.

``NoticeFormScreen()`` writes a new notice; ``NoticeFormScreen(record_id=…)`` edits one the
township has not published (returned ones come back here); ``NoticeFormScreen(correct=…)``
writes the correction of a published one — a new notice, with the reason, that the township
publishes as its next version.  ctrl+s saves (the notice joins the outbox), ctrl+n adds an
item to the table, enter on an item changes it, ctrl+d removes it, escape goes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Select, Static

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.core.model.affairs import display_money, finance_totals, money_text, parse_money
from gridterm.core.usecases import affairs as uc
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.officer.screens.affairs_kit import area_field, read
from gridterm.ui.officer.screens.visit_kit import (
    Field,
    FormScreen,
    changed,
    code_options,
    date_field,
    select_field,
    text_field,
)

ITEM_FIELDS = ("item", "income", "spending", "voucher")


class ItemFormScreen(ModalScreen[dict | None]):
    """One row of a financial notice; dismisses with the row, or None."""

    CSS_PATH = "affairs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "affairs.key.done", id="notice_item.save"),
        Binding("escape", "cancel", "affairs.key.cancel", id="notice_item.cancel"),
    ]

    def __init__(self, item: dict | None, index: int) -> None:
        super().__init__()
        self.item = dict(item or {})
        self.index = index

    def compose(self) -> ComposeResult:
        with Vertical(id="item-dialog"):
            yield Static(t("affairs.item.title", n=self.index + 1), classes="section-title")
            for name in ITEM_FIELDS:
                value = self.item.get(name) or ""
                yield text_field(
                    f"items[{self.index}].{name}",
                    t(f"affairs.item.{name}"),
                    value,
                    placeholder=t(f"affairs.item.hint.{name}"),
                )
        yield AppFooter()

    def on_mount(self) -> None:
        self.query(Field).first().widget.focus()

    def action_save(self) -> None:
        row: dict[str, Any] = {}
        first_bad = None
        for field in self.query(Field):
            name = field.path.rsplit(".", 1)[1]
            value = str(field.widget.value).strip()  # type: ignore[attr-defined]
            problem = model.validate_field("notice", field.path, value) if value else None
            if name == "item" and not value:
                problem = model.validate_field("notice", field.path, None)
            field.set_error(problem)
            if problem and first_bad is None:
                first_bad = field
            if value:
                row[name] = value
        if first_bad is None and not (row.get("income") or row.get("spending")):
            first_bad = self.query(Field)[1]
            first_bad.set_error(t("affairs.item.need_amount"))
        if first_bad is not None:
            first_bad.widget.focus()
            return
        for name in ("income", "spending"):  # as the model keeps it: "1234.50"
            if row.get(name):
                row[name] = money_text(parse_money(row[name]))
        self.dismiss(row)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoticeFormScreen(FormScreen):
    TITLE_KEY = "affairs.screen.notice_form"
    CSS_PATH = "affairs.tcss"
    KIND = "notice"
    BINDINGS = [
        *FormScreen.BINDINGS,
        Binding("ctrl+n", "add_item", "affairs.key.add_item", id="notice_form.add_item"),
        Binding("ctrl+d", "remove_item", "affairs.key.remove_item", id="notice_form.remove"),
    ]

    def __init__(self, record_id: str | None = None, correct: str | None = None) -> None:
        super().__init__()
        self.record_id = record_id
        self.correct = correct
        self.prefill: dict[str, Any] = {}
        self.items: list[dict] = []

    def compose_body(self) -> ComposeResult:
        source = self.record_id or self.correct
        record = self.app.store.get(source) if source else None
        self.prefill = dict((record or {}).get("data") or {})
        if self.correct:
            for key in ("correction_of", "reason", "totals"):
                self.prefill.pop(key, None)
        if not self.prefill.get("village"):
            self.prefill["village"] = uc.default_village(self.app.store)
        self.items = [dict(item) for item in self.prefill.get("items") or []]
        if record is not None and self.record_id:
            from gridterm.ui.officer.widgets.township_state import TownshipState

            yield TownshipState(record, id="notice-state")
        yield from super().compose_body()

    def intro(self) -> str:
        return t("affairs.form.correcting") if self.correct else ""

    def fields(self) -> Iterable[Any]:
        p = self.prefill
        if self.correct:
            yield text_field("reason", t("affairs.form.reason"), p.get("reason"))
        yield select_field(
            "type", t("affairs.form.type"), code_options("notice_type"), p.get("type") or "village"
        )
        yield text_field("village", t("affairs.form.village"), p.get("village"))
        yield text_field("title", t("affairs.form.title"), p.get("title"))
        period = p.get("period") or {}
        yield date_field("period.from", t("affairs.form.period_from"), period.get("from"))
        yield date_field("period.to", t("affairs.form.period_to"), period.get("to"))
        yield area_field("body", t("affairs.form.body"), p.get("body") or "")
        with Vertical(id="notice-items-box"):
            yield Static(t("affairs.form.items"), classes="section-title")
            yield Static(t("affairs.form.items_hint"), classes="hint", markup=False)
            yield DataTable(id="notice-items", cursor_type="row", zebra_stripes=True)
            yield Static("", id="notice-totals", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self._fill_items()
        self._show_items(self.prefill.get("type") or "village")

    def refresh_data(self) -> None:
        """A form keeps what is typed; it does not reload from the store."""

    # -- the table of items ----------------------------------------------------------------
    def _fill_items(self) -> None:
        table = self.query_one("#notice-items", DataTable)
        table.clear(columns=True)
        for name in ITEM_FIELDS:
            table.add_column(t(f"affairs.item.{name}"), key=name)
        for n, item in enumerate(self.items):
            cells = [item.get("item", "")]
            cells += [display_money(item.get(c)) if item.get(c) else "" for c in ITEM_FIELDS[1:3]]
            table.add_row(*cells, item.get("voucher", ""), key=str(n))
        totals = finance_totals(self.items)
        self.query_one("#notice-totals", Static).update(
            t(
                "affairs.form.totals",
                count=len(self.items),
                income=display_money(totals["income"]),
                spending=display_money(totals["spending"]),
            )
        )

    def _show_items(self, notice_type: Any) -> None:
        self.query_one("#notice-items-box").display = notice_type == "finance"

    @on(Select.Changed, "#f-type")
    def _type_changed(self, event: Select.Changed) -> None:
        self._show_items(event.value)

    def action_add_item(self) -> None:
        index = len(self.items)
        self._show_items("finance")
        type_select = self.query_one("#f-type", Select)
        if type_select.value != "finance":
            type_select.value = "finance"
        self.app.push_screen(ItemFormScreen(None, index), lambda row: self._item_done(index, row))

    @on(DataTable.RowSelected, "#notice-items")
    def _edit_item(self, event: DataTable.RowSelected) -> None:
        index = int(str(event.row_key.value))
        self.app.push_screen(
            ItemFormScreen(self.items[index], index), lambda row: self._item_done(index, row)
        )

    def _item_done(self, index: int, row: dict | None) -> None:
        if row is None:
            return
        if index < len(self.items):
            self.items[index] = row
        else:
            self.items.append(row)
        self._fill_items()
        # The row and the new totals in sight: on a phone they are below the text.
        self.call_after_refresh(self.query_one("#notice-totals").scroll_visible, animate=False)

    def action_remove_item(self) -> None:
        table = self.query_one("#notice-items", DataTable)
        if not self.items or self.focused is not table:
            self.notify(t("affairs.form.pick_item"), severity="warning")
            return
        del self.items[table.cursor_row]
        self._fill_items()

    # -- reading and saving ----------------------------------------------------------------
    @staticmethod
    def value_of(field: Field) -> Any:
        return read(field)

    def data_from(self, values: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            key: values[key] for key in ("type", "village", "title", "body") if values.get(key)
        }
        start, end = values.get("period.from"), values.get("period.to")
        if start or end:
            data["period"] = {"from": start, "to": end}
        if data.get("type") == "finance":
            data["items"] = self.items
        kept = {k: self.prefill[k] for k in ("matter_id", "attachments") if self.prefill.get(k)}
        return {**kept, **data}

    def extra_checks(self, values: dict[str, Any]) -> dict[str, str]:
        if self.correct and not values.get("reason"):
            return {"reason": t("affairs.form.reason_required")}
        return {}

    def save(self, values: dict[str, Any]) -> None:
        data = self.data_from(values)
        store = self.app.store
        try:
            if self.correct:
                record = uc.correct_notice(store, self.correct, data, values.get("reason") or "")
            else:
                record = uc.save_notice(store, data, self.record_id)
        except uc.AffairsError as exc:
            self.notify(str(exc), severity="error")
            return
        changed(self.app, record["id"])
        self.app.notify(t("affairs.form.saved"))
        self.dismiss(record)
