"""Receipts in the officer's app, through the real app and store, at 80×24 and 50×25 (and the
receipt at 40×20): one receipt per party of a case, the Receipts screen (from Home and the
palette) listing every receipt issued on the device with search, show, print and save, and
printer problems that say what to set in Settings."""

from __future__ import annotations

import shlex
import sys
from datetime import datetime, timezone

import pytest
from textual.widgets import DataTable, Input

from gridterm.core.i18n import set_language, t
from gridterm.core.receipts import format_number, issue, qr_payload
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.case import CaseScreen
from gridterm.ui.officer.screens.case_form import CaseFormScreen
from gridterm.ui.officer.screens.party_receipts import PartyReceiptsScreen
from gridterm.ui.officer.screens.receipt import ReceiptScreen
from gridterm.ui.officer.screens.receipts import ReceiptsScreen
from gridterm.ui.officer.widgets.qr import QRView
from tests.core.test_receipts_render import decode, parse_escpos_qr

from .conftest import SIZES, screen_text, settle
from .keys import P, press
from .test_receipts_screen import screen_pixels

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
SECRET = "secret-for-the-receipts-list"
ENROLLMENT = {
    "service_url": "https://zhen.example.gov.cn",
    "device_id": "dev-1",
    "token": "tok",
    "device_secret": SECRET,
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}
CASE = {
    "parties": [
        {"name": "王大明", "role": "applicant"},
        {"name": "李小花", "role": "respondent"},
        {"name": "赵老三", "role": "other"},
    ],
    "dispute_type": "neighbour",
    "source": "party_applied",
    "summary": "排水沟纠纷",
}
REPORT = {
    "category": "safety",
    "urgency": "normal",
    "place": "村口桥",
    "description": "桥栏松动",
    "raised_by": "张三明",
}


class App(GridtermApp):
    def _load_sync_worker(self) -> None:
        return None


@pytest.fixture(params=["zh_CN", "en"])
def lang(request):
    set_language(request.param)
    yield request.param
    set_language("zh_CN")


@pytest.fixture
def enrolled(store):
    store.meta_set("enrollment", ENROLLMENT)
    return store


def give(store, record: dict, party: int | None = None, body: str | None = None) -> dict:
    receipt = issue(store.get(record["id"]), SECRET, party=party, now=NOW)
    current = store.get(record["id"])
    store.update(record["id"], receipts=[*(current.get("receipts") or []), receipt])
    return receipt


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_case_gives_every_party_its_receipt_and_shows_any_again(enrolled, lang, size):
    store = enrolled
    case = store.create("case", CASE)
    given = [give(store, case, party=n) for n in range(3)]
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(CaseScreen(case["id"]))
        await settle(pilot)
        # the case file says which party holds which receipt
        shown = screen_text(app)
        assert format_number(given[1]["number"]) in shown.replace("\n", "")
        await press(pilot, "t")
        await settle(pilot)
        assert isinstance(app.screen, PartyReceiptsScreen)
        listed = screen_text(app)
        for receipt in given:
            assert format_number(receipt["number"]) in listed
        await press(pilot, "down", "enter")  # the second party
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        assert app.screen.receipt["number"] == given[1]["number"]
        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_registering_a_case_offers_each_party_a_receipt(enrolled, size):
    set_language("zh_CN")
    store = enrolled
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        form = CaseFormScreen()
        await app.push_screen(form)
        await settle(pilot)
        form.query_one("#f-dispute_type").value = "neighbour"
        form.query_one("#f-source").value = "party_applied"
        form.query_one("#f-summary", Input).value = "排水沟纠纷"
        form.query_one("#f-parties-0-name", Input).value = "王大明"
        form.query_one("#f-parties-1-name", Input).value = "李小花"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        for n, name in enumerate(["王大明", "李小花"], 1):
            assert isinstance(app.screen, ConfirmScreen)
            assert app.screen.question == t("wf.receipt.offer_party", n=n, name=name)
            await press(pilot, "y")
            await settle(pilot)
            assert isinstance(app.screen, ReceiptScreen)
            await press(pilot, "escape")
            await settle(pilot)
        [case] = store.query(kind="case")
        assert [r["party"] for r in case["receipts"]] == [0, 1]


async def open_receipts(app, pilot, how: str) -> ReceiptsScreen:
    if how == "home":
        await press(pilot, "t")
    else:
        await press(pilot, "ctrl+p")
        await settle(pilot)
        await press(pilot, P(t("ux.screen.receipts")))
        await settle(pilot)
        await press(pilot, "enter")
    await settle(pilot)
    assert isinstance(app.screen, ReceiptsScreen)
    return app.screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("how", ["home", "palette"])
