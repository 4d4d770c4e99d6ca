"""The phone's camera and position through Termux:API (``pkg install termux-api`` and the
Termux:API app), when they are there: ``termux-camera-photo`` and ``termux-location``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

CAMERA = "termux-camera-photo"
LOCATION = "termux-location"
CAMERA_SECONDS = 60
# A cold GPS takes a while to fix; past this the last known network position is used.
GPS_SECONDS = 45
LAST_SECONDS = 15


def camera_available() -> bool:
    return shutil.which(CAMERA) is not None


def location_available() -> bool:
    return shutil.which(LOCATION) is not None


def take_photo(target: Path, camera: int = 0) -> bool:
    """Take a photo into ``target`` (a JPEG); False when the camera gave nothing."""
    exe = shutil.which(CAMERA)
    if exe is None:
        return False
    try:
        subprocess.run(
            [exe, "-c", str(camera), str(target)],
            capture_output=True,
            timeout=CAMERA_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return target.is_file() and target.stat().st_size > 0


def read_location(now: str) -> dict[str, Any] | None:
    """Where the phone is (the model's ``location``, source gps), or None without a fix."""
    exe = shutil.which(LOCATION)
    if exe is None:
        return None
    for args, seconds in (
        (["-p", "gps", "-r", "once"], GPS_SECONDS),
        (["-p", "network", "-r", "last"], LAST_SECONDS),
    ):
        found = _ask(exe, args, seconds)
        if found is not None:
            return {**found, "source": "gps", "place": "", "at": now}
    return None


def _ask(exe: str, args: list[str], seconds: float) -> dict[str, Any] | None:
    try:
        done = subprocess.run(
            [exe, *args], capture_output=True, timeout=seconds, check=False, text=True
        )
        answer = json.loads(done.stdout or "null")
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if not isinstance(answer, dict):
        return None
    lat, lon, accuracy = answer.get("latitude"), answer.get("longitude"), answer.get("accuracy")
    if not (_number(lat) and _number(lon)):
        return None
    assert lat is not None and lon is not None  # for the type checker: _number said so
    return {
        "lat": round(float(lat), 7),
        "lon": round(float(lon), 7),
        "accuracy_m": (
            round(float(accuracy), 1)
            if accuracy is not None and _number(accuracy) and accuracy >= 0
            else None
        ),
    }


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
