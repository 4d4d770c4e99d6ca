"""Shared set-up for the staff API and resident page tests: a township with an enrolled
device and a staff token, records pushed through the real sync API."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from gridterm.core import model, receipts


@dataclass
class Township:
    service: object
    device: object
    staff: httpx.Client
    staff_token: str
    township_id: str
    grid_id: str

    def push(self, *records: dict) -> None:
        response = self.device.push(list(records))
        assert response.status_code == 200, response.text
        got = [r["result"] for r in response.json()["results"]]
        assert all(r in ("stored", "unchanged") for r in got), response.text


def make_township(service, staff_name: str = "李干部") -> Township:
    device = service.enroll_device()
    token = service.make_staff(device.township_id, staff_name)
    return Township(
        service=service,
        device=device,
        staff=service.client(token),
        staff_token=token,
        township_id=device.township_id,
        grid_id=device.grid_id,
    )


def report(dev, *, now=None, receipt: bool = False, **extra) -> dict:
    data = {
        "category": "safety",
        "urgency": "normal",
        "place": "村口",
        "description": "电线裸露，靠近小学",
        "raised_by": "张三明",
        **extra,
    }
    rec = model.new_record("report", data, device=dev.id, now=now)
    if receipt:
        rec["receipts"] = [receipts.issue(rec, dev.secret)]
    return rec


def household(dev, head: str = "王大山", village: str = "石桥村") -> dict:
    data = {"village": village, "group": "3组", "number": "12", "head": head}
    return model.new_record("household", data, device=dev.id)


def case(dev) -> dict:
    data = {
        "parties": [{"name": "赵小红"}, {"name": "钱大伟"}],
        "dispute_type": "neighbour",
        "source": "party_applied",
        "summary": "宅前排水沟堵塞引起争执",
    }
    return model.new_record("case", data, device=dev.id)


def visit(dev, household_id: str) -> dict:
    data = {
        "household_id": household_id,
        "template_id": "safety",
        "template_version": 1,
        "answers": {"gas_alarm": "no"},
        "flagged": ["gas_alarm"],
    }
    return model.new_record("visit", data, device=dev.id)
