"""Small widgets of the staff console."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from gridterm.core.i18n import t


class StaffHeader(Horizontal):
    """One line: the screen's title, then who is signed in and where."""

    DEFAULT_CSS = """
    StaffHeader { height: 1; dock: top; background: $primary; color: $text; }
    StaffHeader #sh-title { width: 1fr; text-style: bold; padding: 0 1; }
    StaffHeader #sh-status { width: auto; padding: 0 1; }
    """

    def __init__(self, title_key: str) -> None:
        super().__init__()
        self.title_key = title_key

    def compose(self) -> ComposeResult:
        yield Static(t(self.title_key), id="sh-title", markup=False)
        yield Static("", id="sh-status", markup=False)

    def on_mount(self) -> None:
        self.show_status()

    def show_status(self, extra: str = "") -> None:
        me = getattr(self.app, "me", None)
        parts = []
        if me:
            parts.append(
                t("staff.header.who", name=me["staff"]["name"], town=me["township"]["name"])
            )
        if extra:
            parts.append(extra)
        for status in self.query("#sh-status").results(Static):
            status.update(" · ".join(parts))