async def test_the_receipts_screen_lists_every_receipt_and_finds_one(enrolled, lang, size, how):
    store = enrolled
    case = store.create("case", CASE)
    report = store.create("report", REPORT)
    for_case = [give(store, case, party=n) for n in range(2)]
    for_report = give(store, report)
    # An archived record's receipt is listed too.
    store.mark_synced([{"id": report["id"], "rev": store.get(report["id"])["rev"],
                        "result": "stored", "error": None}])  # fmt: skip
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_receipts(app, pilot, how)
        table = screen.query_one("#rc-table", DataTable)
        assert table.row_count == 3
        assert t("ux.receipts.count", shown=3, count=3) in screen_text(app).replace("\n", "")
        # by part of the number, typed as read off paper: lower case, without dashes, O for 0
        wanted = format_number(for_case[1]["number"])
        typed = wanted.replace("-", "")[3:9].lower().replace("0", "o")
        await press(pilot, "f")
        await press(pilot, P(typed))
        await settle(pilot)
        assert [item.receipt["number"] for item in screen.shown] == [for_case[1]["number"]]
        await press(pilot, "enter", "enter")  # to the list, then show it
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        assert app.screen.receipt["number"] == for_case[1]["number"]
        await press(pilot, "escape")
        await settle(pilot)
        # by a name
        search = screen.query_one("#rc-search", Input)
        search.value = "张三明"
        await settle(pilot)
        assert [item.receipt["number"] for item in screen.shown] == [for_report["number"]]
        search.value = "no such thing"
        await settle(pilot)
        assert t("ux.receipts.no_match") in screen_text(app)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_print_and_save_from_the_list_and_printer_advice(enrolled, lang, size, tmp_path):
    store = enrolled
    report = store.create("report", REPORT)
    receipt = give(store, report)
    expected = qr_payload(ENROLLMENT["service_url"], receipt["number"], receipt["sig"])
    app = App(store, data_dir=tmp_path / "data", clock=lambda: NOW)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_receipts(app, pilot, "home")
        said: list[str] = []
        original = app.notify
        app.notify = lambda message, *a, **k: (
            said.append(str(message)),
            original(message, *a, **k),
        )
        await press(pilot, "p")  # no printer set: where to set one, not a CLI flag
        await settle(pilot)
        assert said == [t("ux.print.no_printer")] and "--print" not in said[0]
        await press(pilot, "s")
        await screen.worker.wait()
        await settle(pilot)
        svg_path, png_path = screen.saved
        assert svg_path.exists() and png_path.exists()
        assert svg_path.name in screen_text(app).replace("\n", "")
        missing = tmp_path / "no-such-folder" / "lp0"
        store.meta_set("printer", str(missing))
        await press(pilot, "p")
        await settle(pilot)
        status = str(screen.query_one("#rc-status").render())
        assert t("ux.print.check_settings", dest=str(missing)) in status
        out = tmp_path / "printed.bin"
        script = f"import sys; open({str(out)!r}, 'wb').write(sys.stdin.buffer.read())"
        store.meta_set("printer", shlex.join([sys.executable, "-c", script]))
        await press(pilot, "p")
        await screen.worker.wait()
        await settle(pilot)
        assert parse_escpos_qr(out.read_bytes())[80] == [b"0" + expected.encode()]


@pytest.mark.parametrize("size", [(40, 20), (50, 25), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_receipt_number_is_on_screen_with_the_code(enrolled, size):
    """At 40×20 the number went off-screen below the code; now the code is drawn with a
    narrower margin there, still reads, and the number is in the header line above it."""
    store = enrolled
    report = store.create("report", REPORT)
    receipt = give(store, report)
    expected = qr_payload(ENROLLMENT["service_url"], receipt["number"], receipt["sig"])
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(ReceiptScreen(store.get(report["id"]), receipt))
        await settle(pilot)
        qr = app.screen.query_one(QRView)
        assert qr.region.right <= size[0] and qr.region.bottom <= size[1] - 1
        assert decode(screen_pixels(app)) == [expected]
        number = format_number(receipt["number"])
        rows = screen_text(app).splitlines()
        small = app.screen.query_one("#receipt-number")
        big = app.screen.query_one("#receipt-big")
        if size == (40, 20):
            assert number in rows[0] and not small.display and not big.display
        else:
            line = big if big.display else small
            assert line.region.y >= qr.region.bottom and line.region.bottom <= size[1] - 1
            assert number not in rows[0]
