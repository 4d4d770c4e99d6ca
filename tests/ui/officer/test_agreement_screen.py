"""Printing a case's mediation agreement from the case screen, through the real app and store,
at 80×24 and 50×25, in zh_CN and en: ``p`` on the case shows the agreement and its A4 link;
``p`` there sends every copy to the 58 mm printer (read back from the printer's file), ``o``
opens the A4 page; a case without an agreement, or no printer, says what to do.
No network: the app's background sync is not started."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

import gridterm.ui.officer.app
from gridterm.core.i18n import set_language, t
from gridterm.core.receipts import agreement_link, agreement_print
from gridterm.core.receipts.render import CUT
from gridterm.core.store import Store
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.agreement import AgreementScreen, agreement_of
from gridterm.ui.officer.screens.case import CaseScreen
from tests.ui.officer.keys import assert_no_raw_keys, screen_text

SIZES = [(80, 24), (50, 25)]
LANGS = ["zh_CN", "en"]
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SECRET = "device-secret-agreement"
ENROLLMENT = {
    "service_url": "https://qingshan.example.gov.cn",
    "device_id": "dev-agreement",
    "token": "tok",
    "device_secret": SECRET,
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}
CASE = {
    "parties": [
        {"name": "赵小红", "role": "applicant", "phone": "13800138000"},
        {"name": "钱大伟", "role": "respondent"},
    ],
    "dispute_type": "neighbour",
    "source": "party_applied",
    "summary": "宅前排水沟堵塞引起争执",
    "mediators": [{"id": "m1", "name": "李守仁", "standing": "teacher"}],
    "outcome": "success",
    "agreement": {
        "facts": "渣土堵了排水沟",
        "terms": "钱大伟十日内清理排水沟并赔偿800元",
        "performance_manner": "现金",
        "performance_deadline": "2026-12-15",
    },
}


class App(GridtermApp):
    """The officer's app without its background sync; it remembers the URLs it opened."""

    CSS_PATH = str(Path(gridterm.ui.officer.app.__file__).with_name("app.tcss"))

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.opened: list[str] = []

    def on_mount(self) -> None:
        pass

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability has its own crash tests
    with Store.open(tmp_path / "data") as opened:
        opened.meta_set("enrollment", ENROLLMENT)
        yield opened


@pytest.fixture(params=LANGS)
def lang(request):
    set_language(request.param)
    yield request.param
    set_language("zh_CN")


async def open_case(pilot, case_id: str) -> None:
    pilot.app.push_screen(CaseScreen(case_id))
    await pilot.pause()
    await pilot.press("p")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_print_every_copy_and_open_the_a4_page(store, tmp_path, size, lang):
    printer = tmp_path / "lp0"
    printer.write_bytes(b"")
    store.meta_set("printer", str(printer))
    case = store.create("case", CASE)
    app = App(store, data_dir=tmp_path, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await open_case(pilot, case["id"])
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        shown = screen_text(app)
        assert_no_raw_keys(app)
        assert "agreement." not in shown
        keys = t("agreement.screen.keys", count=3)
        assert keys[:20] in shown.replace("\n", "")  # the keys line is in sight
        assert "赵小红" in shown and "钱大伟" in shown
        assert "/agreement/" in str(screen.query_one("#agreement-link").render())

        await pilot.press("p")
        await pilot.pause()
        await screen.worker.wait()
        await pilot.pause()
        printed = printer.read_bytes()
        assert printed == agreement_print.escpos(agreement_of(case, ENROLLMENT))
        assert printed.count(CUT) == 3  # two parties and the archive, cut apart
        assert "赵小红".encode("gb18030") in printed

        await pilot.press("o")
        await pilot.pause()
        assert len(app.opened) == 1
        found = re.search(r"/agreement/([^?]+)\?rev=(\d+)&exp=(\d+)&s=([0-9a-f]+)", app.opened[0])
        assert found and found.group(1) == case["id"] and int(found.group(2)) == case["rev"]
        state = agreement_link.link_state(
            case["id"], int(found.group(2)), int(found.group(3)), found.group(4), SECRET, NOW
        )
        assert state == "ok"
        assert ("lang=en" in app.opened[0]) == (lang == "en")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_no_agreement_no_printer_no_enrollment_each_say_what_to_do(store, tmp_path, size):
    set_language("zh_CN")
    bare = store.create("case", {**CASE, "outcome": None, "agreement": None})
    settled = store.create("case", CASE)
    store.meta_set("enrollment", None)
    app = App(store, data_dir=tmp_path, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await open_case(pilot, bare["id"])
        assert isinstance(app.screen, CaseScreen)
        notes = [n.message for n in app._notifications]
        assert any("按 a" in n for n in notes), notes

        app.pop_screen()
        await open_case(pilot, settled["id"])
        assert isinstance(app.screen, AgreementScreen)
        assert "登记" in str(app.screen.query_one("#agreement-link").render())
        await pilot.press("p")  # no printer set
        await pilot.press("o")  # no service to open
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any(t("ux.print.no_printer") == n for n in notes), notes  # Settings, not a flag
        assert any(t("agreement.screen.no_link") == n for n in notes), notes
        assert app.opened == []
