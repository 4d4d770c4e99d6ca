"""The training day: ``gridterm admin import-officers`` and ``gridterm admin codes`` — 200
officers imported and coded in one go, the sheet read back, and its codes enrolling real
devices — on SQLite and PostgreSQL.  The officer lists are made here as Excel and WPS save
them (an XLSX with a merged title row; a GBK CSV)."""

from __future__ import annotations

import csv
import io
import stat

import pytest
from sqlalchemy import select

from gridterm.cli import main
from gridterm.township import db
from tests.township.roster_files import JUNK, SURNAMES

GIVEN = "秀英桂兰建国志强丽娟伟明芳军华平刚勇"


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


def officers(n: int = 200) -> list[list[str]]:
    """``n`` officers in 20 grids; grid 1's names are grid 11's too, as names repeat."""
    return [
        [SURNAMES[i % 10] + GIVEN[(i // 20) % 16] + "明", f"第{i % 20 + 1}网格", f"139{i:08d}"]
        for i in range(n)
    ]


def write_xlsx(path, rows) -> str:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["石桥镇网格员培训名单"])
    sheet.merge_cells("A1:C1")
    sheet.append(["姓名", "所属网格", "手机号码"])
    for row in rows:
        sheet.append([row[0], row[1], int(row[2])])  # WPS keeps phones as numbers
    book.save(path)
    return str(path)


def _township(admin_cli) -> str:
    return admin_cli("township", "add", "石桥镇").splitlines()[-1]


def _officer_rows(url: str) -> list[tuple[str, str, str]]:
    engine = db.make_engine(url)
    try:
        with db.session_factory(engine)() as s:
            stmt = select(db.Officer.name, db.Grid.name, db.Officer.phone).join(
                db.Grid, db.Officer.grid_id == db.Grid.id
            )
            return [tuple(row) for row in s.execute(stmt)]
    finally:
        engine.dispose()


def test_200_officers_imported_and_coded_in_one_go(admin_cli, tmp_path, live_service_for_db):
    from openpyxl import load_workbook

    township = _township(admin_cli)
    path = write_xlsx(tmp_path / "名单.xlsx", officers())
    out = admin_cli("import-officers", "--township", township, "--create-grids", path)
    assert out.splitlines()[-1] == "200" and "200 officers added" in out
    assert len(_officer_rows(admin_cli.url)) == 200
    # Again: the same 200, not 400.
    assert "0 officers added, 0 changed, 200 unchanged" in admin_cli(
        "import-officers", "--township", township, path
    )
    sheet_path = tmp_path / "codes.xlsx"
    out = admin_cli("codes", "--township", township, "--ttl", "2h", "-o", str(sheet_path))
    assert out.splitlines()[-1] == str(sheet_path.resolve())
    assert stat.S_IMODE(sheet_path.stat().st_mode) == 0o600
    book = load_workbook(sheet_path)
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("officer", "grid", "code", "expires")
    assert len(rows) == 201
    assert {r[0] for r in rows[1:]} == {o[0] for o in officers()}
    codes = [r[2] for r in rows[1:]]
    assert len(set(codes)) == 200 and all(len(c) == 9 and c[4] == "-" for c in codes)
    assert all(r[3].year >= 2026 for r in rows[1:])  # a real date cell
    assert sheet.column_dimensions["B"].width >= 20 and sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.fitToWidth == 1

    # The codes enroll devices; a new sheet makes the old one's unused codes stop working.
    with live_service_for_db(admin_cli.url) as svc:
        first = rows[1]
        enrolled = svc.enroll(first[2]).json()
        assert enrolled["officer"]["name"] == first[0] and enrolled["grid"]["name"] == first[1]
        csv_path = tmp_path / "grid1.csv"
        admin_cli("codes", "--township", township, "--grid", "第1网格", "-o", str(csv_path))
        assert svc.enroll(rows[2][2]).status_code == 200  # another grid's: still good
        second_grid1 = next(r for r in rows[1:] if r[1] == "第1网格" and r[0] != first[0])
        assert svc.enroll(second_grid1[2]).status_code != 200  # replaced
        text = csv_path.read_bytes()
        assert text.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the names right
        fresh = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
        assert list(fresh[0]) == ["officer", "grid", "code", "expires"]
        assert len(fresh) == 10 and {r["grid"] for r in fresh} == {"第1网格"}
        mine = next(r for r in fresh if r["officer"] == second_grid1[0])
        assert svc.enroll(mine["code"]).status_code == 200


def test_a_gbk_list_with_problems_is_refused_by_row_and_column(admin_cli, tmp_path):
    township = _township(admin_cli)
    admin_cli("grid", "add", "--township", township, "第1网格")
    rows = officers(5)
    rows = [[r[0], "第1网格", r[2]] for r in rows]
    rows[1][2] = "1390000"  # short phone
    rows[2][1] = "第九网格"  # no such grid
    rows[3][0] = '=cmd|"/c calc"!A1'  # a formula as a name
    rows[4][2] = rows[0][2]  # the same phone as the first: the same officer twice
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["网格员培训名单", "", ""])
    writer.writerow(["姓名", "网格", "手机号"])
    writer.writerows(rows)
    path = tmp_path / "list.csv"
    path.write_bytes(buf.getvalue().encode("gbk"))
    err = admin_cli("import-officers", "--township", township, str(path), ok=False)
    lines = [line for line in err.splitlines() if line.startswith("row ")]
    assert lines[0].startswith("row 4, column C (手机号)")
    assert lines[1].startswith("row 5, column B (网格)") and "--create-grids" in lines[1]
    assert lines[2].startswith("row 6, column A (姓名)") and "formula" in lines[2]
    assert lines[3] == "row 7: the same officer as row 3."
    assert _officer_rows(admin_cli.url) == []
    zh = admin_cli("import-officers", "--township", township, str(path), ok=False, lang="zh")
    assert "第 4 行，C 列（手机号）" in zh


def test_names_that_look_like_formulas_are_written_as_text(admin_cli, tmp_path):
    from openpyxl import load_workbook

    township = _township(admin_cli)
    grid = admin_cli("grid", "add", "--township", township, "=网格").splitlines()[-1]
    admin_cli("officer", "add", "--grid", grid, "=1+1")
    admin_cli("codes", "--township", township, "-o", str(tmp_path / "c.xlsx"))
    cell = load_workbook(tmp_path / "c.xlsx").active["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s"
    admin_cli("codes", "--township", township, "-o", str(tmp_path / "c.csv"))
    assert "'=1+1,'=网格," in (tmp_path / "c.csv").read_text("utf-8-sig")


def test_codes_errors_are_one_line(admin_cli, tmp_path):
    township = _township(admin_cli)
    assert "no officers" in admin_cli(
        "codes", "--township", township, "-o", str(tmp_path / "c.csv"), ok=False
    )
    grid = admin_cli("grid", "add", "--township", township, "网格").splitlines()[-1]
    admin_cli("officer", "add", "--grid", grid, "王芳")
    assert ".csv or an .xlsx" in admin_cli(
        "codes", "--township", township, "-o", str(tmp_path / "c.pdf"), ok=False
    )
    assert "no folder" in admin_cli(
        "codes", "--township", township, "-o", str(tmp_path / "nope" / "c.csv"), ok=False
    )
    other = admin_cli("township", "add", "河东镇").splitlines()[-1]
    assert "not in township" in admin_cli(
        "codes", "--township", other, "--grid", grid, "-o", str(tmp_path / "c.csv"), ok=False
    )
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize("name", sorted(JUNK))
def test_junk_officer_lists_get_one_clear_line(admin_cli, tmp_path, name):
    township = _township(admin_cli)
    path = tmp_path / name
    path.write_bytes(JUNK[name])
    err = admin_cli("import-officers", "--township", township, str(path), ok=False)
    assert err.startswith("gridterm: ") and err.count("\n") >= 1
    assert "Error" not in err and "Exception" not in err
    assert _officer_rows(admin_cli.url) == []


def test_the_printed_sheet_carries_each_officers_install_line(admin_cli, tmp_path):
    """Once the township has said where phones reach it (``admin bundle --url``), each slip of
    the XLSX says the one line that installs gridterm and enrolls with that slip's code; the
    CSV keeps the four columns other tools read."""
    from openpyxl import load_workbook

    from gridterm.township.services import client_versions

    township = _township(admin_cli)
    admin_cli(
        "import-officers",
        "--township",
        township,
        "--create-grids",
        write_xlsx(tmp_path / "o.xlsx", officers(3)),
    )
    engine = db.make_engine(admin_cli.url)
    try:
        with db.write_session(db.session_factory(engine)) as session:
            client_versions.set_public_url(session, "http://192.168.1.10:8080/")
    finally:
        engine.dispose()
    admin_cli("codes", "--township", township, "-o", str(tmp_path / "c.xlsx"))
    rows = list(load_workbook(tmp_path / "c.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("officer", "grid", "code", "expires", "install")
    for row in rows[1:]:
        assert row[4] == f"curl -fsSL http://192.168.1.10:8080/termux | sh -s {row[2]}"
    admin_cli("codes", "--township", township, "-o", str(tmp_path / "c.csv"))
    text = (tmp_path / "c.csv").read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "officer,grid,code,expires"
