"""One record: what it says now, what the township did, every rev and what changed in it.

Keys: t moves it on in the workflow (only the moves the service allows: for a county's
staff, sign for it, assign it to a county department, return it, done), p writes feedback
and a public reply without a move, c adds a comment between staff, g sets its risk tier
(with a reason), u supervises it (督办: county staff and leaders), r reloads, f shows its
photos one at a time (issue 16), m opens its place on a map in the browser.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from gridterm.client.staff import StaffNotFound
from gridterm.core.i18n import t
from gridterm.core.model import field_label, label
from gridterm.core.receipts import display_number
from gridterm.core.record_text import location_text
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.times import full_time
from gridterm.ui.kit.workers import ReportsWorkerFailures
from gridterm.ui.staff import photos, text, tiers
from gridterm.ui.staff.case_file import case_file
from gridterm.ui.staff.diff import diff, show
from gridterm.ui.staff.notice_facts import notice_rows
from gridterm.ui.staff.record_words import Words, referenced_ids
from gridterm.ui.staff.screens.assign import ask_assignee


def leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, value) of every leaf of the data, in order; empty values are left out."""
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key, sub in value.items():
            out.extend(leaves(sub, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = []
        for i, sub in enumerate(value):
            out.extend(leaves(sub, f"{path}[{i}]"))
        return out
    if value is None or value == "" or value == [] or value == {}:
        return []
    return [(path, value)]


def label_of(path: str, words: Words | None = None) -> str:
    named = words.field_name(path) if words is not None else None
    if named is not None:
        return named
    return field_label(path) if path else path


# Data fields whose values are vocabulary codes (gridterm/vocab.json): shown as labels.
CODE_FIELDS = {
    "category": "category",
    "urgency": "urgency",
    "dispute_type": "dispute_type",
    "source": "source",
    "outcome": "outcome",
    "standing": "standing",
    "tags": "tag",
}
# A notice's type (its only top-level ``type``; nested ones, an attachment's, are MIME types).
TOP_CODE_FIELDS = {"type": "notice_type"}
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")


def value_text(path: str, value: Any, width: int = 60, now=None, words: Words | None = None) -> str:
    """A data value as a person reads it: labels for codes, times without the ISO clutter;
    ``words`` (the record's own naming) words checklist answers and referenced records."""
    worded = words.value(path, value) if words is not None else None
    if worded is not None:
        return show(worded, width)
    name = re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])
    group = TOP_CODE_FIELDS.get(path) or CODE_FIELDS.get(name)
    if group and isinstance(value, str):
        return label(group, value)
    if group and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return t("staff.list_sep").join(label(group, v) for v in value)
    if isinstance(value, bool):
        return t("staff.yes") if value else t("staff.no")
    if isinstance(value, str) and ISO_TIME.match(value):
        return full_time(value, now) if now is not None else value
    return show(value, width)


def history_lines(revs: list[dict], now, words: Words | None = None) -> list[Text]:
    """Each rev's heading, then what changed from the rev before it."""
    lines: list[Text] = []
    previous: dict | None = None
    for rev in sorted(revs, key=lambda r: r["rev"]):
        when = full_time(rev.get("received_at") or rev.get("updated_at"), now)
        lines.append(
            Text(
                t("staff.detail.rev", rev=rev["rev"], when=when, device=rev.get("device") or ""),
                style="bold",
            )
        )
        if previous is None:
            lines.append(Text("  " + t("staff.detail.first_rev", count=len(leaves(rev["data"])))))
        else:
            changes = diff(previous, rev["data"])
            if not changes:
                lines.append(Text("  " + t("staff.detail.no_change")))
            for change in changes:
                name = label_of(change.path, words)
                old = value_text(change.path, change.old, 30, now, words)
                new = value_text(change.path, change.new, 30, now, words)
                if change.op == "added":
                    line = Text("  + ", style="green")
                    line.append(t("staff.diff.added", field=name, new=new))
                elif change.op == "removed":
                    line = Text("  - ", style="red")
                    line.append(t("staff.diff.removed", field=name, old=old))
                else:
                    line = Text("  ~ ", style="yellow")
                    line.append(t("staff.diff.changed", field=name, old=old, new=new))
                lines.append(line)
        previous = rev["data"]
    return lines


