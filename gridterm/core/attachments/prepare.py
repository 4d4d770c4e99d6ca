"""A photo made ready to travel: small, upright, without the metadata it should not carry.

Three ways, the first that can be had (docs/evidence.md "Shrinking"):

1. **Pillow** (``pip install 'gridterm[photos]'``, or ``pkg install python-pillow`` on
   Termux): longest side 1600 px, JPEG quality 80, metadata stripped; the GPS block of the
   EXIF is kept in the file only where the officer allows it.
2. **ImageMagick's command** on PATH (``magick`` or ``convert``): the same size and quality,
   every bit of metadata stripped.
3. **As it is**: the picture's bytes untouched but its metadata stripped all the same
   (orientation kept), with a warning of its size.

Whichever way, what the photo's EXIF says of when and where it was taken is read from the
original: the time always, the place only where the officer allows it (it then travels as
the attachment's ``location``, which the staff console shows).  Anything that is not a JPEG,
PNG or WebP image is refused with a clear message; so is what would still be over the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from gridterm.core import model
from gridterm.core.attachments import magick, pillow
from gridterm.core.attachments.exif import facts
from gridterm.core.attachments.imagefile import JPEG, NotAnImage, exif_block, sniff, strip
from gridterm.core.errors import GridtermError
from gridterm.core.model.problems import BAD_LINE

# A file bigger than this is not read at all (no phone photo is; a video or a disk image is).
READ_MAX = 64 * 1024 * 1024
# Above this, a photo sent as it is gets a warning of its size.
WARN_BYTES = 1024 * 1024
METHODS = ("pillow", "magick", "as_is")


class PhotoRefused(GridtermError):
    """A file that cannot be attached; the message names it and says why."""

    key = "evidence.refused"


@dataclass
class Prepared:
    data: bytes
    type: str
    name: str
    taken_at: str | None
    location: dict[str, Any] | None
    method: str  # pillow | magick | as_is
    original_size: int
    #: a sentence for the officer when the photo travels larger than it could (as it is)
    warning: str | None = None


def method() -> str:
    """The way photos are shrunk on this device."""
    if pillow.pillow() is not None:
        return "pillow"
    if magick.command() is not None:
        return "magick"
    return "as_is"


def read_file(path: str | Path) -> bytes:
    """The file's bytes, or PhotoRefused saying why not (missing, unreadable, huge)."""
    target = Path(path).expanduser()
    name = target.name or str(path)
    try:
        size = target.stat().st_size
        if not target.is_file():
            raise PhotoRefused("evidence.not_a_file", name=str(path))
        if size > READ_MAX:
            raise PhotoRefused(
                "evidence.too_large", name=name, size=megabytes(size), cap=megabytes(READ_MAX)
            )
        return target.read_bytes()
    except OSError as exc:
        raise PhotoRefused(
            "evidence.unreadable", name=str(path), reason=exc.strerror or str(exc)
        ) from None


def prepare_photo(
    data: bytes,
    name: str,
    *,
    allow_location: bool,
    zone: tzinfo,
    way: str | None = None,
) -> Prepared:
    """``data`` (the file named ``name``) ready to attach; raises PhotoRefused."""
    kind = sniff(data[:16])
    if kind is None:
        raise PhotoRefused("evidence.not_an_image", name=name)
    found = facts(exif_block(data), zone)
    way = way or method()
    try:
        if way == "pillow":
            out, out_type = pillow.shrink(data, keep_gps=allow_location), JPEG
        elif way == "magick":
            out, out_type = magick.shrink(data, kind), JPEG
        else:
            out, out_type = strip(data, found.orientation), kind
    except NotAnImage:
        raise PhotoRefused("evidence.not_an_image", name=name) from None
    if len(out) > model.ATTACHMENT_BYTES_MAX:
        raise PhotoRefused(
            "evidence.too_large",
            name=name,
            size=megabytes(len(out)),
            cap=megabytes(model.ATTACHMENT_BYTES_MAX),
        )
    location = None
    if allow_location and found.lat is not None and found.lon is not None:
        location = {
            "lat": found.lat,
            "lon": found.lon,
            "accuracy_m": None,
            "source": "gps",
            "place": "",
            "at": found.taken_at,
        }
    warning = None
    if way == "as_is" and len(out) > WARN_BYTES:
        from gridterm.core.i18n import t

        warning = t("evidence.sent_as_is", name=name, size=megabytes(len(out)))
    return Prepared(
        out, out_type, _renamed(name, out_type), found.taken_at, location, way, len(data), warning
    )


def _renamed(name: str, kind: str) -> str:
    """The name the photo travels under: a converted one ends in .jpg."""
    base = BAD_LINE.sub("", Path(name).name).strip() or "photo"
    if kind == JPEG and Path(base).suffix.lower() not in (".jpg", ".jpeg"):
        base = f"{Path(base).stem or 'photo'}.jpg"
    return base[-model.LINE_MAX :]


def megabytes(size: int) -> str:
    """``3.2 MB`` — one decimal, the way a phone's gallery says it."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"
