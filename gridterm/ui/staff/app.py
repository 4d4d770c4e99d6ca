"""The township staff console: ``gridterm staff URL``.

Screens (``gridterm/ui/staff/screens/``): the token screen when there is no working token, the
incoming list (a township's first screen), the county console (the first screen of county
staff and county leaders), a record's detail, and the dialogs (transition, tier,
supervision, comment, export).  Every network call runs in a thread worker with its own
:class:`StaffClient`; a failure becomes a translated ``notify(..., severity="error")`` in
the kit's shell (``gridterm.ui.kit.shell.ShellApp.worker_failed``), and a refused token
brings the token screen back (:meth:`StaffApp.worker_failure_handled`).  See
docs/staff_console.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.binding import Binding
from textual.screen import Screen

from gridterm.client.staff import StaffAuthError, StaffClient, StaffError
from gridterm.core.i18n import t
from gridterm.ui.kit.palette import KeyCommands
from gridterm.ui.kit.shell import ShellApp
from gridterm.ui.kit.times import local_now
from gridterm.ui.staff import photos
from gridterm.ui.staff.tiers import is_county_role

BASE_DEPTH = 2  # the default screen + the incoming list (or the token screen)
REFRESH_EVERY = 30.0  # seconds between background refreshes of the incoming list


class StaffApp(ShellApp):
    """``client`` holds the service URL and (maybe) a token; ``remember(token)`` is called
    once a token typed on the token screen has been accepted by the service."""

    # Absolute, so that subclasses elsewhere (tests, screenshots) find it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "gridterm staff"
    COMMANDS = {KeyCommands}
    BACK_FLOOR = BASE_DEPTH
    PALETTE_PLACEHOLDER = "staff.palette.placeholder"
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
        export_folder: Path | None = None,
    ) -> None:
        super().__init__(clock=clock)
        # Before the app owns the terminal: textual-image asks it what it can draw.
        photos.prepare()
        self.login_message = login_message
        #: where the export dialog proposes to save (the folder the console was started in)
        self.export_folder = export_folder or Path.cwd()
        self.client = client
        self.remember = remember
        self.refresh_every = refresh_every
        self.me: dict | None = None
        self.grids: list[dict] = []
        #: who records can be assigned to (the township's departments list), as last read
        self.departments: list[dict] = []

    def header_status(self) -> str:
        """Who is signed in, and where (nothing before the service has said)."""
        if not self.me:
            return ""
        # A county's staff and leaders belong to a county, not a township.
        where = self.me.get("township") or self.me.get("county") or {}
        return t("staff.header.who", name=self.me["staff"]["name"], town=where.get("name", ""))

    def home_screen(self) -> Screen:
        """The first screen: a county's console for county staff and leaders, else the
        township's incoming list (also while the service has not said who the token is:
        the list then opens the county's console itself if it turns out to be one)."""
        if is_county_role(self.me):
            from gridterm.ui.staff.screens.county import CountyScreen

            return CountyScreen()
        from gridterm.ui.staff.screens.incoming import IncomingScreen

        return IncomingScreen()

    def on_mount(self) -> None:
        # The first real screen goes on top of the (empty) default one, so that signing in
        # or out swaps it with switch_screen and the stack is never empty.
        if self.client.token:
            self.push_screen(self.home_screen())
        else:
            from gridterm.ui.staff.screens.login import LoginScreen

            self.push_screen(LoginScreen(message=self.login_message))

    def api(self) -> StaffClient:
        """A client of its own for one worker thread (close it when done: ``with app.api()``)."""
        return self.client.clone()

    def signed_in(self, client: StaffClient, me: dict) -> None:
        """The token screen found a token that works: keep it and show the first screen."""
        self.client = client
        self.me = me
        if self.remember is not None:
            try:
                self.remember(client.token)
            except OSError as exc:
                self.notify(t("staff.login.not_saved", detail=str(exc)), severity="warning")
        self.refresh_status_line()
        self.switch_screen(self.home_screen())

    def token_refused(self, error: StaffError) -> None:
        from gridterm.ui.staff.screens.login import LoginScreen

        if isinstance(self.screen, LoginScreen):
            self.screen.show_error(str(error))
            return
        while len(self.screen_stack) > BASE_DEPTH:
            self.pop_screen()
        self.switch_screen(LoginScreen(message=str(error)))

    def worker_failure_handled(self, error: BaseException | None) -> bool:
        # A token the service refuses (revoked): the token screen, not a notification.
        if isinstance(error, StaffAuthError):
            self.token_refused(error)
            return True
        return False
