"""Photos of one part of a record (the report, a visit's item, a case's session or follow-up),
and a record's place.

:class:`AttachmentsScreen` lists the photos with name, size, when and state; ``a`` attaches a
file by its path (a laptop's, or Android's shared storage after ``termux-setup-storage``),
``c`` takes one with the phone's camera (Termux:API, when present), ``d`` takes the
highlighted one off before it is sent; escape gives the whole list back to the form, which
saves it with the record.  Shrinking runs in a thread: the screen never waits on it.

:class:`PlaceScreen` says where: typed as a place's name, or ``ctrl+g`` reads the phone's
position (``termux-location``, when present) with its accuracy.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from gridterm.core import attachments, model
from gridterm.core.attachments import termux
from gridterm.core.dates import township_zone
from gridterm.core.i18n import t
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.kit.times import short_time
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.visit_kit import app_now, now_iso


def evidence_line(entries: list[dict], where: dict | None, location: dict | None = None) -> str:
    """``照片 2 张 · 位置：村口`` for a form: the photos of ``where`` and the place."""
    count = len(attachments.photos_of(entries, where))
    parts = [t("evidence.line.photos", count=count)]
    if location is not None:
        parts.append(t("evidence.line.place", place=place_text(location)))
    return t("evidence.line.sep").join(parts)


def place_text(location: dict | None) -> str:
    if not location:
        return t("evidence.place.none")
    if location.get("lat") is not None and location.get("lon") is not None:
        point = f"{location['lat']:.5f}, {location['lon']:.5f}"
        accuracy = location.get("accuracy_m")
        if accuracy is not None:
            point += " " + t("evidence.place.accuracy", metres=round(accuracy))
        return f"{location.get('place')} ({point})" if location.get("place") else point
    return str(location.get("place") or "")


class AttachmentsScreen(GridScreen):
    """The photos of one part of a record; dismisses with the record's whole list."""

    TITLE_KEY = "evidence.screen.photos"
    CSS_PATH = "attachments.tcss"
    BINDINGS = [
        Binding("a", "add", "evidence.key.add_file", id="evidence.add"),
        Binding("c", "camera", "evidence.key.camera", id="evidence.camera"),
        Binding("d", "remove", "evidence.key.remove", id="evidence.remove"),
        Binding("escape", "done", "evidence.key.done", id="evidence.done"),
    ]

    def __init__(self, entries: list[dict], where: dict | None = None, what: str = "") -> None:
        super().__init__()
        self.entries = [dict(e) for e in entries]
        self.where = dict(where) if where else None
        self.what = what
        self.busy = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="ph-intro", markup=False)
        table = DataTable(id="ph-table", cursor_type="row", zebra_stripes=True)
        table.add_column(t("evidence.col.name"), key="name")
        table.add_column(t("evidence.col.size"), key="size")
        table.add_column(t("evidence.col.when"), key="when")
        table.add_column(t("evidence.col.state"), key="state")
        yield table
        yield Input(placeholder=t("evidence.path_hint"), compact=True, id="ph-path")
        yield Static("", id="ph-status", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#ph-path", Input).display = False
        self.show()
        self.query_one("#ph-table", DataTable).focus()

    @property
    def contents(self) -> attachments.Contents:
        return attachments.contents_of(self.app.store)

    def mine(self) -> list[dict]:
        return [self.entries[i] for i in attachments.photos_of(self.entries, self.where)]

    def show(self, status: str = "") -> None:
        mine = self.mine()
        intro = t("evidence.intro", what=self.what, count=len(mine)) if self.what else ""
        self.query_one("#ph-intro", Static).update(
            intro or t("evidence.line.photos", count=len(mine))
        )
        table = self.query_one("#ph-table", DataTable)
        table.clear()
        now = app_now(self.app)
        for entry in mine:
            table.add_row(
                entry.get("name", ""),
                attachments.megabytes(int(entry.get("size") or 0)),
                short_time(entry.get("taken_at"), now) if entry.get("taken_at") else "-",
                t(f"evidence.state.{self._state(entry)}"),
                key=entry["sha256"],
            )
        keys = t("evidence.keys.camera") if termux.camera_available() else t("evidence.keys")
        self.query_one("#ph-status", Static).update(
            status or (keys if mine else t("evidence.none") + "\n" + keys)
        )

    def _state(self, entry: dict) -> str:
        try:
            return self.contents.state(entry["sha256"])
        except ValueError:
            return "missing"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "camera":
            return termux.camera_available()
        if action == "remove":
            return bool(self.mine())
        return True

    # -- adding ----------------------------------------------------------------------------

    def action_add(self) -> None:
        if self.busy:
            return
        box = self.query_one("#ph-path", Input)
        box.display = True
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#ph-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        self._close_path()
        if path:
            self._start_attach(Path(path).expanduser(), camera=False)

    def _close_path(self) -> None:
        self.query_one("#ph-path", Input).display = False
        self.query_one("#ph-table", DataTable).focus()

    def action_camera(self) -> None:
        if not self.busy and termux.camera_available():
            self._start_attach(None, camera=True)

    def _start_attach(self, path: Path | None, camera: bool) -> None:
        if len(self.entries) >= model.ATTACHMENTS_MAX:
            have = len(self.entries)
            self.notify(
                t("evidence.too_many", max=model.ATTACHMENTS_MAX, have=have), severity="error"
            )
            return
        self.busy = True
        self.show(t("evidence.working"))
        self._attach_worker(path, camera)

    @work(thread=True, exclusive=True, group="attach", exit_on_error=False)
    def _attach_worker(self, path: Path | None, camera: bool) -> None:
        store = self.app.store
        settings = attachments.photo_settings(store)
        zone = township_zone(store.meta_get("timezone"))
        now = now_iso(self.app)
        try:
            if camera:
                with tempfile.TemporaryDirectory(prefix="gridterm-camera-") as folder:
                    shot = Path(folder) / "photo.jpg"
                    if not termux.take_photo(shot):
                        raise attachments.PhotoRefused("evidence.cli.camera_failed")
                    done = attachments.add_photo(
                        self.contents,
                        shot.read_bytes(),
                        f"camera-{now[:19].replace(':', '')}.jpg",
                        allow_location=settings.allow_location,
                        zone=zone,
                        now=now,
                        where=self.where,
                        taken_now=True,
                    )
            else:
                assert path is not None
                done = attachments.add_file(
                    self.contents,
                    path,
                    allow_location=settings.allow_location,
                    zone=zone,
                    now=now,
                    where=self.where,
                )
        except attachments.PhotoRefused as exc:
            self.app.call_from_thread(self._attached, None, str(exc))
            return
        self.app.call_from_thread(self._attached, done, None)

    def _attached(self, done: Any, error: str | None) -> None:
        self.busy = False
        if error is not None:
            self.show()
            self.notify(error, severity="error", timeout=8)
            return
        self.entries = attachments.with_photos(self.entries, [done.entry])
        self.show()
        self.refresh_bindings()
        self.notify(
            done.warning or t("evidence.attached", name=done.entry["name"]),
            severity="warning" if done.warning else "information",
        )

    # -- removing and leaving ----------------------------------------------------------------

    def action_remove(self) -> None:
        table = self.query_one("#ph-table", DataTable)
        if not table.row_count:
            return
        sha = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        entry = next(e for e in self.entries if e["sha256"] == sha)
        if not attachments.removable(self.contents, entry):
            self.notify(t("evidence.already_sent", name=entry.get("name", "")), severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.entries = attachments.without(self.entries, sha)
                self.show()
                self.refresh_bindings()

        self.app.push_screen(
            ConfirmScreen(t("evidence.remove_question", name=entry.get("name", ""))), answered
        )

    def action_done(self) -> None:
        if self.query_one("#ph-path", Input).display:
            self._close_path()  # escape leaves the path, not the photos
            return
        if not self.busy:
            self.dismiss(self.entries)


class PlaceScreen(GridScreen):
    """Where: a typed place name, or the phone's position.  Dismisses with the location,
    ``{}`` to clear it, or None (escape: unchanged)."""

    TITLE_KEY = "evidence.screen.place"
    CSS_PATH = "attachments.tcss"
    BINDINGS = [
        Binding("ctrl+g", "gps", "evidence.key.gps", id="evidence.gps"),
        Binding("escape", "cancel", "wf.key.cancel", id="evidence.place_cancel"),
    ]

    def __init__(self, location: dict | None = None) -> None:
        super().__init__()
        self.location = dict(location) if location else None

    def compose_body(self) -> ComposeResult:
        yield Static(t("evidence.place.intro"), id="pl-intro", markup=False)
        yield Input(
            str((self.location or {}).get("place") or ""),
            placeholder=t("evidence.place.hint"),
            compact=True,
            id="pl-place",
        )
        yield Static("", id="pl-point", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#pl-place", Input).focus()
        self._show()

    def _show(self, status: str = "") -> None:
        has_point = self.location is not None and self.location.get("lat") is not None
        lines = (
            [t("evidence.place.point", point=place_text({**self.location, "place": ""}))]
            if has_point
            else []
        )
        lines.append(
            status
            or (
                t("evidence.place.keys_gps")
                if termux.location_available()
                else t("evidence.place.keys")
            )
        )
        self.query_one("#pl-point", Static).update("\n".join(lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return termux.location_available() if action == "gps" else True

    def action_gps(self) -> None:
        self._show(t("evidence.place.reading"))
        self._read_gps()

    @work(thread=True, exclusive=True, group="gps", exit_on_error=False)
    def _read_gps(self) -> None:
        found = termux.read_location(now_iso(self.app))
        self.app.call_from_thread(self._located, found)

    def _located(self, found: dict | None) -> None:
        if found is None:
            self._show(t("evidence.place.no_fix"))
            return
        self.location = found
        self._show()

    @on(Input.Submitted, "#pl-place")
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        place = event.value.strip()
        if self.location is not None and self.location.get("lat") is not None:
            self.dismiss({**self.location, "place": place})
        elif place:
            self.dismiss({"source": "typed", "place": place, "at": now_iso(self.app)})
        else:
            self.dismiss({})

    def action_cancel(self) -> None:
        self.dismiss(None)
