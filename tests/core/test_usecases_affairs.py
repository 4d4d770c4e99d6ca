"""Village affairs on the device's store: a notice written and edited until it is published,
a correction after, a matter walked step by step — the publishing steps writing their notice
in the same write, a refused step writing nothing — and the paper of a published notice."""

from __future__ import annotations

import os

import pytest
import zxingcpp

from gridterm.core import model
from gridterm.core.model import affairs
from gridterm.core.receipts import ReceiptError
from gridterm.core.receipts import notice_print as np
from gridterm.core.receipts import render as rr
from gridterm.core.store import Store
from gridterm.core.usecases import affairs as uc
from tests.core.test_affairs import steps

SERVICE = "https://zhen.example.gov.cn"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # the store's own tests cover fsync
    with Store.open(tmp_path / "data") as opened:
        yield opened


def ledger() -> dict:
    return {
        "village": "石桥村",
        "type": "finance",
        "title": "2026年第三季度村级财务收支公开",
        "body": "经村务监督委员会审核，现将本季度收支公开如下。",
        "period": {"from": "2026-07-01", "to": "2026-09-30"},
        "items": [
            {"item": "上级转移支付", "income": "50000", "voucher": "记-001"},
            {"item": "村道维修材料（水泥、砂石）", "spending": "12345.6", "voucher": "记-002"},
            {"item": "保洁员工资7-9月", "spending": "3600", "voucher": "记-003"},
        ],
    }


def publish(store, record: dict, version: int = 1, number: str = "7") -> dict:
    """What a pull brings once the township published ``record`` (its content's hash in the QR)."""
    h = np.content_hash(record["data"])
    store.mark_synced([{"id": record["id"], "rev": record["rev"], "result": "stored"}])
    store.apply_updates(
        [
            {
                "id": record["id"],
                "status": "published",
                "notice_number": number,
                "notice_version": version,
                "published_at": "2026-10-08T09:00:00+08:00",
                "notice_qr": f"{SERVICE}/v/n/{number}?v={version}&h={h}&s=SIGNATURE",
                "seq": 10 + version,
            }
        ]
    )
    return store.get(record["id"])


def test_a_financial_notice_is_summed_saved_and_queued(store):
    record = uc.save_notice(store, ledger())
    assert record["data"]["totals"] == {"income": "50000.00", "spending": "15945.60"}
    assert [r["id"] for r in store.outbox()] == [record["id"]]
    assert uc.notice_state(record) == "unsent"
    again = uc.save_notice(store, {**record["data"], "title": "第三季度财务公开"}, record["id"])
    assert again["rev"] == 2 and again["data"]["title"] == "第三季度财务公开"


def test_totals_brought_with_the_table_are_checked_not_replaced(store):
    wrong = {**ledger(), "totals": {"income": "50000", "spending": "15000"}}
    with pytest.raises(model.ValidationError) as info:
        uc.save_notice(store, wrong)
    assert set(info.value.by_field()) == {"data.totals.spending"}
    assert store.query(kind="notice") == []


def test_a_published_notice_is_never_edited_in_place_only_corrected(store):
    record = publish(store, uc.save_notice(store, ledger()))
    assert uc.notice_state(record) == "published" and model.is_closed(record)
    with pytest.raises(uc.AffairsError) as info:
        uc.save_notice(store, {**record["data"], "title": "改"}, record["id"])
    assert info.value.key == "affairs.error.published"
    fixed = {**record["data"], "items": [*record["data"]["items"][:2]], "totals": None}
    correction = uc.correct_notice(store, record["id"], fixed, "保洁员工资应计入第四季度")
    assert correction["id"] != record["id"]
    assert correction["data"]["correction_of"] == record["id"]
    assert correction["data"]["reason"] == "保洁员工资应计入第四季度"
    assert correction["data"]["totals"]["spending"] == "12345.60"
    assert store.get(record["id"])["data"] == record["data"]  # the published one untouched


def test_only_a_published_notice_is_corrected(store):
    record = uc.save_notice(store, ledger())
    with pytest.raises(uc.AffairsError) as info:
        uc.correct_notice(store, record["id"], ledger(), "错字")
    assert info.value.key == "affairs.error.not_published"
    with pytest.raises(model.ValidationError):
        uc.correct_notice(store, publish(store, record)["id"], ledger(), "")  # a reason, always


def test_a_matter_walks_its_steps_and_the_publishing_ones_make_notices(store):
    matter = store.create("matter", {"village": "石桥村", "title": "三组至五组村道硬化"})
    walked = steps()
    for n, step in enumerate(walked[:4]):
        step.pop("step")
        saved = uc.add_step(store, matter["id"], step)
        assert saved.notice is None and len(saved.matter["data"]["steps"]) == n + 1
    assert affairs.next_step(saved.matter["data"]["steps"]) == "resolution_public"
    fifth = uc.add_step(store, matter["id"], {"date": "2026-10-21", "text": "决议公示七天。"})
    notice = fifth.notice
    assert notice is not None and notice["data"]["type"] == "four_two"
    assert notice["data"]["matter_id"] == matter["id"]
    assert notice["data"]["title"] == "关于三组至五组村道硬化的决议公开"
    body = notice["data"]["body"]
    assert body.startswith("决议公示七天。")
    assert (
        "村民（代表）会议决议（2026-10-20），应到45人，实到38人，赞成36票，反对2票，弃权0票，通过"
        in body
    )
    assert fifth.matter["data"]["steps"][4]["notice_id"] == notice["id"]
    sixth = uc.add_step(
        store, matter["id"], {"date": "2026-12-30", "text": "已完工，决算36.8万元。"}
    )
    assert sixth.notice["data"]["title"] == "关于三组至五组村道硬化的实施结果公开"
    assert sixth.notice["data"]["body"] == "已完工，决算36.8万元。"
    assert model.is_closed(sixth.matter)
    with pytest.raises(uc.AffairsError) as info:
        uc.add_step(store, matter["id"], {"date": "2026-12-31", "text": "再一步"})
    assert info.value.key == "affairs.error.complete"
    assert len(store.query(kind="notice")) == 2


