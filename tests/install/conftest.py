"""What the install tests share: the wheels of a client bundle, a service that offers them,
fresh virtualenvs, and an environment in which pip can reach nothing but that service.

The gridterm wheel is built from this tree once per test session (``pip wheel --no-deps``).
Its dependencies are fetched once by ``gridterm admin bundle``'s own download path and kept
in a cache folder named after what decides them — gridterm's requirements, its
Requires-Python and the Pythons the bundle must serve — with a ``lock.txt`` of every file's
name, version and SHA-256, checked on every use.  ``GRIDTERM_TEST_WHEELS`` names a folder
of wheels to use instead (a machine with no package index).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

import pytest

from gridterm.cli import main
from gridterm.township.services import bundle_build
from tests.helpers.service import fresh_database, start_service

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(tempfile.gettempdir()) / f"gridterm-test-wheels-{os.getuid()}"
# Nothing listens here: any attempt to leave the machine fails at once.
DEAD_PROXY = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def project_wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("project-wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
    )
    (wheel,) = out.glob("gridterm-*.whl")
    return wheel


def lock_key(wheel: Path) -> str:
    read = bundle_build.read_wheel(wheel)
    decided_by = [
        *sorted(read.requires),
        read.info.requires_python or "",
        *map(str, bundle_build.TARGETS),
    ]
    return hashlib.sha256("\n".join(decided_by).encode()).hexdigest()[:16]


def _lock_lines(folder: Path) -> list[str]:
    lines = []
    for path in sorted(folder.glob("*.whl")):
        info = bundle_build.read_wheel(path).info
        lines.append(f"{info.project}=={info.version} {info.filename} sha256={info.sha256}")
    return lines


def _cached_dependencies(project_wheel: Path, scratch: Path) -> Path:
    cached = CACHE / lock_key(project_wheel)
    lock = cached / "lock.txt"
    if lock.exists() and lock.read_text().splitlines() == _lock_lines(cached):
        return cached
    built = bundle_build.download(scratch / "bundle", wheel=project_wheel)
    staging = CACHE / f"{cached.name}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for item in built.files:
        if item.project != "gridterm":
            shutil.copyfile(built.folder / item.filename, staging / item.filename)
    (staging / "lock.txt").write_text("\n".join(_lock_lines(staging)) + "\n")
    shutil.rmtree(cached, ignore_errors=True)
    os.replace(staging, cached)
    return cached


@pytest.fixture(scope="session")
def client_wheels(project_wheel, tmp_path_factory) -> Path:
    """A folder: this tree's gridterm wheel and every wheel its base install needs."""
    folder = tmp_path_factory.mktemp("client-wheels")
    given = os.environ.get("GRIDTERM_TEST_WHEELS")
    source = Path(given) if given else _cached_dependencies(project_wheel, folder.parent)
    for path in source.glob("*.whl"):
        if not path.name.startswith("gridterm-"):
            shutil.copyfile(path, folder / path.name)
    shutil.copyfile(project_wheel, folder / project_wheel.name)
    return folder


@pytest.fixture(scope="module")
def township(client_wheels, tmp_path_factory):
    """A real service whose bundle ``gridterm admin bundle --from`` made from the wheels."""
    folder = tmp_path_factory.mktemp("township")
    with fresh_database("sqlite", str(folder)) as url:
        argv = ["--lang", "en", "admin", "--db", url, "bundle", "--from", str(client_wheels)]
        assert main(argv) == 0
        with start_service(url) as svc:
            yield svc


def make_venv(path: Path) -> Path:
    """A fresh virtualenv with pip (from Python's own ensurepip: no index needed)."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin"


def isolated_env(home: Path, path: str, **extra: str) -> dict[str, str]:
    """An environment in which pip knows no index, no links and no config file, keeps no
    cache, and reaches nothing but this machine; gridterm keeps its data under ``home``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "GRIDTERM_", "VIRTUAL_ENV", "PYTHON"))
        and key.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    }
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "PATH": path,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            # PIP_CONFIG_FILE=/dev/null: pip reads no config file at all (global, user, site;
            # this machine's /etc/pip.conf and /etc/xdg/pip/pip.conf among them).
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_CACHE_DIR": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "http_proxy": DEAD_PROXY,
            "https_proxy": DEAD_PROXY,
            "no_proxy": "127.0.0.1,localhost",
            "GRIDTERM_LANG": "en",
            "GRIDTERM_DATA_DIR": str(home / "gridterm-data"),
            **extra,
        }
    )
    return env
