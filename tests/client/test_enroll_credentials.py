"""Enrolling keeps the token and secret in the credentials file, and re-enrolling shows the
service the token it replaces — that service only, never another."""

from __future__ import annotations

import json

from gridterm.client import sync
from gridterm.core import credentials
from gridterm.core.store import Store
from tests.sync.fake_service import FakeService

FAST = {"connect_timeout": 2, "read_timeout": 2, "deadline": 5}


def enroll(store, fake, url="https://township.example.cn/"):
    config = sync.SyncConfig(**FAST)
    return sync.enroll(store, url, "GOOD-CODE", "phone-1", config=config, transport=fake.transport)


def test_enrolling_writes_the_secrets_to_their_own_file_only(tmp_path):
    fake = FakeService()
    with Store.open(tmp_path) as store:
        done = enroll(store, fake)
        assert done["token"] == "tok-1" and done["device_secret"] == "secret-1"
        assert "token" not in store.meta_get("enrollment")
        assert "device_secret" not in store.meta_get("enrollment")
        assert credentials.enrollment(store) == done
    body = json.loads(fake.requests[0].content)
    assert "previous_token" not in body  # a first enrollment has none to show


def test_reenrolling_at_the_same_service_shows_the_token_it_replaces(tmp_path):
    fake = FakeService()
    with Store.open(tmp_path) as store:
        enroll(store, fake)
        enroll(store, fake)
    assert json.loads(fake.requests[1].content)["previous_token"] == "tok-1"


def test_reenrolling_elsewhere_never_shows_the_old_token(tmp_path):
    fake = FakeService()
    with Store.open(tmp_path) as store:
        enroll(store, fake)
        enroll(store, fake, url="https://another-township.example.cn/")
    assert "previous_token" not in json.loads(fake.requests[1].content)
    assert b"tok-1" not in fake.requests[1].content