def test_a_refused_step_writes_nothing_not_even_its_notice(store):
    walked = steps(4)
    walked[3]["vote"] = {"for": 40, "against": 0}  # 40 votes, 38 present
    matter = store.create("matter", {"village": "石桥村", "title": "村道硬化", "steps": steps(3)})
    with pytest.raises(model.ValidationError) as info:
        uc.add_step(store, matter["id"], walked[3])
    assert "40" in info.value.message("en") and "38 present" in info.value.message("en")
    assert store.get(matter["id"])["rev"] == 1
    matter = store.create("matter", {"village": "石桥村", "title": "村道", "steps": steps(4)})
    with pytest.raises(model.ValidationError):
        uc.add_step(store, matter["id"], {"date": "2026-10-01", "text": "早于决议"})
    assert store.query(kind="notice") == []  # the notice went with the refused step
    assert store.get(matter["id"])["rev"] == 1


def test_a_step_named_out_of_turn_is_refused_with_the_order(store):
    matter = store.create("matter", {"village": "石桥村", "title": "村道", "steps": steps(1)})
    with pytest.raises(model.ValidationError) as info:
        uc.add_step(store, matter["id"], steps(3)[2])
    assert info.value.by_field("en")["data.steps[1].step"].startswith("Step 2 must be")


def test_a_matter_whose_vote_did_not_carry_takes_no_more_steps(store):
    walked = steps(4)
    walked[3]["vote"] = {"for": 19, "against": 19}
    matter = store.create("matter", {"village": "石桥村", "title": "村道", "steps": walked})
    assert model.is_closed(matter)
    with pytest.raises(uc.AffairsError) as info:
        uc.add_step(store, matter["id"], {"date": "2026-10-21", "text": "公开"})
    assert info.value.key == "affairs.error.stopped"


def test_the_village_offered_for_a_new_notice(store):
    assert uc.default_village(store) == ""
    for village in ("石桥村", "东河村", "东河村"):
        store.create("household", {"village": village, "head": "张三明"})
    assert uc.default_village(store) == "东河村"
    uc.save_notice(store, {**ledger(), "village": "石桥村"})
    assert uc.default_village(store) == "石桥村"


# --------------------------------------------------------------------------- paper


def decode(symbol: rr.QRSymbol) -> list[str]:
    grid = symbol.grid(4)
    pixels = bytes(0 if dark else 255 for row in grid for dark in row for _ in range(3))
    height, width = len(grid), len(grid) * 3
    rows = [pixels[y * width : (y + 1) * width] for y in range(height)]
    flat = b"".join(row for row in rows for _ in range(3))
    view = memoryview(flat).cast("B", (height * 3, width))
    return [found.text for found in zxingcpp.read_barcodes(view, try_invert=False)]


def test_a_published_notice_prints_on_58mm_with_the_services_qr(store):
    record = publish(store, uc.save_notice(store, ledger()), version=2, number="12")
    paper = np.paper_for(record, "zh_CN")
    stream = paper.escpos()
    from tests.core.test_receipts_render import parse_escpos_qr

    qr = parse_escpos_qr(stream)
    assert qr[80] == [b"\x30" + record["notice_qr"].encode("ascii")]  # exactly the payload
    assert decode(paper.symbol()) == [record["notice_qr"]]  # and a real decoder reads it back
    text = stream.decode("gb18030", errors="replace")
    for shown in (
        "石桥村",
        "财务公开",
        "第12号 第2版",
        "记-002",
        "支出 12,345.60",
        "收入 50,000.00",
    ):
        assert shown in text, shown
    assert "村道维修材料".encode("gb18030") in stream and "村道维修材料".encode() not in stream
    for line in paper.lines:
        assert rr._text_width(line) <= rr.LINE_COLUMNS, line
    assert paper.lines[-1].endswith("支出 15,945.60")


def test_only_the_published_text_prints(store):
    record = uc.save_notice(store, ledger())
    with pytest.raises(ReceiptError) as info:
        np.paper_for(record)
    assert info.value.key == "affairs.print.not_published"
    published = publish(store, record)
    assert np.printable_problem(published) is None
    altered = {**published, "data": {**published["data"], "title": "改过的标题"}}
    assert np.printable_problem(altered) == "affairs.print.changed"
    assert np.printable_problem({**published, "status": "superseded"}) == "affairs.print.superseded"
    assert np.printable_problem({**published, "notice_qr": "not a url"}) == "affairs.print.changed"


def test_lists_name_a_notice_and_a_matter_and_the_village_states(store):
    """The outbox and the township's replies describe every record in words (issue 17's
    kinds and states too): never a record id or a state's code."""
    from gridterm.core import record_text
    from gridterm.core.i18n import set_language

    set_language("zh_CN")
    notice = publish(store, uc.save_notice(store, ledger()))
    matter = store.create("matter", {"village": "石桥村", "title": "村道硬化", "steps": steps(1)})
    assert record_text.summary(notice) == "财务公开 · 2026年第三季度村级财务收支公开"
    assert record_text.summary(matter) == "村道硬化"
    assert record_text.status_label(notice) == "已公开"
    assert record_text.status_label({**notice, "status": "superseded"}) != "superseded"
