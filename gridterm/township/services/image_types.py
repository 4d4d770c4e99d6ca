"""What kind of image a file is, by its first bytes (magic numbers), never by its name or
by what the sender says: the three types a record's attachment may be."""

from __future__ import annotations

TYPES = ("image/jpeg", "image/png", "image/webp")
# Enough of the start of a file to tell every type below.
HEAD = 12


def sniff(head: bytes) -> str | None:
    """``image/jpeg``, ``image/png`` or ``image/webp`` when ``head`` starts such a file."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= HEAD and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def could_be_image(head: bytes) -> bool:
    """False once ``head`` (the first bytes received, perhaps fewer than :data:`HEAD`) can no
    longer start any of the types: an upload is refused at its first chunk."""
    starts = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")
    if any(head.startswith(s) for s in starts) or any(s.startswith(head) for s in starts):
        return len(head) < HEAD or head[:4] != b"RIFF" or head[8:12] == b"WEBP"
    return False
