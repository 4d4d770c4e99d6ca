"""One line at the top of every screen: the screen's title, and the app's status line.

The status line is the app's to say (``ShellApp.header_status()``): the officer's outbox
depth and sync state, the staff console's who-and-where.  The app keeps it in its
``status_line`` reactive; every header watches that, so a change reaches the headers of
every screen on the stack without anyone walking the stack.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from gridterm.core.i18n import t


class AppHeader(Horizontal):
    """``title_key`` is the catalog key of the screen's title."""

    DEFAULT_CSS = """
    AppHeader {
        height: 1;
        dock: top;
        background: $primary;
        color: $text;
    }
    AppHeader #hdr-title { width: 1fr; text-style: bold; padding: 0 1; }
    AppHeader #hdr-status { width: auto; padding: 0 1; }
    """

    def __init__(self, title_key: str) -> None:
        super().__init__()
        self.title_key = title_key

    def compose(self) -> ComposeResult:
        yield Static(t(self.title_key), id="hdr-title", markup=False)
        yield Static("", id="hdr-status", markup=False)

    def on_mount(self) -> None:
        app = self.app
        refresh = getattr(app, "refresh_status_line", None)
        if not callable(refresh):
            return  # shown by an app that is not a ShellApp (a test's host): title only
        # Fresh when it appears (what changed since the last announcement shows at once),
        # then kept up to date by the app.
        refresh()
        self.watch(app, "status_line", self._show_status, init=True)

    def show_title(self, text: str, *, alone: bool = False) -> None:
        """Another title than the screen's; ``alone`` gives it the whole line (the receipt
        screen's number on a 40-column screen, where the status line would cut it)."""
        self.query_one("#hdr-title", Static).update(text)
        self.query_one("#hdr-status", Static).display = not alone

    def _show_status(self, text: str) -> None:
        self.query_one("#hdr-status", Static).update(text)