def actor_text(actor: str, record: dict | None = None) -> str:
    """Who did it, by name: ``staff:<id>:<name>`` is the staff member; ``device:<id>`` the
    record's officer on their device; anything else the service itself."""
    kind, _, rest = (actor or "").partition(":")
    if kind == "staff":
        return rest.partition(":")[2] or t("assign.actor_staff")
    if kind == "device":
        officer = (record or {}).get("officer") or ""
        return t("assign.actor_device", officer=officer) if officer else t("assign.actor_a_device")
    return t("assign.actor_service") if actor else ""


def event_lines(events: list[dict], now, record: dict | None = None) -> list[Text]:
    lines: list[Text] = []
    for event in events:
        when = full_time(event.get("at"), now)
        who = actor_text(event.get("actor") or "", record)
        if event.get("comment"):
            head = t("staff.event.comment", when=when, who=who, text=event["comment"])
        elif event.get("to_status"):
            head = t(
                "staff.event.move",
                when=when,
                who=who,
                frm=text.status_text(event.get("from_status")) or "—",
                to=text.status_text(event.get("to_status")),
            )
        else:
            head = t("staff.event.reply", when=when, who=who)
        lines.append(Text(head))
        if event.get("assignee"):
            lines.append(Text("    " + t("assign.event", name=event["assignee"]["name"])))
        for key in ("reason", "feedback", "public_reply"):
            if event.get(key):
                lines.append(Text("    " + t(f"staff.event.{key}", text=event[key])))
    return lines


