"""The base of every officer screen: header, body, footer, and refresh after saves."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen

from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.messages import StoreChanged
from gridterm.ui.kit.workers import ReportsWorkerFailures


class GridScreen(ReportsWorkerFailures, Screen):
    """Subclasses set ``TITLE_KEY`` (a catalog key) and implement ``compose_body()``.

    ``refresh_data()`` is called when mounted and whenever the store changes; override it
    to reload what the screen shows.  A worker the screen runs that fails is said by the app
    (``ReportsWorkerFailures``); the header's status line is the app's (``header_status``).
    """

    TITLE_KEY = "tui.app.title"
    #: rebuilt in place when the language changes (only screens that hold nothing typed)
    REBUILD_ON_LANGUAGE = False

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield from self.compose_body()
        yield AppFooter()

    def compose_body(self) -> ComposeResult:
        return ()

    def refresh_data(self) -> None:
        """Reload what the screen shows from ``self.app.store``."""

    @on(StoreChanged)
    def _store_changed(self, event: StoreChanged) -> None:
        self.refresh_data()

    def on_mount(self) -> None:
        self.refresh_data()
        self.focus_default()

    def focus_default(self) -> None:
        """Put the focus where a newcomer expects it (after mount and after a rebuild)."""

    async def rebuild(self) -> None:
        """Compose again from the catalogs (the language changed) and reload."""
        await self.recompose()
        self.refresh_data()
        self.focus_default()
