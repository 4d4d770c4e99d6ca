"""Shared set-up of the county tests: a county on the live service with townships (each an
enrolled device and township staff), a county department, county staff and a leader."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import httpx
import pytest

from gridterm.township import db
from gridterm.township.services import county as county_service
from tests.helpers.service import start_service
from tests.township._staff import Township, make_township

API = "/api/v1/staff"


@dataclass
class County:
    service: object
    id: str
    name: str
    staff: httpx.Client
    staff_token: str
    department_id: str
    townships: list[Township] = field(default_factory=list)
    leader: httpx.Client | None = None


def make_county(
    service, townships: int = 1, *, village: str = "石桥村", leader_villages=("石桥村",)
) -> County:
    """A county with ``townships`` townships (each an enrolled device whose grid lies in
    ``village``), a department, county staff and a leader of ``leader_villages``."""
    name = f"县{secrets.token_hex(3)}"
    towns = [make_township(service) for _ in range(townships)]
    with service.admin_session() as s:
        row = county_service.add_county(s, name)
        for town in towns:
            county_service.set_township_county(s, town.township_id, row.id)
            s.get(db.Grid, town.grid_id).village = village
        dept = county_service.add_department(s, row.id, "住建局")
        token, _ = county_service.add_staff(s, row.id, "县综治中心")
        leader_token = None
        for v in leader_villages:
            made, _leader, _ = county_service.add_liaison(s, row.id, "张县长", v)
            leader_token = leader_token or made
        county_id, dept_id = row.id, dept.id
    return County(
        service=service,
        id=county_id,
        name=name,
        staff=service.client(token),
        staff_token=token,
        department_id=dept_id,
        townships=towns,
        leader=service.client(leader_token) if leader_token else None,
    )


def move(client: httpx.Client, rid: str, to: str, **fields) -> httpx.Response:
    return client.post(f"{API}/records/{rid}/transition", json={"to": to, **fields})


def ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def own_service(fresh_db_url):
    """A service of the test's own (a fresh database on the current engine), for tests that
    sweep with a clock of their own: the shared service's records stay out of it."""
    with start_service(fresh_db_url, sweep_seconds=0) as service:
        yield service
