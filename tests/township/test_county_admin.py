"""The county's admin commands (issue 15, item 1), as township IT types them: ``county add``,
``township add --county``, ``township set --county``, ``department add --county``, ``staff add
--county``, ``liaison add`` (a leader made once, villages added after) — each printing the new
id or token alone on its last line — then the tokens they printed used against the service
(``/staff/me``: roles, county, villages)."""

from __future__ import annotations

from gridterm.cli import main


def admin(db_url: str, capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(["--lang", "en", "admin", "--db", db_url, *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_a_county_made_from_the_command_line(fresh_db_url, capsys, live_service_for_db):
    def run(*argv: str) -> list[str]:
        code, lines, err = admin(fresh_db_url, capsys, *argv)
        assert code == 0, (argv, lines, err)
        return lines

    county_id = run("county", "add", "青山县")[-1]
    code, _, err = admin(fresh_db_url, capsys, "county", "add", "青山县")
    assert code != 0 and err  # the name is taken: refused, said on stderr

    town_a = run("township", "add", "--county", "青山县", "石桥镇")[-1]
    town_b = run("township", "add", "河口镇")[-1]
    run("township", "set", "河口镇", "--county", county_id)  # attached later, by id
    dept = run("department", "add", "--county", "青山县", "县住建局")[-1]
    assert dept and dept not in (town_a, town_b)
    staff_token = run("staff", "add", "--county", "青山县", "县综治中心")[-1]
    leader = run("liaison", "add", "--county", "青山县", "--village", "石桥村", "张县长")
    leader_token = leader[-1]
    again = run("liaison", "add", "--county", "青山县", "--village", "河口村", "张县长")
    assert again[-1] != leader_token  # no second token for the same leader: their id
    overview = "\n".join(run("county", "list"))
    assert "青山县" in overview

    with live_service_for_db(fresh_db_url) as service:
        me = service.client(staff_token).get("/api/v1/staff/me").json()
        assert (me["role"], me["county"]["id"], me["township"]) == ("county", county_id, None)
        me = service.client(leader_token).get("/api/v1/staff/me").json()
        assert (me["role"], me["county"]["name"]) == ("leader", "青山县")
        assert sorted(me["villages"]) == ["河口村", "石桥村"]
        summary = service.client(staff_token).get("/api/v1/staff/summary").json()
        assert sorted(r["township_id"] for r in summary["townships"]) == sorted([town_a, town_b])


def test_county_options_that_name_nothing_are_refused(fresh_db_url, capsys):
    assert admin(fresh_db_url, capsys, "county", "add", "青山县")[0] == 0
    for argv in (
        ("township", "add", "--county", "没有县", "石桥镇"),
        ("staff", "add", "--county", "没有县", "某人"),
        ("department", "add", "--county", "没有县", "县住建局"),
        ("liaison", "add", "--county", "没有县", "--village", "石桥村", "张县长"),
    ):
        code, lines, err = admin(fresh_db_url, capsys, *argv)
        assert code != 0 and err.strip(), (argv, lines, err)
        assert "Traceback" not in err
