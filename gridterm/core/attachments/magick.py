"""Shrinking with ImageMagick's command, when it is on PATH and Pillow is not.

``magick`` (ImageMagick 7) or ``convert`` (6) — only the real one: the command's ``-version``
must say it is ImageMagick.  The input format is named explicitly (``jpeg:FILE``), so a
file can never make ImageMagick run one of its script coders, and memory is capped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache

from gridterm.core.attachments.imagefile import JPEG, PNG, WEBP, NotAnImage

LONGEST = 1600
QUALITY = 80
TIMEOUT = 120
_CODERS = {JPEG: "jpeg", PNG: "png", WEBP: "webp"}


@cache
def command() -> str | None:
    """The path of ImageMagick's command, or None."""
    for name in ("magick", "convert"):
        path = shutil.which(name)
        if path and _is_imagemagick(path):
            return path
    return None


def _is_imagemagick(path: str) -> bool:
    try:
        done = subprocess.run(
            [path, "-version"], capture_output=True, timeout=10, check=False, text=True
        )
    except (OSError, subprocess.SubprocessError):
        return False
    first = (done.stdout or "").splitlines()[:1]
    return done.returncode == 0 and bool(first) and first[0].startswith("Version: ImageMagick")


def shrink(data: bytes, kind: str) -> bytes:
    """``data`` (of image type ``kind``) upright, within 1600 × 1600, JPEG quality 80, stripped."""
    exe = command()
    if exe is None:
        raise RuntimeError("ImageMagick is not installed")
    coder = _CODERS[kind]
    with tempfile.TemporaryDirectory(prefix="gridterm-photo-") as folder:
        source = os.path.join(folder, "in")
        target = os.path.join(folder, "out.jpg")
        with open(source, "wb") as fh:
            fh.write(data)
        argv = [
            exe,
            *("-limit", "memory", "256MiB", "-limit", "map", "512MiB"),
            *("-define", f"jpeg:size={LONGEST * 2}x{LONGEST * 2}"),
            f"{coder}:{source}[0]",
            "-auto-orient",
            *("-resize", f"{LONGEST}x{LONGEST}>"),
            "-strip",
            *("-quality", str(QUALITY)),
            f"jpeg:{target}",
        ]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise NotAnImage(str(exc)) from None
        if done.returncode != 0 or not os.path.exists(target):
            raise NotAnImage(done.stderr.decode("utf-8", "replace").strip()[:200])
        with open(target, "rb") as fh:
            return fh.read()
