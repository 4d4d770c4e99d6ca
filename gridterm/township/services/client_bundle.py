"""The client bundle on disk: the gridterm wheel and its dependencies' wheels, which the
service offers phones as a package index (``/simple/``, :mod:`gridterm.township.api.client_index`).

It lives beside the database — ``client-bundle/`` in the folder of the SQLite file, or in
the service's data folder for PostgreSQL — as one folder per build plus a ``current`` file
naming the one in use.  A new build is written in full in a folder of its own and then
named in ``current`` (written and renamed atomically), so a phone halfway through an
install never sees a mix of two builds; the build before stays for those downloads and
older ones are removed.  ``manifest.json`` in each build lists its files with their
SHA-256, so serving the index reads no wheel.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from gridterm.core.paths import data_dir
from gridterm.township.db import is_sqlite, normalize_url

FOLDER = "client-bundle"
POINTER = "current"
MANIFEST = "manifest.json"
KEEP_BUILDS = 2  # the current build and the one before it (downloads in flight)


def bundle_root(db_url: str, data_folder: str | os.PathLike[str] | None = None) -> Path:
    """Where the bundle of the service at ``db_url`` lives."""
    url = normalize_url(db_url)
    database = make_url(url).database if is_sqlite(url) else None
    if database and database != ":memory:":
        return Path(database).expanduser().resolve().parent / FOLDER
    return data_dir(data_folder) / FOLDER


@dataclass(frozen=True)
class WheelFile:
    filename: str
    project: str  # normalized (PEP 503)
    version: str
    sha256: str
    size: int
    requires_python: str | None
    pure: bool  # py3-none-any: installs anywhere, phones included


@dataclass(frozen=True)
class Bundle:
    folder: Path
    gridterm_version: str | None
    built_at: str
    files: tuple[WheelFile, ...]

    def projects(self) -> dict[str, list[WheelFile]]:
        out: dict[str, list[WheelFile]] = {}
        for item in sorted(self.files, key=lambda f: (f.project, f.filename)):
            out.setdefault(item.project, []).append(item)
        return out

    def path_of(self, project: str, filename: str) -> Path | None:
        """The file ``filename`` of ``project``, only when the manifest lists it."""
        for item in self.files:
            if item.project == project and item.filename == filename:
                return self.folder / item.filename
        return None

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


_cache: dict[Path, tuple[tuple[str, float], Bundle]] = {}


def load(root: Path) -> Bundle | None:
    """The bundle in use under ``root``, or None when none was built (or it is unreadable)."""
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
        folder = root / name
        stamp = (name, (folder / MANIFEST).stat().st_mtime)
    except OSError:
        return None
    cached = _cache.get(root)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        bundle = Bundle(
            folder=folder,
            gridterm_version=raw.get("gridterm_version"),
            built_at=raw["built_at"],
            files=tuple(WheelFile(**item) for item in raw["files"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    _cache[root] = (stamp, bundle)
    return bundle


def new_build_folder(root: Path) -> Path:
    """An empty folder under ``root`` for a build that is not in use yet."""
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    folder.mkdir()
    return folder


def publish(root: Path, folder: Path, files: list[WheelFile], gridterm_version: str) -> Bundle:
    """Make the build in ``folder`` (holding ``files``) the one in use, then prune."""
    built_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    manifest = {
        "gridterm_version": gridterm_version,
        "built_at": built_at,
        "files": [asdict(f) for f in sorted(files, key=lambda f: f.filename)],
    }
    _write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
    _write_atomic(root / POINTER, folder.name + "\n")
    _prune(root, keep=folder.name)
    bundle = load(root)
    assert bundle is not None
    return bundle


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _prune(root: Path, keep: str) -> None:
    builds = sorted(
        (p for p in root.iterdir() if p.is_dir() and p.name.startswith("build-")),
        key=lambda p: p.stat().st_mtime,
    )
    others = [p for p in builds if p.name != keep]
    for old in others[: max(0, len(others) - (KEEP_BUILDS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
