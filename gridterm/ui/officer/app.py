"""The grid officer's Textual app: the shell every screen plugs into.

Screens are listed in ``gridterm.ui.officer.registry`` (plain data) and imported only when
first opened, so start-up pays only for Home.  Any screen opens another with
``self.app.action_open(name, **kwargs)``; the palette (ctrl+p) offers every registered screen
and every key of the current screen by name.  What both apps share (clock, back, palette,
the header's status line, failed workers said as notifications) is ``gridterm.ui.kit.shell``.
See docs/tui.md, "Adding a screen".
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen

from gridterm.client.updates import notice
from gridterm.core.dates import in_zone, township_zone
from gridterm.core.i18n import get_language, set_language, t
from gridterm.ui.kit.messages import StoreChanged, SyncStateChanged
from gridterm.ui.kit.shell import ShellApp
from gridterm.ui.kit.times import local_now, short_time
from gridterm.ui.officer.palette import GridtermCommands
from gridterm.ui.officer.registry import load_screen_class, screen_available
from gridterm.ui.officer.widgets.sync_status import status_text

if TYPE_CHECKING:
    import argparse

    from gridterm.core.store import Store


def _offer_visit_resume(app: App) -> None:
    from gridterm.ui.officer.screens.visit import offer_resume

    offer_resume(app)


class GridtermApp(ShellApp):
    """The officer's app.  ``store`` is an open ``gridterm.core.store.Store``."""

    # Absolute, so that subclasses elsewhere (tests, screenshots) find it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "gridterm"
    COMMANDS = {GridtermCommands}
    PALETTE_PLACEHOLDER = "tui.palette.placeholder"
    # Descriptions are catalog keys; the footer and the palette translate them.
    BINDINGS = [
        Binding("ctrl+q", "quit", "tui.key.quit", id="quit", priority=True, show=False),
        Binding("escape", "back", "tui.key.back", id="back"),
        Binding("ctrl+p", "command_palette", "tui.key.palette", id="palette", priority=True),
        Binding("ctrl+y", "sync_now", "sync.status.sync_now", id="sync_now"),
    ]

    #: the background sync's state, owned here: "offline" | "syncing" | "synced" | "error",
    #: or None before the first pass.  The sync worker changes it with a SyncStateChanged.
    sync_state: var[str | None] = var(None, init=False, always_update=True)

    def __init__(
        self,
        store: Store,
        *,
        data_dir: Path | None = None,
        clock: Callable[[], datetime] = local_now,
    ) -> None:
        super().__init__(clock=clock)
        self.store = store
        self.data_dir = Path(data_dir) if data_dir else None
        self.sync_worker: Any = None  # gridterm.ui.officer.sync_worker.SyncWorker, once started
        self._update_told: tuple[str, str] | None = None
        self.zone = township_zone(store.meta_get("timezone"))

    def now(self) -> datetime:
        """The time on the township's clock (China time unless Settings says otherwise),
        whatever zone the device is set to: what screens show, what records are stamped with
        and what a typed "明天" means."""
        return in_zone(self.clock(), self.zone)

    def set_zone(self, name: str | None) -> None:
        """Settings changed the township's zone (meta ``timezone``)."""
        self.zone = township_zone(name)
        self.refresh_status_line()

    # -- what screens read -------------------------------------------------------------------
    @property
    def enrollment(self) -> dict | None:
        from gridterm.core import credentials

        return credentials.enrollment(self.store)  # with the secret receipts are signed with

    def header_status(self) -> str:
        """The outbox depth, and the sync state (or the last good sync before the first pass)."""
        last_ok = self.store.meta_get("last_sync_ok")
        if self.sync_state:
            sync_text = status_text(self.sync_state, last_ok, self.now())
        else:
            last = short_time(last_ok, self.now())
            sync_text = t("tui.header.synced", time=last) if last else t("tui.header.never")
        text = t("tui.header.outbox", count=len(self.store.outbox())) + " · " + sync_text
        update = notice(self.store)
        if update is not None:
            text += " · " + t(f"install.header.{update.state}", version=update.version)
        return text

    # -- background sync (gridterm/ui/officer/sync_worker.py, docs/sync.md) ------------------
    def on_mount(self) -> None:
        # Sync starts just after the first screen is up, not before it.
        self.set_timer(1.0, self._load_sync_worker)
        # A visit cut off by a kill or a flat battery: offer to carry on where it stopped.
        self.call_after_refresh(_offer_visit_resume, self)

    @work(thread=True, group="sync-import", exit_on_error=False)
    def _load_sync_worker(self) -> None:
        # The sync client brings httpx (~0.4 s to import on a slow machine): import it off the
        # UI thread so the first screen does not wait for it.
        from gridterm.ui.officer.sync_worker import SyncWorker

        self.call_from_thread(self._start_sync_worker, SyncWorker)

    def _start_sync_worker(self, worker_class: type) -> None:
        self.sync_worker = worker_class(self)
        self.sync_worker.start()

    def on_sync_state_changed(self, message: SyncStateChanged) -> None:
        self.sync_state = message.state
        if message.state == "synced":
            self._tell_update()

    def _tell_update(self) -> None:
        """Once per version: the update the township recommends, with the command for it
        (the header keeps saying it is there)."""
        update = notice(self.store)
        if update is None or self._update_told == (update.state, update.version):
            return
        self._update_told = (update.state, update.version)
        self.notify(
            t("install.notify", version=update.version, command=update.command),
            severity="warning" if update.state == "required" else "information",
            timeout=30,
        )

    def watch_sync_state(self) -> None:
        self.refresh_status_line()

    def action_sync_now(self) -> None:
        """ctrl+y: sync now, without waiting for the background schedule."""
        if self.sync_worker is None:
            return
        if not self.enrollment:
            self.notify(t("sync.not_enrolled"), severity="warning")
            return
        self.notify(t("sync.status.sync_started"))
        self.sync_worker.sync_now()

    # -- navigation --------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        return load_screen_class("home")()

    def action_open(self, name: str, **kwargs: Any) -> None:
        """Open the registered screen ``name`` on top of the current one."""
        if not screen_available(name):
            self.notify(t("tui.not_available"), severity="warning")
            return
        self.push_screen(load_screen_class(name)(**kwargs))

    # -- store changes -----------------------------------------------------------------------
    def store_changed(self, record_id: str | None = None) -> None:
        """Tell every screen the store changed (after a save), so counts and lists refresh."""
        self.refresh_status_line()
        for screen in self.screen_stack:
            screen.post_message(StoreChanged(record_id))

    # -- language ----------------------------------------------------------------------------
    def apply_language(self, lang: str) -> None:
        """Switch the language now: every screen is rebuilt from the catalogs."""
        set_language(lang)
        self.store.meta_set("language", get_language())
        self.refresh_status_line()
        self.call_later(self._rebuild_screens)

    async def _rebuild_screens(self) -> None:
        # Screens that hold nothing typed are rebuilt in place; a form keeps what was typed
        # (its footer follows the new language at once, its labels when reopened).
        for screen in list(self.screen_stack):
            if getattr(screen, "REBUILD_ON_LANGUAGE", False):
                await screen.rebuild()

    def compose(self) -> ComposeResult:
        return ()


def run(args: argparse.Namespace) -> int:
    """``gridterm`` with no subcommand: open the store, run the app, close the store."""
    from gridterm.core.paths import data_dir as resolve_data_dir
    from gridterm.core.store import Store, StoreCorrupt, StoreLocked

    folder = resolve_data_dir(getattr(args, "data_dir", None))
    try:
        store = Store.open(folder, recover=bool(getattr(args, "recover", False)))
    except (StoreLocked, StoreCorrupt) as exc:
        print(f"gridterm: {exc}", file=sys.stderr)
        return 2
    try:
        if not getattr(args, "lang", None):
            saved = store.meta_get("language")
            if saved:
                try:
                    set_language(saved)
                except ValueError:
                    pass
        app = GridtermApp(store, data_dir=folder)
        app.run(mouse=not getattr(args, "no_mouse", False))
        return app.return_code or 0
    finally:
        store.close()
