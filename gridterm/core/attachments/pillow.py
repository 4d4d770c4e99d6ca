"""Shrinking with Pillow (``gridterm[photos]``, or Termux's ``python-pillow``), when present.

The photo is decoded at a reduced size where the format allows it (a JPEG's DCT scaling:
a 12-megapixel photo never occupies 36 MB of a cheap phone's memory), turned the right way
up, fitted into 1600 × 1600 and saved as a JPEG of quality 80 with no metadata — except,
where the officer allows it, the GPS block of the original's EXIF.
"""

from __future__ import annotations

import importlib
import io
from types import ModuleType
from typing import Any

from gridterm.core.attachments.imagefile import NotAnImage

LONGEST = 1600
QUALITY = 80
GPS_IFD = 0x8825
_FORMATS = {"JPEG", "PNG", "WEBP"}


def pillow() -> ModuleType | None:
    """Pillow's ``PIL.Image``, or None when it cannot be had."""
    try:
        return importlib.import_module("PIL.Image")
    except ImportError:
        return None


def shrink(data: bytes, keep_gps: bool) -> bytes:
    """``data`` (a JPEG, PNG or WebP) as a small JPEG; raises NotAnImage for anything else."""
    image_module = pillow()
    if image_module is None:
        raise RuntimeError("Pillow is not installed")
    from PIL import ImageOps, UnidentifiedImageError

    try:
        with image_module.open(io.BytesIO(data)) as image:
            if image.format not in _FORMATS:
                raise NotAnImage(str(image.format))
            exif = image.getexif()
            image.draft("RGB", (LONGEST, LONGEST))  # JPEG only: decode at 1/2, 1/4, 1/8
            image.thumbnail((LONGEST, LONGEST), image_module.Resampling.LANCZOS)
            upright = ImageOps.exif_transpose(image)
            small = _flat(image_module, upright)
    except (UnidentifiedImageError, image_module.DecompressionBombError, OSError) as exc:
        raise NotAnImage(str(exc)) from None
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": QUALITY, "optimize": True}
    if keep_gps:
        gps = exif.get_ifd(GPS_IFD)
        if gps:
            kept = image_module.Exif()
            kept[GPS_IFD] = dict(gps)
            options["exif"] = kept.tobytes()
    small.save(out, "JPEG", **options)
    return out.getvalue()


def _flat(image_module: Any, image: Any) -> Any:
    """RGB or grey; transparency laid on white (a JPEG has none)."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = image_module.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")
