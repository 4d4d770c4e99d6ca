"""The few EXIF facts a photo's journey needs, read without Pillow: its orientation, when it
was taken and where (GPS).

Pillow (``gridterm[photos]``) reads EXIF itself; this is for the device without it (the
ImageMagick and as-is paths of :mod:`gridterm.core.attachments.prepare`), where the only other
way would be a second image library.  A TIFF structure is walked as the EXIF standard (CIPA
DC-008) lays it out: a byte order, IFD0, and the Exif and GPS IFDs it points to.  Anything
malformed is simply not read: a photo is never refused for its metadata.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime, tzinfo

ORIENTATION, DATETIME, EXIF_IFD, GPS_IFD = 0x0112, 0x0132, 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4
_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}
_MAX_ENTRIES = 512  # an IFD claiming more is garbage


@dataclass
class PhotoFacts:
    orientation: int = 1
    taken_at: str | None = None  # ISO 8601 with offset
    lat: float | None = None
    lon: float | None = None


def facts(tiff: bytes | None, zone: tzinfo) -> PhotoFacts:
    """What a TIFF/EXIF block says; ``zone`` stands in for a time written without offset."""
    found = PhotoFacts()
    if not tiff:
        return found
    try:
        reader = _Tiff(tiff)
        ifd0 = reader.ifd(reader.first)
        exif = reader.ifd(reader.number(ifd0.get(EXIF_IFD)) or 0)
        gps = reader.ifd(reader.number(ifd0.get(GPS_IFD)) or 0)
        orientation = reader.number(ifd0.get(ORIENTATION))
        if isinstance(orientation, int) and 1 <= orientation <= 8:
            found.orientation = orientation
        stamp = reader.text(exif.get(DATETIME_ORIGINAL)) or reader.text(ifd0.get(DATETIME))
        found.taken_at = _when(stamp, reader.text(exif.get(OFFSET_TIME_ORIGINAL)), zone)
        found.lat = _degrees(reader, gps.get(GPS_LAT), reader.text(gps.get(GPS_LAT_REF)), "S")
        found.lon = _degrees(reader, gps.get(GPS_LON), reader.text(gps.get(GPS_LON_REF)), "W")
        if found.lat is None or found.lon is None or not _plausible(found.lat, found.lon):
            found.lat = found.lon = None
    except (struct.error, ValueError, IndexError, ZeroDivisionError):
        return found
    return found


def orientation_only(orientation: int) -> bytes:
    """A JPEG APP1 segment holding an EXIF block with the orientation alone (big-endian)."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", ORIENTATION, 3, 1, orientation, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


Entry = tuple[int, int, int]  # type, count, value-or-offset (offsets from the TIFF start)


class _Tiff:
    def __init__(self, data: bytes) -> None:
        if data[:2] == b"II":
            self.order = "<"
        elif data[:2] == b"MM":
            self.order = ">"
        else:
            raise ValueError("no byte order")
        self.data = data
        if self._unpack("H", 2)[0] != 42:
            raise ValueError("not TIFF")
        self.first = self._unpack("I", 4)[0]

    def _unpack(self, fmt: str, at: int) -> tuple[int, ...]:
        return struct.unpack_from(self.order + fmt, self.data, at)

    def ifd(self, at: int) -> dict[int, Entry]:
        if not 8 <= at < len(self.data):
            return {}
        count = self._unpack("H", at)[0]
        if count > _MAX_ENTRIES:
            raise ValueError("IFD too long")
        entries = {}
        for n in range(count):
            tag, kind, many = self._unpack("HHI", at + 2 + 12 * n)
            size = _SIZES.get(kind, 0) * many
            spot = at + 2 + 12 * n + 8
            where = spot if size <= 4 else self._unpack("I", spot)[0]
            entries[tag] = (kind, many, where)
        return entries

    def number(self, entry: Entry | None) -> int | None:
        if entry is None:
            return None
        kind, _, where = entry
        if kind == 3:
            return self._unpack("H", where)[0]
        if kind == 4:
            return self._unpack("I", where)[0]
        return None

    def text(self, entry: Entry | None) -> str | None:
        if entry is None or entry[0] != 2:
            return None
        _, many, where = entry
        raw = self.data[where : where + many].split(b"\x00", 1)[0]
        return raw.decode("ascii", "replace").strip() or None

    def rationals(self, entry: Entry | None) -> list[float]:
        if entry is None or entry[0] not in (5, 10):
            return []
        kind, many, where = entry
        fmt = "II" if kind == 5 else "ii"
        values = []
        for n in range(min(many, 3)):
            top, bottom = self._unpack(fmt, where + 8 * n)
            values.append(top / bottom)
        return values


def _degrees(reader: _Tiff, entry: Entry | None, ref: str | None, negative: str) -> float | None:
    parts = reader.rationals(entry)
    if len(parts) != 3:
        return None
    value = parts[0] + parts[1] / 60 + parts[2] / 3600
    return round(-value if (ref or "").upper() == negative else value, 7)


def _plausible(lat: float, lon: float) -> bool:
    # (0, 0) is what a camera writes when it had no fix.
    return -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0)


def _when(stamp: str | None, offset: str | None, zone: tzinfo) -> str | None:
    if not stamp:
        return None
    try:
        moment = datetime.strptime(stamp[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if not 1990 <= moment.year <= 2999:
        return None
    if offset:
        try:
            return datetime.fromisoformat(moment.isoformat() + offset).isoformat()
        except ValueError:
            pass
    return moment.replace(tzinfo=zone).isoformat()
