"""Exports through the real service: CSV (BOM, opens with csv), XLSX (openpyxl, Chinese headers,
a sheet per kind), JSONL; keyset paging; and ``gridterm pull`` from the shell."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest

from gridterm import cli
from gridterm.township.services import export
from tests.township._staff import case, household, make_township, report, visit

API = "/api/v1/staff/export"


@pytest.fixture
def township(live_service):
    tw = make_township(live_service)
    hh = household(tw.device, head="王大山")
    records = [
        report(tw.device, description='=HYPERLINK("http://x")', receipt=True),
        report(tw.device, category="sanitation", description="垃圾堆放"),
        hh,
        case(tw.device),
        visit(tw.device, hh["id"]),
    ]
    tw.push(*records)
    tw.records = records
    return tw


def test_csv_opens_with_csv_and_has_a_bom_for_excel(township):
    r = township.staff.get(API, params={"format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    head = rows[0]
    assert head[:3] == ["记录编号", "类型", "版本"] and "状态" in head and "数据(JSON)" in head
    assert {row[0] for row in rows[1:]} == {rec["id"] for rec in township.records}
    by_id = {row[0]: dict(zip(head, row, strict=True)) for row in rows[1:]}
    first = by_id[township.records[0]["id"]]
    assert first["类型"] == "事件上报" and first["状态"] == "已上报" and first["类别"] == "安全隐患"
    assert first["描述"].startswith("'=")  # never a live formula in Excel
    assert first["回执号"] == township.records[0]["receipts"][0]["number"]
    assert json.loads(first["数据(JSON)"])["category"] == "safety"
    assert by_id[township.records[2]["id"]]["户主"] == "王大山"


def test_xlsx_has_a_sheet_per_kind_with_chinese_headers(township):
    r = township.staff.get(API, params={"format": "xlsx"})
    assert r.status_code == 200
    # Streamed as it is written (issue 11): no size is known before the last row is read.
    assert "content-length" not in r.headers and r.headers["transfer-encoding"] == "chunked"
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    assert book.sheetnames[:4] == ["户籍信息", "入户走访", "人民调解", "事件上报"]
    # Then the county's figures (issue 15): one sheet, named for its period.
    assert len(book.sheetnames) == 5 and book.sheetnames[4].startswith("汇总 ")
    reports = list(book["事件上报"].iter_rows(values_only=True))
    assert reports[0][:2] == ("记录编号", "类型") and "紧急程度" in reports[0]
    assert "地址" not in reports[0]  # only the report's own columns on its sheet
    assert {row[0] for row in reports[1:]} == {township.records[0]["id"], township.records[1]["id"]}
    formula_row = next(row for row in reports[1:] if row[0] == township.records[0]["id"])
    description = formula_row[list(reports[0]).index("描述")]
    assert description == '=HYPERLINK("http://x")'  # kept as text, not a formula
    created = formula_row[list(reports[0]).index("创建时间")]
    assert isinstance(created, dt.datetime)
    for sheet, kind_index in (("户籍信息", 2), ("人民调解", 3), ("入户走访", 4)):
        rows = list(book[sheet].iter_rows(values_only=True))
        assert [row[0] for row in rows[1:]] == [township.records[kind_index]["id"]]
    book.close()


def test_jsonl_one_record_per_line_with_service_fields(township):
    rid = township.records[1]["id"]
    township.staff.post(
        f"/api/v1/staff/records/{rid}/transition", json={"to": "accepted", "feedback": "收到"}
    )
    r = township.staff.get(API, params={"format": "jsonl"})
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert len(lines) == 5 == int(r.headers["x-record-count"])
    got = {x["id"]: x for x in lines}
    assert got[rid]["status"] == "accepted" and got[rid]["feedback"] == "收到"
    assert got[rid]["data"]["description"] == "垃圾堆放"
    dt.datetime.fromisoformat(got[rid]["created_at"])


def test_since_and_kind_filters(township):
    r = township.staff.get(API, params={"format": "jsonl", "kind": "report"})
    assert len(r.text.splitlines()) == 2
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    r = township.staff.get(API, params={"format": "jsonl", "since": tomorrow})
    assert r.status_code == 200 and r.text == "" and r.headers["x-record-count"] == "0"
    r = township.staff.get(API, params={"format": "csv", "since": "last week"})
    assert r.status_code == 422 and "last week" in r.json()["detail"]
    r = township.staff.get(API, params={"format": "pdf"})
    assert r.status_code == 422


def test_export_pages_through_the_database(township, monkeypatch):
    """Tiny pages: every record comes out exactly once across page boundaries."""
    monkeypatch.setattr(export, "EXPORT_PAGE", 2)
    more = [report(township.device, description=f"第{i}件") for i in range(5)]
    township.push(*more)
    r = township.staff.get(API, params={"format": "jsonl"})
    ids = [json.loads(line)["id"] for line in r.text.splitlines()]
    assert len(ids) == 10 and set(ids) == {x["id"] for x in township.records + more}
    book = openpyxl.load_workbook(
        io.BytesIO(township.staff.get(API, params={"format": "xlsx"}).content), read_only=True
    )
    assert len(list(book["事件上报"].iter_rows(values_only=True))) == 1 + 7
    book.close()


def test_export_helpers_strip_what_xml_cannot_hold():
    row = {"id": "x", "kind": "report", "rev": 1, "data": {"description": "a\x01b", "place": "-1"}}
    target = io.BytesIO()
    assert export.write_xlsx(lambda k: [row] if k == "report" else [], target) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(target.getvalue()))["事件上报"]
    values = [c.value for c in sheet[2]]
    assert "ab" in values and "-1" in values


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_gridterm_pull_writes_the_file(township, tmp_path, capsys, fmt):
    out = tmp_path / f"out.{fmt}"
    code = cli.main(
        ["pull", township.service.url, f"--token={township.staff_token}", "--format", fmt]
        + ["-o", str(out)]
    )
    assert code == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(out)
    assert not (tmp_path / f"out.{fmt}.part").exists()
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        assert len(rows) == 6
    elif fmt == "jsonl":
        assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    else:
        assert openpyxl.load_workbook(out, read_only=True).sheetnames[3] == "事件上报"


def test_gridterm_pull_takes_the_token_from_the_environment(township, tmp_path, monkeypatch):
    # Tokens are url-safe base64 and may start with "-", which argparse reads as an option
    # after a space: the environment (or --token=T) is the safe way to pass one.
    monkeypatch.setenv("GRIDTERM_STAFF_TOKEN", township.staff_token)
    out = tmp_path / "env.jsonl"
    assert cli.main(["pull", township.service.url, "--format", "jsonl", "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5


def test_gridterm_pull_errors_are_one_clear_line(township, tmp_path, capsys):
    out = tmp_path / "x.csv"
    args = ["pull", township.service.url, "--format", "csv", "-o", str(out)]
    assert cli.main([*args, "--token", "wrong"]) == 2
    err = capsys.readouterr().err
    assert "refused the staff token" in err and "Traceback" not in err
    assert not out.exists()
    assert cli.main([*args, f"--token={township.staff_token}", "--since", "soon"]) == 2
    assert "'soon'" in capsys.readouterr().err
    assert cli.main(["--lang", "zh", *args, "--token", "wrong"]) == 2
    assert "干部令牌" in capsys.readouterr().err
    dead = ["pull", "http://127.0.0.1:9", "--token", "t", "-o", str(out)]
    assert cli.main(dead) == 2
    assert "nothing was written" in capsys.readouterr().err and not out.exists()


def test_since_keeps_records_received_or_changed_since(township, live_service):
    from sqlalchemy import update

    from gridterm.township import db

    long_ago = db.utcnow() - dt.timedelta(days=10)
    with live_service.admin_session() as s:
        s.execute(
            update(db.Record)
            .where(db.Record.township_id == township.township_id)
            .values(received_at=long_ago)
        )
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=5)).isoformat()
    r = township.staff.get(API, params={"format": "jsonl", "since": since})
    assert r.text == ""
    rid = township.records[3]["id"]
    township.staff.post(f"/api/v1/staff/records/{rid}/transition", json={"to": "accepted"})
    r = township.staff.get(API, params={"format": "jsonl", "since": since})
    assert [json.loads(line)["id"] for line in r.text.splitlines()] == [rid]
