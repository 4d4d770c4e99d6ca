"""``gridterm notice``: notices written, corrected, listed and printed from the shell, against a
real local store — with tables as Excel and WPS save them (GBK with a title row, UTF-8 with a
BOM, UTF-16 tab-separated "Unicode text", amounts with thousands separators, a 合计 row)."""

from __future__ import annotations

import io
import json

import pytest

from gridterm.cli import main
from gridterm.core.receipts import notice_print as np
from gridterm.core.store import Store
from tests.core.test_receipts_render import decode, parse_escpos_qr, rasterise_svg
from tests.core.test_usecases_affairs import publish

BODY = "经村务监督委员会审核，现将本季度收支公开如下。\n如有疑问，请向村务监督委员会反映。\n"
TABLE = (
    "石桥村2026年第三季度财务收支明细表,,,\n"  # a title row, its other cells merged away
    "项目,收入（元）,支出（元）,凭证号\n"
    '上级转移支付,"50,000.00",,记-001\n'
    ",,,\n"  # an empty row between
    "村道维修材料,,12345.6,记-002\n"
    "合计,50000,12345.60,\n"
)
ITEMS = [
    {"item": "上级转移支付", "income": "50000.00", "voucher": "记-001"},
    {"item": "村道维修材料", "spending": "12345.60", "voucher": "记-002"},
]


def gt(data_dir, *argv) -> int:
    return main(["--data-dir", str(data_dir), "--lang", "en", "notice", *argv])


@pytest.fixture
def body(tmp_path):
    path = tmp_path / "body.txt"
    path.write_text(BODY, encoding="utf-8")
    return path


def new_finance(data_dir, body, table) -> int:
    return gt(
        data_dir,
        *("new", "--type", "finance", "--title", "2026年第三季度财务公开"),
        *("--village", "石桥村", "--from", "2026-07-01", "--to", "2026-09-30"),
        *("--file", str(body), "--items", str(table)),
    )


@pytest.mark.parametrize(
    ("shape", "encoded"),
    [
        ("gbk-as-wps-saves", TABLE.replace("\n", "\r\n").encode("gbk")),
        ("utf8-bom-as-excel-saves", b"\xef\xbb\xbf" + TABLE.encode("utf-8")),
        (
            "utf16-tab-unicode-text",
            TABLE.replace(",", "\t").replace('"50\t000.00"', "50,000.00").encode("utf-16"),
        ),
    ],
)
def test_a_financial_notice_from_a_spreadsheet_is_summed_and_queued(
    data_dir, body, tmp_path, capsys, shape, encoded
):
    table = tmp_path / "table.csv"
    table.write_bytes(encoded)
    assert new_finance(data_dir, body, table) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert "50,000.00" in out[-2] and "12,345.60" in out[-2]
    with Store.open(data_dir) as store:
        [notice] = store.query(kind="notice")
        assert [r["id"] for r in store.outbox()] == [notice["id"]]
    assert out[-1] == notice["id"]  # the id alone, last
    assert notice["data"] == {
        "village": "石桥村",
        "type": "finance",
        "title": "2026年第三季度财务公开",
        "body": BODY.strip(),
        "period": {"from": "2026-07-01", "to": "2026-09-30"},
        "items": ITEMS,
        "totals": {"income": "50000.00", "spending": "12345.60"},
    }


@pytest.mark.parametrize(
    ("table", "says"),
    [
        (
            TABLE.replace("合计,50000,12345.60", "合计,50000,12345.00"),
            "is not the sum of the items",
        ),
        (TABLE.replace(",12345.6,", ',"12,345.678",'), "Line 5 of the table"),
        ("a,b\n1,2\n", "no header row"),
    ],
    ids=["totals-do-not-add-up", "three-decimals", "no-header"],
)
def test_a_table_that_does_not_add_up_is_refused_and_nothing_is_saved(
    data_dir, body, tmp_path, capsys, table, says
):
    path = tmp_path / "table.csv"
    path.write_text(table, encoding="utf-8")
    assert new_finance(data_dir, body, path) == 2
    assert says in capsys.readouterr().err
    with Store.open(data_dir) as store:
        assert store.query(kind="notice") == []


def test_the_text_from_standard_input_and_a_binary_file_refused(
    data_dir, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr("sys.stdin", io.StringIO("村民代表会议定于11月30日召开。\n"))
    argv = ("new", "--type", "village", "--title", "会议通知", "--village", "石桥村")
    assert gt(data_dir, *argv, "--file", "-") == 0
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert gt(data_dir, *argv, "--file", str(binary)) == 2
    assert "not a text file" in capsys.readouterr().err
    with Store.open(data_dir) as store:
        [notice] = store.query(kind="notice")
    assert notice["data"]["body"] == "村民代表会议定于11月30日召开。"
    assert "items" not in notice["data"]


def test_list_print_and_correct_a_published_notice(data_dir, body, tmp_path, capsys):
    table = tmp_path / "table.csv"
    table.write_text(TABLE, encoding="utf-8")
    assert new_finance(data_dir, body, table) == 0
    with Store.open(data_dir) as store:
        [notice] = store.query(kind="notice")
    capsys.readouterr()
    assert gt(data_dir, "print", notice["id"][:8]) == 2  # not published yet: no QR to print
    assert "not" in capsys.readouterr().err.lower()
    with Store.open(data_dir) as store:
        notice = publish(store, notice, version=1, number="12")
    assert gt(data_dir, "list", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)["notices"]
    assert (row["state"], row["number"], row["version"]) == ("published", "12", 1)

    printer = tmp_path / "lp0"
    printer.write_bytes(b"")
    assert gt(data_dir, "print", "12", "--print", str(printer)) == 0
    sent = printer.read_bytes()
    assert "村道维修材料".encode("gb18030") in sent
    assert parse_escpos_qr(sent)[80] == [b"0" + notice["notice_qr"].encode("ascii")]
    svg = tmp_path / "notice.svg"
    assert gt(data_dir, "print", "12", "--svg", str(svg)) == 0
    assert np.paper_for(notice).svg() == svg.read_text(encoding="utf-8")
    capsys.readouterr()
    assert gt(data_dir, "print", "12", "--a4") == 0
    assert capsys.readouterr().out.strip() == "https://zhen.example.gov.cn/v/n/12/print"

    argv = ("correct", "12", "--reason", "凭证号写错", "--items", str(table))
    assert gt(data_dir, *argv) == 0
    new_id = capsys.readouterr().out.strip().splitlines()[-1]
    with Store.open(data_dir) as store:
        correction = store.get(new_id)
    assert correction["data"]["correction_of"] == notice["id"]
    assert correction["data"]["reason"] == "凭证号写错"
    assert correction["data"]["title"] == notice["data"]["title"]  # kept when not given
    assert correction["data"]["items"] == ITEMS


def test_the_printed_qr_decodes_to_the_townships_payload(data_dir, body, tmp_path):
    """The SVG the command saves, rasterised and read by a real decoder (zxing-cpp)."""
    table = tmp_path / "table.csv"
    table.write_text(TABLE, encoding="utf-8")
    assert new_finance(data_dir, body, table) == 0
    with Store.open(data_dir) as store:
        [notice] = store.query(kind="notice")
        notice = publish(store, notice, version=2, number="7")
    svg = tmp_path / "notice.svg"
    assert gt(data_dir, "print", "7", "--svg", str(svg)) == 0
    assert decode(rasterise_svg(svg.read_text(encoding="utf-8"))) == [notice["notice_qr"]]
