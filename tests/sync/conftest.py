from __future__ import annotations

import pytest
import stamina

from tests.sync.fake_service import FakeService


@pytest.fixture
def store(data_dir):
    from gridterm.core.store import Store

    with Store.open(data_dir) as opened:
        yield opened


@pytest.fixture
def fake():
    return FakeService()


@pytest.fixture
def no_backoff():
    """stamina's test mode: no sleeping between retries, at most 5 attempts."""
    with stamina.set_testing(True, attempts=5):
        yield


def report_data(i: int, text: str = "") -> dict:
    return {
        "category": "safety",
        "urgency": "normal",
        "place": f"青山村{i % 9 + 1}组",
        "description": f"路灯不亮 #{i} {text}".strip(),
    }


def make_reports(store, n: int) -> list[dict]:
    return [store.create("report", report_data(i)) for i in range(n)]


ENROLLMENT = {
    "service_url": "https://public.example.cn",
    "sync_url": "https://township.example.cn",
    "device_id": "dev-1",
    "token": "tok-1",
    "device_secret": "secret-1",
    "officer": {"id": "o1", "name": "王芳", "phone": "13800000000"},
    "grid": {"id": "g1", "name": "一组"},
    "township": {"id": "t1", "name": "青山镇"},
}


@pytest.fixture
def enrolled(store):
    store.meta_set("enrollment", dict(ENROLLMENT))
    store.meta_set("cursor", 0)
    return store
