"""The receipt screen through the real app and store: the QR code is read back with zxing-cpp
from the screen's own cells at 80×24 and 50×25, in a dark and a light theme; p prints, s saves."""

from __future__ import annotations

import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rich.color import Color

import gridterm.ui.officer.app
from gridterm.core.i18n import set_language, t
from gridterm.core.receipts import format_number, issue_for, qr_payload
from gridterm.core.store import Store
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.receipt import ReceiptScreen
from gridterm.ui.officer.widgets.qr import QRView, big_text
from tests.core.test_receipts_render import decode, parse_escpos_qr, rasterise_svg

SIZES = [(80, 24), (50, 25)]
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
ENROLLMENT = {
    "service_url": "https://qingshan.example.gov.cn",
    "device_id": "dev-screen",
    "token": "tok",
    "device_secret": "device-secret-screen",
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}
REPORT = {
    "category": "safety",
    "urgency": "normal",
    "place": "东村3组",
    "description": "燃气软管老化，需要更换",
    "raised_by": "张三明",
}


class App(GridtermApp):
    """The officer's app without its background sync: these tests make no network calls."""

    CSS_PATH = str(Path(gridterm.ui.officer.app.__file__).with_name("app.tcss"))

    def on_mount(self) -> None:
        pass


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "data") as opened:
        opened.meta_set("enrollment", ENROLLMENT)
        yield opened


def issued(store):
    rec = store.create("report", REPORT)
    return issue_for(store, rec["id"], now=NOW)


def luminance(color: Color | None, default: int) -> int:
    if color is None or color.is_default:
        return default
    r, g, b = color.get_truecolor()
    return int(0.299 * r + 0.587 * g + 0.114 * b)


def screen_pixels(app, scale: int = 3) -> list[list[int]]:
    """The composed screen drawn to grey pixels: each cell ``scale`` wide and two half-cells
    ``scale`` tall; half blocks by their colours, any other glyph as its background."""
    strips = app.screen._compositor.render_strips()
    rows: list[list[int]] = []
    for strip in strips:
        top: list[int] = []
        bottom: list[int] = []
        for segment in strip:
            style = segment.style
            fg = luminance(style.color if style else None, 255)
            bg = luminance(style.bgcolor if style else None, 0)
            if style is not None and style.reverse:
                fg, bg = bg, fg
            for ch in segment.text:
                upper, lower = {"▀": (fg, bg), "▄": (bg, fg), "█": (fg, fg)}.get(ch, (bg, bg))
                top += [upper] * scale
                bottom += [lower] * scale
        rows += [top] * scale + [bottom] * scale
    width = max(len(row) for row in rows)
    return [row + [0] * (width - len(row)) for row in rows]


LONG_URL = "https://qingshan-township.grid-service.example.gov.cn"  # a version 5 code


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("theme", "url"),
    [
        ("textual-dark", ENROLLMENT["service_url"]),
        ("textual-light", ENROLLMENT["service_url"]),
        ("textual-dark", LONG_URL),
    ],
)
async def test_qr_reads_back_from_the_screen(store, size, theme, url):
    store.meta_set("enrollment", {**ENROLLMENT, "service_url": url})
    record, receipt = issued(store)
    expected = qr_payload(url, receipt["number"], receipt["sig"])
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        app.theme = theme
        await app.push_screen(ReceiptScreen(record, receipt))
        await pilot.pause()
        qr = app.screen.query_one(QRView)
        region = qr.region
        assert region.right <= size[0] and region.bottom <= size[1]  # whole code on screen
        assert decode(screen_pixels(app)) == [expected]
        # dark on light whatever the theme: every cell of the code names both colours
        strips = app.screen._compositor.render_strips()
        for y in range(region.y, region.bottom):
            x = 0
            for segment in strips[y]:
                if region.x <= x < region.right:
                    assert segment.style.color.triplet.hex == "#000000"
                    assert segment.style.bgcolor.triplet.hex == "#ffffff"
                x += segment.cell_length
        # the number is visible beneath the code, large or spaced
        number = format_number(receipt["number"])
        big = app.screen.query_one("#receipt-big")
        small = app.screen.query_one("#receipt-number")
        shown = big if big.display else small
        assert shown.region.y >= region.bottom and shown.region.bottom <= size[1] - 1
        assert qr.symbol.version == (5 if url == LONG_URL else 4)
        if size == (80, 24) and url != LONG_URL:
            assert big.display and str(big.render()) == "\n".join(big_text(number))
        else:
            assert small.display and str(small.render()) == " ".join(number)


