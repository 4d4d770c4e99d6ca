"""``gridterm receipt``: show, save, print and list receipts from a real local store."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import png
import pytest

from gridterm.cli import main
from gridterm.core.receipts import ALPHABET, format_number, issue_for, qr_payload, verify
from gridterm.core.store import Store
from tests.core.test_receipts_render import decode, parse_escpos_qr, rasterise_svg

SECRET = "device-secret-cli"
ENROLLMENT = {
    "service_url": "https://xz.example.gov.cn",
    "device_id": "dev-cli",
    "token": "tok",
    "device_secret": SECRET,
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}
REPORT = {
    "category": "safety",
    "urgency": "normal",
    "place": "东村3组",
    "description": "燃气软管老化",
    "raised_by": "张三明",
}
CASE = {
    "parties": [{"name": "王小五"}, {"name": "赵六"}],
    "dispute_type": "neighbour",
    "source": "party_applied",
    "summary": "宅基地边界争议",
}


@pytest.fixture
def filled(data_dir):
    """A store with an enrollment, a report receipt and one receipt per case party."""
    with Store.open(data_dir) as store:
        store.meta_set("enrollment", ENROLLMENT)
        report = store.create("report", REPORT)
        case = store.create("case", CASE)
        _, report_receipt = issue_for(store, report["id"])
        _, first = issue_for(store, case["id"], party=0)
        _, second = issue_for(store, case["id"], party=1)
        again = issue_for(store, report["id"])[1]
    assert again == report_receipt  # shown or printed again later with the same number
    return data_dir, report_receipt, first, second


def gt(data_dir, *argv):
    return main(["--data-dir", str(data_dir), "--lang", "en", "receipt", *argv])


def test_text_shows_the_masked_receipt(filled, capsys):
    data_dir, receipt, _, _ = filled
    assert gt(data_dir, format_number(receipt["number"]).lower(), "--text") == 0
    out = capsys.readouterr().out
    assert format_number(receipt["number"]) in out
    assert "张*明" in out and "张三明" not in out
    assert "李网格 13800138000" in out
    assert "\x1b[" not in out  # plain text


def test_mistyped_number_names_the_check_character(filled, capsys):
    data_dir, receipt, _, _ = filled
    number = receipt["number"]
    wrong = number[:4] + ALPHABET[(ALPHABET.index(number[4]) + 1) % 32] + number[5:]
    assert gt(data_dir, wrong) == 2
    err = capsys.readouterr().err
    assert "check character" in err and number[-1] in err
    assert "not found" not in err and "no record" not in err


def test_valid_but_unknown_number_says_so(filled, capsys):
    data_dir, *_ = filled
    from gridterm.core.receipts import new_number

    other = new_number()
    assert gt(data_dir, other) == 2
    assert "no record on this device" in capsys.readouterr().err


def test_svg_and_png_decode_to_the_signed_payload(filled, tmp_path, capsys):
    data_dir, _, first, _ = filled
    expected = qr_payload(ENROLLMENT["service_url"], first["number"], first["sig"])
    svg_path, png_path = tmp_path / "r.svg", tmp_path / "r.png"
    assert gt(data_dir, first["number"], "--svg", str(svg_path)) == 0
    assert gt(data_dir, first["number"], "--png", str(png_path)) == 0
    assert decode(rasterise_svg(svg_path.read_text(encoding="utf-8"))) == [expected]
    _, _, rows, _ = png.Reader(filename=str(png_path)).asDirect()
    assert decode([[255 if v else 0 for v in row] for row in rows]) == [expected]
    assert verify(first["number"], expected.rsplit("=", 1)[1], SECRET)
    assert "王*" in svg_path.read_text(encoding="utf-8")  # party 1's name, masked
    assert gt(data_dir, first["number"], "--png", str(tmp_path / "no" / "dir.png")) == 2
    assert "dir.png" in capsys.readouterr().err


def test_print_to_a_device_path_and_to_the_configured_command(filled, tmp_path, capsys):
    data_dir, receipt, _, _ = filled
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    assert gt(data_dir, receipt["number"], "--print", str(device)) == 0
    stream = device.read_bytes()
    payload = qr_payload(ENROLLMENT["service_url"], receipt["number"], receipt["sig"])
    assert parse_escpos_qr(stream)[80] == [b"0" + payload.encode()]
    assert "张*明".encode("gb18030") in stream
    # no DEST: the printer from settings (a command reading stdin)
    out = tmp_path / "spooled.bin"
    script = f"import sys; open({str(out)!r}, 'wb').write(sys.stdin.buffer.read())"
    with Store.open(data_dir) as store:
        store.meta_set("printer", shlex.join([sys.executable, "-c", script]))
    assert gt(data_dir, receipt["number"], "--print") == 0
    assert out.read_bytes() == stream


def test_print_without_a_printer_says_how_to_set_one(filled, capsys):
    data_dir, receipt, _, _ = filled
    assert gt(data_dir, receipt["number"], "--print") == 2
    assert "--print /dev/usb/lp0" in capsys.readouterr().err


def test_list_and_json(filled, capsys):
    data_dir, receipt, first, second = filled
    assert gt(data_dir, "--list") == 0
    out = capsys.readouterr().out
    for r in (receipt, first, second):
        assert format_number(r["number"]) in out
    assert gt(data_dir, "--list", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["count"] == 3
    by_number = {row["number"]: row for row in doc["receipts"]}
    assert by_number[format_number(second["number"])]["party"] == 1
    assert by_number[format_number(receipt["number"])]["kind"] == "report"


def test_list_on_an_empty_device(data_dir, capsys):
    assert gt(data_dir, "--list") == 0
    assert "No receipts" in capsys.readouterr().out


def test_no_number_no_list(data_dir, capsys):
    assert gt(data_dir) == 2
    assert "--list" in capsys.readouterr().err


def test_without_enrollment_the_number_shows_and_no_qr_is_saved(data_dir, tmp_path, capsys):
    with Store.open(data_dir) as store:
        store.meta_set("enrollment", ENROLLMENT)
        rec = store.create("report", REPORT)
        _, receipt = issue_for(store, rec["id"])
        store.meta_set("enrollment", None)  # e.g. a device reset before re-enrolling
    assert gt(data_dir, receipt["number"]) == 0
    out = capsys.readouterr().out
    assert format_number(receipt["number"]) in out and "appears once this device is enrolled" in out
    assert gt(data_dir, receipt["number"], "--svg", str(tmp_path / "x.svg")) == 2
    assert not (tmp_path / "x.svg").exists()


def test_zh_messages_and_real_process(filled):
    data_dir, receipt, _, _ = filled
    wrong = receipt["number"][:-1] + ("0" if receipt["number"][-1] != "0" else "1")
    done = subprocess.run(
        [sys.executable, "-m", "gridterm", "--data-dir", str(data_dir), "--lang", "zh",
         "receipt", wrong],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "校验码" in done.stderr and "Traceback" not in done.stderr


def test_list_survives_a_damaged_stored_number(data_dir, capsys):
    with Store.open(data_dir) as store:
        receipt = {"number": "BAD", "sig": "X", "issued_at": "2026-11-25T09:30:00+08:00"}
        store.create("report", REPORT, receipts=[receipt])
    assert gt(data_dir, "--list", "--json") == 0
    assert json.loads(capsys.readouterr().out)["receipts"][0]["number"] == "BAD"
