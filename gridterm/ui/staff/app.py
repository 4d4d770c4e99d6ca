"""The township staff console: ``gridterm staff URL``.

Screens (``gridterm/ui/staff/screens/``): the token screen when there is no working token, the
incoming list, a record's detail, and the dialogs (transition, comment, export).  Every
network call runs in a thread worker with its own :class:`StaffClient`; a failure becomes a
translated ``notify(..., severity="error")`` in :meth:`StaffApp.on_worker_state_changed`, and a
refused token brings the token screen back.  See docs/staff_console.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from gridterm.client.staff import StaffAuthError, StaffClient, StaffError
from gridterm.core.i18n import t
from gridterm.ui.staff.commands import StaffCommands

BASE_DEPTH = 2  # the default screen + the incoming list (or the token screen)
REFRESH_EVERY = 30.0  # seconds between background refreshes of the incoming list


def local_now() -> datetime:
    return datetime.now().astimezone()


class StaffApp(App[int]):
    """``client`` holds the service URL and (maybe) a token; ``remember(token)`` is called
    once a token typed on the token screen has been accepted by the service."""

    # Absolute, so that subclasses elsewhere (tests, screenshots) find it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "gridterm staff"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]
    COMMANDS = {StaffCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "staff.key.quit", id="staff.quit", priority=True),
        Binding("escape", "back", "staff.key.back", id="staff.back"),
        Binding(
            "ctrl+p", "command_palette", "staff.key.palette", id="staff.palette", priority=True
        ),
    ]

    def __init__(
        self,
        client: StaffClient,
        *,
        remember: Callable[[str], object] | None = None,
        refresh_every: float = REFRESH_EVERY,
        clock: Callable[[], datetime] = local_now,
        login_message: str = "",
    ) -> None:
        super().__init__()
        self.login_message = login_message
        self.client = client
        self.remember = remember
        self.refresh_every = refresh_every
        self.clock = clock
        self.me: dict | None = None
        self.grids: list[dict] = []
        self.theme = "textual-dark"

    def now(self) -> datetime:
        return self.clock()

    def on_mount(self) -> None:
        # The first real screen goes on top of the (empty) default one, so that signing in
        # or out swaps it with switch_screen and the stack is never empty.
        if self.client.token:
            from gridterm.ui.staff.screens.incoming import IncomingScreen

            self.push_screen(IncomingScreen())
        else:
            from gridterm.ui.staff.screens.login import LoginScreen

            self.push_screen(LoginScreen(message=self.login_message))

    def api(self) -> StaffClient:
        """A client of its own for one worker thread (close it when done: ``with app.api()``)."""
        return self.client.clone()

    def signed_in(self, client: StaffClient, me: dict) -> None:
        """The token screen found a token that works: keep it and show the incoming list."""
        from gridterm.ui.staff.screens.incoming import IncomingScreen

        self.client = client
        self.me = me
        if self.remember is not None:
            try:
                self.remember(client.token)
            except OSError as exc:
                self.notify(t("staff.login.not_saved", detail=str(exc)), severity="warning")
        self.switch_screen(IncomingScreen())

    def token_refused(self, error: StaffError) -> None:
        from gridterm.ui.staff.screens.login import LoginScreen

        if isinstance(self.screen, LoginScreen):
            self.screen.show_error(str(error))
            return
        while len(self.screen_stack) > BASE_DEPTH:
            self.pop_screen()
        self.switch_screen(LoginScreen(message=str(error)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker.error)

    def worker_failed(self, error: BaseException | None) -> None:
        """A network call in a worker failed: say so in the user's language."""
        if isinstance(error, StaffAuthError):
            self.token_refused(error)
        elif isinstance(error, StaffError):
            self.notify(str(error), severity="error", timeout=8)
        else:
            self.notify(
                t("staff.error.unexpected", detail=f"{type(error).__name__}: {error}"),
                severity="error",
                timeout=8,
            )

    # -- navigation --------------------------------------------------------------------------
    def action_back(self) -> None:
        if len(self.screen_stack) > BASE_DEPTH:
            self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "back" and len(self.screen_stack) <= BASE_DEPTH)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=t("staff.palette.placeholder"))
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return ()  # Textual's own commands are English only; ours come from StaffCommands
