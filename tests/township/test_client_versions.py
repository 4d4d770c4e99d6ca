"""The version hints each pull carries, the versions staff see, and the promise that a
device below the lowest accepted version still gets everything it holds through."""

from __future__ import annotations

import concurrent.futures
import uuid

import httpx
import pytest

from gridterm.township import db
from gridterm.township.services import client_versions
from gridterm.township.services.client_versions import Policy, VersionRefused, reported_version
from tests.township._staff import report


@pytest.fixture
def versions(live_service):
    """Set the township's versions for one test; cleared afterwards (the service is shared)."""

    def set_versions(recommended: str | None, lowest: str | None = None) -> None:
        with live_service.admin_session() as s:
            for key in (client_versions.RECOMMENDED_KEY, client_versions.LOWEST_KEY):
                row = s.get(db.Meta, key)
                if row is not None:
                    s.delete(row)
            s.flush()
            if recommended:
                client_versions.set_recommended(s, recommended)
            if lowest:
                client_versions.set_lowest(s, lowest)

    yield set_versions
    set_versions(None)


def as_version(device, version: str | None) -> httpx.Client:
    agent = f"gridterm/{version}" if version else "python-httpx/0.28"
    headers = {"Authorization": f"Bearer {device.token}", "User-Agent": agent}
    return httpx.Client(base_url=device.service.url, headers=headers, timeout=60)


def hints(device, version: str | None) -> dict:
    with as_version(device, version) as c:
        answer = c.get("/api/v1/sync/pull")
    assert answer.status_code == 200, answer.text
    return answer.json()["client"]


def test_no_settings_no_verdict(live_service, versions):
    versions(None)
    device = live_service.enroll_device()
    assert hints(device, "0.1.0") == {
        "recommended": None,
        "lowest": None,
        "reported": "0.1.0",
        "update": None,
    }


def test_a_device_below_the_recommended_version_is_told_one_is_available(live_service, versions):
    versions("0.2.0")
    device = live_service.enroll_device()
    assert hints(device, "0.1.0") == {
        "recommended": "0.2.0",
        "lowest": None,
        "reported": "0.1.0",
        "update": "available",
    }
    # It updated: the very next pull knows.
    assert hints(device, "0.2.0")["update"] == "none"
    assert hints(device, "0.10.0")["update"] == "none"  # versions, not strings, compared


def test_below_the_lowest_everything_unsent_is_still_accepted_and_it_is_told_to_update(
    live_service, versions
):
    versions("0.3.0", lowest="0.2.0")
    device = live_service.enroll_device()
    records = [report(device, description=f"路灯不亮 {i}") for i in range(3)]
    with as_version(device, "0.1.0") as c:
        pushed = c.post(
            "/api/v1/sync/push",
            json={"records": records},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert pushed.status_code == 200, pushed.text
        assert [r["result"] for r in pushed.json()["results"]] == ["stored"] * 3
        pulled = c.get("/api/v1/sync/pull").json()
    assert pulled["client"]["update"] == "required"
    assert pulled["client"]["lowest"] == "0.2.0"
    held = {r.id for r in live_service_rows(live_service, device.grid_id)}
    assert held == {r["id"] for r in records}
    # Staff feedback on those records still reaches the old device.
    live_service.set_status(records[0]["id"], "accepted", "收到")
    with as_version(device, "0.1.0") as c:
        updates = c.get("/api/v1/sync/pull").json()["updates"]
    assert [(u["id"], u["feedback"]) for u in updates] == [(records[0]["id"], "收到")]


def live_service_rows(service, grid_id):
    with service.sessions() as s:
        return s.query(db.Record).filter_by(grid_id=grid_id).all()


def test_an_old_device_gets_every_field_it_knows_unchanged(live_service, versions):
    # A device from before the hints sends no gridterm User-Agent and reads only the old keys.
    versions("0.2.0")
    device = live_service.enroll_device()
    with as_version(device, None) as c:
        page = c.get("/api/v1/sync/pull").json()
    old_keys = {"cursor", "more", "updates", "templates", "households", "mediators"}
    assert old_keys <= set(page) and set(page) - old_keys == {"client"}
    assert page["client"] == {
        "recommended": "0.2.0",
        "lowest": None,
        "reported": None,
        "update": None,
    }


def test_staff_see_each_device_and_the_version_it_runs(live_service, versions):
    from tests.township._staff import make_township

    versions("0.2.0", lowest="0.1.5")
    tw = make_township(live_service, "版本干部")
    other = live_service.enroll_device()  # another township's device stays out of the list
    for device, version in ((tw.device, "0.1.0"), (other, "0.2.0")):
        hints(device, version)
    with live_service.client(tw.staff_token) as c:
        answer = c.get("/api/v1/staff/devices")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["recommended"], body["lowest"]) == ("0.2.0", "0.1.5")
    assert [(d["id"], d["client_version"], d["update"]) for d in body["items"]] == [
        (tw.device.id, "0.1.0", "required")
    ]
    with live_service.client(tw.device.token) as c:
        assert c.get("/api/v1/staff/devices").status_code == 401


