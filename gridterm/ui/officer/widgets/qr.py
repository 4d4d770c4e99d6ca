"""The QR code on screen, and a receipt number in large type.

``QRView`` draws a code in half-block cells (two modules per cell, one above the other),
always dark on light whatever the theme, with a light quiet zone, so a phone camera reads it
off a laptop or a Termux screen.  ``BigNumber`` draws ``XXXXX-XXXXX-X`` three rows tall.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from gridterm.core.receipts.render import DARK, LIGHT, SCREEN_QUIET, QRSymbol, half_block_rows

QR_STYLE = Style(color=DARK, bgcolor=LIGHT)


class QRView(Widget):
    """A QR symbol drawn exactly its own size: ``size + 2×quiet`` columns, half as many rows."""

    DEFAULT_CSS = """
    QRView {
        width: auto;
        height: auto;
    }
    """

    def __init__(
        self,
        symbol: QRSymbol,
        quiet: int = SCREEN_QUIET,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_symbol(symbol, quiet, refresh=False)

    def set_symbol(self, symbol: QRSymbol, quiet: int = SCREEN_QUIET, refresh: bool = True) -> None:
        """Draw ``symbol`` with ``quiet`` light modules around it instead (the same payload in
        fewer modules, or a narrower margin, on a small screen)."""
        self.symbol = symbol
        self.quiet = quiet
        self.rows = half_block_rows(symbol, quiet)
        self._strips = [Strip([Segment(row, QR_STYLE)], len(row)) for row in self.rows]
        if refresh:
            self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self.rows[0])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)


# A 3×5 pixel font for the receipt alphabet (Crockford base32) and the dash.
_FONT = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("##.", "..#", ".#.", "#..", "###"),
    "3": ("##.", "..#", ".#.", "..#", "##."),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "##.", "..#", "##."),
    "6": (".##", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "##."),
    "A": (".#.", "#.#", "###", "#.#", "#.#"),
    "B": ("##.", "#.#", "##.", "#.#", "##."),
    "C": (".##", "#..", "#..", "#..", ".##"),
    "D": ("##.", "#.#", "#.#", "#.#", "##."),
    "E": ("###", "#..", "##.", "#..", "###"),
    "F": ("###", "#..", "##.", "#..", "#.."),
    "G": (".##", "#..", "#.#", "#.#", ".##"),
    "H": ("#.#", "#.#", "###", "#.#", "#.#"),
    "J": ("..#", "..#", "..#", "#.#", ".#."),
    "K": ("#.#", "##.", "#..", "##.", "#.#"),
    "M": ("#.#", "###", "###", "#.#", "#.#"),
    "N": ("###", "#.#", "#.#", "#.#", "#.#"),
    "P": ("##.", "#.#", "##.", "#..", "#.."),
    "Q": (".#.", "#.#", "#.#", "##.", ".##"),
    "R": ("##.", "#.#", "##.", "#.#", "#.#"),
    "S": (".##", "#..", ".#.", "..#", "##."),
    "T": ("###", ".#.", ".#.", ".#.", ".#."),
    "V": ("#.#", "#.#", "#.#", "#.#", ".#."),
    "W": ("#.#", "#.#", "###", "###", "#.#"),
    "X": ("#.#", "#.#", ".#.", "#.#", "#.#"),
    "Y": ("#.#", "#.#", ".#.", ".#.", ".#."),
    "Z": ("###", "..#", ".#.", "#..", "###"),
    "-": ("...", "...", "###", "...", "..."),
}
_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def big_text(text: str) -> list[str]:
    """``text`` in the 3×5 font as three rows of half-block cells, one column between glyphs."""
    pixels = ["", "", "", "", "", ""]
    for i, ch in enumerate(text.upper()):
        glyph = _FONT.get(ch, ("...",) * 5) + ("...",)
        for y in range(6):
            pixels[y] += ("." if i else "") + glyph[y]
    return [
        "".join(_HALF[a == "#", b == "#"] for a, b in zip(pixels[y], pixels[y + 1], strict=True))
        for y in (0, 2, 4)
    ]


def big_width(text: str) -> int:
    return 4 * len(text) - 1 if text else 0
