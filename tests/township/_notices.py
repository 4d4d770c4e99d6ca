"""Shared set-up for the village affairs' service tests: notices written as the officer's
device writes them (the model's own ``new_record``), pushed through the real sync API and
published through the real staff API."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from gridterm.core import model
from tests.township._staff import Township

VILLAGE = "石桥村"


def finance_data(village: str = VILLAGE, **extra: Any) -> dict[str, Any]:
    data = {
        "village": village,
        "type": "finance",
        "title": "2026年10月财务收支公开",
        "body": "本月村级收支如下，请村民监督。\n如有疑问，请在本页提问。",
        "period": {"from": "2026-10-01", "to": "2026-10-31"},
        "items": [
            {"item": "支付王大山误工补贴", "income": "", "spending": "300.00", "voucher": "记-12"},
            {"item": "上级转移支付", "income": "5000.00", "spending": "", "voucher": "记-13"},
            {"item": "王大慰问金", "income": "", "spending": "200.00", "voucher": "记-14"},
        ],
        "totals": {"income": "5000.00", "spending": "500.00"},
    }
    data.update(extra)
    return data


def village_data(village: str = VILLAGE, **extra: Any) -> dict[str, Any]:
    data = {
        "village": village,
        "type": "village",
        "title": "关于村道硬化工程的公示",
        "body": "村道硬化工程经村民代表会议决议实施。\n工期：11月1日至11月30日。",
        "period": {"from": "2026-11-01", "to": "2026-11-30"},
    }
    data.update(extra)
    return data


def notice(tw: Township, data: dict[str, Any]) -> dict[str, Any]:
    """A notice record from the township's device, pushed."""
    rec = model.new_record("notice", data, device=tw.device.id)
    tw.push(rec)
    return rec


def correction(tw: Township, original: dict[str, Any], reason: str, **changes: Any) -> dict:
    data = {**original["data"], **changes, "correction_of": original["id"], "reason": reason}
    return notice(tw, data)


def move(tw: Township, record_id: str, to: str, **fields: Any) -> httpx.Response:
    return tw.staff.post(f"/api/v1/staff/records/{record_id}/transition", json={"to": to, **fields})


def publish(tw: Township, record_id: str) -> dict[str, Any]:
    """Publish and return the record's ``notice`` part (number, version, paths …)."""
    response = move(tw, record_id, "published")
    assert response.status_code == 200, response.text
    return response.json()["notice"]


def detail(tw: Township, record_id: str) -> dict[str, Any]:
    response = tw.staff.get(f"/api/v1/staff/records/{record_id}")
    assert response.status_code == 200, response.text
    return response.json()


def payload(service, info: dict[str, Any]) -> str:
    """The QR payload of the version ``info`` (a record's ``notice``) describes."""
    return f"{service.url}{info['page']}?{info['qr_query']}"


def pulled(tw: Township, record_id: str) -> dict[str, Any]:
    """The record's update as its device pulls it (a full pull)."""
    body = tw.device.pull().json()
    found = [u for u in body["updates"] if u["id"] == record_id]
    assert found, body
    return found[-1]


def public(service, path_or_url: str, address: str = "10.90.0.1", **kw: Any) -> httpx.Response:
    """A page as a resident's phone asks for it (its own client address: its own budget)."""
    url = path_or_url if path_or_url.startswith("http") else service.url + path_or_url
    headers = {"X-Forwarded-For": address, **kw.pop("headers", {})}
    return httpx.get(url, headers=headers, timeout=60, **kw)


def verdict(html: str) -> str | None:
    found = re.search(r'data-verdict="([a-z_]+)"', html)
    return found.group(1) if found else None


def query_of(url: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in urlsplit(url).query.split("&") if "=" in p)


def decode_png(data: bytes) -> list[str]:
    """The QR codes zxing-cpp reads in a PNG (dark on light only, as a phone camera needs)."""
    import png
    import zxingcpp

    width, height, rows, _info = png.Reader(bytes=data).asRGBA8()
    grey = bytearray()
    for row in rows:
        grey.extend((row[i] + row[i + 1] + row[i + 2]) // 3 for i in range(0, len(row), 4))
    view = memoryview(bytes(grey)).cast("B", (height, width))
    return [found.text for found in zxingcpp.read_barcodes(view, try_invert=False)]
