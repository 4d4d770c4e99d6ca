"""``URL/termux``, the one line for a phone: checked by ``sh -n`` and shellcheck, and run
against the local service where there is no ``pkg`` — Termux's package manager exists only
on Termux.

The script refuses root by asking ``id -u``.  These tests may run as root (a container), so
where a run must get past that check, an ``id`` on PATH answers for an ordinary user; the
refusal itself is tested with one that answers 0.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.install.conftest import isolated_env, make_venv

SH = shutil.which("sh") or "/bin/sh"


def script(township, lang: str = "en") -> str:
    with township.client() as c:
        answer = c.get("/termux", params={"lang": lang})
    assert answer.status_code == 200
    return answer.text


def shim_bin(folder, uid: int):
    """A folder holding only an ``id`` that answers ``uid`` (what the script asks)."""
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / "id"
    shim.write_text(f"#!/bin/sh\necho {uid}\n")
    shim.chmod(0o755)
    return folder


def run_script(text: str, tmp_path, path: str, *args: str) -> subprocess.CompletedProcess:
    file = tmp_path / "termux.sh"
    file.write_text(text, encoding="utf-8")
    env = isolated_env(tmp_path / "home", path)
    return subprocess.run(
        [SH, str(file), *args], env=env, capture_output=True, text=True, timeout=300
    )


def shellcheck() -> str | None:
    found = shutil.which("shellcheck")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "shellcheck"]
    if subprocess.run(install, env=env, capture_output=True, timeout=300).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
        subprocess.run(install, env=env, capture_output=True, timeout=300)
    return shutil.which("shellcheck")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_script_passes_sh_n_and_shellcheck(township, tmp_path, lang):
    text = script(township, lang)
    file = tmp_path / "termux.sh"
    file.write_text(text, encoding="utf-8")
    checked = subprocess.run([SH, "-n", str(file)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    tool = shellcheck()
    if tool is None:
        pytest.skip("shellcheck is not installed and apt-get cannot install it here")
    linted = subprocess.run([tool, "--shell=sh", str(file)], capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout


def test_without_python_and_without_pkg_it_says_what_it_needs_and_stops(township, tmp_path):
    path = str(shim_bin(tmp_path / "bin", 1000))  # no python, no pkg, no pip: nothing else
    done = run_script(script(township), tmp_path, path, "ABCD-EFGH")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "gridterm needs Python 3.10 or newer, and there is no pkg (the Termux package "
        "manager) here to install it. Install Python 3.10 or newer, then run this again."
    )
    assert done.stdout == ""  # it tried nothing


def test_it_refuses_root(township, tmp_path):
    done = run_script(script(township), tmp_path, str(shim_bin(tmp_path / "bin", 0)), "X")
    assert done.returncode == 1
    assert "Do not run this as root" in done.stderr and done.stdout == ""


@pytest.mark.slow
def test_with_python_and_no_pkg_it_installs_from_the_township_and_enrolls(township, tmp_path):
    bin_dir = make_venv(tmp_path / "venv")
    path = f"{bin_dir}:{shim_bin(tmp_path / 'bin', 1000)}:/usr/bin:/bin"
    assert shutil.which("pkg", path=path) is None
    officer = township.make_officer(township.make_grid(), "李网格")
    code = township.make_code(officer)

    done = run_script(script(township), tmp_path, path, code)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Installing gridterm from {township.url}/simple …"
    assert "Enrolling this phone…" in lines
    assert lines[-1] == "Done. Start gridterm with: gridterm --no-mouse"

    env = isolated_env(tmp_path / "home", path)
    synced = subprocess.run(
        [str(bin_dir / "gridterm"), "sync"], env=env, capture_output=True, text=True, timeout=120
    )
    assert synced.returncode == 0, synced.stderr

    # Run again without a code (an update, or a phone enrolled later): it says what is next.
    again = run_script(script(township), tmp_path, path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == (
        "Installed. Now enroll this phone with the code township staff gave you: "
        f"gridterm enroll {township.url} CODE"
    )
