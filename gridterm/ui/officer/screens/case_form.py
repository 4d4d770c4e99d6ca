"""The forms of a mediation case (人民调解): registration, a session, the outcome and agreement
(People's Mediation Law Art. 29), and follow-ups (回访, Art. 31).

Each form validates at the field (``gridterm.core.model.validate_field``), saves with ctrl+s and
dismisses with the saved case record; escape leaves without saving.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from textual.binding import Binding

from gridterm.core import model
from gridterm.core.attachments import claim, contents_of, photos_of
from gridterm.core.i18n import t
from gridterm.core.usecases.date_checks import case_follow_up_floor, not_after, not_before
from gridterm.ui.officer.screens.visit_kit import (
    Field,
    FormScreen,
    app_now,
    changed,
    check_field,
    code_options,
    date_field,
    now_iso,
    offer_receipts,
    select_field,
    text_field,
    today_iso,
)

PARTY_FIELDS = ("name", "id_number", "phone", "address", "role")
PARTY_ROLES = ("applicant", "respondent", "other")
MAJOR_PARTY_COUNT = 10
AGREEMENT_FIELDS = (
    "facts",
    "matters",
    "responsibilities",
    "terms",
    "performance_manner",
    "performance_deadline",
    "signed_at",
)


def role_options() -> list[tuple[str, str]]:
    return [(t(f"wf.case.role.{code}"), code) for code in PARTY_ROLES]


def bool_options() -> list[tuple[str, str]]:
    return [(t("checklist.yes"), "yes"), (t("checklist.no"), "no")]


def _clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None and v != "" and v != {}}


class CaseFormScreen(FormScreen):
    """Register a case, or edit its registration: parties (ctrl+n adds one), dispute type,
    source, summary, notice of rights, major (10+ people or a risk of turning criminal)."""

    TITLE_KEY = "wf.screen.case_form"
    CSS_PATH = "case_form.tcss"
    KIND = "case"
    BINDINGS = [
        *FormScreen.BINDINGS,
        Binding("ctrl+n", "add_party", "wf.key.add_party", id="wf.case.add_party"),
    ]

    def __init__(self, case_id: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.record: dict | None = None
        self.parties: list[dict] = []

    def fields(self) -> Iterable[Field]:
        if self.case_id:
            self.record = self.app.store.get(self.case_id)
        data = (self.record or {}).get("data") or {}
        self.parties = copy.deepcopy(
            data.get("parties") or [{"role": "applicant"}, {"role": "respondent"}]
        )
        yield select_field(
            "dispute_type",
            t("wf.case.dispute_type"),
            code_options("dispute_type"),
            data.get("dispute_type"),
        )
        yield select_field(
            "source", t("wf.case.source"), code_options("source"), data.get("source")
        )
        yield text_field("summary", t("wf.case.summary"), data.get("summary"))
        yield check_field(
            "rights_notice_given", t("wf.case.rights_notice"), data.get("rights_notice_given")
        )
        yield check_field("major", t("wf.case.major"), data.get("major"))
        yield text_field(
            "case_no", t("wf.case.case_no"), data.get("case_no"), hint=t("wf.case.case_no_hint")
        )
        for n, party in enumerate(self.parties):
            yield from self.party_fields(n, party)

    def party_fields(self, n: int, party: dict) -> Iterable[Field]:
        base = f"parties[{n}]"
        label = t("wf.case.party", n=n + 1)
        yield text_field(f"{base}.name", f"{label} · {t('wf.case.party_name')}", party.get("name"))
        yield select_field(
            f"{base}.role",
            f"{label} · {t('wf.case.party_role')}",
            role_options(),
            party.get("role"),
        )
        yield text_field(
            f"{base}.id_number", f"{label} · {t('wf.case.id_number')}", party.get("id_number")
        )
        yield text_field(f"{base}.phone", f"{label} · {t('wf.case.phone')}", party.get("phone"))
        yield text_field(
            f"{base}.address", f"{label} · {t('wf.case.address')}", party.get("address")
        )

    def intro(self) -> str:
        return t("wf.case.register_intro")

    async def action_add_party(self) -> None:
        n = len(self.parties)
        self.parties.append({"role": "other"})
        body = self.query_one("#form-body")
        new_fields = list(self.party_fields(n, {"role": "other"}))
        await body.mount_all(new_fields, before="#form-hint")
        new_fields[0].widget.focus()
        new_fields[0].scroll_visible(animate=False)
        if len(self.parties) >= MAJOR_PARTY_COUNT:
            self._suggest_major()

    def _suggest_major(self) -> None:
        from textual.widgets import Checkbox

        box = self.query_one("#f-major", Checkbox)
        if not box.value:
            box.value = True
            self.notify(t("wf.case.major_suggested", n=MAJOR_PARTY_COUNT))

    def data_from(self, values: dict[str, Any]) -> dict:
        data = copy.deepcopy((self.record or {}).get("data") or {})
        for key in ("dispute_type", "source", "summary", "case_no"):
            if values.get(key) is None:
                data.pop(key, None)
            else:
                data[key] = values[key]
        data["rights_notice_given"] = bool(values.get("rights_notice_given"))
        data["major"] = bool(values.get("major"))
        parties = []
        for n in range(len(self.parties)):
            party = {k: values.get(f"parties[{n}].{k}") for k in PARTY_FIELDS}
            if any(party[k] for k in ("name", "id_number", "phone", "address")):
                parties.append(_clean(party))
        data["parties"] = parties
        return data

    def extra_checks(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        for n in range(len(self.parties)):
            base = f"parties[{n}]"
            filled = any(values.get(f"{base}.{k}") for k in ("id_number", "phone", "address"))
            if filled and not values.get(f"{base}.name"):
                errors[f"{base}.name"] = model.validate_field("case", f"{base}.name", None)
        if not any(values.get(f"parties[{n}].name") for n in range(len(self.parties))):
            errors["parties[0].name"] = t("wf.case.need_party")
        return {k: v for k, v in errors.items() if v}

    def check_one(self, path: str, value: Any) -> str | None:
        if path.startswith("parties[") and path.endswith(".name") and not value:
            return None  # an empty party row is dropped; extra_checks asks for one party
        return super().check_one(path, value)

    def save(self, values: dict[str, Any]) -> None:
        data = self.data_from(values)
        store = self.app.store
        if self.record is None:
            record = store.create("case", data)
            changed(self.app, record["id"])
            self.app.notify(t("wf.case.registered"))
            # One receipt per party, each asked in turn (y issues and shows it, n skips).
            offers = [
                (record, t("wf.receipt.offer_party", n=n + 1, name=party.get("name", "")), n)
                for n, party in enumerate(record["data"].get("parties") or [])
            ]
            offer_receipts(self, offers, then=lambda: self.dismiss(record))
        else:
            record = store.update(self.record["id"], data=data)
            changed(self.app, record["id"])
            self.app.notify(t("wf.case.saved"))
            self.dismiss(record)


class CasePartForm(FormScreen):
    """A form that edits one part of an existing case's data."""

    KIND = "case"
    CSS_PATH = "case_form.tcss"

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.record: dict = {}
        self.photos: list[dict] | None = None  # the case's photos once ctrl+o changed them

    @property
    def data(self) -> dict:
        if not self.record:
            self.record = self.app.store.get(self.case_id) or {"data": {}}
        return self.record["data"]

    def part_photos(self, where: dict, what: str) -> None:
        """ctrl+o: the photos of the session or follow-up this form saves (kept with it)."""
        from gridterm.ui.officer.screens.attachments import AttachmentsScreen

        def done(entries: list[dict] | None) -> None:
            if entries is not None:
                self.photos = entries
                self.notify(t("evidence.line.photos", count=len(photos_of(entries, where))))

        current = self.photos if self.photos is not None else self.data.get("attachments") or []
        self.app.push_screen(AttachmentsScreen(current, where, what), done)

    def store_data(self, data: dict, message_key: str) -> None:
        if self.photos is not None:
            data["attachments"] = self.photos
        record = self.app.store.update(self.case_id, data=data)
        claim(contents_of(self.app.store), record)
        changed(self.app, record["id"])
        self.app.notify(t(message_key))
        self.dismiss(record)


