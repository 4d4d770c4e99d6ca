"""The staff console through Pilot against a real service on 127.0.0.1, at 80×24 and 120×40:
the list and its filters, a record's history diff, a transition with a reason, feedback and a
public reply, a bulk accept, a comment, an export read back with openpyxl, the token screen."""

from __future__ import annotations

import csv

import httpx
import openpyxl
import pytest
from textual import events

from gridterm.client.staff import StaffClient
from gridterm.core import workflow
from gridterm.core.i18n import set_language, t
from gridterm.ui.staff.app import StaffApp
from gridterm.ui.staff.screens.comment import CommentDialog
from gridterm.ui.staff.screens.detail import DetailScreen
from gridterm.ui.staff.screens.export import ExportDialog
from gridterm.ui.staff.screens.incoming import IncomingScreen
from gridterm.ui.staff.screens.login import LoginScreen
from gridterm.ui.staff.screens.transition import TransitionDialog
from tests.ui.staff.conftest import screen_text, until

SIZES = [(80, 24), (120, 40)]


def make_app(town, token: str | None = None, **kw) -> StaffApp:
    token = town.token if token is None else token
    return StaffApp(StaffClient(town.service.url, token), refresh_every=0, **kw)


def listed(app) -> list[str]:
    screen = app.screen
    return [i["id"] for i in screen.items] if isinstance(screen, IncomingScreen) else []


def api(town) -> httpx.Client:
    return town.service.client(town.token)


def record(town, name: str) -> dict:
    rid = town.reports[name]["id"]
    response = api(town).get(f"/api/v1/staff/records/{rid}")
    assert response.status_code == 200, response.text
    return response.json()


async def type_text(pilot, text: str) -> None:
    """Text into the focused field in one go, as an input method commits it."""
    pilot.app.focused.post_message(events.Paste(text))
    await pilot.pause()


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_list(pilot, n: int = 4) -> None:
    """Wait for ``n`` rows; the first screen ("to handle") lists the township's four open
    reports, not the visit."""
    await until(pilot, lambda: len(listed(pilot.app)) == n, what=f"{n} records listed")
    await settle(pilot)


async def cursor_to(pilot, town, name: str) -> None:
    index = listed(pilot.app).index(town.reports[name]["id"])
    table = pilot.app.screen.query_one("#in-table")
    await pilot.press(*(["up"] * len(listed(pilot.app))))
    if index:
        await pilot.press(*(["down"] * index))
    assert table.cursor_row == index


async def open_detail(pilot, town, name: str) -> DetailScreen:
    await cursor_to(pilot, town, name)
    await pilot.press("enter")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, DetailScreen) and pilot.app.screen.record is not None,
        what="the detail loaded",
    )
    await settle(pilot)
    return pilot.app.screen


def assert_no_raw_keys(app) -> None:
    shown = screen_text(app)
    assert "staff." not in shown, shown


@pytest.mark.parametrize("size", SIZES)
async def test_list_shows_incoming_with_overdue_flag_and_filters(township, size):
    app = make_app(township)
    async with app.run_test(size=size) as pilot:
        await open_list(pilot)
        shown = screen_text(app)
        assert_no_raw_keys(app)
        lamp_row = next(line for line in shown.splitlines() if "路灯" in line or "LATE" in line)
        assert "LATE" in lamp_row and "Urgent" in lamp_row
        assert shown.count("LATE") == 1  # only the report two days past its 24 h
        # The first screen is the work to handle: the four open reports, not the visit.
        assert "4 of 4" in shown and "1 overdue" in shown
        assert "k kind: to handle" in shown and "x clears" not in shown
        assert set(listed(app)) == {r["id"] for r in township.reports.values()}
        # o: overdue only
        await pilot.press("o")
        await until(pilot, lambda: listed(app) == [township.reports["lamp"]["id"]])
        assert "o overdue: only" in screen_text(app)
        await pilot.press("o")
        await open_list(pilot, 4)
        # k: kind cycles to handle -> all (the visit too) -> report
        await pilot.press("k")
        await open_list(pilot, 5)
        assert "kind: all" in screen_text(app) and "5 of 5" in screen_text(app)
        await pilot.press("k")
        await open_list(pilot, 4)
        assert "kind: Report" in screen_text(app)
        # f + text + enter: search
        await pilot.press("f")
        await type_text(pilot, "围墙")
        await pilot.press("enter")
        await until(pilot, lambda: listed(app) == [township.reports["wall"]["id"]])
        assert app.screen.query_one("#in-search").value == "围墙"
        assert "x clears" in screen_text(app)
        # s: status cycles to "reported": the wall report is still reported
        await pilot.press("s")
        await open_list(pilot, 1)
        assert "status: Reported" in screen_text(app)
        # x clears everything: back to the first screen
        await pilot.press("x")
        await open_list(pilot, 4)
        assert "kind: to handle" in screen_text(app) and "x clears" not in screen_text(app)
        assert app.screen.query_one("#in-search").value == ""


