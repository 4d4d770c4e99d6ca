"""Issue 13, item 5: the device's token and receipt secret live in a 0600 file of their own,
not in the records' file — and an enrollment saved the old way moves there at first use."""

from __future__ import annotations

import json
import os
import stat

import pytest

from gridterm.core import credentials, receipts
from gridterm.core.store import Store

OLD_STYLE = {
    "service_url": "https://xz.example.gov.cn",
    "sync_url": "https://xz.example.gov.cn",
    "device_id": "dev-7",
    "token": "gtd_secret-token-value",
    "device_secret": "secret-that-signs-receipts",
    "officer": {"id": "o1", "name": "王芳", "phone": "13800000000"},
    "grid": {"id": "g1", "name": "一组"},
    "township": {"id": "t1", "name": "青山镇"},
}
NEW_META = {k: v for k, v in OLD_STYLE.items() if k not in credentials.SECRET_KEYS}


def folder_bytes(folder) -> bytes:
    """Every file of the data folder except the credentials file, as one blob."""
    out = b""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name != credentials.FILE:
                with open(os.path.join(root, name), "rb") as fh:
                    out += fh.read()
    return out


def test_saved_credentials_are_0600_and_nowhere_else(tmp_path):
    with Store.open(tmp_path) as store:
        credentials.save(store, "dev-7", OLD_STYLE["token"], OLD_STYLE["device_secret"])
        store.meta_set("enrollment", NEW_META)
        assert credentials.enrollment(store) == OLD_STYLE
        assert credentials.token(store) == OLD_STYLE["token"]
        assert credentials.device_secret(store) == OLD_STYLE["device_secret"]
    mode = stat.S_IMODE(os.stat(tmp_path / credentials.FILE).st_mode)
    assert mode == 0o600
    blob = folder_bytes(tmp_path)
    assert b"secret-token-value" not in blob and b"secret-that-signs" not in blob


def test_an_old_enrollment_moves_out_of_the_records_file_at_first_use(tmp_path):
    with Store.open(tmp_path) as store:
        store.meta_set("enrollment", OLD_STYLE)  # as every device enrolled before issue 13
    assert b"secret-that-signs" in folder_bytes(tmp_path)
    with Store.open(tmp_path) as store:
        assert credentials.enrollment(store) == OLD_STYLE
        assert store.meta_get("enrollment") == NEW_META
    assert b"secret-that-signs" not in folder_bytes(tmp_path)
    assert b"secret-token-value" not in folder_bytes(tmp_path)
    saved = json.loads((tmp_path / credentials.FILE).read_text(encoding="utf-8"))
    assert saved == {"device_id": "dev-7", **{k: OLD_STYLE[k] for k in credentials.SECRET_KEYS}}
    assert stat.S_IMODE(os.stat(tmp_path / credentials.FILE).st_mode) == 0o600
    with Store.open(tmp_path) as store:  # and it stays moved
        assert credentials.enrollment(store) == OLD_STYLE


def test_receipts_are_signed_with_the_secret_from_its_file(tmp_path):
    with Store.open(tmp_path) as store:
        store.meta_set("enrollment", OLD_STYLE)
        rec = store.create(
            "report",
            {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线"},
        )
        _, receipt = receipts.issue_for(store, rec["id"])
    assert receipts.verify(receipt["number"], receipt["sig"], OLD_STYLE["device_secret"])
    assert receipts.signed_at(receipt["sig"]) is not None


def test_a_copied_records_file_without_the_credentials_is_not_enrolled(tmp_path):
    source, copy = tmp_path / "phone", tmp_path / "copy"
    with Store.open(source) as store:
        credentials.save(store, "dev-7", OLD_STYLE["token"], OLD_STYLE["device_secret"])
        store.meta_set("enrollment", NEW_META)
    copy.mkdir()
    for path in source.iterdir():
        if (
            path.is_file()
            and path.name not in (credentials.FILE,)
            and not path.name.startswith(".")
        ):
            (copy / path.name).write_bytes(path.read_bytes())
    with Store.open(copy) as store:
        assert store.meta_get("enrollment") == NEW_META
        assert credentials.token(store) is None and credentials.device_secret(store) is None
        from gridterm.client import sync

        with pytest.raises(sync.NotEnrolled):
            sync.SyncClient(store)


def test_credentials_of_another_enrollment_are_not_used(tmp_path):
    with Store.open(tmp_path) as store:
        credentials.save(store, "dev-OLD", "gtd_old", "old-secret")
        store.meta_set("enrollment", NEW_META)  # dev-7
        assert credentials.load(store) is None
        assert credentials.enrollment(store)["token"] is None


class StandIn:
    """A store without a data folder (as tests and proxies hand the sync client)."""

    def __init__(self) -> None:
        self.meta = {"enrollment": dict(OLD_STYLE)}

    def meta_get(self, key, default=None):
        return self.meta.get(key, default)

    def meta_set(self, key, value):
        self.meta[key] = value


def test_a_store_without_a_folder_keeps_them_in_its_meta():
    store = StandIn()
    assert credentials.enrollment(store) == OLD_STYLE
    assert store.meta["enrollment"] == OLD_STYLE
