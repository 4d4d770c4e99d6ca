"""Receipt renderers: the QR code as terminal half-blocks, SVG, PNG, plain text and ESC/POS.

No UI here (the Textual widget draws :func:`half_block_rows`), and no QR encoding by hand:
the qrcode library builds every symbol.  What this module decides:

- **Size.**  The symbol must fit a 50×25 terminal with its quiet zone, so the payload is
  encoded in mixed modes (the upper-case number and signature in QR's alphanumeric mode,
  5.5 bits a character instead of 8) and error correction M is used when the symbol still
  fits version 5 (37 modules; 41 with a 2-module quiet zone = 21 terminal rows), else L.
- **Contrast.**  Dark modules on light, whatever the theme: the terminal rendering names its
  colours, and the quiet zone is light too (2 modules on screen, 4 in files).
- **Printers.**  ESC/POS for 58 mm thermal printers: initialise, Chinese text in GB18030,
  the printer's own QR command (GS ( k, model 2, error correction M) carrying exactly the
  payload, feed and cut.  Sent to a device path (``/dev/usb/lp0``, ``/dev/rfcomm0``) or to a
  command that reads stdin (``lp -d NAME -o raw``).
"""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M

from gridterm.core.dates.zone import township_zone
from gridterm.core.receipts import ReceiptError

if TYPE_CHECKING:
    from gridterm.core.store import RecordStore

SCREEN_QUIET = 2  # modules of light margin around the code on screen
FILE_QUIET = 4  # what the QR standard asks for, in files and on paper
SCREEN_MAX_VERSION = 5  # 37 modules + 2×2 quiet = 41 columns, 21 rows: fits 50×25
DARK = "#000000"
LIGHT = "#ffffff"

_ECC = {"M": ERROR_CORRECT_M, "L": ERROR_CORRECT_L}
# Upper/lower half blocks, keyed by (top dark, bottom dark), drawn dark-on-light.
_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


@dataclass(frozen=True)
class QRSymbol:
    """One encoded QR code: its payload and its module grid (without quiet zone)."""

    payload: str
    version: int
    ecc: str
    modules: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        return len(self.modules)

    def grid(self, quiet: int) -> list[list[bool]]:
        """The modules with ``quiet`` light modules on every side (True = dark)."""
        width = self.size + 2 * quiet
        blank = [False] * width
        rows = [list(blank) for _ in range(quiet)]
        rows += [[False] * quiet + list(row) + [False] * quiet for row in self.modules]
        rows += [list(blank) for _ in range(quiet)]
        return rows


def _build(payload: str, ecc: str, version: int | None = None) -> qrcode.QRCode:
    """The smallest symbol for ``payload``: byte mode, or mixed modes when that is smaller."""
    candidates = []
    for optimize in (0, 6):
        qr = qrcode.QRCode(version=version, error_correction=_ECC[ecc], border=0)
        qr.add_data(payload, optimize=optimize)
        qr.best_fit(start=version)
        candidates.append(qr)
    best = min(candidates, key=lambda qr: qr.version)  # the first of the smallest
    best.make(fit=False)
    return best


def make_qr(payload: str, max_version: int | None = SCREEN_MAX_VERSION) -> QRSymbol:
    """Encode ``payload``: error correction M when the symbol fits ``max_version``, else L.

    A payload too long for version 5 even at L (a service URL over ~70 characters) still
    gets a code, only a larger one than a 50×25 screen holds.
    """
    qr = _build(payload, "M")
    ecc = "M"
    if max_version is not None and qr.version > max_version:
        smaller = _build(payload, "L")
        if smaller.version < qr.version:
            qr, ecc = smaller, "L"
    modules = tuple(tuple(bool(cell) for cell in row) for row in qr.modules)
    return QRSymbol(payload=payload, version=qr.version, ecc=ecc, modules=modules)


# --------------------------------------------------------------------------- terminal


def half_block_rows(symbol: QRSymbol, quiet: int = SCREEN_QUIET) -> list[str]:
    """Terminal rows, two modules per cell vertically: draw with DARK on LIGHT.

    ``▀`` is a dark top module, ``▄`` a dark bottom one, ``█`` both, a space neither.
    """
    grid = symbol.grid(quiet)
    if len(grid) % 2:
        grid.append([False] * len(grid[0]))
    return [
        "".join(_HALF[top, bottom] for top, bottom in zip(grid[y], grid[y + 1], strict=True))
        for y in range(0, len(grid), 2)
    ]


def ansi_rows(symbol: QRSymbol, quiet: int = SCREEN_QUIET) -> list[str]:
    """:func:`half_block_rows` wrapped in ANSI black-on-white, for printing to a terminal."""
    return [f"\x1b[30;107m{row}\x1b[0m" for row in half_block_rows(symbol, quiet)]


