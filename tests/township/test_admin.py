"""``gridterm admin`` as scripts use it: the new id, code or token alone on the last line."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gridterm.cli import main
from gridterm.township import db


@pytest.fixture
def admin_cli(fresh_db_url, capsys):
    def run(*argv: str, ok: bool = True) -> str:
        code = main(["--lang", "en", "admin", "--db", fresh_db_url, *argv])
        out, err = capsys.readouterr()
        if ok:
            assert code == 0, err
            return out.rstrip("\n").splitlines()[-1]
        assert code != 0, out
        return err

    run.url = fresh_db_url
    return run


def rows(url: str, stmt):
    engine = db.make_engine(url)
    try:
        with db.session_factory(engine)() as s:
            return s.execute(stmt).all()
    finally:
        engine.dispose()


def test_the_whole_setup_from_the_shell(admin_cli, live_service_for_db):
    township = admin_cli("township", "add", "石桥镇")
    grid = admin_cli("grid", "add", "--township", township, "一组网格")
    # A unique name works too, for people typing.
    grid2 = admin_cli("grid", "add", "--township", "石桥镇", "二组网格")
    officer = admin_cli("officer", "add", "--grid", grid, "王网格", "--phone", "13800138000")
    code = admin_cli("code", "--officer", officer, "--ttl", "2h")
    assert len(code) == 9 and code[4] == "-"
    # An officer's unique name works too; a shared one asks for the id.
    assert len(admin_cli("code", "--officer", "王网格")) == 9
    admin_cli("officer", "add", "--grid", grid2, "王网格")
    assert "Several officers" in admin_cli("code", "--officer", "王网格", ok=False)
    token = admin_cli("staff", "add", "--township", township, "李干部")
    assert len(token) >= 43
    assert len({township, grid, grid2, officer}) == 4

    with live_service_for_db(admin_cli.url) as svc:
        enrolled = svc.enroll(code).json()
        assert enrolled["officer"]["phone"] == "13800138000"
        device = enrolled["device_id"]
        assert admin_cli("revoke", device) == device
        with svc.client(enrolled["token"]) as c:
            assert c.get("/api/v1/sync/pull").json()["code"] == "device_revoked"
    # Revoking twice is fine and says so.
    assert admin_cli("revoke", device) == device
    # It prints the revision it brought the schema to: the newest (each area adds its own).
    from gridterm.township.migrations import head_revision

    engine = db.make_engine(admin_cli.url)
    try:
        assert admin_cli("migrate") == head_revision(engine) is not None
    finally:
        engine.dispose()


def test_bad_input_is_one_clear_line(admin_cli):
    assert "No township 'nope'" in admin_cli("grid", "add", "--township", "nope", "x", ok=False)
    township = admin_cli("township", "add", "镇")
    grid = admin_cli("grid", "add", "--township", township, "网格")
    err = admin_cli("officer", "add", "--grid", grid, "王", "--phone", "1234", ok=False)
    assert "'1234' is not an 11-digit mobile number" in err
    officer = admin_cli("officer", "add", "--grid", grid, "王")
    assert "not a duration" in admin_cli("code", "--officer", officer, "--ttl", "soon", ok=False)
    assert "No device" in admin_cli("revoke", "no-such-device", ok=False)
    assert "required" in admin_cli("township", "add", "  ", ok=False)
    assert "Traceback" not in err


def test_unreachable_database_is_a_clear_error(capsys):
    code = main(["--lang", "en", "admin", "--db", "postgresql://x@127.0.0.1:1/none", "migrate"])
    assert code == 2
    assert "could not be opened" in capsys.readouterr().err


def _grid(admin_cli) -> str:
    township = admin_cli("township", "add", "镇")
    return admin_cli("grid", "add", "--township", township, "网格")


def test_import_households_csv(admin_cli, tmp_path):
    grid = _grid(admin_cli)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "村名,村民小组,门牌号,户主,联系电话,标签\n"
        "石桥村,1组,12,张三,13800138000,独居老人\n"
        "石桥村,2组,3,李四,,\n"
        ",,,,,\n",
        encoding="utf-8",
    )
    assert admin_cli("import-households", "--grid", grid, str(roster)) == "2"
    got = rows(admin_cli.url, select(db.Household.data).where(db.Household.grid_id == grid))
    heads = sorted(r[0]["head"] for r in got)
    assert heads == ["张三", "李四"]


def test_import_households_xlsx_gb_headers(admin_cli, tmp_path):
    from openpyxl import Workbook

    grid = _grid(admin_cli)
    wb = Workbook()
    ws = wb.active
    ws.append(["户主", "村", "电话"])
    ws.append(["王五", "河东村", 13900139000])
    ws.append(["赵六", "河东村", None])
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    assert admin_cli("import-households", "--grid", grid, str(path)) == "2"
    got = rows(admin_cli.url, select(db.Household.data).where(db.Household.grid_id == grid))
    assert sorted(r[0].get("phone", "") for r in got) == ["", "13900139000"]


def test_import_is_all_or_nothing_with_row_numbers(admin_cli, tmp_path):
    grid = _grid(admin_cli)
    roster = tmp_path / "bad.csv"
    roster.write_text(
        "村,户主,电话\n石桥村,张三,13800138000\n石桥村,,13800138000\n石桥村,李四,123\n"
        "石桥村,张三,13800138000\n",
        encoding="utf-8",
    )
    err = admin_cli("import-households", "--grid", grid, str(roster), ok=False)
    assert "nothing was imported" in err
    assert "row 3" in err and "row 4" in err and "row 5" in err and "row 2:" not in err
    assert rows(admin_cli.url, select(db.Household.id).where(db.Household.grid_id == grid)) == []
    for name, content in (("x.txt", "a"), ("empty.csv", "")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        assert admin_cli("import-households", "--grid", grid, str(path), ok=False)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert "Cannot read" in admin_cli("import-households", "--grid", grid, str(broken), ok=False)
    headless = tmp_path / "headless.csv"
    headless.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "first row" in admin_cli("import-households", "--grid", grid, str(headless), ok=False)


def test_templates_and_mediators_reach_the_devices_with_pull(
    admin_cli, tmp_path, live_service_for_db
):
    import json

    from gridterm.core.checklists import builtin_templates

    township = admin_cli("township", "add", "石桥镇")
    other = admin_cli("township", "add", "河东镇")
    grid = admin_cli("grid", "add", "--township", township, "一组")
    officer = admin_cli("officer", "add", "--grid", grid, "王网格")
    code = admin_cli("code", "--officer", officer)

    template = dict(builtin_templates()[0])
    template["version"] = template["version"] + 1
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    published = admin_cli("template", "publish", "--township", township, str(path))
    assert published == f"{template['id']}:{template['version']}"
    err = admin_cli("template", "publish", str(path), ok=False)
    assert "already published" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "version": 0}', encoding="utf-8")
    assert "not a usable checklist template" in admin_cli("template", "publish", str(bad), ok=False)

    mediator = admin_cli(
        "mediator",
        "add",
        "--township",
        township,
        "--standing",
        "xiangxian",
        "--village",
        "石桥村",
        "李乡贤",
    )
    admin_cli("mediator", "add", "--township", other, "外镇调解员")
    assert "not a mediator standing" in admin_cli(
        "mediator", "add", "--township", township, "--standing", "boss", "x", ok=False
    )

    with live_service_for_db(admin_cli.url) as svc:
        enrolled = svc.enroll(code).json()
        with svc.client(enrolled["token"]) as c:
            body = c.get("/api/v1/sync/pull").json()
        assert [(t["id"], t["version"]) for t in body["templates"]] == [
            (template["id"], template["version"])
        ]
        assert [(m["id"], m["name"], m["standing"]) for m in body["mediators"]] == [
            (mediator, "李乡贤", "xiangxian")
        ]
        # The tree lists the device with its id, so it can be revoked.
        listing = admin_cli("list")
        assert listing.strip().endswith(f"[{enrolled['device_id']}]")


def test_default_database_is_in_the_data_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GRIDTERM_DB", raising=False)
    folder = tmp_path / "data"
    assert main(["--lang", "en", "--data-dir", str(folder), "admin", "township", "add", "镇"]) == 0
    township = capsys.readouterr().out.splitlines()[-1]
    assert (folder / "township.db").exists()
    got = rows(f"sqlite:///{folder / 'township.db'}", select(db.Township.id))
    assert [r[0] for r in got] == [township]


def test_staff_token_can_be_revoked(admin_cli, capsys, live_service_for_db):
    township = admin_cli("township", "add", "镇")
    main(
        [
            "--lang",
            "en",
            "admin",
            "--db",
            admin_cli.url,
            "staff",
            "add",
            "--township",
            township,
            "李",
        ]
    )
    out = capsys.readouterr().out.splitlines()
    token = out[-1]
    staff_id = out[-2].split("staff id ")[1].split(";")[0]
    with live_service_for_db(admin_cli.url) as svc, svc.client(token) as c:
        assert c.get("/api/v1/staff/me").status_code == 200
        assert admin_cli("staff", "revoke", staff_id) == staff_id
        r = c.get("/api/v1/staff/me")
        assert r.status_code == 401 and r.json()["code"] == "staff_revoked"
    assert "No staff member" in admin_cli("staff", "revoke", "nobody", ok=False)
