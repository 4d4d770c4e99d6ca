"""``gridterm admin bundle`` and what the township's version settings change in the other
admin commands: the install line beside an enrollment code, versions in ``admin list``."""

from __future__ import annotations

import pytest

from gridterm.cli import main
from gridterm.township.services import client_bundle
from tests.helpers.wheels import make_wheel
from tests.township.test_bundle_build import base_folder


@pytest.fixture
def admin(fresh_db_url, capsys, tmp_path, monkeypatch):
    """Run ``gridterm admin`` on a fresh database: (exit code, stdout lines, stderr)."""
    # PostgreSQL keeps the bundle in the data folder: a folder of this test's own.
    monkeypatch.setenv("GRIDTERM_DATA_DIR", str(tmp_path / "data"))

    def run(*argv: str) -> tuple[int, list[str], str]:
        code = main(["--lang", "en", "admin", "--db", fresh_db_url, *argv])
        out, err = capsys.readouterr()
        return code, out.rstrip("\n").splitlines(), err

    run.url = fresh_db_url
    run.root = client_bundle.bundle_root(fresh_db_url)
    return run


def test_bundle_from_a_folder_then_list_it(admin, tmp_path):
    source = base_folder(tmp_path / "wheels", gridterm="0.3.0")
    code, out, err = admin("bundle", "--from", str(source))
    assert code == 0, err
    assert out[-1] == "0.3.0"  # the bundled version, alone on the last line
    assert "Bundled 4 wheels" in out[0]
    assert "Recommended version: 0.3.0 · lowest accepted: not set" in out[-2]
    assert client_bundle.load(admin.root).gridterm_version == "0.3.0"

    code, out, _ = admin("bundle", "--list")
    assert code == 0 and out[-1] == "0.3.0"
    listed = [line.split()[0] for line in out[1:-2]]
    assert listed == ["exceptiongroup", "gridterm", "httpx", "idna"]


def test_settings_alone_do_not_build(admin, tmp_path):
    code, out, err = admin("bundle", "--url", "http://10.0.0.5:8080/")
    assert code == 0, err
    assert out[-1] == "http://10.0.0.5:8080"
    assert client_bundle.load(admin.root) is None
    code, out, err = admin("bundle", "--lowest", "0.1.0")
    assert code == 0, err
    assert out[-1] == "0.1.0" and "lowest accepted: 0.1.0" in out[-2]
    assert admin("bundle", "--lowest", "none")[1][-1] == "none"


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--url", "ftp://x"], "not an address phones can use"),
        (["--url", "http://a b"], "not an address phones can use"),
        (["--url", "http://x/\nrm -rf ~"], "not an address phones can use"),
        (["--lowest", "soon"], "not a version number"),
        (["--from", "/nonexistent/wheels"], "is not a folder"),
    ],
)
def test_bad_settings_are_one_clear_line(admin, argv, words):
    code, _out, err = admin("bundle", *argv)
    assert code != 0
    assert words in err and "Traceback" not in err


def test_the_lowest_cannot_pass_the_recommended(admin, tmp_path):
    admin("bundle", "--from", str(base_folder(tmp_path / "w", gridterm="0.3.0")))
    code, _out, err = admin("bundle", "--lowest", "0.4.0")
    assert code != 0 and "cannot be above the recommended one (0.3.0)" in err
    assert admin("bundle", "--lowest", "0.3.0")[0] == 0


def test_an_incomplete_folder_changes_nothing(admin, tmp_path):
    admin("bundle", "--from", str(base_folder(tmp_path / "good", gridterm="0.3.0")))
    broken = tmp_path / "broken"
    broken.mkdir()
    make_wheel(broken, "gridterm", "0.4.0", requires=["httpx"], requires_python=">=3.10")
    code, _out, err = admin("bundle", "--from", str(broken))
    assert code != 0 and "httpx" in err
    assert client_bundle.load(admin.root).gridterm_version == "0.3.0"
    assert admin("bundle", "--list")[1][-1] == "0.3.0"


def test_an_enrollment_code_comes_with_the_line_that_installs_and_enrolls(admin):
    township = admin("township", "add", "石桥镇")[1][-1]
    grid = admin("grid", "add", "--township", township, "一组")[1][-1]
    officer = admin("officer", "add", "--grid", grid, "王网格")[1][-1]
    _code, out, _err = admin("code", "--officer", officer)
    code = out[-1]
    assert len(code) == 9  # still alone on the last line
    assert out[-2].endswith(f"curl -fsSL <service address>/termux | sh -s {code}")
    admin("bundle", "--url", "https://shiqiao.example.cn")
    _code, out, _err = admin("code", "--officer", officer)
    assert out[-2].endswith(f"curl -fsSL https://shiqiao.example.cn/termux | sh -s {out[-1]}")


def test_admin_list_shows_each_devices_version(admin, live_service_for_db, tmp_path):
    import httpx

    township = admin("township", "add", "镇")[1][-1]
    grid = admin("grid", "add", "--township", township, "网格")[1][-1]
    officer = admin("officer", "add", "--grid", grid, "王")[1][-1]
    admin("bundle", "--from", str(base_folder(tmp_path / "w", gridterm="0.3.0")))
    codes = [admin("code", "--officer", officer)[1][-1] for _ in range(2)]
    with live_service_for_db(admin.url) as svc:
        old = svc.enroll(codes[0], "旧手机").json()
        svc.enroll(codes[1], "没同步的手机")
        headers = {"Authorization": f"Bearer {old['token']}", "User-Agent": "gridterm/0.1.0"}
        with httpx.Client(base_url=svc.url, headers=headers) as c:
            assert c.get("/api/v1/sync/pull").status_code == 200
    lines = admin("list")[1]
    (old_line,) = [line for line in lines if "旧手机" in line]
    (new_line,) = [line for line in lines if "没同步的手机" in line]
    assert "gridterm 0.1.0 (update available)" in old_line
    assert old_line.endswith(f"[{old['device_id']}]")
    assert "gridterm ?" in new_line
