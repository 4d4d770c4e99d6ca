"""Exports a clerk can use without fixing them (issue 11, item 3), read back as a clerk's
spreadsheet would: names where ids were, dates as date cells in China time, the village on
every row, a frozen and filtered header, fitted widths, a landscape page fitted to width, and
the CSV with the same content behind a BOM.  Records are pushed by a real device through the
real service; the roster's mediators and an imported household are the township's own."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

import openpyxl
import pytest

from gridterm.core import model
from gridterm.township import db
from gridterm.township.services import export, export_columns, mediators
from gridterm.township.services.export_xlsx import display_width
from tests.township._staff import household, make_township, report

API = "/api/v1/staff/export"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
CHINA = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def township(live_service):
    tw = make_township(live_service)
    dev = tw.device
    with live_service.admin_session() as s:
        elder = mediators.add_mediator(s, tw.township_id, "周德明", "xiangxian")
        imported_id = str(uuid.uuid4())
        s.add(
            db.Household(
                id=imported_id,
                grid_id=tw.grid_id,
                data={"village": "东河村", "group": "2", "number": "7", "head": "胡丽"},
                seq=db.next_seq(s),
            )
        )
    synced = household(dev, head="王大山", village="石桥村")
    # 08:30 on 1 Dec in Beijing is 00:30 UTC: the cell must say 08:30 on the 1st.
    visited = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.timezone.utc)
    visit = model.new_record(
        "visit",
        {
            "household_id": synced["id"],
            "template_id": "safety",
            "template_version": 1,
            "answers": {"gas_alarm": "na"},
            "flagged": ["gas_alarm"],
            "visited_at": visited.isoformat(),
            "follow_up": "2026-12-15",
        },
        device=dev.id,
    )
    visit_imported = model.new_record(
        "visit",
        {
            "household_id": imported_id,
            "template_id": "safety",
            "template_version": 1,
            "answers": {"gas_alarm": "yes"},
        },
        device=dev.id,
    )
    case = model.new_record(
        "case",
        {
            "parties": [
                {"name": "赵小红", "role": "applicant"},
                {"name": "钱大伟", "role": "respondent"},
            ],
            "dispute_type": "neighbour",
            "source": "party_applied",
            "summary": "宅前排水沟堵塞引起争执",
            "mediators": [
                {"id": elder.id, "name": "周德明", "standing": "xiangxian"},
                {"id": str(uuid.uuid4()), "name": "李建国"},
            ],
            "sessions": [
                {"date": "2026-11-20", "place": "村调解室", "present": ["周德明", "赵小红"]}
            ],
            "outcome": "success",
            "closed_at": "2026-11-21T16:00:00+08:00",
        },
        device=dev.id,
    )
    linked = report(dev, links={"visit": visit["id"]}, occurred_at="2026-11-30T23:10:00+00:00")
    plain = report(dev, category="sanitation", description="垃圾堆放")
    tw.push(synced, visit, visit_imported, case, linked, plain)
    tw.ids = {
        "synced": synced["id"],
        "visit": visit["id"],
        "visit_imported": visit_imported["id"],
        "case": case["id"],
        "linked": linked["id"],
        "plain": plain["id"],
    }
    return tw


def workbook(tw):
    r = tw.staff.get(API, params={"format": "xlsx"})
    assert r.status_code == 200, r.text
    return openpyxl.load_workbook(io.BytesIO(r.content))


def rows_by_id(sheet) -> dict[str, dict]:
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[0]
    return {row[0]: dict(zip(head, row, strict=True)) for row in rows[1:]}


def test_name_columns_hold_names_never_ids(township):
    book = workbook(township)
    for kind in export_columns.KINDS:
        sheet = book[export.SHEET_TITLES[kind]]
        names = [c.header for c in export_columns.columns(kind) if c.style == "name"]
        for row in rows_by_id(sheet).values():
            for header in names:
                assert not UUID.search(str(row[header] or "")), (kind, header, row[header])
    visits = rows_by_id(book["入户走访"])
    seen = visits[township.ids["visit"]]
    assert seen["走访户"] == "王大山" and seen["走访户住址"] == "石桥村3组12号"
    assert seen["走访表"] == "安全隐患排查" and seen["标记项"] == "燃气报警器"
    assert seen["走访记录"] == "燃气报警器：不适用"
    imported = visits[township.ids["visit_imported"]]
    assert imported["走访户"] == "胡丽" and imported["走访户住址"] == "东河村2组7号"
    case = rows_by_id(book["人民调解"])[township.ids["case"]]
    assert case["当事人"] == "赵小红（申请人）、钱大伟（被申请人）"
    assert case["调解员"] == "周德明（乡贤）、李建国"
    assert case["调解经过"] == "2026-11-20 村调解室 到场：周德明、赵小红"
    assert case["纠纷类型"] == "邻里" and case["调解结果"] == "调解成功"
    report_row = rows_by_id(book["事件上报"])[township.ids["linked"]]
    assert report_row["网格员"] == "王网格" and report_row["设备"] == "测试手机"


def test_times_are_date_cells_in_china_time(township):
    book = workbook(township)
    visits = book["入户走访"]
    head = [c.value for c in visits[1]]
    row = next(r for r in visits.iter_rows(min_row=2) if r[0].value == township.ids["visit"])
    cell = row[head.index("走访时间")]
    assert cell.is_date and cell.value == dt.datetime(2026, 12, 1, 8, 30)
    follow = row[head.index("跟进日期")]
    assert follow.is_date and follow.value == dt.datetime(2026, 12, 15)
    created = row[head.index("创建时间")]
    assert created.is_date and isinstance(created.value, dt.datetime)
    reports = book["事件上报"]
    head = [c.value for c in reports[1]]
    linked = next(r for r in reports.iter_rows(min_row=2) if r[0].value == township.ids["linked"])
    occurred = linked[head.index("发生时间")]
    assert occurred.is_date and occurred.value == dt.datetime(2026, 12, 1, 7, 10)
    # Every time column of every sheet: a date cell, or empty — never text like "+00:00".
    for sheet in record_sheets(book):
        cols = export_columns.columns(_kind_of(sheet.title))
        for index, col in enumerate(cols):
            if col.style not in ("time", "date"):
                continue
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                assert cell.value is None or cell.is_date, (sheet.title, col.header, cell.value)


def record_sheets(book) -> list:
    """The sheets of records, one per kind (the county's summary sheet follows them)."""
    return [book[title] for title in export.SHEET_TITLES.values()]


def _kind_of(title: str) -> str:
    return next(k for k, v in export.SHEET_TITLES.items() if v == title)


def test_every_row_names_its_village(township):
    book = workbook(township)
    villages = {}
    for sheet in record_sheets(book):
        for rid, row in rows_by_id(sheet).items():
            villages[rid] = row["村"]
    ids = township.ids
    assert villages[ids["synced"]] == "石桥村"
    assert villages[ids["visit"]] == "石桥村"  # its household's
    assert villages[ids["visit_imported"]] == "东河村"  # an imported household's
    assert villages[ids["linked"]] == "石桥村"  # through the visit it was raised on
    # No link: the village of the grid's households (one synced, one imported: a tie goes
    # to either, never to nothing).
    assert villages[ids["plain"]] in ("石桥村", "东河村")
    assert villages[ids["case"]] in ("石桥村", "东河村")


def test_the_sheet_is_ready_to_filter_read_and_print(township):
    book = workbook(township)
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{max(sheet.max_row, 2)}"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == "$1:$1"  # the header row on every printed page
        assert all(c.font.b for c in sheet[1])
    reports = book["事件上报"]
    head = [c.value for c in reports[1]]
    widths = {
        h: reports.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
        for i, h in enumerate(head)
    }
    assert widths["发生时间"] >= 16  # "2026-12-01 07:10" fits
    assert widths["描述"] >= display_width("电线裸露，靠近小学")
    assert widths["类型"] >= display_width("类型") + 2  # the header and its filter button
    # Technical columns are folded away, one click from view.
    folded = {h for h in head if reports.column_dimensions[_letter(head, h)].hidden}
    assert folded == {"记录编号", "版本", "设备", "更新时间", "接收时间", "数据(JSON)"}


def _letter(head, header):
    return openpyxl.utils.get_column_letter(head.index(header) + 1)


def test_csv_has_the_same_content_behind_a_bom(township):
    r = township.staff.get(API, params={"format": "csv"})
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == export.headers(None)
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    book = workbook(township)
    for sheet in record_sheets(book):
        for rid, xlsx_row in rows_by_id(sheet).items():
            for header, value in xlsx_row.items():
                if isinstance(value, dt.datetime):  # a date alone is written without a time
                    day_only = len(by_id[rid][header]) == 10
                    value = value.strftime("%Y-%m-%d" if day_only else "%Y-%m-%d %H:%M")
                expected = "" if value is None else str(value)
                assert by_id[rid][header] == expected, (header, by_id[rid][header], expected)


def test_assignment_names_the_department_in_the_export(township, live_service):
    from tests.township.test_departments import add_department

    dept = add_department(live_service, township.township_id, "镇城建办")
    rid = township.ids["plain"]
    township.staff.post(f"/api/v1/staff/records/{rid}/transition", json={"to": "accepted"})
    r = township.staff.post(
        f"/api/v1/staff/records/{rid}/transition", json={"to": "assigned", "assignee": dept}
    )
    assert r.status_code == 200, r.text
    row = rows_by_id(workbook(township)["事件上报"])[rid]
    assert row["办理部门"] == "镇城建办" and row["状态"] == "已分派"


# -- the writer alone, on values at the edges --------------------------------------------------


def edge_row(**data) -> dict:
    return {
        "id": "edge",
        "kind": "report",
        "rev": 2**31,
        "data": {"category": "other", "urgency": "normal", **data},
        "created_at": dt.datetime(9999, 12, 31, 15, 59, tzinfo=dt.timezone.utc),
        "status_at": dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc),
        "receipt_numbers": [],
    }


