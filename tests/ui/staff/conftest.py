"""Fixtures for the staff console: a real service on 127.0.0.1 (SQLite, and PostgreSQL when
GRIDTERM_TEST_PG is set), a township with reports pushed by an enrolled device, a staff token,
and helpers that read what the console shows."""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from gridterm.core import model
from tests.helpers.service import Device, fresh_database, pg_base_url, start_service

CHINA = timezone(timedelta(hours=8))
ENGINES = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


@pytest.fixture(scope="module", params=["sqlite"])
def service(request, tmp_path_factory):
    with (
        fresh_database(request.param, str(tmp_path_factory.mktemp("staff"))) as url,
        start_service(url) as svc,
    ):
        yield svc


@pytest.fixture(params=ENGINES)
def any_service(request, tmp_path):
    """A service of its own on each engine (PostgreSQL only when GRIDTERM_TEST_PG is set)."""
    if request.param == "pg" and not pg_base_url():
        pytest.skip("PostgreSQL tests need GRIDTERM_TEST_PG")
    with fresh_database(request.param, str(tmp_path)) as url, start_service(url) as svc:
        yield svc


def report(description: str, *, urgency="normal", category="safety", place="青山村3组", **kw):
    return {
        "category": category,
        "urgency": urgency,
        "place": place,
        "description": description,
        **kw,
    }


@dataclass
class Township:
    service: object
    device: Device
    token: str
    reports: dict[str, dict]  # name -> the record as pushed

    def push(self, *records: dict) -> None:
        response = self.device.push(list(records))
        assert response.status_code == 200, response.text
        assert all(r["result"] == "stored" for r in response.json()["results"])


def new_report(device: Device, data: dict, *, now: datetime | None = None) -> dict:
    return model.new_record(
        "report",
        data,
        grid=device.grid_id,
        officer=device.officer_id,
        device=device.id,
        now=now,
    )


@pytest.fixture
def township(service) -> Township:
    """A fresh township: four reports (one overdue since yesterday, one edited into rev 2)
    and one visit, pushed by an enrolled device; and a staff token for the township."""
    device = service.enroll_device()
    old = datetime.now(CHINA) - timedelta(days=2)
    reports = {
        "lamp": new_report(device, report("路灯不亮", urgency="urgent"), now=old),
        "gas": new_report(device, report("燃气软管老化")),
        "rubbish": new_report(device, report("垃圾堆放", category="sanitation")),
        "wall": new_report(device, report("围墙开裂", place="石桥村1组")),
    }
    visit = model.new_record(
        "visit",
        {
            "household_id": "00000000-0000-4000-8000-000000000001",
            "template_id": "safety",
            "template_version": 1,
            "answers": {"gas_alarm": "yes"},
            "flagged": [],
        },
        grid=device.grid_id,
        officer=device.officer_id,
        device=device.id,
    )
    town = Township(service, device, service.make_staff(device.township_id), reports)
    town.push(*reports.values(), visit)
    # The officer edits the wall report: rev 2 changes the place and adds a note.
    wall = dict(reports["wall"])
    wall["rev"] = 2
    wall["data"] = {**wall["data"], "place": "石桥村2组", "description": "围墙开裂，有倒塌危险"}
    town.push(wall)
    reports["wall"] = wall
    return town


def screen_text(app) -> str:
    """The text on the terminal, row by row."""
    svg = app.export_screenshot()
    rows: dict[int, list[str]] = {}
    for row, body in re.findall(
        r'<text[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>([^<]*)</text>', svg
    ):
        rows.setdefault(int(row), []).append(html.unescape(body).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(rows.items()))


async def until(pilot, condition, timeout: float = 20.0, what: str = "condition") -> None:
    """Let the app run until ``condition()`` holds (workers do the network I/O)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            notes = [n.message for n in pilot.app._notifications]
            raise AssertionError(f"{what} not met in time; notes={notes}\n{screen_text(pilot.app)}")
        await pilot.pause(0.02)