@pytest.mark.parametrize("size", SIZES)
async def test_detail_shows_what_changed_between_revs(township, size):
    app = make_app(township)
    async with app.run_test(size=size) as pilot:
        await open_list(pilot)
        screen = await open_detail(pilot, township, "wall")
        body = screen.query_one("#dt-history").render()
        history = str(body)
        assert "rev 1" in history and "rev 2" in history
        assert "Place: 石桥村1组 → 石桥村2组" in history
        assert "Description: 围墙开裂 → 围墙开裂，有倒塌危险" in history
        assert "Reported" in screen_text(app)
        data = str(screen.query_one("#dt-data").render())
        assert "Category: Safety hazard" in data and "Urgency: Normal" in data  # labels, not codes
        assert_no_raw_keys(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen))


@pytest.mark.parametrize("size", SIZES)
async def test_transition_needs_a_reason_to_return_and_writes_feedback(township, size):
    app = make_app(township)
    async with app.run_test(size=size) as pilot:
        await open_list(pilot)
        await open_detail(pilot, township, "gas")
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
        dialog = app.screen
        assert sorted(dialog.states) == ["accepted", "returned"]  # what the service allows
        assert_no_raw_keys(app)
        await pilot.press("down")
        while dialog.chosen() != "returned":
            await pilot.press("down")
        await pilot.press("enter")  # chosen: the reason field has focus
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # refused: no reason
        assert "Give a reason" in str(dialog.query_one("#tr-error").render())
        await type_text(pilot, "属村内事务")
        await pilot.press("tab")
        await type_text(pilot, "请村委会先协调")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await settle(pilot)
    gas = record(township, "gas")
    assert gas["status"] == "returned"
    assert gas["feedback"] == "请村委会先协调"
    event = gas["events"][-1]
    assert (event["to_status"], event["reason"]) == ("returned", "属村内事务")


@pytest.mark.parametrize("size", SIZES)
async def test_reply_comment_and_accept_then_done_from_the_detail(township, size):
    app = make_app(township)
    async with app.run_test(size=size) as pilot:
        await open_list(pilot)
        screen = await open_detail(pilot, township, "rubbish")
        # c: a comment between staff
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CommentDialog))
        await pilot.press("enter")
        assert "empty" in str(app.screen.query_one("#cm-error").render())
        await type_text(pilot, "明天联系环卫所")
        await pilot.press("enter")
        await until(pilot, lambda: "明天联系环卫所" in str(screen.query_one("#dt-events").render()))
        # t: accept (the first choice) with a public reply
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
        assert app.screen.chosen() == "accepted"
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "已受理，三天内清运")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (screen.record or {}).get("status") == "accepted")
        assert "done" in screen.record["allowed_transitions"]
        # p: public reply without a change of state
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
        await pilot.press("tab")
        app.screen.query_one("#tr-reply").value = ""
        await type_text(pilot, "已安排车辆")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (screen.record or {}).get("public_reply") == "已安排车辆")
    rubbish = record(township, "rubbish")
    assert rubbish["status"] == "accepted"
    assert rubbish["public_reply"] == "已安排车辆"
    assert [e["comment"] for e in rubbish["events"] if e.get("comment")] == ["明天联系环卫所"]


