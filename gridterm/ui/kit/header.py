"""One line at the top of every screen: where you are, the outbox depth, the last good sync."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from gridterm.core.i18n import t


def short_time(iso: str | None, now: datetime) -> str:
    """ "08:30" today, "11-24 08:30" another day, "" for nothing."""
    if not iso:
        return ""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    if when.tzinfo is not None and now.tzinfo is not None:
        when = when.astimezone(now.tzinfo)
    if when.date() == now.date():
        return when.strftime("%H:%M")
    return when.strftime("%m-%d %H:%M")


class AppHeader(Horizontal):
    """``title_key`` is the catalog key of the screen's title.

    The sync worker (when there is one) sets ``app.sync_text`` and calls
    ``app.store_changed()``; the header shows it in place of the last-sync time.
    """

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
        self.refresh_status()

    def refresh_status(self) -> None:
        app = self.app
        store = getattr(app, "store", None)
        if store is None:
            return
        depth = len(store.outbox())
        sync_text = getattr(app, "sync_text", None)
        if not sync_text:
            last = short_time(store.meta_get("last_sync_ok"), app.now())
            sync_text = t("tui.header.synced", time=last) if last else t("tui.header.never")
        self.query_one("#hdr-status", Static).update(
            t("tui.header.outbox", count=depth) + " · " + sync_text
        )
