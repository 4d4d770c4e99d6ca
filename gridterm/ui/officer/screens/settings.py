"""Settings: language, data folder, enrollment, printer, visit frequency rules, photos (how
long a photo the township holds stays here; whether a photo's place may travel)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from gridterm.core.attachments import PhotoSettings, photo_settings, save_photo_settings
from gridterm.core.attachments.settings import parse_keep_days
from gridterm.core.dates import DEFAULT_ZONE, zone_named
from gridterm.core.i18n import get_language, t
from gridterm.core.model import label, vocab
from gridterm.core.usecases.home import visit_rules
from gridterm.ui.kit.form import Field, TickBox
from gridterm.ui.officer.screens.base import GridScreen

LANG_NAMES = {"zh_CN": "中文", "en": "English"}


def _days_validator(value: str) -> str | None:
    if not value:
        return t("tui.settings.days_needed")
    if not value.isdigit() or not 1 <= int(value) <= 366:
        return t("tui.settings.days_range")
    return None


def _keep_validator(value: str) -> str | None:
    try:
        parse_keep_days(value)
    except ValueError:
        return t("evidence.settings.keep_range")
    return None


def _zone_validator(value: str) -> str | None:
    if value and zone_named(value) is None:
        return t("ux.settings.bad_zone", name=value)
    return None


class SettingsScreen(GridScreen):
    TITLE_KEY = "tui.screen.settings"
    REBUILD_ON_LANGUAGE = True
    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "tui.key.save", id="settings.save"),
        Binding("ctrl+l", "switch_language", "tui.key.language", id="settings.language"),
        Binding("ctrl+r", "default_rules", "tui.key.default_rules", id="settings.default_rules"),
    ]

    def compose_body(self) -> ComposeResult:
        store = self.app.store
        rules = visit_rules(store)
        with VerticalScroll(id="st-body"):
            yield Static(t("tui.settings.language_title"), classes="section-title")
            yield Static(
                t("tui.settings.language", name=LANG_NAMES.get(get_language(), get_language())),
                id="st-language",
                markup=False,
            )
            yield Static(t("tui.settings.data_title"), classes="section-title")
            folder = self.app.data_dir or getattr(store, "folder", "")
            yield Static(str(folder), id="st-folder", markup=False)
            yield Static(t("tui.settings.enrollment_title"), classes="section-title")
            yield Static(self._enrollment_text(), id="st-enrollment", markup=False)
            yield Static(t("tui.settings.printer_title"), classes="section-title")
            yield Field(
                "printer",
                t("tui.settings.printer"),
                str(store.meta_get("printer") or ""),
                placeholder=t("tui.settings.printer_hint"),
            )
            yield Static(t("ux.settings.zone_title"), classes="section-title")
            yield Static(t("ux.settings.zone_hint"), classes="hint", markup=False)
            yield Field(
                "timezone",
                t("ux.settings.zone"),
                str(store.meta_get("timezone") or DEFAULT_ZONE),
                validator=_zone_validator,
            )
            yield Static(t("tui.settings.rules_title"), classes="section-title")
            yield Static(t("tui.settings.rules_hint"), classes="hint", markup=False)
            yield Field(
                "default_days",
                t("tui.settings.default_days"),
                str(rules.get("default_days", 90)),
                validator=_days_validator,
            )
            per_tag = rules.get("tags") or {}
            for tag in self._rule_tags(per_tag):
                value = per_tag.get(tag)
                yield Field(
                    f"tag-{tag}",
                    label("tag", tag),
                    "" if value is None else str(value),
                    validator=lambda v: _days_validator(v) if v else None,
                    placeholder=t("tui.settings.tag_default"),
                )
            yield from self._photo_fields()
            yield Static("", id="st-status", markup=False)

    def _photo_fields(self) -> ComposeResult:
        photos = photo_settings(self.app.store)
        yield Static(t("evidence.settings.title"), classes="section-title")
        yield Static(t("evidence.settings.keep_hint"), classes="hint", markup=False)
        yield Field(
            "photos_keep_days",
            t("evidence.settings.keep_days"),
            "" if photos.keep_days is None else str(photos.keep_days),
            validator=_keep_validator,
            placeholder=t("evidence.settings.keep_forever"),
        )
        yield TickBox(
            t("evidence.settings.allow_location"), photos.allow_location, id="st-photo-location"
        )

    @staticmethod
    def _rule_tags(per_tag: dict) -> list[str]:
        shipped = list(vocab()["visit_rules"]["tags"])
        return shipped + [tag for tag in per_tag if tag not in shipped]

    def _enrollment_text(self) -> str:
        enrollment = self.app.enrollment
        if not enrollment:
            return t("tui.settings.not_enrolled")
        return t(
            "tui.settings.enrolled",
            officer=(enrollment.get("officer") or {}).get("name", ""),
            grid=(enrollment.get("grid") or {}).get("name", ""),
            township=(enrollment.get("township") or {}).get("name", ""),
            url=enrollment.get("service_url", ""),
        )

    def focus_default(self) -> None:
        self.query_one("#input-printer").focus()

    def action_switch_language(self) -> None:
        self.app.apply_language("en" if get_language() == "zh_CN" else "zh_CN")

    def action_default_rules(self) -> None:
        shipped = vocab()["visit_rules"]
        self.query_one("#input-default_days").value = str(shipped["default_days"])
        for tag in self._rule_tags({}):
            value = shipped["tags"].get(tag)
            self.query_one(f"#input-tag-{tag}").value = "" if value is None else str(value)

    def action_save(self) -> None:
        bad = [f for f in self.query(Field) if f.validate()]
        if bad:
            bad[0].input.focus()
            self.query_one("#st-status", Static).update(t("tui.form.fix_fields"))
            return
        rules = {
            "default_days": int(self.query_one("#field-default_days", Field).value),
            "tags": {},
        }
        for field in self.query(Field):
            if field.field_name.startswith("tag-") and field.value:
                rules["tags"][field.field_name[4:]] = int(field.value)
        printer = self.query_one("#field-printer", Field).value
        zone = self.query_one("#field-timezone", Field).value or DEFAULT_ZONE
        self.app.store.meta_update(
            {"printer": printer or None, "visit_rules": rules, "timezone": zone}
        )
        keep = parse_keep_days(self.query_one("#field-photos_keep_days", Field).value)
        allowed = self.query_one("#st-photo-location", TickBox).value
        save_photo_settings(self.app.store, PhotoSettings(keep, allowed))
        self.app.set_zone(zone)
        self.query_one("#st-status", Static).update(t("tui.settings.saved"))
        self.app.notify(t("tui.settings.saved"))
        self.app.store_changed()
