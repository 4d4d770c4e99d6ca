"""A county on a real service for the console's tests: two townships (each with a grid in
its own village, an enrolled device and a staff token), a county department, county staff,
a county leader responsible for one village, and a second county whose staff must see none
of it.  Records of every tier are pushed by the devices as an officer's app would.

Everything is made through the service's own admin functions (``services.county``: what
``gridterm admin county|department|liaison|staff`` call) and its HTTP API.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import httpx

from gridterm.core import model
from gridterm.township.services import county as county_admin
from tests.helpers.service import Device

# name -> (township, data): an urgent safety hazard is red (urgent_risk), an important
# report yellow (urgent), a normal one green; a major case red (major_dispute).
REPORTS = {
    "gas": ("A", {"category": "safety", "urgency": "urgent", "description": "燃气管道泄漏"}),
    "lamp": ("A", {"category": "facilities", "urgency": "important", "description": "路灯不亮"}),
    "rubbish": ("A", {"category": "sanitation", "urgency": "normal", "description": "垃圾堆放"}),
    "bridge": ("B", {"category": "safety", "urgency": "urgent", "description": "便桥桥墩开裂"}),
    "noise": ("B", {"category": "other", "urgency": "normal", "description": "夜间施工噪音"}),
}
VILLAGES = {"A": "青山村", "B": "石桥村"}


@dataclass
class Town:
    id: str
    name: str
    device: Device
    token: str  # the township's staff


@dataclass
class County:
    service: object
    id: str
    name: str
    towns: dict[str, Town]
    token: str  # county staff
    leader_token: str
    other_token: str  # another county's staff
    department: dict
    records: dict[str, dict] = field(default_factory=dict)

    def api(self, token: str | None = None) -> httpx.Client:
        return self.service.client(token or self.token)

    def record(self, name: str, token: str | None = None) -> dict:
        rid = self.records[name]["id"]
        response = self.api(token).get(f"/api/v1/staff/records/{rid}")
        assert response.status_code == 200, response.text
        return response.json()

    def move(self, name: str, token: str, to: str, **fields) -> dict:
        rid = self.records[name]["id"]
        response = self.api(token).post(
            f"/api/v1/staff/records/{rid}/transition", json={"to": to, **fields}
        )
        assert response.status_code == 200, response.text
        return response.json()


def report(device: Device, data: dict) -> dict:
    return model.new_record(
        "report",
        {"place": "村口", **data},
        grid=device.grid_id,
        officer=device.officer_id,
        device=device.id,
    )


def build_county(service) -> County:
    tag = secrets.token_hex(2)
    towns: dict[str, Town] = {}
    with service.admin_session() as s:
        county = county_admin.add_county(s, f"云岭县{tag}")
        county_id, county_name = county.id, county.name
    for key, name in (("A", "东河镇"), ("B", "石桥镇")):
        township_id = service.make_township(f"{name}{tag}")
        grid = service.make_grid(township_id)
        with service.admin_session() as s:
            county_admin.set_township_county(s, township_id, county_id)
            county_admin.set_grid_village(s, grid.grid_id, VILLAGES[key])
        device = service.enroll_device(grid, officer=f"{name[:2]}网格员")
        towns[key] = Town(township_id, f"{name}{tag}", device, service.make_staff(township_id))
    with service.admin_session() as s:
        department = county_admin.add_department(s, county_id, "县住建局")
        department_ref = {"id": department.id, "name": department.name}
        token, _ = county_admin.add_staff(s, county_id, "县综治中心")
        leader_token, _, _ = county_admin.add_liaison(s, county_id, "赵县长", VILLAGES["A"])
        other = county_admin.add_county(s, f"远山县{tag}")
        other_token, _ = county_admin.add_staff(s, other.id, "远山县综治中心")
    built = County(
        service,
        county_id,
        county_name,
        towns,
        token,
        leader_token,
        other_token,
        department_ref,
    )
    for name, (town, data) in REPORTS.items():
        record = report(towns[town].device, data)
        pushed = towns[town].device.push([record])
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["results"][0]["result"] == "stored", pushed.text
        built.records[name] = record
    return built