@pytest.mark.parametrize("size", SIZES)
async def test_bulk_accept_of_marked_records(township, size):
    app = make_app(township)
    async with app.run_test(size=size) as pilot:
        await open_list(pilot)  # to handle: the four open reports
        await cursor_to(pilot, township, "lamp")
        await pilot.press("space")
        await cursor_to(pilot, township, "gas")
        await pilot.press("space")
        await cursor_to(pilot, township, "wall")
        await pilot.press("space")
        assert "3 marked" in screen_text(app)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
        assert app.screen.chosen() == "accepted"
        assert "3" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen) and not app.screen.marked)
        await settle(pilot)
        assert any("3 record(s) moved on" in n.message for n in app._notifications)
    statuses = {name: record(township, name)["status"] for name in township.reports}
    assert statuses == {
        "lamp": "accepted",
        "gas": "accepted",
        "wall": "accepted",
        "rubbish": "reported",
    }


@pytest.mark.parametrize(("size", "fmt"), [((80, 24), "xlsx"), ((120, 40), "csv")])
async def test_export_to_a_file_with_progress(township, size, fmt, tmp_path):
    target = tmp_path / f"township.{fmt}"
    app = make_app(township)
    async with app.run_test(size=size) as pilot:
        await open_list(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        assert_no_raw_keys(app)
        if fmt == "csv":
            await pilot.press("down")
        await pilot.press("tab")  # to the file name (enter would start at once)
        assert dialog.query_one("#ex-path").value.endswith("." + fmt)
        dialog.query_one("#ex-path").value = ""
        await type_text(pilot, str(target))
        await pilot.press("enter")
        await until(pilot, lambda: dialog.saved is not None, what="the export saved")
        bar = dialog.query_one("#ex-bar")
        assert bar.total and bar.progress == bar.total
        assert "Saved 5 records" in str(dialog.query_one("#ex-status").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen))
    assert not (tmp_path / f"township.{fmt}.part").exists()
    if fmt == "xlsx":
        book = openpyxl.load_workbook(target, read_only=True)
        rows = list(book["事件上报"].iter_rows(values_only=True))
        text = " ".join(str(c) for row in rows for c in row if c is not None)
        assert len(rows) == 1 + 4
        assert "路灯不亮" in text and "围墙开裂，有倒塌危险" in text
        assert len(list(book["入户走访"].iter_rows(values_only=True))) == 1 + 1
    else:
        with open(target, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) == 1 + 5
        assert any("燃气软管老化" in cell for row in rows for cell in row)


async def test_export_refuses_a_missing_folder(township, tmp_path):
    app = make_app(township)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#ex-path").value = str(tmp_path / "nowhere" / "x.xlsx")
        await pilot.press("ctrl+s")
        assert "does not exist" in str(app.screen.query_one("#ex-status").render())
        assert app.screen.saved is None


async def test_token_screen_refuses_a_wrong_token_then_remembers_a_good_one(township):
    remembered: list[str] = []
    app = make_app(township, token="", remember=remembered.append)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert_no_raw_keys(app)
        await type_text(pilot, "not-a-token")
        await pilot.press("enter")
        await until(pilot, lambda: "refused" in str(app.screen.query_one("#lg-error").render()))
        assert remembered == []
        app.screen.query_one("#lg-token").value = ""
        await type_text(pilot, township.token)
        await pilot.press("enter")
        await open_list(pilot)
    assert remembered == [township.token]


async def test_a_revoked_token_brings_back_the_token_screen(township, service):
    app = make_app(township, token="revoked-or-wrong")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(
            pilot,
            lambda: isinstance(app.screen, LoginScreen) and "refused" in app.screen.message,
            what="the token screen",
        )
        await pilot.pause()
        assert "refused" in str(app.screen.query_one("#lg-error").render())


async def test_unreachable_service_is_a_translated_error_not_a_crash(township):
    set_language("zh_CN")
    app = StaffApp(StaffClient("http://127.0.0.1:9", "x", timeout=2), refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app._notifications, what="an error shown")
        message = next(iter(app._notifications)).message
        assert message.startswith("连接不上乡镇服务 http://127.0.0.1:9")
        assert isinstance(app.screen, IncomingScreen)


