"""``gridterm staff URL [--token T]``: the token remembered per service (0600), a refused or
unreachable service as one clear line and exit status 2.  The TUI itself is replaced by a stub
here (its Pilot tests are in test_console.py)."""

from __future__ import annotations

import json
import stat

import pytest

from gridterm.cli import main
from gridterm.client.staff import StaffClient, StaffError, normalize_url
from gridterm.ui.staff import config
from gridterm.ui.staff.app import StaffApp


@pytest.fixture(autouse=True)
def config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDTERM_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("GRIDTERM_STAFF_TOKEN", raising=False)
    monkeypatch.setenv("GRIDTERM_LANG", "en")  # main() detects the language from the env
    return tmp_path / "config"


@pytest.fixture
def started(monkeypatch):
    """The apps the command would have run (without running them)."""
    apps: list[StaffApp] = []

    def fake_run(self, **kw):
        apps.append(self)

    monkeypatch.setattr(StaffApp, "run", fake_run)
    return apps


def test_a_good_token_is_remembered_for_that_service_only(township, started, config_home):
    url = township.service.url
    assert main(["staff", url, "--token", township.token]) == 0
    path = config_home / "staff.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["tokens"] == {url: township.token}
    assert started[-1].me["township"]["id"] == township.device.township_id
    # Next time the token comes from the config: no --token.
    assert main(["staff", url + "/"]) == 0
    assert started[-1].client.token == township.token
    assert started[-1].login_message == ""
    # Another service has no token: the console starts on the token screen.
    assert config.remembered_token("http://127.0.0.1:9") is None


def test_a_refused_token_is_one_clear_line(township, started, capsys):
    assert main(["staff", township.service.url, "--token", "wrong"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gridterm: The service at http://127.0.0.1:")
    assert "refused this staff token" in err and "gridterm admin staff add" in err
    assert started == [] and config.remembered_token(township.service.url) is None


def test_a_refused_token_in_chinese(township, started, capsys):
    assert main(["--lang", "zh", "staff", township.service.url, "--token", "wrong"]) == 2
    assert "拒绝了这个干部令牌" in capsys.readouterr().err


def test_a_remembered_token_that_stopped_working_asks_for_a_new_one(township, started):
    config.remember_token(township.service.url, "revoked")
    assert main(["staff", township.service.url]) == 0
    app = started[-1]
    assert app.client.token == ""  # the token screen comes first
    assert "no longer works" in app.login_message


def test_unreachable_service_and_bad_address(started, capsys):
    assert main(["staff", "http://127.0.0.1:9", "--token", "x"]) == 2
    assert "Cannot reach the township service at http://127.0.0.1:9" in capsys.readouterr().err
    assert main(["staff", "ftp://example", "--token", "x"]) == 2
    assert "not a service address" in capsys.readouterr().err
    assert started == []


def test_refresh_interval(township, started, capsys):
    assert main(["staff", township.service.url, "--token", township.token, "--refresh", "5"]) == 0
    assert started[-1].refresh_every == 5.0
    assert main(["staff", township.service.url, "--refresh", "soon"]) == 2
    assert "'soon' is not a number of seconds" in capsys.readouterr().err


def test_forget(started, capsys):
    config.remember_token("http://a:1", "t1")
    config.remember_token("http://b:2", "t2")
    assert main(["staff", "http://a:1", "--forget"]) == 0
    assert config.remembered_token("http://a:1") is None
    assert config.remembered_token("http://b:2") == "t2"


def test_normalize_url():
    assert normalize_url("township:8080/") == "http://township:8080"
    assert normalize_url(" https://x.cn ") == "https://x.cn"
    for bad in ("", "ftp://x", "http://"):
        with pytest.raises(StaffError):
            normalize_url(bad)


def test_client_bulk_reports_each_record(township):
    ids = [r["id"] for r in township.reports.values()] + ["no-such-record"]
    with StaffClient(township.service.url, township.token) as client:
        results = {r["id"]: r for r in client.bulk_transition(ids, "accepted")}
        assert [results[i]["ok"] for i in ids] == [True, True, True, True, False]
        again = client.bulk_transition(ids[:1], "extended")  # no reason
        assert again[0]["ok"] is False and again[0]["code"] == "reason_required"
