"""``gridterm admin import-households`` on rosters as townships keep them (files made by
:mod:`tests.township.roster_files`: XLSX with a merged title and households merged down
their rows, GBK CSV with a title row, UTF-8 with a BOM, one row per person), on SQLite and
PostgreSQL: all rows or none, every problem by row and column, and re-importing updates
the same households."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from gridterm.cli import main
from gridterm.township import db
from gridterm.township.services.admin import AdminError
from gridterm.township.services.roster import import_roster
from tests.township.roster_files import (
    HEADER,
    JUNK,
    XLSX_FIRST,
    csv_row,
    id_number,
    person_rows,
    write_csv,
    write_xlsx,
)


@pytest.fixture
def admin_cli(fresh_db_url, capsys):
    def run(*argv: str, ok: bool = True, lang: str = "en") -> str:
        code = main(["--lang", lang, "admin", "--db", fresh_db_url, *argv])
        out, err = capsys.readouterr()
        if ok:
            assert code == 0, err
            return out
        assert code == 2, out
        assert "Traceback" not in err
        return err

    run.url = fresh_db_url
    return run


def _grid(admin_cli) -> str:
    township = admin_cli("township", "add", "石桥镇").splitlines()[-1]
    return admin_cli("grid", "add", "--township", township, "石桥村网格").splitlines()[-1]


def households(url: str, grid: str) -> list[db.Household]:
    engine = db.make_engine(url)
    try:
        with db.session_factory(engine)() as s:
            stmt = select(db.Household).where(db.Household.grid_id == grid)
            return list(s.execute(stmt).scalars())
    finally:
        engine.dispose()


def test_xlsx_with_a_merged_title_and_households_merged_down_their_rows(admin_cli, tmp_path):
    grid = _grid(admin_cli)
    path = write_xlsx(tmp_path / "花名册.xlsx", person_rows(100))
    out = admin_cli("import-households", "--grid", grid, str(path))
    assert out.splitlines()[-1] == "100"
    got = households(admin_cli.url, grid)
    assert len(got) == 100
    by_head = {h.data["head"]: h.data for h in got if h.data["village"] == "石桥村"}
    hu = next(h.data for h in got if h.roster_key == "no:SQ0001")
    # The merged 户号/村/组/门牌号 reached every member of the household.
    assert [m["name"] for m in hu["members"]] == ["胡丽", "胡刚", "胡丽丽"]
    assert (hu["village"], hu["group"], hu["number"], hu["head"]) == ("石桥村", "1", "1", "胡丽")
    assert hu["phone"] == "13800000000" and hu["members"][0]["relation"] == "户主"
    assert hu["members"][0]["id_number"] == id_number(0, 1950)
    assert hu["members"][0]["tags"] == ["dibao"] and hu["members"][2]["tags"] == [
        "left_behind_child"
    ]
    assert sum(len(h.data["members"]) for h in got) == 300
    assert len(by_head) >= 40


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_csv_in_the_encodings_excel_saves_with_a_title_row(admin_cli, tmp_path, encoding):
    grid = _grid(admin_cli)
    path = write_csv(tmp_path / "roster.csv", person_rows(10), encoding=encoding)
    assert admin_cli("import-households", "--grid", grid, str(path)).splitlines()[-1] == "10"
    heads = sorted(h.data["head"] for h in households(admin_cli.url, grid))
    assert "胡丽" in heads and len(heads) == 10


def test_one_row_per_household_with_the_heads_id_checked(admin_cli, tmp_path):
    grid = _grid(admin_cli)
    path = tmp_path / "households.csv"
    path.write_text(
        "行政村,村民小组,门牌号,户主姓名,身份证号码（18位）,联系电话,标签,性别,出生日期\n"
        f"石桥村,1组,12,张三,{id_number(1, 1960)},13800138000,独居老人、低保,男,1960-01-02\n"
        "石桥村,1组,13,李四,-,/,,女,\n",
        encoding="utf-8",
    )
    out = admin_cli("import-households", "--grid", grid, str(path))
    assert "Columns not used: 性别, 出生日期" in out
    got = {h.data["head"]: h.data for h in households(admin_cli.url, grid)}
    assert got["张三"]["members"] == [
        {"name": "张三", "relation": "户主", "id_number": id_number(1, 1960)}
    ]
    assert got["张三"]["tags"] == ["living_alone_elder", "dibao"]
    assert "members" not in got["李四"] and "phone" not in got["李四"]  # - and / are empty
    # A wrong check character in that column is told, not dropped.
    path.write_text(f"村,户主,身份证号\n石桥村,王五,{id_number(2, 1960)[:17]}0\n", encoding="utf-8")
    if id_number(2, 1960).endswith("0"):
        path.write_text(f"村,户主,身份证号\n石桥村,王五,{id_number(2, 1960)[:17]}1\n", "utf-8")
    err = admin_cli("import-households", "--grid", grid, str(path), ok=False)
    assert "row 2, column C (身份证号)" in err and "check character" in err


def _bad_roster() -> tuple[list[list[str]], list[tuple[int, str]]]:
    """The 100-household roster with five bad rows, and where each problem is (row index in
    the data, column letter)."""
    rows = person_rows(100)
    bad = []
    rows[10][6] = rows[10][6][:17] + ("1" if rows[10][6][17] != "1" else "2")  # check char
    bad.append((10, "G"))
    rows[30][7] = "1380013800"  # ten digits
    bad.append((30, "H"))
    rows[61][4] = '=cmd|"/c calc"!A1'  # a formula as a name
    bad.append((61, "E"))
    rows[150][8] = "五好家庭"  # not a tag
    bad.append((150, "I"))
    rows[200][6] = "500112203001011234"  # born in 2030
    bad.append((200, "G"))
    return rows, bad


def test_five_bad_rows_are_each_told_by_row_and_column_and_nothing_is_imported(admin_cli, tmp_path):
    grid = _grid(admin_cli)
    rows, bad = _bad_roster()
    for path, row_of in (
        (write_xlsx(tmp_path / "bad.xlsx", rows), lambda i: XLSX_FIRST + i),
        (write_csv(tmp_path / "bad.csv", rows, "gbk"), csv_row),
    ):
        for check in ([], ["--check"]):
            err = admin_cli("import-households", "--grid", grid, *check, str(path), ok=False)
            lines = [line for line in err.splitlines() if line.startswith("row ")]
            assert len(lines) == 5, err
            for (index, column), line in zip(bad, lines, strict=True):
                assert line.startswith(f"row {row_of(index)}, column {column} ("), line
            assert ("would refuse" if check else "nothing was imported") in err
            assert "95 to add" in err
            assert households(admin_cli.url, grid) == []
    # In Chinese too.
    err = admin_cli("import-households", "--grid", grid, str(path), ok=False, lang="zh")
    assert f"第 {csv_row(10)} 行，G 列（公民身份号码）" in err and "未导入任何内容" in err


def test_the_fixed_file_imported_twice_makes_100_households_not_200(admin_cli, tmp_path):
    grid = _grid(admin_cli)
    path = write_xlsx(tmp_path / "roster.xlsx", person_rows(100))
    check = admin_cli("import-households", "--grid", grid, "--check", str(path))
    assert "100 to add, 0 to change, 0 unchanged" in check and "nothing was written" in check
    assert households(admin_cli.url, grid) == []
    first = admin_cli("import-households", "--grid", grid, str(path))
    assert "100 added" in first
    before = {h.roster_key: (h.id, h.seq) for h in households(admin_cli.url, grid)}
    again = admin_cli("import-households", "--grid", grid, str(path))
    assert "0 added, 0 changed, 100 unchanged" in again
    assert {h.roster_key: (h.id, h.seq) for h in households(admin_cli.url, grid)} == before
    # One household's phone changes in the township's file: that one changes in place.
    rows = person_rows(100)
    rows[3][7] = "13999999999"
    write_xlsx(path, rows)
    assert "0 to add, 1 to change, 99 unchanged" in admin_cli(
        "import-households", "--grid", grid, "--check", str(path)
    )
    admin_cli("import-households", "--grid", grid, str(path))
    after = {h.roster_key: h for h in households(admin_cli.url, grid)}
    assert len(after) == 100
    changed = after["no:SQ0002"]
    assert changed.id == before["no:SQ0002"][0] and changed.data["phone"] == "13999999999"
    assert changed.seq > max(seq for _, seq in before.values())
    assert all(after[k].seq == before[k][1] for k in before if k != "no:SQ0002")


def test_households_imported_before_keys_were_kept_are_updated_not_doubled(admin_cli, tmp_path):
    grid = _grid(admin_cli)
    engine = db.make_engine(admin_cli.url)
    try:
        with db.write_session(db.session_factory(engine)) as s:
            s.add(
                db.Household(id="old-1", grid_id=grid, data={"village": "石桥村", "head": "张三"})
            )
    finally:
        engine.dispose()
    path = tmp_path / "roster.csv"
    path.write_text("村,户主,电话\n石桥村,张三,13800138000\n", encoding="utf-8")
    assert "0 added, 1 changed" in admin_cli("import-households", "--grid", grid, str(path))
    (only,) = households(admin_cli.url, grid)
    assert only.id == "old-1" and only.data["phone"] == "13800138000"


def test_formulas_never_become_names(admin_cli, tmp_path):
    from openpyxl import Workbook

    grid = _grid(admin_cli)
    book = Workbook()
    book.active.append(["村", "户主"])
    book.active.append(["石桥村", '=HYPERLINK("http://x","点我")'])
    book.active.append(["石桥村", "@SUM(1+1)*cmd|' /C calc'!A0"])
    book.save(tmp_path / "f.xlsx")
    err = admin_cli("import-households", "--grid", grid, str(tmp_path / "f.xlsx"), ok=False)
    assert "row 2, column B (户主): the cell holds a formula" in err
    assert "row 3, column B (户主)" in err
    csv_path = tmp_path / "f.csv"
    csv_path.write_text('村,户主\n石桥村,"=cmd|""/c calc""!A1"\n石桥村,+cmd|x\n', "utf-8")
    err = admin_cli("import-households", "--grid", grid, str(csv_path), ok=False)
    assert err.count("holds a formula") == 2
    assert households(admin_cli.url, grid) == []


def test_an_id_number_excel_stored_as_a_number_is_refused_with_what_to_do(admin_cli, tmp_path):
    from openpyxl import Workbook

    grid = _grid(admin_cli)
    book = Workbook()
    book.active.append(["村", "户主", "身份证号"])
    book.active.append(["石桥村", "张三", 500112195001010000])  # as Excel keeps it: rounded
    book.save(tmp_path / "n.xlsx")
    err = admin_cli("import-households", "--grid", grid, str(tmp_path / "n.xlsx"), ok=False)
    assert "row 2, column C (身份证号)" in err and "format the column as text" in err
    sci = tmp_path / "n.csv"
    sci.write_text("村,户主,身份证号\n石桥村,张三,5.00112E+17\n", "utf-8")
    assert "format the column as text" in admin_cli(
        "import-households", "--grid", grid, str(sci), ok=False
    )


@pytest.mark.parametrize("name", sorted(JUNK))
def test_junk_files_get_one_clear_line_and_exit_2(admin_cli, tmp_path, name):
    grid = _grid(admin_cli)
    path = tmp_path / name
    path.write_bytes(JUNK[name])
    err = admin_cli("import-households", "--grid", grid, str(path), ok=False)
    assert err.startswith("gridterm: ")
    for class_name in ("BadZipFile", "UnicodeDecodeError", "Error", "Exception", "InvalidFile"):
        assert class_name not in err
    assert households(admin_cli.url, grid) == []


def test_a_huge_file_and_a_folder_are_refused_before_reading(admin_cli, tmp_path):
    grid = _grid(admin_cli)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    assert "larger than 20 MB" in admin_cli(
        "import-households", "--grid", grid, str(huge), ok=False
    )
    assert "folder" in admin_cli("import-households", "--grid", grid, str(tmp_path), ok=False)
    blank = tmp_path / "blank.csv"
    blank.write_bytes(JUNK["blank.csv"])
    assert "the file is empty" in admin_cli(
        "import-households", "--grid", grid, str(blank), ok=False
    )
    missing = str(tmp_path / "missing.csv")
    assert "no such file" in admin_cli("import-households", "--grid", grid, missing, ok=False)


def test_the_help_lists_the_columns_and_the_example_imports(admin_cli, capsys):
    from gridterm.township.services.columns import example

    with pytest.raises(SystemExit):
        main(["--lang", "en", "admin", "import-households", "--help"])
    text = capsys.readouterr().out
    for name in (
        "户号",
        "身份证号",
        "公民身份号码",
        "联系电话",
        "手机号",
        "村民小组",
        "与户主关系",
    ):
        assert name in text
    assert str(example("roster.csv")) in text
    grid = _grid(admin_cli)
    out = admin_cli("import-households", "--grid", grid, str(example("roster.csv")))
    assert out.splitlines()[-1] == "3"


def test_two_imports_at_once_never_make_two_of_a_household(fresh_db_url, tmp_path):
    from gridterm.township.migrations import upgrade
    from gridterm.township.services import admin

    engine = db.make_engine(fresh_db_url)
    upgrade(engine)
    sessions = db.session_factory(engine)
    with db.write_session(sessions) as s:
        grid = admin.add_grid(s, admin.add_township(s, "镇").id, "网格").id
    path = write_csv(tmp_path / "r.csv", person_rows(50), "gbk")
    outcomes: list[str] = []

    def run() -> None:
        try:
            with db.write_session(sessions) as s:
                report = import_roster(s, grid, path)
            outcomes.append(f"{report.added} added")
        except AdminError as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with sessions() as s:
            count = s.query(db.Household).filter_by(grid_id=grid).count()
        assert count == 50
        assert outcomes.count("50 added") == 1, outcomes
        assert set(outcomes) <= {"50 added", "0 added", "roster.error.concurrent"}
    finally:
        engine.dispose()


def test_header_names_are_matched_loosely(tmp_path):
    from gridterm.township.services.columns import ROSTER, ROSTER_REQUIRED
    from gridterm.township.services.sheet_columns import find_columns
    from gridterm.township.services.sheets import read_sheet

    path = tmp_path / "h.csv"
    path.write_text(
        "说明：本表由村委会填写,,\n* 村（社区） ,户主姓名（必填）,联系电话(手机)\nA,B,C\n", "utf-8"
    )
    columns = find_columns(read_sheet(path), ROSTER, ROSTER_REQUIRED)
    assert columns.row == 2 and columns.fields == {"village": 0, "head": 1, "phone": 2}
    assert HEADER[6] == "公民身份号码"


def test_values_at_the_edges_are_told_by_row_and_column(admin_cli, tmp_path):
    """An XLSX with a 10,000-character name, 2**63 as a phone, a year-9999 date as a
    village, an empty sheet row between households."""
    import datetime as dt

    from openpyxl import Workbook

    grid = _grid(admin_cli)
    book = Workbook()
    sheet = book.active
    sheet.append(["村", "户主", "电话"])
    sheet.append(["石桥村", "张" * 10_000, None])
    sheet.append([])
    sheet.append(["石桥村", "李四", 2**63])
    sheet.append([dt.datetime(9999, 12, 31), "王五", None])
    book.save(tmp_path / "edges.xlsx")
    err = admin_cli("import-households", "--grid", grid, str(tmp_path / "edges.xlsx"), ok=False)
    assert "row 2, column B (户主): 户主 is too long" in err
    assert "row 4, column C (电话)" in err and "format the column as text" in err
    assert "row 5" not in err  # a date is text like any other: 9999-12-31 is a village
    assert households(admin_cli.url, grid) == []
