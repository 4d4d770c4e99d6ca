"""Small JPEGs of attached photos for the staff console (``?size=thumb``), made once with
Pillow and kept in the content store beside the photo.

Without Pillow (or for a file Pillow cannot read, or one too large to decode safely) there
is no thumbnail: the caller serves the photo itself, which the console scales down.
"""

from __future__ import annotations

import io

from gridterm.township.services.content_store import ContentStore, content_key, thumb_key

THUMB_PX = 480
# Decoding a picture larger than this (pixels) costs too much memory to do for a preview;
# a phone's camera makes 12-50 MP, a crafted PNG of a single colour can claim far more.
MAX_PIXELS = 60_000_000


def thumbnail(store: ContentStore, sha256: str, px: int = THUMB_PX) -> bytes | None:
    """The JPEG thumbnail (longest side ``px``) of the content ``sha256``, or None when none
    can be made.  FileNotFoundError when the store does not hold the content."""
    key = thumb_key(sha256, px)
    try:
        with store.open(key) as fh:
            return fh.read()
    except FileNotFoundError:
        pass
    try:
        from PIL import Image, ImageOps
    except ImportError:
        return None
    with store.open(content_key(sha256)) as fh:
        # Read whole (at most the size cap): an object store's stream cannot seek.
        raw = io.BytesIO(fh.read())
    try:
        with Image.open(raw) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                return None
            img.draft("RGB", (px, px))  # JPEG: decode at a fraction of full size
            small = ImageOps.exif_transpose(img).convert("RGB")
            small.thumbnail((px, px))
            out = io.BytesIO()
            small.save(out, "JPEG", quality=75, optimize=True)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    data = out.getvalue()
    store.put_bytes(key, data)
    return data
