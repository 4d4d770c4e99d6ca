"""The staff console on the kit's shell, against a real service on 127.0.0.1: the header says
who is signed in on every screen, and a failed worker is said once."""

from __future__ import annotations

from textual.widgets import Static

from gridterm.client.staff import StaffClient
from gridterm.core.i18n import set_language, t
from gridterm.ui.staff.app import StaffApp
from gridterm.ui.staff.screens.detail import DetailScreen
from gridterm.ui.staff.screens.incoming import IncomingScreen
from tests.ui.staff.conftest import until


def make_app(town) -> StaffApp:
    return StaffApp(StaffClient(town.service.url, town.token), refresh_every=0)


def header(screen) -> str:
    return str(screen.query_one("#hdr-status", Static).render())


async def test_the_header_says_who_and_where_on_every_screen(township):
    set_language("en")
    app = make_app(township)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.me is not None, what="signed in")
        me = app.me
        who = t("staff.header.who", name=me["staff"]["name"], town=me["township"]["name"])
        await until(pilot, lambda: header(app.screen) == who, what="the list's header")
        first = app.screen.query_one("#in-table")
        await until(pilot, lambda: first.row_count > 0, what="rows")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the detail")
        await pilot.pause()
        assert [header(s) for s in app.screen_stack[1:]] == [who, who]


async def test_a_failed_load_is_said_once(township):
    set_language("en")
    app = make_app(township)
    said: list[tuple[str, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen) and app.me is not None)
        original = app.notify
        app.notify = lambda message, **kw: (
            said.append((kw.get("severity", ""), message)),
            original(message, **kw),
        )
        app.push_screen(DetailScreen("00000000-0000-4000-8000-00000000dead"))
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen) and said)
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(said) == 1 and said[0][0] == "error", said
