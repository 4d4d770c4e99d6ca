"""The county console's screenshots (``screens/staff-county-*.svg``), taken by
:mod:`gridterm.devtools.staff_screenshots` after the township's, on the same demo service.

The demo's township (青山镇, its grid in 东河村) joins a county (云岭县) with a second township
(石桥镇) whose officer's device raises reports of every tier and syncs them as the app does;
the county has a department, county staff and a leader responsible for 东河村. The ladder is
walked through the staff API as staff would: 青山镇 escalates a report, the county signs for
it and supervises a red item of 石桥镇.  Then the console is driven with Pilot: the items, the
townships' figures, the trends, an escalated record, and a leader's own villages.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

COUNTY = "云岭县"
TOWN_A, VILLAGE_A = "青山镇", "东河村"
TOWN_B, VILLAGE_B = "石桥镇", "石桥村"
DEPARTMENTS = ("县住建局", "县应急管理局")
LEADER = "赵县长"

# 石桥镇's officer's reports: red (an urgent safety hazard), yellow, green.
REPORTS_B = (
    {"category": "safety", "urgency": "urgent", "description": "便桥桥墩开裂，汛期前需加固。"},
    {"category": "facilities", "urgency": "important", "description": "灌溉渠道堵塞，影响春灌。"},
    {"category": "other", "urgency": "normal", "description": "夜间施工噪音扰民。"},
    {"category": "dispute", "urgency": "normal", "description": "两户宅基地界址争议。"},
)


@dataclass
class CountyDemo:
    county_token: str
    leader_token: str
    escalated_id: str | None


def _accounts(db_url: str) -> tuple[str, str, str, str]:
    """The county around the demo's township and a second township with an officer; returns
    (county staff token, leader token, 石桥镇's staff token, its officer's enrollment code)."""
    from sqlalchemy import select

    from gridterm.township import db
    from gridterm.township.services import admin
    from gridterm.township.services import county as county_admin

    engine = db.make_engine(db_url)
    try:
        with db.write_session(db.session_factory(engine)) as session:
            county = county_admin.add_county(session, COUNTY)
            town_a = session.execute(select(db.Township).filter_by(name=TOWN_A)).scalar_one()
            county_admin.set_township_county(session, town_a.id, county.id)
            for grid in session.execute(select(db.Grid).filter_by(township_id=town_a.id)).scalars():
                county_admin.set_grid_village(session, grid.id, VILLAGE_A)
            town_b = admin.add_township(session, TOWN_B)
            county_admin.set_township_county(session, town_b.id, county.id)
            grid_b = admin.add_grid(session, town_b.id, "石桥村第一网格")
            county_admin.set_grid_village(session, grid_b.id, VILLAGE_B)
            officer = admin.add_officer(session, grid_b.id, "陈刚", "13912345678")
            code, _row = admin.issue_code(session, officer.id)
            staff_b, _staff = admin.add_staff(session, town_b.id, "周干部")
            for name in DEPARTMENTS:
                county_admin.add_department(session, county.id, name)
            county_token, _ = county_admin.add_staff(session, county.id, "县综治中心")
            leader_token, _, _ = county_admin.add_liaison(session, county.id, LEADER, VILLAGE_A)
            return county_token, leader_token, staff_b, code
    finally:
        engine.dispose()


def build(db_url: str, url: str, staff_a: str, folder: Path) -> CountyDemo:
    """The county on the demo service (``staff_a``: the demo township's staff token)."""
    import httpx

    from gridterm.client import sync
    from gridterm.core.store import Store

    county_token, leader_token, _staff_b, code = _accounts(db_url)
    with Store.open(folder / "device-b") as store:
        sync.enroll(store, url, code, "石桥手机")
        for data in REPORTS_B:
            store.create("report", {"place": f"{VILLAGE_B}村口", **data})
        sync.sync_once(store)

    def client(token: str) -> httpx.Client:
        return httpx.Client(
            base_url=f"{url}/api/v1/staff",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )

    escalated = None
    with client(staff_a) as township, client(county_token) as county:
        # 青山镇 cannot settle a yellow report: up to the county, which signs for it.
        found = township.get("/records", params={"tier": "yellow", "open": "true"}).json()
        for item in found["items"]:
            body = {"to": "escalated", "reason": "涉及多户线路改造，需县住建局协调"}
            if township.post(f"/records/{item['id']}/transition", json=body).is_success:
                escalated = item["id"]
                county.post(f"/records/{escalated}/transition", json={"to": "signed"})
                break
        # The county supervises 石桥镇's red item (督办).
        reds = county.get("/records", params={"tier": "red", "open": "true"}).json()["items"]
        for item in reds:
            if (item.get("township") or {}).get("name") == TOWN_B:
                deadline = (_service_today() + dt.timedelta(days=3)).isoformat()
                note = {"deadline": deadline, "note": "汛期前完成加固"}
                county.post(f"/records/{item['id']}/supervise", json=note)
                break
    return CountyDemo(county_token, leader_token, escalated)


def _service_today() -> dt.date:
    from gridterm.township import db

    return db.utcnow().astimezone(dt.timezone(dt.timedelta(hours=8))).date()


async def _until(pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the county console did not get there in time")
        await pilot.pause(0.05)


async def _settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def shoot(
    make_app: Callable[[str], object],
    demo: CountyDemo,
    save: Callable[[object, str], None],
    size: tuple[int, int],
) -> None:
    """The county's screens: ``make_app(token)`` a console, ``save(app, name)`` one picture."""
    from gridterm.ui.staff.screens.county import CountyScreen
    from gridterm.ui.staff.screens.detail import DetailScreen

    app = make_app(demo.county_token)
    async with app.run_test(size=size) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, CountyScreen) and app.screen.summary)
        await _until(pilot, lambda: app.screen.items and app.screen.weekly)
        await _settled(pilot)
        screen = app.screen
        save(app, "county-items")
        for key, name in (("2", "county-towns"), ("4", "county-trends")):
            await pilot.press(key)
            await _settled(pilot)
            save(app, name)
        await pilot.press("1")
        await _settled(pilot)
        if demo.escalated_id in [item["id"] for item in screen.items]:
            index = [item["id"] for item in screen.items].index(demo.escalated_id)
            table = screen.query_one("#cv-items-table")
            table.move_cursor(row=index)
            await pilot.press("enter")
            await _until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.record)
            await _settled(pilot)
            save(app, "county-detail")
    app = make_app(demo.leader_token)
    async with app.run_test(size=size) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, CountyScreen) and app.screen.summary)
        await _until(pilot, lambda: app.screen.items)
        await _settled(pilot)
        await pilot.press("3")
        await _settled(pilot)
        save(app, "county-villages")
