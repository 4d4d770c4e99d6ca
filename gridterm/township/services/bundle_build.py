"""Building the client bundle (``gridterm admin bundle``): every wheel a phone needs to
install gridterm from the township alone.

Two ways in:

* :func:`from_folder` — a folder of wheels someone gathered (a USB stick, a county mirror).
  Every wheel in it is offered; platform wheels of optional extras (Pillow for photos) may be
  among them, but the base install must be complete in pure ``py3-none-any`` wheels.
* :func:`download` — on a machine that reaches a package index: the gridterm wheel (given,
  or built from this source tree with ``pip wheel --no-deps``) and its base dependencies
  fetched with ``pip download`` as pure wheels only, at the newest versions that still run
  on the oldest Python gridterm supports (the versions this machine runs may not: a
  dependency may have left Python 3.10 behind).

Either way the bundle is checked before it is used: for every Python a phone may have
(3.10 to 3.14, on Linux and Android) each base requirement, followed through the wheels'
own requirements, must be met by a pure wheel in the bundle.  ``pip download`` judges
environment markers by the machine it runs on (``exceptiongroup; python_version < "3.11"``
is skipped on a 3.11 box), so what that check finds missing is fetched too.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import Version

from gridterm.core.errors import GridtermError
from gridterm.township.services import client_bundle
from gridterm.township.services.client_bundle import Bundle, WheelFile

PROJECT = "gridterm"
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
PURE_ONLY = ["--only-binary=:all:", "--platform", "any", "--implementation", "py", "--abi", "none"]
MAX_ROUNDS = 8


class BundleError(GridtermError):
    key = "install.error.pip"


@dataclass(frozen=True)
class Wheel:
    path: Path
    info: WheelFile
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """A Python a phone or laptop may run gridterm on, as markers see it."""

    python: str
    platform: str

    def environment(self, extra: str = "") -> dict[str, str]:
        return {
            "python_version": self.python,
            "python_full_version": f"{self.python}.0",
            "implementation_version": f"{self.python}.0",
            "sys_platform": self.platform,
            "platform_system": self.platform.capitalize(),
            "os_name": "posix",
            "platform_machine": "aarch64",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "extra": extra,
        }

    def __str__(self) -> str:
        return f"Python {self.python} ({self.platform})"


# Android reports itself as such from Python 3.13 on (PEP 738); Termux's builds say linux.
TARGETS = tuple(Target(v, "linux") for v in PYTHONS) + tuple(
    Target(v, "android") for v in PYTHONS if Version(v) >= Version("3.13")
)


def read_wheel(path: Path) -> Wheel:
    """A wheel's name, version, tags, hash and requirements; BundleError if it is not one."""
    try:
        name, version, _build, tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as exc:
        raise BundleError("install.error.bad_wheel", path=str(path), reason=str(exc)) from None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    try:
        with zipfile.ZipFile(path) as zf:
            metas = [
                n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
            ]
            if len(metas) != 1:
                raise zipfile.BadZipFile("no METADATA")
            meta = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
                zf.read(metas[0])
            )
    except (OSError, zipfile.BadZipFile) as exc:
        raise BundleError("install.error.bad_wheel", path=str(path), reason=str(exc)) from None
    pure = any(
        t.abi == "none" and t.platform == "any" and t.interpreter.startswith("py") for t in tags
    )
    info = WheelFile(
        filename=path.name,
        project=canonicalize_name(name),
        version=str(version),
        sha256=digest.hexdigest(),
        size=path.stat().st_size,
        requires_python=meta.get("Requires-Python"),
        pure=pure,
    )
    return Wheel(path, info, tuple(meta.get_all("Requires-Dist") or ()))


def _fits(wheel: Wheel, target: Target) -> bool:
    spec = wheel.info.requires_python
    if not spec:
        return True
    try:
        return SpecifierSet(spec).contains(f"{target.python}.0", prereleases=True)
    except ValueError:
        return True


def _best(wheels: Iterable[Wheel], req: Requirement, target: Target) -> Wheel | None:
    fitting = [
        w
        for w in wheels
        if w.info.pure
        and _fits(w, target)
        and req.specifier.contains(w.info.version, prereleases=True)
    ]
    return max(fitting, key=lambda w: Version(w.info.version), default=None)


