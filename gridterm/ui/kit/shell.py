"""The shell both apps are built on: the clock, going back, the command palette, the theme,
the header's status line and the one place a failed worker is said.

``GridtermApp`` (the officer's) and ``StaffApp`` (the township's) derive from
:class:`ShellApp`; each sets its bindings (their ids are the user's to remap), the catalog
key of its palette's placeholder, how deep its floor of screens is, and what its header
says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker

from gridterm.core.i18n import t
from gridterm.ui.kit.times import local_now
from gridterm.ui.kit.workers import failed, failure_text


class ShellApp(App[int]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]
    # Notifications: one line at the top edge, over the header, newest in sight — never over
    # a QR code or the field being typed in (Textual's own sit bottom right, 60 wide and three
    # lines tall: half a phone's screen).
    CSS = """
    ToastRack {
        dock: top;
        align: left top;
        height: auto;
        max-height: 1;
        margin: 0;
        overflow: hidden hidden;
    }
    ToastHolder { align-horizontal: left; }
    Toast {
        width: 1fr;
        max-width: 100%;
        height: 1;
        margin: 0;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        border-left: none;
    }
    Toast.-information { background: $success-muted; color: $text; }
    Toast.-warning { background: $warning; color: $text; }
    Toast.-error { background: $error; color: $text; text-style: bold; }
    """
    # "?" lists every key of the screen: the key bar of a phone holds only a few.
    BINDINGS = [Binding("question_mark", "show_keys", "ux.key.keys", id="keys", show=False)]
    #: screens at the bottom of the stack that escape never leaves
    BACK_FLOOR = 1
    #: catalog key of the command palette's placeholder
    PALETTE_PLACEHOLDER = "kit.palette.placeholder"

    #: what every header shows beside its title (see ``header_status``)
    status_line: var[str] = var("")

    def __init__(self, *, clock: Callable[[], datetime] = local_now) -> None:
        super().__init__()
        self.clock = clock
        self.theme = "textual-dark"

    def now(self) -> datetime:
        """The time screens show and stamp records with (tests fix it)."""
        return self.clock()

    # -- the header --------------------------------------------------------------------------
    def header_status(self) -> str:
        """The status line's text, computed now; each app says its own."""
        return ""

    def refresh_status_line(self) -> None:
        """Compute the status line again; every header on every screen follows."""
        self.status_line = self.header_status()

    # -- navigation --------------------------------------------------------------------------
    def action_back(self) -> None:
        if len(self.screen_stack) > self.BACK_FLOOR:
            self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to go back to: hide the key.
        return not (action == "back" and len(self.screen_stack) <= self.BACK_FLOOR)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=t(self.PALETTE_PLACEHOLDER))
            )

    def action_show_keys(self) -> None:
        from gridterm.ui.kit.keys import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Textual's, except that a message is plain text unless asked otherwise: a path or a
        bracket in it ("[x]") is never read as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own commands are in English only; each app's COMMANDS offer ours.
        return ()

    # -- worker failures ---------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The app's own workers; screens hand theirs over (kit.workers.ReportsWorkerFailures).
        if failed(event):
            self.worker_failed(event.worker.error)

    def worker_failed(self, error: BaseException | None) -> None:
        """A worker failed: say what went wrong, in the user's language, and carry on."""
        if self.worker_failure_handled(error):
            return
        self.notify(failure_text(error), severity="error", timeout=8)

    def worker_failure_handled(self, error: BaseException | None) -> bool:
        """An app's hook for failures that need more than a notification (the staff
        console's refused token brings its token screen back); True when handled."""
        return False