async def test_chinese_screens_show_no_raw_keys(township):
    set_language("zh_CN")
    app = make_app(township)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        shown = screen_text(app)
        assert "超期" in shown and "已上报" in shown and "路灯不亮" in shown
        assert "k 类别：待办" in shown
        assert_no_raw_keys(app)
        await open_detail(pilot, township, "wall")
        assert "地点：石桥村1组 → 石桥村2组" in str(app.screen.query_one("#dt-history").render())
        assert_no_raw_keys(app)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
        assert_no_raw_keys(app)
        assert t("staff.transition.public_reply") in screen_text(app)


async def test_refresh_timer_brings_new_records_without_a_key(township):
    from tests.ui.staff.conftest import new_report, report

    app = StaffApp(StaffClient(township.service.url, township.token), refresh_every=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        township.push(new_report(township.device, report("井盖缺失")))
        await until(pilot, lambda: len(listed(app)) == 5, what="the new record listed")
        assert "井盖缺失" in screen_text(app)


async def test_command_palette_offers_the_keys_by_name(township, tmp_path):
    app = make_app(township)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Export")
        await until(pilot, lambda: "Export" in screen_text(app), what="the command listed")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), what="export opened")


async def test_next_page_with_n_and_a_refresh_keeps_what_is_shown(township, monkeypatch):
    from gridterm.ui.staff.screens import incoming

    monkeypatch.setattr(incoming, "PAGE", 2)
    app = make_app(township)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot, 2)
        assert "2 of 4" in screen_text(app)
        await pilot.press("k")  # all: five records, three pages
        await until(pilot, lambda: app.screen.total == 5, what="all kinds counted")
        await open_list(pilot, 2)
        assert "2 of 5" in screen_text(app)
        await pilot.press("n")
        await open_list(pilot, 4)
        await pilot.press("n")
        await open_list(pilot, 5)
        first = listed(app)
        await pilot.press("r")  # a refresh reloads everything shown, not just the first page
        await settle(pilot)
        assert listed(app) == first and "5 of 5" in screen_text(app)


async def test_a_record_that_is_gone_says_so_and_goes_back(township):
    app = make_app(township)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        app.push_screen(DetailScreen("00000000-0000-4000-8000-00000000dead"))
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen) and app._notifications)
        assert "not there" in next(iter(app._notifications)).message


def _synced(town, kind: str, data: dict) -> dict:
    from gridterm.core import model

    dev = town.device
    return model.new_record(kind, data, grid=dev.grid_id, officer=dev.officer_id, device=dev.id)


async def test_first_screen_is_the_work_to_handle_and_k_reaches_all(township):
    """Open reports and cases first; households, visits and closed reports one k away."""
    case = _synced(
        township,
        "case",
        {
            "parties": [{"name": "赵小红"}, {"name": "钱大伟"}],
            "dispute_type": "neighbour",
            "source": "party_applied",
            "summary": "宅前排水沟堵塞引起争执",
        },
    )
    home = _synced(
        township,
        "household",
        {"village": "石桥村", "group": "3组", "number": "12", "head": "王大山"},
    )
    township.push(case, home)
    gas = township.reports["gas"]["id"]
    for to in ("accepted", "done"):  # a report the township has finished with
        r = api(township).post(f"/api/v1/staff/records/{gas}/transition", json={"to": to})
        assert r.status_code == 200, r.text
    app = make_app(township)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot, 4)  # lamp, rubbish, wall (open reports) and the case
        shown = set(listed(app))
        assert township.reports["lamp"]["id"] in shown and case["id"] in shown
        assert home["id"] not in shown and gas not in shown
        assert {i["kind"] for i in app.screen.items} == {"report", "case"}
        assert {i["status"] for i in app.screen.items} <= workflow.OPEN_STATES
        text = screen_text(app)
        assert "k kind: to handle" in text and "4 of 4" in text
        await pilot.press("k")
        await until(pilot, lambda: home["id"] in listed(app), what="all kinds listed")
        await settle(pilot)
        assert len(listed(app)) == 7 and gas in listed(app)  # 4 reports, visit, case, household
        assert "k kind: all" in screen_text(app) and "7 of 7" in screen_text(app)
        # The export still takes the whole township whatever the list shows.
        await pilot.press("x")
        await open_list(pilot, 4)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog))
        assert app.screen.kind is None