def _applies(req: Requirement, target: Target, extras: frozenset[str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate(target.environment(e)) for e in ("", *sorted(extras)))


def missing(wheels: list[Wheel], root: Wheel) -> list[tuple[str, Target]]:
    """Requirements of ``root`` (followed through the bundle) no pure wheel meets, per target."""
    by_project: dict[str, list[Wheel]] = {}
    for w in wheels:
        by_project.setdefault(w.info.project, []).append(w)
    gaps: list[tuple[str, Target]] = []
    for target in TARGETS:
        if not _fits(root, target):
            continue
        seen: dict[str, frozenset[str]] = {}
        queue: deque[tuple[Wheel, frozenset[str]]] = deque([(root, frozenset())])
        while queue:
            wheel, extras = queue.popleft()
            for text in wheel.requires:
                try:
                    req = Requirement(text)
                except InvalidRequirement:
                    continue
                if not _applies(req, target, extras):
                    continue
                name = canonicalize_name(req.name)
                found = _best(by_project.get(name, ()), req, target)
                if found is None:
                    gaps.append((str(req.name) + str(req.specifier), target))
                    continue
                wanted = seen.get(name, frozenset()) | frozenset(req.extras)
                if name not in seen or wanted != seen[name]:
                    seen[name] = wanted
                    queue.append((found, wanted))
    return gaps


def _describe(gaps: list[tuple[str, Target]]) -> str:
    grouped: dict[str, list[str]] = {}
    for req, target in gaps:
        grouped.setdefault(req, []).append(str(target))
    return "; ".join(f"{req} ({', '.join(where)})" for req, where in sorted(grouped.items()))


def _newest_gridterm(wheels: list[Wheel]) -> Wheel:
    mine = [w for w in wheels if w.info.project == PROJECT]
    if not mine:
        raise BundleError("install.error.no_gridterm_wheel")
    return max(mine, key=lambda w: Version(w.info.version))


def _read_folder(folder: Path) -> list[Wheel]:
    if not folder.is_dir():
        raise BundleError("install.error.no_folder", path=str(folder))
    return [read_wheel(p) for p in sorted(folder.iterdir()) if p.name.endswith(".whl")]


def from_folder(source: Path, root: Path) -> Bundle:
    """Make the wheels in ``source`` the bundle under ``root``, once they are complete."""
    wheels = _read_folder(source)
    newest = _newest_gridterm(wheels)
    gaps = missing(wheels, newest)
    if gaps:
        raise BundleError("install.error.incomplete", missing=_describe(gaps))
    folder = client_bundle.new_build_folder(root)
    try:
        for w in wheels:
            shutil.copyfile(w.path, folder / w.path.name)
        return client_bundle.publish(root, folder, [w.info for w in wheels], newest.info.version)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _pip(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        raise BundleError("install.error.pip", detail=" / ".join(lines[-3:]) or done.returncode)


def source_tree() -> Path | None:
    """This gridterm's source checkout (where ``pip wheel`` can build it), if it runs from one."""
    here = Path(__file__).resolve().parents[3]
    pyproject = here / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return here if f'name = "{PROJECT}"' in text else None


def _floor(wheel: Wheel) -> str:
    return next((t.python for t in TARGETS if _fits(wheel, t)), PYTHONS[0])


def download(root: Path, *, wheel: Path | None = None) -> Bundle:
    """Fetch gridterm and its base dependencies as pure wheels, then :func:`from_folder`."""
    with tempfile.TemporaryDirectory(prefix="gridterm-bundle-") as tmp:
        staging = Path(tmp) / "wheels"
        staging.mkdir()
        if wheel is not None:
            shutil.copyfile(read_wheel(wheel).path, staging / wheel.name)
        else:
            source = source_tree()
            if source is None:
                raise BundleError("install.error.no_source")
            _pip(["wheel", "--no-deps", "--quiet", "-w", str(staging), str(source)])
        root_wheel = _newest_gridterm(_read_folder(staging))
        python = ["--python-version", _floor(root_wheel)]
        _pip(["download", "--quiet", *PURE_ONLY, *python, "-d", str(staging), str(root_wheel.path)])
        # What markers left out on this machine but another Python needs.
        for _round in range(MAX_ROUNDS):
            gaps = missing(_read_folder(staging), root_wheel)
            if not gaps:
                break
            for req, target in {g[0]: g for g in gaps}.values():
                _pip(
                    [
                        "download",
                        "--quiet",
                        "--no-deps",
                        *PURE_ONLY,
                        "--python-version",
                        target.python,
                        "-d",
                        str(staging),
                        req,
                    ]
                )
        return from_folder(staging, root)