class SessionFormScreen(CasePartForm):
    """One mediation session: date, place, who was present, what was said, the result;
    ctrl+o its photos."""

    TITLE_KEY = "wf.screen.session"
    BINDINGS = [Binding("ctrl+o", "photos", "evidence.key.photos", id="evidence.session.photos")]

    def action_photos(self) -> None:
        n = len(self.data.get("sessions") or [])
        self.part_photos({"session": n}, t("evidence.what.session", n=n + 1))

    def fields(self) -> Iterable[Field]:
        data = self.data
        names = [p.get("name") for p in data.get("parties") or []]
        names += [m.get("name") for m in data.get("mediators") or []]
        n = len(data.get("sessions") or [])
        base = f"sessions[{n}]"
        self.base = base
        # A session is recorded after it was held: a date after today is probably mistyped.
        yield date_field(
            f"{base}.date",
            t("wf.case.session_date"),
            today_iso(self.app),
            checks=[not_after(app_now(self.app).date(), "ux.what.session")],
        )
        yield text_field(f"{base}.place", t("wf.case.session_place"), "")
        yield text_field(
            f"{base}.present",
            t("wf.case.session_present"),
            ", ".join(x for x in names if x),
            hint=t("wf.hint.comma"),
        )
        yield text_field(f"{base}.record", t("wf.case.session_record"), "")
        yield text_field(f"{base}.result", t("wf.case.session_result"), "")

    def check_one(self, path: str, value: Any) -> str | None:
        if path.endswith(".present"):
            return super().check_one(path, split_names(value))
        return super().check_one(path, value)

    def extra_checks(self, values: dict[str, Any]) -> dict[str, str]:
        if not values.get(f"{self.base}.record"):
            return {
                f"{self.base}.record": t("wf.error.required", field=t("wf.case.session_record"))
            }
        return {}

    def save(self, values: dict[str, Any]) -> None:
        data = copy.deepcopy(self.data)
        session = {
            key: values.get(f"{self.base}.{key}") for key in ("date", "place", "record", "result")
        }
        session["present"] = split_names(values.get(f"{self.base}.present"))
        data["sessions"] = [*(data.get("sessions") or []), _clean(session)]
        self.store_data(data, "wf.case.session_saved")


