"""Photos and places in the staff console (issue 16): captions, pictures drawn in the
terminal, the full photo opened outside, and a record's place on a map in the browser.

Pictures are drawn by textual-image (the ``staff-photos`` extra; it brings Pillow): with the
terminal's graphics (Sixel, Kitty's protocol) where it has them, else in coloured
half-blocks (also off a terminal: tests and screenshots).  It asks the terminal what it can draw when it is first imported, which cannot
happen once the app owns the terminal, so :func:`prepare` imports it before the app runs.
Without it, the console lists the photos and opens each outside (``o``).
"""

from __future__ import annotations

import atexit
import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rich.style import Style
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from gridterm.core.i18n import t
from gridterm.core.record_text import location_text
from gridterm.ui.kit.times import full_time

# A map service that opens in any browser and understands GPS (WGS-84) coordinates as
# termux-location gives them; GRIDTERM_MAP_URL replaces it (with {lat}, {lon}, {place}).
MAP_URL = (
    "https://uri.amap.com/marker?position={lon},{lat}&name={place}&coordinate=wgs84&callnative=0"
)
MAP_ENV = "GRIDTERM_MAP_URL"
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
_UNSAFE = re.compile(r"[^\w.\-]+")

_drawer: Any = None


def prepare() -> bool:
    """Import textual-image now, while the terminal can still be asked what it draws;
    False when it is not installed (or cannot start), and photos are listed, not drawn."""
    global _drawer
    if _drawer is None:
        try:
            from textual_image.widget import HalfcellImage, Image
        except Exception:  # not installed, or no terminal to ask: list the photos instead
            _drawer = False
        else:
            # Off a terminal (tests, screenshots) textual-image would draw shades without
            # colour; half-blocks keep the photo's colours there too.
            _drawer = Image if _on_a_terminal() else HalfcellImage
    return _drawer is not False


def _on_a_terminal() -> bool:
    return bool(sys.__stdout__ and sys.__stdout__.isatty())


def can_draw() -> bool:
    return bool(_drawer)


def picture(data: bytes, *, classes: str = "") -> Widget:
    """A widget that draws the image ``data``; a line saying why when it cannot."""
    if not can_draw():
        return Static(
            Text(t("evidence_service.console.not_drawn")), classes=f"{classes} photo-note"
        )
    try:
        from PIL import Image as PILImage

        image = PILImage.open(io.BytesIO(data))
        image.load()
    except Exception:  # whatever Pillow cannot read is said, not raised
        return Static(
            Text(t("evidence_service.console.unreadable")), classes=f"{classes} photo-note"
        )
    return _drawer(image, classes=classes)


def size_text(size: Any) -> str:
    if not isinstance(size, int) or size < 0:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def where_text(where: Any) -> str:
    """Which part of the record the photo belongs to."""
    if not isinstance(where, dict):
        return ""
    if isinstance(where.get("item"), str):
        return t("evidence_service.console.where_item", item=where["item"])
    for key in ("session", "follow_up"):
        if isinstance(where.get(key), int):
            return t(f"evidence_service.console.where_{key}", n=where[key] + 1)
    return ""


def caption(index: int, item: dict, now: Any = None) -> Text:
    """``1. 电线.jpg · 245 KB · 12-01 08:30 · 检查项 gas_alarm`` (and whether it arrived)."""
    parts = [
        str(item.get("name") or item.get("sha256", "")[:12]),
        size_text(item.get("size")),
        full_time(item.get("taken_at"), now) if item.get("taken_at") else "",
        where_text(item.get("where")),
    ]
    line = Text(f"{index + 1}. " + " · ".join(p for p in parts if p))
    removed = item.get("removed")
    if isinstance(removed, dict) and removed.get("why") in ("retention", "erasure"):
        when = full_time(removed.get("at"), now) if removed.get("at") else ""
        line.append("  " + t(f"evidence_service.console.removed_{removed['why']}", date=when))
    elif not item.get("available"):
        line.append("  " + t("evidence_service.console.not_arrived"), style="yellow")
    return line


def map_url(location: Any) -> str | None:
    """A web map showing the place, when it has coordinates."""
    if not isinstance(location, dict):
        return None
    lat, lon = location.get("lat"), location.get("lon")
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return None
    template = os.environ.get(MAP_ENV) or MAP_URL
    place = quote(str(location.get("place") or "").strip() or f"{lat:.5f},{lon:.5f}")
    return template.format(lat=f"{lat:.6f}", lon=f"{lon:.6f}", place=place)


def location_line(location: Any) -> Text:
    """The place, and the map link (clickable where the terminal knows links)."""
    line = Text(location_text(location))
    url = map_url(location)
    if url:
        line.append("  ")
        line.append(t("evidence_service.console.map_link"), style=Style(link=url, underline=True))
    return line


# Folders of photos saved for the viewer, removed when the console exits: a photo of a
# person is not left on a shared office computer once the matter's page is closed (PIPL).
_SAVED: list[Path] = []


def save_for_viewer(data: bytes, item: dict) -> Path:
    """Write a photo where the system's viewer can open it: a private temporary folder,
    removed when the console exits."""
    folder = Path(tempfile.mkdtemp(prefix="gridterm-photo-"))
    _SAVED.append(folder)
    stem = _UNSAFE.sub("_", Path(str(item.get("name") or "photo")).stem)[:60] or "photo"
    suffix = _EXTENSIONS.get(str(item.get("type")), ".jpg")
    path = folder / f"{stem}-{str(item.get('sha256', ''))[:8]}{suffix}"
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def remove_saved() -> None:
    """Remove every photo saved for the viewer (at exit; safe to call again)."""
    while _SAVED:
        shutil.rmtree(_SAVED.pop(), ignore_errors=True)


atexit.register(remove_saved)
