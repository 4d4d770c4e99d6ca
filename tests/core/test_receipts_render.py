"""Renderers decoded back with a real decoder (zxing-cpp), and ESC/POS parsed byte by byte."""

from __future__ import annotations

import re
import shlex
import sys
import xml.etree.ElementTree as ET

import png
import pytest
import zxingcpp

from gridterm.core.receipts import ReceiptError, format_number, new_number, qr_payload, sign
from gridterm.core.receipts import render as rr

SECRET = "device-secret-one"


def payload_for(url: str = "https://xz.example.gov.cn") -> str:
    number = new_number()
    return qr_payload(url, number, sign(number, SECRET))


def decode(pixels: list[list[int]]) -> list[str]:
    """Decode grey pixels (0 dark … 255 light, rows of equal length) with zxing-cpp.

    Only dark-on-light codes are read (``try_invert=False``): a light-on-dark rendering,
    which some phone cameras miss, fails here.
    """
    height, width = len(pixels), len(pixels[0])
    flat = bytes(value for row in pixels for value in row)
    view = memoryview(flat).cast("B", (height, width))
    return [found.text for found in zxingcpp.read_barcodes(view, try_invert=False)]


def modules_to_pixels(grid: list[list[bool]], scale: int = 4, margin: int = 0):
    """Module grid (True = dark) to pixels, ``margin`` extra light modules around."""
    size = len(grid[0]) + 2 * margin
    light = [255] * (size * scale)
    rows = [light for _ in range(margin * scale)]
    for row in grid:
        line = [255] * (margin * scale)
        for dark in row:
            line += [0 if dark else 255] * scale
        line += [255] * (margin * scale)
        rows += [line] * scale
    rows += [light for _ in range(margin * scale)]
    return rows


# --------------------------------------------------------------------------- size


@pytest.mark.parametrize(
    "url",
    [
        "https://xz.example.gov.cn",
        "http://192.168.1.20:8000",
        "https://qingshan-township.grid-service.example.gov.cn",
    ],
)
def test_symbol_fits_a_50x25_screen_at_ecc_m(url):
    symbol = rr.make_qr(payload_for(url))
    rows = rr.half_block_rows(symbol)
    assert symbol.ecc == "M"
    assert symbol.version <= rr.SCREEN_MAX_VERSION
    assert len(rows) <= 21 and all(len(row) <= 41 for row in rows)


def test_long_url_falls_back_to_ecc_l_to_stay_on_screen():
    url = "https://a-rather-long-township-name.county-grid-services.example.gov.cn"
    symbol = rr.make_qr(payload_for(url))
    assert symbol.ecc == "L" and symbol.version <= rr.SCREEN_MAX_VERSION
    files = rr.make_qr(symbol.payload, max_version=None)
    assert files.ecc == "M"


def test_half_blocks_decode_and_keep_the_quiet_zone():
    payload = payload_for()
    symbol = rr.make_qr(payload)
    rows = rr.half_block_rows(symbol)
    assert rows[0].strip() == ""  # top quiet row (2 modules)
    assert all(row[:2] == "  " and row[-2:] == "  " for row in rows)
    grid = []
    for row in rows:
        top = [ch in "▀█" for ch in row]
        bottom = [ch in "▄█" for ch in row]
        grid += [top, bottom]
    assert decode(modules_to_pixels(grid)) == [payload]


# --------------------------------------------------------------------------- files


def test_png_decodes_to_the_payload():
    payload = payload_for()
    data = rr.png_bytes(rr.make_qr(payload, max_version=None))
    assert data.startswith(b"\x89PNG")
    width, height, rows, info = png.Reader(bytes=data).asDirect()
    assert info["greyscale"]
    pixels = [[255 if value else 0 for value in row] for row in rows]
    assert (width, height) == (len(pixels[0]), len(pixels))
    # 4-module quiet zone: the first 4 × 8 pixel rows are all light
    assert all(value == 255 for row in pixels[:32] for value in row)
    assert decode(pixels) == [payload]


def rasterise_svg(text: str, scale: int = 4) -> list[list[int]]:
    """Draw the SVG's background rect and QR path (M x,y H V H z squares) into pixels."""
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    _, _, vw, vh = (float(v) for v in root.get("viewBox").split())
    width, height = int(vw * scale), int(vh * scale)
    pixels = [[128] * width for _ in range(height)]  # grey: anything undrawn
    for rect in root.findall("svg:rect", ns):
        value = 255 if rect.get("fill") == "#ffffff" else 0
        x, y = float(rect.get("x")), float(rect.get("y"))
        w, h = float(rect.get("width")), float(rect.get("height"))
        for py in range(int(y * scale), int((y + h) * scale)):
            pixels[py][int(x * scale) : int((x + w) * scale)] = [value] * int(w * scale)
    path = root.find("svg:path", ns)
    dx, dy = (
        float(v)
        for v in re.match(r"translate\(([-\d.]+),([-\d.]+)\)", path.get("transform")).groups()
    )
    squares = re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z", path.get("d"))
    assert squares, "the QR path should be squares"
    for x0, y0, x1, y1 in squares:
        x0, x1 = (float(x0) + dx) * scale, (float(x1) + dx) * scale
        y0, y1 = (float(y0) + dy) * scale, (float(y1) + dy) * scale
        for py in range(round(y0), round(y1)):
            pixels[py][round(x0) : round(x1)] = [0] * (round(x1) - round(x0))
    return pixels