def split_names(value: Any) -> list[str]:
    if not value:
        return []
    text = str(value).replace("，", ",").replace("、", ",")
    return [name.strip() for name in text.split(",") if name.strip()]


class AgreementFormScreen(CasePartForm):
    """The outcome and the agreement: Art. 29's facts, disputed matters, responsibilities,
    terms, and the manner and time limit of performance; and when it was signed."""

    TITLE_KEY = "wf.screen.agreement"

    def intro(self) -> str:
        return t("wf.case.agreement_intro")

    def fields(self) -> Iterable[Field]:
        data = self.data
        agreement = data.get("agreement") or {}
        yield select_field(
            "outcome", t("wf.case.outcome"), code_options("outcome"), data.get("outcome")
        )
        now = app_now(self.app)
        for key in AGREEMENT_FIELDS:
            path, label = f"agreement.{key}", t(f"wf.case.agreement.{key}")
            if key == "performance_deadline":
                yield date_field(path, label, agreement.get(key))
            elif key == "signed_at":
                checks = [not_after(now.date(), "ux.what.signed")]
                yield date_field(path, label, agreement.get(key), kind="moment", checks=checks)
            else:
                yield text_field(path, label, agreement.get(key))

    def extra_checks(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if not values.get("outcome"):
            errors["outcome"] = t("wf.error.required", field=t("wf.case.outcome"))
        if values.get("outcome") in ("success", "partial"):
            for key in ("terms", "performance_manner", "performance_deadline"):
                if not values.get(f"agreement.{key}"):
                    errors[f"agreement.{key}"] = t(
                        "wf.case.agreement_needs", field=t(f"wf.case.agreement.{key}")
                    )
        return errors

    def save(self, values: dict[str, Any]) -> None:
        data = copy.deepcopy(self.data)
        data["outcome"] = values["outcome"]
        agreement = _clean({key: values.get(f"agreement.{key}") for key in AGREEMENT_FIELDS})
        if agreement:
            data["agreement"] = agreement
        else:
            data.pop("agreement", None)
        self.store_data(data, "wf.case.agreement_saved")


class FollowUpFormScreen(CasePartForm):
    """A follow-up (回访): schedule one (its due date), or record one that was made —
    performed? satisfied? risk of it flaring up again? a note."""

    TITLE_KEY = "wf.screen.follow_up"
    BINDINGS = [Binding("ctrl+o", "photos", "evidence.key.photos", id="evidence.follow_up.photos")]

    def __init__(self, case_id: str, index: int | None = None) -> None:
        super().__init__(case_id)
        self.index = index

    def action_photos(self) -> None:
        n = self.index if self.index is not None else len(self.data.get("follow_ups") or [])
        self.part_photos({"follow_up": n}, t("evidence.what.follow_up", n=n + 1))

    def fields(self) -> Iterable[Field]:
        follow_ups = self.data.get("follow_ups") or []
        if self.index is None:
            base = f"follow_ups[{len(follow_ups)}]"
            self.base = base
            floor = case_follow_up_floor(self.record, app_now(self.app).tzinfo)
            checks = [not_before(*floor)] if floor else []
            yield date_field(f"{base}.due", t("wf.case.follow_up_due"), "", checks=checks)
            return
        entry = follow_ups[self.index]
        base = f"follow_ups[{self.index}]"
        self.base = base
        yield date_field(
            f"{base}.done_at",
            t("wf.case.follow_up_done_at"),
            entry.get("done_at") or now_iso(self.app),
            kind="moment",
            checks=[not_after(app_now(self.app).date(), "ux.what.follow_up")],
        )
        yield check_field(
            f"{base}.fulfilled", t("wf.case.follow_up_fulfilled"), entry.get("fulfilled")
        )
        yield check_field(
            f"{base}.satisfied", t("wf.case.follow_up_satisfied"), entry.get("satisfied")
        )
        yield select_field(
            f"{base}.risk",
            t("wf.case.follow_up_risk"),
            code_options("risk"),
            entry.get("risk") or "low",
        )
        yield text_field(f"{base}.note", t("wf.case.follow_up_note"), entry.get("note"))

    def intro(self) -> str:
        if self.index is None:
            return t("wf.case.follow_up_schedule_intro")
        entry = (self.data.get("follow_ups") or [])[self.index]
        return t("wf.case.follow_up_record_intro", due=entry.get("due") or "-")

    def extra_checks(self, values: dict[str, Any]) -> dict[str, str]:
        if self.index is None and not values.get(f"{self.base}.due"):
            return {f"{self.base}.due": t("wf.error.required", field=t("wf.case.follow_up_due"))}
        if self.index is not None and not values.get(f"{self.base}.done_at"):
            return {
                f"{self.base}.done_at": t("wf.error.required", field=t("wf.case.follow_up_done_at"))
            }
        return {}

    def save(self, values: dict[str, Any]) -> None:
        data = copy.deepcopy(self.data)
        follow_ups = list(data.get("follow_ups") or [])
        prefix = f"{self.base}."
        entry = {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
        if self.index is None:
            follow_ups.append(_clean(entry))
            key = "wf.case.follow_up_scheduled"
        else:
            follow_ups[self.index] = _clean({**follow_ups[self.index], **entry})
            key = "wf.case.follow_up_recorded"
        data["follow_ups"] = follow_ups
        self.store_data(data, key)
