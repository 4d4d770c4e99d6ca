"""The token screen: shown when there is no token for this service, or the service refused it.

The token comes from ``gridterm admin staff add --township T NAME`` (the township's IT
gives it).  It is checked with the service (``GET /me``) before it is kept.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from gridterm.client.staff import StaffAuthError, StaffError
from gridterm.core.i18n import t
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.workers import ReportsWorkerFailures


class LoginScreen(ReportsWorkerFailures, Screen):
    CSS_PATH = "login.tcss"

    def __init__(self, message: str = "") -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield AppHeader("staff.login.title")
        with Vertical(id="lg-box"):
            yield Static(t("staff.login.intro", url=self.app.client.url), markup=False)
            yield Static(t("staff.login.token"), classes="field-label")
            yield Input(id="lg-token", password=True)
            yield Static(self.message, id="lg-error", classes="error-line", markup=False)
            yield Static(t("staff.login.keys"), classes="hint", markup=False)
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#lg-token", Input).focus()

    def show_error(self, message: str) -> None:
        self.message = message
        for line in self.query("#lg-error").results(Static):
            line.update(message)

    @on(Input.Submitted, "#lg-token")
    def _submitted(self, event: Input.Submitted) -> None:
        token = event.value.strip()
        if not token:
            self.show_error(t("staff.login.empty"))
            return
        self.show_error(t("staff.login.checking"))
        self.check(token)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def check(self, token: str) -> None:
        client = self.app.client.clone()
        client.token = token
        try:
            me = client.me()
        except StaffAuthError:
            client.close()
            self.app.call_from_thread(self.show_error, t("staff.login.refused"))
            return
        except StaffError as exc:
            client.close()
            self.app.call_from_thread(self.show_error, str(exc))
            return
        self.app.call_from_thread(self.app.signed_in, client, me)
