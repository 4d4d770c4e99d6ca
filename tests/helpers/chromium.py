"""Headless Chromium for the pages residents and parties see: screenshots, the DOM after the
page's scripts ran, and printing to PDF.

Debian's ``chromium`` is installed here when it is missing (as root, with apt-get; a lock
file keeps two test runs from installing at once), with a CJK font so Chinese is drawn.
Where it cannot be had, the test is skipped and says why.

Flags for this machine: no sandbox (root), no GPU, and nothing that reaches for the network
on its own (background networking, component updates, sync, QUIC); a fresh profile per run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
LOCK = Path(tempfile.gettempdir()) / "gridterm-chromium-install.lock"
TIMEOUT = 90


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def _install(packages: list[str]) -> str | None:
    """apt-get install ``packages``; None when done, else the reason it could not be."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", "DPkg::Lock::Timeout=600"]
    steps = [
        ["apt-get", *wait, "update", "-qq"],
        ["apt-get", *wait, "install", "-y", "-q", "--no-install-recommends", *packages],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            return f"{' '.join(step[:1] + step[3:4])} failed: {lines[-1] if lines else '?'}"
    return None


def chromium() -> str:
    """The Chromium binary, installed first where it is missing; skips the test otherwise."""
    found = shutil.which("chromium")
    if found and _has_cjk_font():
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        if found:
            return found  # Chinese may be drawn as boxes; the checks read the DOM, not glyphs
        pytest.skip("headless Chromium is not installed and installing it needs root and apt-get")
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run may be installing it right now
        missing = [] if shutil.which("chromium") else ["chromium"]
        if not _has_cjk_font():
            missing.append("fonts-noto-cjk")
        problem = _install(missing) if missing else None
    found = shutil.which("chromium")
    if not found:
        pytest.skip(f"headless Chromium could not be installed: {problem}")
    return found


@contextlib.contextmanager
def _profile():
    with tempfile.TemporaryDirectory(prefix="gridterm-chromium-") as folder:
        yield f"--user-data-dir={folder}"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    with _profile() as profile:
        return subprocess.run(
            [chromium(), *FLAGS, profile, *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )


def screenshot(url: str, out: Path, size: tuple[int, int] = (375, 667)) -> Path:
    done = run(f"--window-size={size[0]},{size[1]}", f"--screenshot={out}", url)
    assert out.exists(), done.stderr[-2000:]
    return out


def dump_dom(url: str) -> str:
    """The page's DOM after it loaded and its scripts ran (redirects followed)."""
    done = run("--dump-dom", url)
    assert done.returncode == 0 and "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


def print_pdf(url: str, out: Path) -> bytes:
    """The page printed as the browser prints it (A4 when the page's CSS asks for it)."""
    done = run("--no-pdf-header-footer", f"--print-to-pdf={out}", url)
    assert out.exists(), done.stderr[-2000:]
    return out.read_bytes()


def keep(path: Path) -> None:
    """A copy of a screenshot in ``GRIDTERM_SHOTS`` (when set), for a person to look at."""
    folder = os.environ.get("GRIDTERM_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        shutil.copy(path, folder)