# --------------------------------------------------------------------------- files


def png_bytes(symbol: QRSymbol, scale: int = 8, quiet: int = FILE_QUIET) -> bytes:
    """The code as a 1-bit PNG (qrcode's pure-Python PyPNG image: no Pillow)."""
    from qrcode.image.pure import PyPNGImage

    qr = _build(symbol.payload, symbol.ecc)
    qr.box_size = scale
    qr.border = quiet
    out = io.BytesIO()
    qr.make_image(image_factory=PyPNGImage).save(out)
    return out.getvalue()


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines at most ``width`` columns wide (CJK characters count 2)."""
    lines, current, used = [], "", 0
    for ch in text:
        w = _text_width(ch)
        if used + w > width and current:
            lines.append(current.rstrip())
            current, used = "", 0
            if ch == " ":
                continue
        current += ch
        used += w
    if current or not lines:
        lines.append(current.rstrip())
    return lines


def svg(
    symbol: QRSymbol, number_text: str = "", lines: list[str] | None = None, quiet: int = FILE_QUIET
) -> str:
    """A receipt as SVG: the code (qrcode's path), the number beneath, then the text lines.

    Units are modules; the drawing is dark on a white background so it prints anywhere.
    """
    from qrcode.image.svg import SvgPathImage

    qr = _build(symbol.payload, symbol.ecc)
    qr.border = quiet
    raw = qr.make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
    found = re.search(r'<path d="([^"]*)"', raw)
    assert found is not None, "qrcode's SVG image is one path"
    path = found.group(1)
    code_size = symbol.size + 2 * quiet
    font = 1.6
    text_lines: list[str] = []
    for line in lines or []:
        text_lines += wrap(line, 40)
    width = max(code_size, 34)
    x0 = (width - code_size) / 2
    y = code_size + 3.0
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "",  # the <svg> opening, once the height is known
        f'<rect x="0" y="0" width="{width}" height="HEIGHT" fill="{LIGHT}"/>',
        f'<path transform="translate({x0:g},0)" fill="{DARK}" d="{path}"/>',
    ]
    if number_text:
        parts.append(
            f'<text x="{width / 2:g}" y="{y:g}" font-family="monospace" font-size="3" '
            f'font-weight="bold" text-anchor="middle" fill="{DARK}">{escape(number_text)}</text>'
        )
        y += 3.0
    for line in text_lines:
        parts.append(
            f'<text x="1" y="{y:g}" font-family="sans-serif" font-size="{font}" '
            f'fill="{DARK}">{escape(line)}</text>'
        )
        y += font * 1.3
    height = y + 1
    parts[1] = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{width * 2:g}mm" height="{height * 2:g}mm" viewBox="0 0 {width:g} {height:g}">'
    )
    parts[2] = parts[2].replace("HEIGHT", f"{height:g}")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def plain_text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- ESC/POS

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CHINESE_MODE = FS + b"&"  # GB18030 double-byte characters on Chinese firmware
ALIGN_LEFT, ALIGN_CENTRE = ESC + b"a\x00", ESC + b"a\x01"
DOUBLE_SIZE, NORMAL_SIZE = GS + b"!\x11", GS + b"!\x00"
CUT = GS + b"V\x42\x00"  # feed to the cutter and cut (partial)
LINE_COLUMNS = 32  # 58 mm paper, font A: 32 half-width or 16 full-width characters


def _qr_function(fn: int, params: bytes) -> bytes:
    body = b"\x31" + bytes([fn]) + params  # cn 49 = QR code
    return GS + b"(k" + len(body).to_bytes(2, "little") + body


def escpos_qr(payload: str, module_size: int = 6, ecc: str = "M") -> bytes:
    """The printer's own QR commands: model 2, module size, error correction, store, print."""
    data = payload.encode("utf-8")
    if len(data) + 3 > 0xFFFF:
        raise ValueError("payload too long for one QR symbol")
    return b"".join(
        [
            _qr_function(65, b"\x32\x00"),  # fn 165: model 2
            _qr_function(67, bytes([module_size])),  # fn 167: module size in dots
            _qr_function(69, bytes([{"L": 48, "M": 49, "Q": 50, "H": 51}[ecc]])),  # fn 169
            _qr_function(80, b"\x30" + data),  # fn 180: store the data
            _qr_function(81, b"\x30"),  # fn 181: print it
        ]
    )


def escpos(lines: list[str], payload: str | None, number_text: str = "") -> bytes:
    """A whole 58 mm receipt: initialise, text in GB18030, the QR code, the number, feed, cut."""
    out = [INIT, CHINESE_MODE, ALIGN_LEFT]
    title, *body = lines or [""]
    out += [ALIGN_CENTRE, DOUBLE_SIZE, *(_gb(line) for line in wrap(title, LINE_COLUMNS // 2))]
    out += [NORMAL_SIZE, ALIGN_LEFT]
    for line in body:
        out += [_gb(part) for part in wrap(line, LINE_COLUMNS)]
    if payload:
        # a blank line above and below: white paper as the code's quiet zone (24 dots = 4 modules)
        out += [ALIGN_CENTRE, b"\n", escpos_qr(payload), b"\n"]
        if number_text:
            out += [DOUBLE_SIZE, _gb(number_text), NORMAL_SIZE]
        out.append(ALIGN_LEFT)
    out += [ESC + b"d\x04", CUT]
    return b"".join(out)


def _gb(line: str) -> bytes:
    return line.encode("gb18030") + b"\n"


def _is_device(dest: str) -> bool:
    """A path (``/dev/usb/lp0``, ``./out.bin``) rather than a command (``lp -d NAME -o raw``)."""
    if os.path.exists(dest):
        return True
    return not re.search(r"\s", dest) and dest.startswith(("/", "./", "../", "~"))


def send(data: bytes, dest: str, timeout: float = 30.0) -> None:
    """Write ``data`` to a device path, or pipe it into a command; ReceiptError on failure."""
    dest = (dest or "").strip()
    if not dest:
        raise ReceiptError("receipts.print.no_printer")
    if _is_device(dest):
        try:
            with open(Path(dest).expanduser(), "wb") as device:
                device.write(data)
                device.flush()
        except OSError as exc:
            raise ReceiptError(
                "receipts.print.device_failed", dest=dest, reason=exc.strerror or str(exc)
            ) from exc
        return
    try:
        argv = shlex.split(dest)
        done = subprocess.run(argv, input=data, capture_output=True, timeout=timeout, check=False)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ReceiptError("receipts.print.command_failed", dest=dest, reason=reason) from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise ReceiptError("receipts.print.command_failed", dest=dest, reason=reason)


# --------------------------------------------------------------------------- one receipt


@dataclass
class Printable:
    """Everything needed to show, save or print one receipt, already masked."""

    number: str  # XXXXX-XXXXX-X
    lines: list[str]
    payload: str | None  # None before enrollment: no QR code then

    def symbol(self, screen: bool = True) -> QRSymbol | None:
        if not self.payload:
            return None
        return make_qr(self.payload, SCREEN_MAX_VERSION if screen else None)

    def text(self) -> str:
        return plain_text(self.lines)

    def svg(self) -> str:
        symbol = self.symbol(screen=False)
        if symbol is None:
            raise ReceiptError("receipts.cli.no_qr")
        return svg(symbol, self.number, self.lines)

    def png(self) -> bytes:
        symbol = self.symbol(screen=False)
        if symbol is None:
            raise ReceiptError("receipts.cli.no_qr")
        return png_bytes(symbol)

    def escpos(self) -> bytes:
        return escpos(self.lines, self.payload, self.number)


def printable_for(
    record: dict,
    receipt: dict,
    enrollment: dict | None,
    household: dict | None = None,
    lang: str | None = None,
    zone: tzinfo | None = None,
) -> Printable:
    from gridterm.core.receipts import display_number, payload_for, receipt_lines

    return Printable(
        number=display_number(receipt["number"]),
        lines=receipt_lines(record, receipt, enrollment, lang, household=household, zone=zone),
        payload=payload_for(receipt, enrollment),
    )


def printable_from_store(
    store: RecordStore, number_text: str, lang: str | None = None
) -> Printable:
    """The receipt with this number on this device; a mistyped number says what is wrong."""
    from gridterm.core.receipts import find_receipt, format_number, parse_number

    number = parse_number(number_text)  # ReceiptNumberError names the wrong check character
    found = find_receipt(store.query(archived=True), number)
    if found is None:
        raise ReceiptError("receipts.not_found", number=format_number(number))
    record, receipt = found
    household = None
    if record.get("kind") == "visit":
        household_id = (record.get("data") or {}).get("household_id")
        household = store.get(household_id) if household_id else None
    zone = township_zone(store.meta_get("timezone"))
    return printable_for(record, receipt, store.meta_get("enrollment"), household, lang, zone)


def save_files(printable: Printable, folder: Path) -> tuple[Path, Path]:
    """Write ``<number>.svg`` and ``<number>.png`` into ``folder``; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = printable.number
    svg_path, png_path = folder / f"{stem}.svg", folder / f"{stem}.png"
    svg_path.write_text(printable.svg(), encoding="utf-8")
    png_path.write_bytes(printable.png())
    return svg_path, png_path


def printer_dest(setting: object) -> str | None:
    """The printer from the ``printer`` meta setting: a string, or ``{"dest": …}``."""
    if isinstance(setting, dict):
        setting = setting.get("dest") or setting.get("device") or setting.get("command")
    text = str(setting or "").strip()
    return text or None
