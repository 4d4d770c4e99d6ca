"""Add or edit a household and its members, with each field's problem shown at the field."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from gridterm.core.i18n import t
from gridterm.core.model import ValidationError, codes, field_label, label, validate_field
from gridterm.core.record_text import tags_text
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.form import Field, TagPicker
from gridterm.ui.officer.registry import load_screen_class
from gridterm.ui.officer.screens.base import GridScreen

HOUSEHOLD_FIELDS = ("village", "group", "number", "head", "phone", "notes")
REQUIRED = {"village", "head"}
MEMBER_FIELDS = ("name", "id_number", "relation", "phone", "birth_year")


def _field_validator(kind: str, path: str):
    def check(value: str) -> str | None:
        if path.endswith("birth_year") and value:
            if not value.isdigit():
                return t("tui.form.need_year", field=field_label(path))
            value = int(value)
        return validate_field(kind, path, value)

    return check


def _tag_list(selected: list[str], widget_id: str) -> TagPicker:
    return TagPicker([(code, label("tag", code)) for code in codes("tag")], selected, widget_id)


class MemberFormScreen(ModalScreen[dict | None]):
    """One member; dismisses with the member's dict, or None when cancelled."""

    CSS_PATH = "household_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "tui.key.done", id="member.save"),
        Binding("escape", "cancel", "tui.key.cancel", id="member.cancel"),
    ]

    def __init__(self, member: dict | None, index: int) -> None:
        super().__init__()
        self.member = dict(member or {})
        self.index = index

    def compose(self) -> ComposeResult:
        with Vertical(id="member-dialog"):
            yield Static(
                t("tui.member.title", n=self.index + 1), classes="section-title", markup=False
            )
            with VerticalScroll(id="member-fields"):
                for name in MEMBER_FIELDS:
                    path = f"members[{self.index}].{name}"
                    value = self.member.get(name, "")
                    yield Field(
                        name,
                        field_label(name if name != "id_number" else "id_number"),
                        "" if value is None else str(value),
                        validator=_field_validator("household", path),
                        required=name == "name",
                        placeholder=t(f"tui.member.hint.{name}"),
                    )
                yield Static(field_label("tags"), classes="section-title", markup=False)
                yield _tag_list(self.member.get("tags") or [], "member-tags")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#input-name").focus()

    def action_save(self) -> None:
        first_bad = None
        for field in self.query(Field):
            if field.validate() and first_bad is None:
                first_bad = field
        if first_bad is not None:
            first_bad.input.focus()
            return
        member = {k: v for k, v in self.member.items() if k not in MEMBER_FIELDS}
        for field in self.query(Field):
            if field.value:
                value = field.value
                member[field.field_name] = int(value) if field.field_name == "birth_year" else value
        member["tags"] = list(self.query_one("#member-tags", TagPicker).selected)
        if not member["tags"]:
            member.pop("tags")
        self.dismiss(member)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HouseholdFormScreen(GridScreen):
    """``household_id`` None adds a new household."""

    TITLE_KEY = "tui.screen.household_form"
    CSS_PATH = "household_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "tui.key.save", id="household_form.save"),
        Binding("ctrl+n", "add_member", "tui.key.add_member", id="household_form.add_member"),
        Binding("ctrl+d", "remove_member", "tui.key.remove_member", id="household_form.remove"),
        Binding("escape", "cancel", "tui.key.cancel", id="household_form.cancel"),
    ]

    def __init__(self, household_id: str | None = None) -> None:
        super().__init__()
        self.household_id = household_id
        self.record: dict | None = None
        self.members: list[dict] = []
        self.dirty = False

    def compose_body(self) -> ComposeResult:
        if self.household_id:
            self.record = self.app.store.get(self.household_id)
        data = (self.record or {}).get("data") or {}
        self.members = [dict(m) for m in data.get("members") or []]
        if self.record is not None:
            from gridterm.ui.officer.widgets.township_state import TownshipState

            yield TownshipState(self.record, id="hf-state")
        with VerticalScroll(id="hf-body"):
            for name in HOUSEHOLD_FIELDS[:-1]:
                yield self._field(name, data)
            yield Static(t("tui.household.members"), classes="section-title", markup=False)
            yield Static(t("tui.household_form.members_hint"), classes="hint", markup=False)
            table = DataTable(id="hf-members", cursor_type="row", zebra_stripes=True)
            table.add_column(t("tui.col.name"), key="name")
            table.add_column(t("tui.col.relation"), key="relation")
            table.add_column(t("tui.col.id_number"), key="id")
            table.add_column(t("tui.col.tags"), key="tags")
            yield table
            yield Static(t("tui.household_form.tags"), classes="section-title", markup=False)
            yield _tag_list(data.get("tags") or [], "hf-tags")
            yield self._field("notes", data)
            yield Static("", id="hf-error", markup=False)

    def _field(self, name: str, data: dict) -> Field:
        return Field(
            name,
            field_label(name),
            str(data.get(name, "") or ""),
            validator=_field_validator("household", name),
            required=name in REQUIRED,
            placeholder=t(f"tui.household.hint.{name}"),
        )

    def on_mount(self) -> None:
        self._fill_members()
        self.query_one("#input-village").focus()

    def refresh_data(self) -> None:
        """A form keeps what is typed; it does not reload from the store."""

    def _fill_members(self) -> None:
        table = self.query_one("#hf-members", DataTable)
        table.clear()
        for n, member in enumerate(self.members):
            table.add_row(
                member.get("name", ""),
                member.get("relation", ""),
                member.get("id_number", ""),
                tags_text(member.get("tags") or []),
                key=str(n),
            )

    @on(DataTable.RowSelected, "#hf-members")
    def _edit_member(self, event: DataTable.RowSelected) -> None:
        index = int(event.row_key.value)
        self.app.push_screen(
            MemberFormScreen(self.members[index], index),
            lambda member: self._member_done(index, member),
        )

    def on_input_changed(self) -> None:
        self.dirty = True

    @on(TagPicker.Changed)
    def _tags_changed(self) -> None:
        self.dirty = True

    def action_add_member(self) -> None:
        index = len(self.members)
        self.app.push_screen(
            MemberFormScreen(None, index), lambda member: self._member_done(index, member)
        )

    def _member_done(self, index: int, member: dict | None) -> None:
        if member is None:
            return
        if index < len(self.members):
            self.members[index] = member
        else:
            self.members.append(member)
        self.dirty = True
        self._fill_members()
        if not self.query_one("#input-head").value.strip() and index == 0:
            self.query_one("#input-head").value = member.get("name", "")

    def action_remove_member(self) -> None:
        table = self.query_one("#hf-members", DataTable)
        if not self.members or self.focused is not table:
            self.notify(t("tui.household_form.pick_member"), severity="warning")
            return
        index = table.cursor_row
        name = self.members[index].get("name", "")

        def done(yes: bool | None) -> None:
            if yes:
                del self.members[index]
                self.dirty = True
                self._fill_members()

        self.app.push_screen(ConfirmScreen(t("tui.household_form.remove_q", name=name)), done)

    def collect(self) -> dict:
        data = dict((self.record or {}).get("data") or {})
        for field in self.query("#hf-body > Field").results(Field):
            if field.value:
                data[field.field_name] = field.value
            else:
                data.pop(field.field_name, None)
        tags = list(self.query_one("#hf-tags", TagPicker).selected)
        if tags:
            data["tags"] = tags
        else:
            data.pop("tags", None)
        data["members"] = self.members
        return data

    def action_save(self) -> None:
        first_bad = None
        for field in self.query("#hf-body > Field").results(Field):
            if field.validate() and first_bad is None:
                first_bad = field
        if first_bad is not None:
            first_bad.input.focus()
            self.query_one("#hf-error", Static).update(t("tui.form.fix_fields"))
            return
        data = self.collect()
        store = self.app.store
        try:
            if self.record is None:
                record = store.create("household", data)
            else:
                record = store.update(self.record["id"], data=data)
        except ValidationError as exc:
            self._show_errors(exc)
            return
        self.dirty = False
        self.app.store_changed(record["id"])
        self.app.notify(t("tui.household_form.saved", head=data.get("head", "")))
        if self.record is None:
            # The new household's page replaces the form: escape then goes back to the list.
            self.app.switch_screen(load_screen_class("household")(household_id=record["id"]))
        else:
            self.app.pop_screen()

    def _show_errors(self, exc: ValidationError) -> None:
        shown = []
        for path, message in exc.by_field().items():
            name = path.removeprefix("data.")
            try:
                self.query_one(f"#field-{name}", Field).show_error(message)
            except Exception:
                shown.append(message)
        self.query_one("#hf-error", Static).update("\n".join(shown) or t("tui.form.fix_fields"))

    def action_cancel(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen(t("tui.form.discard_q")), done)