async def test_no_color_keeps_the_code_dark_on_light(store, monkeypatch):
    """NO_COLOR turns Textual monochrome: black and white survive, so the code still reads."""
    monkeypatch.setenv("NO_COLOR", "1")
    record, receipt = issued(store)
    expected = qr_payload(ENROLLMENT["service_url"], receipt["number"], receipt["sig"])
    app = App(store, clock=lambda: NOW)
    assert app.no_color
    async with app.run_test(size=(50, 25)) as pilot:
        await app.push_screen(ReceiptScreen(record, receipt))
        await pilot.pause()
        assert decode(screen_pixels(app)) == [expected]
        header = app.screen._compositor.render_strips()[0]
        r, g, b = next(iter(header)).style.bgcolor.get_truecolor()
        assert r == g == b  # the monochrome filter did run


async def test_masked_text_and_language(store):
    set_language("zh_CN")
    record, receipt = issued(store)
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ReceiptScreen(record, receipt))
        await pilot.pause()
        text = str(app.screen.query_one("#receipt-text").render())
        assert "张*明" in text and "张三明" not in text
        assert "李网格" in text and "同步" in text


async def test_keys_save_print_and_back(store, tmp_path):
    record, receipt = issued(store)
    expected = qr_payload(ENROLLMENT["service_url"], receipt["number"], receipt["sig"])
    data_dir = tmp_path / "data"
    app = App(store, data_dir=data_dir, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        await app.push_screen(ReceiptScreen(record, receipt))
        await pilot.pause()
        screen = app.screen
        await pilot.press("p")  # no printer set yet: a warning, nothing sent
        await pilot.pause()
        # It says where to set one — Settings — not a command-line flag (issue 12).
        assert any(n.message == t("ux.print.no_printer") for n in app._notifications)
        assert not any("--print" in n.message for n in app._notifications)

        await pilot.press("s")
        await screen.worker.wait()
        await pilot.pause()
        svg_path, png_path = screen.saved
        assert svg_path.parent == data_dir / "receipts" and png_path.exists()
        assert str(svg_path) in str(screen.query_one("#receipt-saved").render())
        assert decode(rasterise_svg(svg_path.read_text(encoding="utf-8"))) == [expected]

        out = tmp_path / "printed.bin"
        script = f"import sys; open({str(out)!r}, 'wb').write(sys.stdin.buffer.read())"
        store.meta_set("printer", shlex.join([sys.executable, "-c", script]))
        await pilot.press("p")
        await screen.worker.wait()
        await pilot.pause()
        assert parse_escpos_qr(out.read_bytes())[80] == [b"0" + expected.encode()]

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReceiptScreen)


async def test_escape_dismisses_so_the_caller_hears(store):
    record, receipt = issued(store)
    closed = []
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ReceiptScreen(record, receipt), closed.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert closed == [None] and not isinstance(app.screen, ReceiptScreen)


async def test_before_enrollment_shows_the_number_and_says_why_no_code(store):
    record, receipt = issued(store)
    store.meta_set("enrollment", None)
    app = App(store, clock=lambda: NOW)
    async with app.run_test(size=(50, 25)) as pilot:
        await app.push_screen(ReceiptScreen(record, receipt))
        await pilot.pause()
        assert not app.screen.query(QRView)
        assert "enrolled" in str(app.screen.query_one("#receipt-no-qr").render())
        assert " ".join(format_number(receipt["number"])) in str(
            app.screen.query_one("#receipt-number").render()
        )
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.saved is None
