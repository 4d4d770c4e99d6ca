"""A record's photos one at a time, as large as the terminal allows.

Keys: left and right go through them, o opens the full photo in the system's viewer,
escape goes back to the record.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Static

from gridterm.core.i18n import t
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.workers import ReportsWorkerFailures
from gridterm.ui.staff import photos


class PhotoScreen(ReportsWorkerFailures, Screen):
    CSS_PATH = "photos.tcss"
    BINDINGS = [
        Binding("left", "step(-1)", "evidence_service.key.prev", id="staff.photos.prev"),
        Binding("right", "step(1)", "evidence_service.key.next", id="staff.photos.next"),
        Binding("o", "open_full", "evidence_service.key.open", id="staff.photos.open"),
    ]

    def __init__(self, items: list[dict], index: int = 0) -> None:
        super().__init__()
        self.items = items  # the record's photos the service holds
        self.index = index
        self.opened: list[str] = []  # what was handed to the system's viewer, for the record

    def compose(self) -> ComposeResult:
        yield AppHeader("evidence_service.console.photos_title")
        yield Static("", id="ph-caption")
        yield Container(id="ph-frame")
        yield AppFooter()

    def on_mount(self) -> None:
        self.show_photo()

    def action_step(self, delta: int) -> None:
        if len(self.items) > 1:
            self.index = (self.index + delta) % len(self.items)
            self.show_photo()

    def show_photo(self) -> None:
        item = self.items[self.index]
        line = photos.caption(self.index, item, self.app.now())
        line.append(f"  ({self.index + 1}/{len(self.items)})", style="dim")
        self.query_one("#ph-caption", Static).update(line)
        self.fetch(self.index)

    @work(thread=True, exclusive=True, group="photo-fetch", exit_on_error=False)
    def fetch(self, index: int) -> None:
        with self.app.api() as api:
            data, _kind = api.attachment(self.items[index]["sha256"], thumb=True)
        self.app.call_from_thread(self.draw, index, data)

    def draw(self, index: int, data: bytes) -> None:
        if not self.is_attached or index != self.index:
            return  # moved on while it was on its way
        frame = self.query_one("#ph-frame", Container)
        frame.remove_children()
        frame.mount(photos.picture(data, classes="photo-big"))

    def action_open_full(self) -> None:
        self.open_full(self.index)

    @work(thread=True, group="photo-open", exit_on_error=False)
    def open_full(self, index: int) -> None:
        item = self.items[index]
        with self.app.api() as api:
            data, kind = api.attachment(item["sha256"])
        path = photos.save_for_viewer(data, {**item, "type": kind or item.get("type")})
        self.app.call_from_thread(self._opened, path)

    def _opened(self, path) -> None:
        self.opened.append(path.as_uri())
        self.app.open_url(path.as_uri())
        self.notify(t("evidence_service.console.opened", path=str(path)))