def test_hundreds_of_requests_from_devices_changing_version_at_once(live_service, versions):
    # 20 devices, each updating from 0.1.0 to 0.2.0 in the middle of 10 pulls, all at once.
    versions("0.2.0")
    grid = live_service.make_grid()
    devices = [live_service.enroll_device(grid, officer=f"网格员{i}") for i in range(20)]

    def pull(job: tuple[int, int]) -> tuple[int, str | None]:
        index, n = job
        version = "0.1.0" if n < 5 else "0.2.0"
        with as_version(devices[index], version) as c:
            answer = c.get("/api/v1/sync/pull")
        return answer.status_code, answer.json().get("client", {}).get("update")

    jobs = [(i, n) for n in range(10) for i in range(20)]
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        results = list(pool.map(pull, jobs))
    assert {status for status, _ in results} == {200}
    with live_service.sessions() as s:
        kept = {d.id: s.get(db.Device, d.id).client_version for d in devices}
    assert set(kept.values()) == {"0.2.0"}


@pytest.mark.parametrize(
    "agent, version",
    [
        ("gridterm/0.1.0", "0.1.0"),
        ("gridterm/0.2.0rc1 (Termux) proxy/1.0", "0.2.0rc1"),
        ("Mozilla/5.0 gridterm/1.0", "1.0"),
        ("gridterm/not-a-version", None),
        pytest.param("gridterm/" + "9" * 10_000, None, id="10,000 digits"),
        ("gridterm/1.0\x00", None),
        ("notgridterm/1.0", None),
        ("", None),
        (None, None),
    ],
)
def test_what_a_user_agent_says_is_read_as_a_version_or_not_at_all(agent, version):
    assert reported_version(agent) == version


def test_the_township_cannot_set_what_is_no_version_or_a_lowest_above_the_recommended(
    live_service, versions
):
    versions("0.2.0")
    with pytest.raises(VersionRefused, match="not a version"), live_service.admin_session() as s:
        client_versions.set_lowest(s, "soon")
    with pytest.raises(VersionRefused, match="cannot be above"), live_service.admin_session() as s:
        client_versions.set_lowest(s, "0.3.0")


@pytest.mark.parametrize(
    "recommended, lowest, version, verdict",
    [
        ("0.2.0", None, "0.1.9", "available"),
        ("0.2.0", None, "0.2.0", "none"),
        ("0.2.0", None, "0.2.0rc1", "available"),
        ("0.2.0", "0.1.0", "0.0.9", "required"),
        (None, "0.1.0", "0.0.9", "required"),
        (None, "0.1.0", "0.1.0", "none"),
        ("0.2.0", None, None, None),
        ("0.2.0", None, "garbage", None),
        (None, None, "0.1.0", None),
    ],
)
def test_verdicts(recommended, lowest, version, verdict):
    assert Policy(recommended, lowest).verdict(version) == verdict