class DetailScreen(ReportsWorkerFailures, Screen):
    CSS_PATH = "detail.tcss"
    BINDINGS = [
        Binding("t", "transition", "staff.key.transition", id="staff.detail.transition"),
        Binding("p", "reply", "staff.key.reply", id="staff.detail.reply"),
        Binding("c", "comment", "staff.key.comment", id="staff.detail.comment"),
        Binding("g", "tier", "countyview.key.tier", id="staff.detail.tier"),
        Binding("u", "supervise", "countyview.key.supervise", id="staff.detail.supervise"),
        Binding("r", "reload", "staff.key.refresh", id="staff.detail.refresh"),
        Binding("f", "photos", "evidence_service.key.photos", id="staff.detail.photos"),
        Binding("m", "map", "evidence_service.key.map", id="staff.detail.map"),
    ]
    # Shown on their own (the place among the facts, photos in their section), not as data.
    OWN_SECTIONS = ("attachments", "location")

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id
        self.record: dict | None = None
        # Records this one points at (its household, linked visit or case), read with it.
        self.linked: dict[str, dict] = {}
        # Thumbnails of its photos, by SHA-256, fetched once.
        self.thumbs: dict[str, bytes] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader("staff.detail.title")
        with VerticalScroll(id="dt-body"):
            yield Static(t("staff.detail.loading"), id="dt-facts")
            yield Static(
                t("evidence_service.console.photos"), classes="section-title", id="dt-photos-title"
            )
            yield Vertical(id="dt-photos")
            yield Static(
                t("staff.detail.section.data"), classes="section-title", id="dt-data-title"
            )
            yield Static("", id="dt-data")
            yield Static(t("staff.detail.section.history"), classes="section-title")
            yield Static("", id="dt-history")
            yield Static(t("staff.detail.section.events"), classes="section-title")
            yield Static("", id="dt-events")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#dt-body").focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    def on_worker_state_changed(self, event) -> None:
        # The failure itself is said by ReportsWorkerFailures' handler (Textual calls both).
        # Gone (or moved to another township) before it could be shown: back to the list.
        if (
            event.worker.error is not None
            and isinstance(event.worker.error, StaffNotFound)
            and self.record is None
            and self.app.screen is self
        ):
            self.app.pop_screen()

    @work(thread=True, exclusive=True, group="detail-load", exit_on_error=False)
    def load(self) -> None:
        with self.app.api() as api:
            record = api.record(self.record_id)
            linked = {}
            for rid in referenced_ids(record):
                if rid == self.record_id:
                    continue
                try:
                    linked[rid] = api.record(rid)
                except Exception:  # any failure: the detail shows the id
                    continue
            try:
                departments = api.departments()
            except Exception:  # an older service: assignments name nobody, as before
                departments = None
        self.app.call_from_thread(self.show_record, record, linked, departments)

    def show_record(
        self,
        record: dict,
        linked: dict[str, dict] | None = None,
        departments: list[dict] | None = None,
    ) -> None:
        if not self.is_attached:
            return  # closed (escape) while the record was on its way
        self.record = record
        if departments is not None:
            self.app.departments = departments
        if linked is not None:
            self.linked = linked
        words = Words(record, self.linked)
        now = self.app.now()
        facts = Text()
        facts.append(
            f"{text.kind_short(record['kind'])} · {text.status_text(record.get('status'))}",
            style="bold",
        )
        tier = tiers.shown_tier(record)
        if tier is not None:
            facts.append(" · ")
            facts.append(tiers.tier_word(tier), style=tiers.TIER_STYLES[tier])
        if tiers.supervision_open(record):
            facts.append(" " + t("countyview.supervised_mark").strip(), style="bold")
        if record.get("overdue"):
            facts.append(" " + t("staff.flag.overdue"), style="bold red")
        rows = [
            ("staff.fact.topic", text.topic(record)),
            (
                "staff.fact.place",
                " · ".join(x for x in (record.get("village"), record.get("grid_name")) if x),
            ),
            ("staff.fact.officer", record.get("officer") or ""),
            ("staff.fact.received", full_time(record.get("received_at"), now)),
            ("staff.fact.due", full_time(record.get("due_at"), now)),
            ("staff.fact.urgency", text.urgency_text(record.get("urgency"))),
            (
                "staff.fact.receipts",
                t("staff.list_sep").join(
                    display_number(n) for n in record.get("receipt_numbers") or []
                ),
            ),
            ("staff.fact.feedback", record.get("feedback") or ""),
            ("staff.fact.public_reply", record.get("public_reply") or ""),
            ("staff.fact.handled_by", record.get("handled_by") or ""),
            ("assign.fact", (record.get("assignee") or {}).get("name") or ""),
            *tiers.county_facts(
                record, tiers.is_county_role(self.app.me), lambda at: full_time(at, now)
            ),
            (
                "staff.fact.next",
                t("staff.list_sep").join(
                    text.status_text(s) for s in record.get("allowed_transitions") or []
                )
                or t("staff.fact.next_none"),
            ),
        ]
        rows += notice_rows(record, self.app.client.url)
        for key, value in rows:
            if value:
                facts.append("\n" + t(key) + t("staff.colon"), style="dim")
                facts.append(str(value))
        location = (record.get("data") or {}).get("location")
        if location_text(location):
            facts.append(
                "\n" + t("evidence_service.console.location") + t("staff.colon"), style="dim"
            )
            facts.append_text(photos.location_line(location))
        self.query_one("#dt-facts", Static).update(facts)
        self.show_photos(record.get("attachments") or [])
        self.show_data(record, words, now)
        self.query_one("#dt-history", Static).update(
            Text("\n").join(history_lines(record.get("revs") or [], now, words))
        )
        events = event_lines(record.get("events") or [], now, record)
        self.query_one("#dt-events", Static).update(
            Text("\n").join(events) if events else Text(t("staff.detail.no_events"))
        )

    def show_data(self, record: dict, words: Words, now) -> None:
        """A case as a case file; any other record field by field."""
        title = self.query_one("#dt-data-title", Static)
        if record.get("kind") == "case":
            title.update(t("casefile.title"))
            self.query_one("#dt-data", Static).update(case_file(record.get("data") or {}, now))
            return
        title.update(t("staff.detail.section.data"))
        data = Text()
        shown = {k: v for k, v in (record.get("data") or {}).items() if k not in self.OWN_SECTIONS}
        for path, value in leaves(shown):
            if data:
                data.append("\n")
            data.append(label_of(path, words) + t("staff.colon"), style="dim")
            data.append(value_text(path, value, 200, now, words))
            if words.flag(path, value):
                data.append("  " + t("staff.detail.flagged"), style="bold yellow")
        self.query_one("#dt-data", Static).update(data)

    # -- photos and the place (issue 16) -----------------------------------------------------
    def show_photos(self, items: list[dict]) -> None:
        """Each photo's caption, and its picture once fetched (:meth:`load_photos`)."""
        box = self.query_one("#dt-photos", Vertical)
        self.query_one("#dt-photos-title").display = box.display = bool(items)
        box.remove_children()
        now = self.app.now()
        for index, item in enumerate(items):
            box.mount(Static(photos.caption(index, item, now), classes="photo-caption"))
            if item.get("sha256") in self.thumbs:
                box.mount(photos.picture(self.thumbs[item["sha256"]], classes="photo-thumb"))
        if items and not photos.can_draw():
            note = Text(t("evidence_service.console.not_drawn"))
            box.mount(Static(note, classes="photo-note"))
            return
        missing = [i for i in items if i.get("available") and i.get("sha256") not in self.thumbs]
        if missing:
            self.load_photos(missing)

    @work(thread=True, exclusive=True, group="detail-photos", exit_on_error=False)
    def load_photos(self, items: list[dict]) -> None:
        with self.app.api() as api:
            for item in items:
                self.thumbs[item["sha256"]], _kind = api.attachment(item["sha256"], thumb=True)
        self.app.call_from_thread(self.show_photos, (self.record or {}).get("attachments") or [])

    def action_photos(self) -> None:
        items = [i for i in (self.record or {}).get("attachments") or [] if i.get("available")]
        if not items:
            self.notify(t("evidence_service.console.no_photos"), severity="warning")
            return
        from gridterm.ui.staff.screens.photos import PhotoScreen

        self.app.push_screen(PhotoScreen(items))

    def action_map(self) -> None:
        url = photos.map_url(((self.record or {}).get("data") or {}).get("location"))
        if url is None:
            self.notify(t("evidence_service.console.no_map"), severity="warning")
            return
        self.app.open_url(url)
        self.notify(t("evidence_service.console.map_opened", url=url))

    # -- actions -----------------------------------------------------------------------------
    def action_transition(self) -> None:
        if self.record is None:
            return
        allowed = list(self.record.get("allowed_transitions") or [])
        if not allowed:
            self.notify(t("staff.transition.none"), severity="warning")
            return
        from gridterm.ui.staff.screens.transition import TransitionDialog

        self.app.push_screen(
            TransitionDialog(allowed, title=t("staff.transition.title")),
            lambda choice: choice and ask_assignee(self.app, choice, self.send_move),
        )

    def send_move(self, choice: dict) -> None:
        if self.record is not None and self.record.get("kind") == "notice":
            # What is published is what staff read: a newer rev since is refused (rev_moved).
            choice = {**choice, "rev": self.record.get("rev")}
        self.send("transition", choice)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Supervision (督办) is the county's: a township's staff are not offered it.
        if action == "supervise":
            return tiers.is_county_role(self.app.me)
        return True

    def action_tier(self) -> None:
        if self.record is None:
            return
        from gridterm.ui.staff.screens.county_dialogs import TierDialog

        self.app.push_screen(
            TierDialog(self.record.get("tier")), lambda choice: choice and self.send("tier", choice)
        )

    def action_supervise(self) -> None:
        if self.record is None or not tiers.is_county_role(self.app.me):
            return
        from gridterm.ui.staff.screens.county_dialogs import SuperviseDialog

        self.app.push_screen(
            SuperviseDialog(), lambda choice: choice and self.send("supervise", choice)
        )

    def action_reply(self) -> None:
        if self.record is None:
            return
        from gridterm.ui.staff.screens.transition import TransitionDialog

        self.app.push_screen(
            TransitionDialog(
                [],
                title=t("staff.reply.title"),
                feedback=self.record.get("feedback") or "",
                public_reply=self.record.get("public_reply") or "",
            ),
            lambda choice: choice and self.send("feedback", choice),
        )

    def action_comment(self) -> None:
        if self.record is None:
            return
        from gridterm.ui.staff.screens.comment import CommentDialog

        self.app.push_screen(
            CommentDialog(), lambda text_: text_ and self.send("comment", {"text": text_})
        )

    @work(thread=True, group="detail-send", exit_on_error=False)
    def send(self, what: str, fields: dict) -> None:
        with self.app.api() as api:
            if what == "transition":
                record = api.transition(self.record_id, **fields)
            elif what == "feedback":
                record = api.feedback(self.record_id, **fields)
            elif what == "tier":
                record = api.set_tier(self.record_id, fields["tier"], fields["reason"])
            elif what == "supervise":
                record = api.supervise(self.record_id, fields["deadline"], fields.get("note"))
            else:
                record = api.comment(self.record_id, fields["text"])
        self.app.call_from_thread(self._sent, what, record)

    def _sent(self, what: str, record: dict) -> None:
        self.show_record(record)
        if what == "transition":
            self.notify(t("staff.transition.done", status=text.status_text(record.get("status"))))
        elif what == "feedback":
            self.notify(t("staff.reply.done"))
        elif what == "tier":
            self.notify(t("countyview.tier_dialog.done", tier=tiers.tier_word(record.get("tier"))))
        elif what == "supervise":
            self.notify(t("countyview.supervise.done"))
        else:
            self.notify(t("staff.comment.done"))