def test_svg_rasterised_decodes_and_carries_the_number():
    payload = payload_for()
    number = payload.split("/r/")[1].split("?")[0]
    symbol = rr.make_qr(payload, max_version=None)
    text = rr.svg(
        symbol, format_number(number), ["回执编号：" + format_number(number), "x < y & z"]
    )
    assert format_number(number) in text and "x &lt; y &amp; z" in text
    assert decode(rasterise_svg(text)) == [payload]


# --------------------------------------------------------------------------- ESC/POS


def parse_escpos_qr(stream: bytes) -> dict[int, list[bytes]]:
    """Every GS ( k function's parameters by fn, read through its pL pH length bytes."""
    found: dict[int, list[bytes]] = {}
    start = 0
    while (at := stream.find(b"\x1d(k", start)) >= 0:
        length = stream[at + 3] + 256 * stream[at + 4]
        body = stream[at + 5 : at + 5 + length]
        assert body[0] == 0x31  # cn = QR code
        found.setdefault(body[1], []).append(body[2:])
        start = at + 5 + length
    return found


def test_escpos_carries_exactly_the_payload_model2_ecc_m():
    payload = payload_for()
    lines = [
        "网格事项回执",
        "回执编号：" + format_number(payload.split("/r/")[1][:11]),
        "群众：张*明 事项：燃气软管老化",
    ]
    stream = rr.escpos(lines, payload, "ABCDE-FGHJK-M")
    assert stream.startswith(b"\x1b@")  # initialise
    qr = parse_escpos_qr(stream)
    assert qr[65] == [b"\x32\x00"]  # model 2
    assert qr[69] == [b"\x31"]  # error correction M
    assert qr[80] == [b"\x30" + payload.encode("ascii")]  # exactly the payload
    assert qr[81] == [b"\x30"]  # print
    assert stream.endswith(rr.CUT) and rr.CUT.startswith(b"\x1dV")
    assert b"\x1bd" in stream[-8:]  # feed before the cut


def test_escpos_text_is_gb18030():
    lines = ["网格事项回执", "群众：欧**娜", "网格员：李网格 13800138000"]
    stream = rr.escpos(lines, None)
    assert parse_escpos_qr(stream) == {}
    text_part = stream[len(rr.INIT + rr.CHINESE_MODE) :]
    decoded = text_part.decode("gb18030", errors="strict")
    for line in lines:
        assert line in decoded
    assert "群众".encode("gb18030") in stream and "群众".encode() not in stream


def test_escpos_wraps_to_58mm_paper():
    long_line = "事项：" + "燃气软管老化" * 8
    stream = rr.escpos(["t", long_line], None)
    body = stream.split(rr.NORMAL_SIZE + rr.ALIGN_LEFT, 1)[1].split(b"\x1bd")[0]
    for line in body.decode("gb18030").split("\n"):
        assert rr._text_width(line) <= rr.LINE_COLUMNS


def test_send_to_a_device_path(tmp_path):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    rr.send(b"\x1b@hello", str(device))
    assert device.read_bytes() == b"\x1b@hello"


def test_send_to_a_command(tmp_path):
    out = tmp_path / "printed.bin"
    script = f"import sys; open({str(out)!r}, 'wb').write(sys.stdin.buffer.read())"
    command = shlex.join([sys.executable, "-c", script])
    rr.send(b"\x1b@data\x1dV\x42\x00", command)
    assert out.read_bytes() == b"\x1b@data\x1dV\x42\x00"


def test_send_failures_name_the_printer(tmp_path):
    with pytest.raises(ReceiptError) as err:
        rr.send(b"x", str(tmp_path / "no" / "such" / "lp0"))
    assert "lp0" in str(err.value)
    with pytest.raises(ReceiptError) as err:
        rr.send(b"x", "no-such-print-command-gridterm -d X")
    assert "no-such-print-command-gridterm" in str(err.value)
    failing = f"{sys.executable} -c \"import sys; sys.stderr.write('paper out'); sys.exit(3)\""
    with pytest.raises(ReceiptError) as err:
        rr.send(b"x", failing)
    assert "paper out" in str(err.value)
    with pytest.raises(ReceiptError) as err:
        rr.send(b"x", "")
    assert err.value.key == "receipts.print.no_printer"
