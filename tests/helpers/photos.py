"""Photos made in a test, as a phone's camera writes them: a JPEG with EXIF (orientation,
the time it was taken, GPS), big or small; and photos of a given size for the upload tests.

Made with Pillow (a test dependency), so the device's code under test may run without it.
"""

from __future__ import annotations

import io
import random

from PIL import Image

GPS_IFD, EXIF_IFD = 0x8825, 0x8769


def camera_jpeg(
    width: int = 4000,
    height: int = 3000,
    *,
    orientation: int = 6,
    taken: str | None = "2026:11:25 08:30:00",
    gps: tuple[float, float] | None = (29.5630, 106.5516),
    make: str = "Xiaomi",
    seed: int = 1,
    quality: int = 90,
) -> bytes:
    """A phone's photo: landscape pixels, the EXIF orientation saying how to stand it up."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (rng.randrange(256), 120, 60))
    # A block of a different colour in the top-left corner: where it lands after turning
    # tells the test the photo was stood up the way its orientation said.
    image.paste((250, 250, 250), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[0x010F] = make  # Make
    exif[0x0110] = "Redmi Note 8"  # Model
    exif[0x0131] = "MIUI"  # Software
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif[EXIF_IFD] = {0x9003: taken, 0x9011: "+08:00"}
    if gps:
        lat, lon = gps
        exif[GPS_IFD] = {
            1: "N" if lat >= 0 else "S",
            2: _dms(abs(lat)),
            3: "E" if lon >= 0 else "W",
            4: _dms(abs(lon)),
        }
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def png(width: int = 300, height: int = 200, *, alpha: bool = True, text: str = "secret") -> bytes:
    image = Image.new(
        "RGBA" if alpha else "RGB", (width, height), (10, 200, 30, 128)[: 4 if alpha else 3]
    )
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", text)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def sized_jpeg(size: int, seed: int) -> bytes:
    """A valid JPEG of exactly ``size`` bytes: a small picture, then filler after its end
    (what a camera's maker notes and previews look like to anything but a decoder)."""
    head = camera_jpeg(64, 48, orientation=1, gps=None, seed=seed)
    rng = random.Random(seed)
    filler = rng.randbytes(size - len(head)) if size > len(head) else b""
    return (head + filler)[:size] if size >= len(head) else head
