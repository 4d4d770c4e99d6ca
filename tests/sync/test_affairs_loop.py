"""Village affairs end to end, device and real township service (uvicorn on 127.0.0.1):
a financial notice written from the shell and a 四议两公开 matter walked to its public
resolution on the device → sync → staff publish → pull → the 58 mm paper printed with the
township's QR, read back by zxing-cpp and scanned as genuine and current; then a correction
→ version 2 under the same number, the old paper scanned as superseded with the reason, and
the old record refusing to print."""

from __future__ import annotations

import httpx
import pytest

from gridterm.cli import main
from gridterm.client import sync
from gridterm.core.receipts import ReceiptError
from gridterm.core.receipts import notice_print as np
from gridterm.core.store import Store
from gridterm.core.usecases import affairs as uc
from tests.core.test_affairs import steps
from tests.core.test_receipts_render import decode, parse_escpos_qr, rasterise_svg
from tests.helpers.service import fresh_database, pg_base_url, start_service
from tests.sync.live import FAST, enroll_store, staff_transition
from tests.township._notices import verdict

TABLE = "项目,收入（元）,支出（元）,凭证号\n上级转移支付,5000,,记-13\n支付误工补贴,,300.00,记-12\n"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def service(request, tmp_path_factory):
    if request.param == "pg" and not pg_base_url():
        pytest.skip("PostgreSQL tests need GRIDTERM_TEST_PG")
    folder = str(tmp_path_factory.mktemp("township"))
    with fresh_database(request.param, folder) as url, start_service(url) as svc:
        yield svc


def scan(url: str) -> str | None:
    """What a resident's phone is told when it opens the QR's link."""
    page = httpx.get(url, headers={"X-Forwarded-For": "10.92.0.1"}, timeout=60)
    assert page.status_code < 500
    return verdict(page.text)


def printed_qr(record: dict) -> str:
    """The QR on the 58 mm paper as the printer is sent it, and as zxing-cpp reads it."""
    paper = np.paper_for(record)
    [stored] = parse_escpos_qr(paper.escpos())[80]
    [read] = decode(rasterise_svg(paper.svg()))
    assert stored == b"0" + read.encode("ascii")
    return read


def test_write_sync_publish_pull_print_scan_and_correct(service, data_dir, tmp_path):
    body, table = tmp_path / "body.txt", tmp_path / "table.csv"
    body.write_text("本月村级收支如下，请村民监督。", encoding="utf-8")
    table.write_text(TABLE, encoding="gbk")
    with enroll_store(service, data_dir) as store:
        township_id = store.meta_get("enrollment")["township"]["id"]
    argv = ["--data-dir", str(data_dir), "notice", "new", "--type", "finance"]
    argv += ["--title", "2026年10月财务收支公开", "--village", "石桥村"]
    assert main([*argv, "--file", str(body), "--items", str(table)]) == 0

    with Store.open(data_dir) as store:
        [ledger] = store.query(kind="notice")
        matter = store.create(
            "matter", {"village": "石桥村", "title": "村道硬化", "steps": steps(4)}
        )
        public = uc.add_step(store, matter["id"], {"date": "2026-11-28", "text": "决议公开。"})
        assert public.notice is not None
        first = sync.sync_once(store, sync.SyncConfig(**FAST))
        assert first.push.stored == 3 and store.outbox() == []
        with pytest.raises(ReceiptError):
            np.paper_for(store.get(ledger["id"]))  # with the township: nothing to print yet

        staff = service.make_staff(township_id)
        for record_id in (ledger["id"], public.notice["id"]):
            staff_transition(service, staff, record_id, "published")
        assert sync.sync_once(store, sync.SyncConfig(**FAST)).pull.updates >= 2
        ledger = store.get(ledger["id"])
        assert ledger["status"] == "published" and ledger["notice_version"] == 1
        assert ledger["notice_number"] and ledger["published_at"]
        assert store.get(public.notice["id"])["status"] == "published"
        old_paper = printed_qr(ledger)
        assert old_paper.startswith(f"{service.url}/v/n/{ledger['notice_number']}?v=1&")
        assert scan(old_paper) == "current"

        fixed = dict(ledger["data"], body="本月村级收支如下（更正凭证号），请村民监督。")
        correction = uc.correct_notice(store, ledger["id"], fixed, "凭证号写错")
        sync.sync_once(store, sync.SyncConfig(**FAST))
        staff_transition(service, staff, correction["id"], "published")
        sync.sync_once(store, sync.SyncConfig(**FAST))
        correction, ledger = store.get(correction["id"]), store.get(ledger["id"])
        assert ledger["status"] == "superseded"
        assert correction["status"] == "published"
        assert correction["notice_number"] == ledger["notice_number"]
        assert correction["notice_version"] == 2
        with pytest.raises(ReceiptError):
            np.paper_for(ledger)  # an old version is never printed again
        new_paper = printed_qr(correction)
        assert "?v=2&" in new_paper and scan(new_paper) == "current"
    page = httpx.get(old_paper, headers={"X-Forwarded-For": "10.92.0.2"}, timeout=60)
    assert verdict(page.text) == "superseded" and "凭证号写错" in page.text


def test_a_returned_notice_is_edited_on_the_device_and_published_after(service, data_dir):
    """Returned with a reason (and the township's words to the officer): the device may edit
    it again — not correct it — and its next rev goes back for review and is published."""
    with enroll_store(service, data_dir) as store:
        township_id = store.meta_get("enrollment")["township"]["id"]
        data = {
            "village": "石桥村",
            "type": "village",
            "title": "冬季消防检查",
            "body": "12月检查。",
        }
        record = uc.save_notice(store, data)
        sync.sync_once(store, sync.SyncConfig(**FAST))
        staff = service.make_staff(township_id)
        staff_transition(
            service, staff, record["id"], "returned", reason="缺少检查时间", feedback="请写明日期"
        )
        sync.sync_once(store, sync.SyncConfig(**FAST))
        returned = store.get(record["id"])
        assert uc.notice_state(returned) == "returned" and uc.can_edit(returned)
        assert returned["feedback"] == "请写明日期"  # what the officer is told, on the record
        with pytest.raises(uc.AffairsError):
            uc.correct_notice(store, record["id"], data, "改")  # nothing published to correct
        uc.save_notice(store, {**data, "body": "12月1日至10日检查。"}, record["id"])
        assert sync.sync_once(store, sync.SyncConfig(**FAST)).push.stored == 1
        staff_transition(service, staff, record["id"], "published")
        sync.sync_once(store, sync.SyncConfig(**FAST))
        published = store.get(record["id"])
    assert published["status"] == "published" and published["rev"] == 2
    assert "12月1日至10日" in httpx.get(printed_qr(published), timeout=60).text
