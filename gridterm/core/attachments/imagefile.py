"""What kind of image a file is (by its first bytes), its EXIF block, and the file without
its metadata — for JPEG, PNG and WebP, without an image library.

Stripping walks the container and leaves the picture's own bytes untouched: a JPEG keeps
its JFIF header, colour profile (APP2) and Adobe marker (APP14, which says how its colours
are coded) and loses EXIF and XMP (APP1), IPTC (APP13), comments and the rest; its
orientation comes back as an EXIF block holding that alone, so the photo stands the right
way up.  A PNG loses its text, time and EXIF chunks; a WebP its EXIF and XMP chunks (and
the flags that announced them).
"""

from __future__ import annotations

import struct

from gridterm.core.attachments.exif import orientation_only

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
_JPEG_KEEP = {0xE0, 0xE2, 0xEE}  # APP0 (JFIF), APP2 (ICC profile), APP14 (Adobe)
_SOS, _EOI = 0xDA, 0xD9


class NotAnImage(ValueError):
    pass


def sniff(head: bytes) -> str | None:
    """The image type by its magic bytes, or None (not a JPEG, PNG or WebP)."""
    if head[:3] == b"\xff\xd8\xff":
        return JPEG
    if head[:8] == _PNG_MAGIC:
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def exif_block(data: bytes) -> bytes | None:
    """The TIFF structure inside the image's EXIF, or None."""
    kind = sniff(data)
    try:
        if kind == JPEG:
            for marker, start, end in _jpeg_segments(data):
                body = data[start:end]
                if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
                    return body[6:]
        elif kind == PNG:
            for name, start, end in _png_chunks(data):
                if name == b"eXIf":
                    return data[start:end]
        elif kind == WEBP:
            for name, start, end in _riff_chunks(data):
                if name == b"EXIF":
                    body = data[start:end]
                    return body[6:] if body.startswith(b"Exif\x00\x00") else body
    except (struct.error, ValueError):
        return None
    return None


def strip(data: bytes, orientation: int = 1) -> bytes:
    """The image without its metadata (a JPEG keeps ``orientation`` when it is not 1)."""
    kind = sniff(data)
    try:
        if kind == JPEG:
            return _strip_jpeg(data, orientation)
        if kind == PNG:
            return _strip_png(data)
        if kind == WEBP:
            return _strip_webp(data)
    except (struct.error, ValueError) as exc:
        raise NotAnImage(str(exc)) from None
    raise NotAnImage("unknown type")


# ---------------------------------------------------------------------------------- JPEG


def _jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """``(marker, body start, body end)`` of each segment before the picture's scan."""
    found = []
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise ValueError(f"no marker at {at}")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (_SOS, _EOI):
            found.append((marker, at, len(data)))
            return found
        (length,) = struct.unpack_from(">H", data, at + 2)
        if length < 2 or at + 2 + length > len(data):
            raise ValueError("segment runs past the end")
        found.append((marker, at + 4, at + 2 + length))
        at += 2 + length
    raise ValueError("no picture in the file")


def _strip_jpeg(data: bytes, orientation: int) -> bytes:
    kept = []
    segments = _jpeg_segments(data)
    for marker, start, end in segments:
        if marker in (_SOS, _EOI):
            kept.append(data[start:end])
        elif marker in _JPEG_KEEP or not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            kept.append(data[start - 4 : end])  # kept whole: tables, frame, JFIF, ICC…
    if orientation != 1:
        # After a JFIF header (which must come first), else first.
        kept.insert(1 if segments[0][0] == 0xE0 else 0, orientation_only(orientation))
    return b"\xff\xd8" + b"".join(kept)


# ---------------------------------------------------------------------------------- PNG


def _png_chunks(data: bytes) -> list[tuple[bytes, int, int]]:
    found = []
    at = 8
    while at + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, at)
        name = data[at + 4 : at + 8]
        if at + 12 + length > len(data):
            raise ValueError("chunk runs past the end")
        found.append((name, at + 8, at + 8 + length))
        at += 12 + length
        if name == b"IEND":
            break
    return found


def _strip_png(data: bytes) -> bytes:
    out = [_PNG_MAGIC]
    for name, start, end in _png_chunks(data):
        if name not in _PNG_DROP:
            out.append(data[start - 8 : end + 4])
    return b"".join(out)


# ---------------------------------------------------------------------------------- WebP


def _riff_chunks(data: bytes) -> list[tuple[bytes, int, int]]:
    found = []
    at = 12
    while at + 8 <= len(data):
        name = data[at : at + 4]
        (length,) = struct.unpack_from("<I", data, at + 4)
        if at + 8 + length > len(data):
            raise ValueError("chunk runs past the end")
        found.append((name, at + 8, at + 8 + length))
        at += 8 + length + (length & 1)
    return found


def _strip_webp(data: bytes) -> bytes:
    body = []
    for name, start, end in _riff_chunks(data):
        if name in (b"EXIF", b"XMP "):
            continue
        chunk = bytearray(data[start - 8 : end + ((end - start) & 1)])
        if name == b"VP8X":
            chunk[8] &= ~0x0C & 0xFF  # the flags said EXIF (0x08) and XMP (0x04) follow
        body.append(bytes(chunk))
    payload = b"WEBP" + b"".join(body)
    return b"RIFF" + struct.pack("<I", len(payload)) + payload
