import subprocess
import sys

from gridterm.cli import main


def test_help_lists_global_options(capsys):
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "--data-dir" in out and "--lang" in out


def test_help_in_chinese(capsys):
    try:
        main(["--lang", "zh", "--help"])
    except SystemExit:
        pass
    assert "本机数据" in capsys.readouterr().out


def test_unknown_language_is_a_clear_error(capsys):
    assert main(["--lang", "fr", "outbox"]) == 2
    assert "fr" in capsys.readouterr().err


def test_python_dash_m_works():
    out = subprocess.run(
        [sys.executable, "-m", "gridterm", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("gridterm ")


def test_language_detection(monkeypatch):
    from gridterm.core.i18n import detect

    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", "GRIDTERM_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert detect() == "zh_CN"  # the C locale says nothing: officers read Chinese
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert detect() == "zh_CN"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert detect() == "en"
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert detect() == "en"
    monkeypatch.setenv("GRIDTERM_LANG", "zh")
    assert detect() == "zh_CN"