def test_values_at_the_edges_come_out_readable():
    """Year 9999 and year 1, 10,000 characters, NUL and other control characters, a lone
    surrogate, 2**63 and an emoji: the workbook still opens and says what it can."""
    row = edge_row(
        description="长" * 10_000,
        place="a\x00b\x07c\ud800d😀",
        raised_by="=HYPERLINK(1)",
        occurred_at="9999-12-31T23:59:59+08:00",
        extra=2**63,
    )
    target = io.BytesIO()
    assert export.write_xlsx(lambda k: [row] if k == "report" else [], target) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(target.getvalue()))["事件上报"]
    got = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert got["描述"] == "长" * 10_000
    assert got["地点"] == "abcd😀"
    assert got["反映人"] == "=HYPERLINK(1)"
    assert got["发生时间"] == dt.datetime(9999, 12, 31, 23, 59, 59)
    assert got["创建时间"] == dt.datetime(9999, 12, 31, 23, 59)  # 15:59 UTC, China time
    assert got["状态时间"] == "0001-01-01T08:00:00+08:00"  # before 1900: Excel has no date for it
    assert got["版本"] == 2**31
    assert str(2**63) in got["数据(JSON)"]


def test_the_workbook_streams_before_the_rows_are_read():
    """The first block leaves while most rows are still unread: a 20,000-row sheet is not
    built whole first."""
    read = 0

    def rows(kind):
        nonlocal read
        if kind != "report":
            return
        for i in range(20_000):
            read += 1
            yield edge_row(description=f"第{i}件：路灯不亮，夜间行人不便。" * 3)

    chunks = export.xlsx_stream(rows)
    out = [next(chunks)]
    assert out[0].startswith(b"PK\x03\x04") and read == 0  # out before the first query
    while not read:
        out.append(next(chunks))
    out.append(next(chunks))  # the sheet's first rows are on their way...
    assert 0 < read < 20_000  # ...while most are still to read
    out.extend(chunks)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(out)), read_only=True)
    assert sum(1 for _ in book["事件上报"].iter_rows(min_row=2)) == 20_000 == read
    book.close()
