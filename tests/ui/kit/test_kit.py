"""The kit both apps share, on a small host app: the shell (back, palette, failed workers,
the header's status line), the one confirm dialog, and how times are shown."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerFailed

from gridterm.core.errors import GridtermError
from gridterm.core.i18n import has, set_language, t
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.shell import ShellApp
from gridterm.ui.kit.times import full_time, short_time
from gridterm.ui.kit.workers import ReportsWorkerFailures

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA)


class Page(ReportsWorkerFailures, Screen):
    def compose(self) -> ComposeResult:
        yield AppHeader("kit.key.yes")
        yield Static("page")

    def fail(self, error: BaseException) -> Worker:
        def job() -> None:
            raise error

        return self.run_worker(job, thread=True, exit_on_error=False)


async def ended(pilot, worker: Worker) -> None:
    """Until the worker has ended (in an error, here) and the app has heard of it."""
    with contextlib.suppress(WorkerFailed):
        await worker.wait()
    await pilot.pause()


class Host(ShellApp):
    BINDINGS = [Binding("escape", "back", "kit.key.not_now", id="host.back")]

    def __init__(self) -> None:
        super().__init__(clock=lambda: NOW)
        self.status = "first"
        self.handled: list[BaseException | None] = []

    def header_status(self) -> str:
        return self.status

    def get_default_screen(self) -> Screen:
        return Page()

    def worker_failure_handled(self, error: BaseException | None) -> bool:
        if isinstance(error, KeyError):
            self.handled.append(error)
            return True
        return False


def capture(app) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        said.append((kwargs.get("severity", "information"), str(message)))
        return original(message, *args, **kwargs)

    app.notify = notify
    return said


def status_of(screen) -> str:
    return str(screen.query_one("#hdr-status", Static).render())


@pytest.fixture(autouse=True)
def english():
    set_language("en")


# -- the header's status line ------------------------------------------------------------------


async def test_every_header_on_the_stack_follows_the_apps_status_line():
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        await app.push_screen(Page())
        await pilot.pause()
        below, top = app.screen_stack
        assert status_of(below) == status_of(top) == "first"
        app.status = "second"
        app.refresh_status_line()
        await pilot.pause()
        assert status_of(below) == status_of(top) == "second"
        # A header that appears computes it afresh (what changed unannounced shows at once).
        app.status = "third"
        await app.push_screen(Page())
        await pilot.pause()
        assert [status_of(s) for s in app.screen_stack] == ["third"] * 3


# -- failed workers ----------------------------------------------------------------------------


class Refused(GridtermError):
    key = "kit.confirm.no"  # any catalog text: the error's own message is said as it is


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ValueError("bad value"),
            lambda: t("kit.error.unexpected", detail="ValueError: bad value"),
        ),
        (Refused(), lambda: t("kit.confirm.no")),
    ],
    ids=["unexpected", "gridterm-error"],
)
async def test_a_failed_screen_worker_is_said_once_and_the_app_goes_on(error, expected):
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        said = capture(app)
        await ended(pilot, app.screen.fail(error))
        assert app.is_running
        assert said == [("error", expected())]


async def test_the_apps_own_worker_failing_is_said_too():
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        said = capture(app)

        def job() -> None:
            raise OSError("disk full")

        await ended(pilot, app.run_worker(job, thread=True, exit_on_error=False))
        assert app.is_running
        assert said == [("error", t("kit.error.unexpected", detail="OSError: disk full"))]


async def test_an_app_can_take_a_failure_itself():
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        said = capture(app)
        await ended(pilot, app.screen.fail(KeyError("token")))
        assert said == [] and [type(e) for e in app.handled] == [KeyError]


# -- back and the palette ----------------------------------------------------------------------


async def test_escape_goes_back_but_never_below_the_floor():
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        await app.push_screen(Page())
        await pilot.pause()
        assert app.check_action("back", ())
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and not app.check_action("back", ())
        app.action_back()
        await pilot.pause()
        assert len(app.screen_stack) == 1


async def test_the_palette_speaks_the_users_language_and_offers_no_english_commands():
    set_language("zh_CN")
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        app.action_command_palette()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == t("kit.palette.placeholder")
        assert list(app.get_system_commands(app.screen)) == []


# -- the confirm dialog ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "answer"), [("y", True), ("enter", True), ("n", False), ("escape", None)]
)
async def test_confirm_answers_yes_no_or_not_now(key, answer):
    app = Host()
    answers: list[bool | None] = []
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(ConfirmScreen("Drop the draft?", no="drop it"), answers.append)
        await pilot.pause()
        assert "Drop the draft?" in str(app.screen.query_one("#confirm-text", Static).render())
        assert "drop it" in str(app.screen.query_one("#confirm-keys", Static).render())
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert answers == [answer]  # escape is "not now": no answer, never a "no"


def test_confirm_keys_are_named_in_both_languages_and_can_be_remapped():
    for binding in ConfirmScreen.BINDINGS:
        assert binding.id and binding.id.startswith("confirm.")
        assert has(binding.description, "en") and has(binding.description, "zh_CN")


# -- times -------------------------------------------------------------------------------------


def test_short_and_full_times_in_the_viewers_zone():
    assert short_time("2026-11-25T01:30:00+00:00", NOW) == "09:30"  # today in +08:00
    assert short_time("2026-11-24T15:59:00+00:00", NOW) == "11-24 23:59"
    assert short_time(datetime(2026, 11, 25, 8, 5, tzinfo=CHINA), NOW) == "08:05"
    assert short_time(None, NOW) == short_time("", NOW) == short_time("not a time", NOW) == ""
    assert full_time("2026-11-24T15:59:00+00:00", NOW) == "2026-11-24 23:59"
    assert full_time(None, NOW) == ""
