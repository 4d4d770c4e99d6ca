"""The phone's position through ``termux-location`` (Termux:API), with a stand-in script on
PATH that answers as the real one does: a JSON object with latitude, longitude, accuracy,
altitude, bearing, speed, elapsedMs and provider; nothing at all when there is no fix."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from gridterm.core import model
from gridterm.core.attachments import termux
from tests.core.test_model_evidence import report

NOW = "2026-11-25T09:30:00+08:00"
FIX = {
    "latitude": 31.2304167,
    "longitude": 121.4737011,
    "altitude": 12.0,
    "accuracy": 8.5760002136,
    "vertical_accuracy": 3.0,
    "bearing": 0.0,
    "speed": 0.0,
    "elapsedMs": 41,
    "provider": "gps",
}


@pytest.fixture
def fake_location(tmp_path, monkeypatch):
    """Install ``termux-location`` answering ``by_provider[-p]`` (None: prints nothing)."""

    def install(by_provider: dict[str, object]) -> None:
        script = tmp_path / "bin" / "termux-location"
        script.parent.mkdir(exist_ok=True)
        answers = {k: (json.dumps(v) if v is not None else "") for k, v in by_provider.items()}
        script.write_text(
            f"#!{sys.executable}\n"
            "import sys\n"
            f"answers = {answers!r}\n"
            "args = sys.argv[1:]\n"
            "print(answers.get(args[args.index('-p') + 1], ''), end='')\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")

    return install


def test_without_termux_api_there_is_no_position(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not termux.location_available()
    assert termux.read_location(NOW) is None


def test_a_gps_fix_is_a_valid_place_with_its_accuracy(fake_location):
    fake_location({"gps": FIX})
    found = termux.read_location(NOW)
    assert found == {
        "lat": 31.2304167,
        "lon": 121.4737011,
        "accuracy_m": 8.6,
        "source": "gps",
        "place": "",
        "at": NOW,
    }
    assert model.validate_data("report", report(location=found))["location"] == found


def test_no_gps_fix_falls_back_to_the_last_network_position(fake_location):
    fake_location({"gps": None, "network": {**FIX, "accuracy": 1200.0, "provider": "network"}})
    found = termux.read_location(NOW)
    assert found is not None and found["accuracy_m"] == 1200.0


@pytest.mark.parametrize(
    "answer",
    [
        {**FIX, "latitude": None},
        {**FIX, "longitude": "121.47"},  # a string is not a position
        {"API_ERROR": "Location service is disabled"},
        [FIX],
    ],
)
def test_an_answer_without_a_position_is_no_position(fake_location, answer):
    fake_location({"gps": answer, "network": answer})
    assert termux.read_location(NOW) is None


@pytest.mark.parametrize("accuracy", [None, -1.0, "8"])
def test_an_accuracy_that_is_not_a_distance_is_left_out(fake_location, accuracy):
    fake_location({"gps": {**FIX, "accuracy": accuracy}})
    found = termux.read_location(NOW)
    assert found is not None and found["accuracy_m"] is None
