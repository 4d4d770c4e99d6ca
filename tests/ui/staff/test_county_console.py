"""The county console through Pilot against a real service on 127.0.0.1, at 80×24 and
120×40: a county token opens it; the items the county must see (escalated, supervised, every
township's red items) with their tier as a word; a table per township with the figures the
service counted; a county leader's villages first and their own tab; the trend charts; the
period; the county's moves (sign for, assign to a county department, done, return with a
reason), supervision (督办) heading the township's list with a mark; a tier set by hand with
a reason; another county's staff seeing none of it.

The county (two townships, records of every tier) is made in ``county_setup.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual import events

from gridterm.client.staff import StaffClient, StaffNotFound
from gridterm.core.i18n import set_language
from gridterm.ui.kit.times import local_now
from gridterm.ui.staff.app import StaffApp
from gridterm.ui.staff.screens.assign import AssignDialog
from gridterm.ui.staff.screens.county import CountyScreen
from gridterm.ui.staff.screens.county_dialogs import PeriodDialog, SuperviseDialog, TierDialog
from gridterm.ui.staff.screens.county_trends import TrendChart
from gridterm.ui.staff.screens.detail import DetailScreen
from gridterm.ui.staff.screens.incoming import IncomingScreen
from gridterm.ui.staff.screens.login import LoginScreen
from gridterm.ui.staff.screens.transition import TransitionDialog
from tests.ui.staff.conftest import screen_text, until
from tests.ui.staff.county_setup import build_county

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def county(service):
    set_language("zh_CN")
    built = build_county(service)
    # Township A cannot settle the street lamp: it goes up to the county.
    built.move("lamp", built.towns["A"].token, "escalated", reason="需县住建局协调")
    return built


def console(county, token: str | None = None) -> StaffApp:
    return StaffApp(StaffClient(county.service.url, token or county.token), refresh_every=0)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Text into the focused field in one go, as an input method commits it."""
    pilot.app.focused.post_message(events.Paste(text))
    await pilot.pause()


async def open_console(pilot) -> CountyScreen:
    app = pilot.app
    await until(
        pilot,
        lambda: isinstance(app.screen, CountyScreen) and app.screen.items and app.screen.summary,
        what="the county console loaded",
    )
    await settle(pilot)
    return app.screen


def ids(screen: CountyScreen) -> list[str]:
    return [item["id"] for item in screen.items]


async def open_item(pilot, county, name: str) -> DetailScreen:
    screen = pilot.app.screen
    index = ids(screen).index(county.records[name]["id"])
    table = screen.query_one("#cv-items-table")
    table.focus()
    table.move_cursor(row=index)
    await pilot.press("enter")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, DetailScreen) and pilot.app.screen.record,
        what=f"the detail of {name}",
    )
    await settle(pilot)
    return pilot.app.screen


async def choose_move(pilot, to: str) -> TransitionDialog:
    await pilot.press("t")
    await until(pilot, lambda: isinstance(pilot.app.screen, TransitionDialog))
    dialog = pilot.app.screen
    while dialog.chosen() != to:
        await pilot.press("down")
    await pilot.press("enter")  # chosen: the reason field has the focus
    return dialog


def assert_no_raw_keys(app) -> None:
    shown = screen_text(app)
    assert "countyview." not in shown and "staff." not in shown, shown


def row_of(shown: str, *words: str) -> str:
    return next(line for line in shown.splitlines() if all(w in line for w in words))


@pytest.mark.parametrize("size", SIZES)
async def test_a_county_token_opens_the_county_console(county, size):
    app = console(county)
    async with app.run_test(size=size) as pilot:
        screen = await open_console(pilot)
        shown = screen_text(app)
        assert_no_raw_keys(app)
        assert f"县综治中心 · {county.name}" in shown  # the header: who, and which county
        # Escalated (the lamp, yellow) and the red items of both townships; not the green ones.
        wanted = {county.records[n]["id"] for n in ("lamp", "gas", "bridge")}
        assert set(ids(screen)) == wanted
        # The tier is a word on the row, whatever the colours: 红 for the gas leak.
        gas = row_of(shown, "燃气")
        assert "红" in gas and county.towns["A"].name in gas
        assert "红" in row_of(shown, "便桥") and county.towns["B"].name in row_of(shown, "便桥")
        lamp = row_of(shown, "路灯")
        assert "黄" in lamp and "县" in lamp and "已上报县级" in lamp
        assert "共 3 项 · 上报县级 1 · 督办 0 · 红色 2" in shown

        await pilot.press("2")  # the townships' figures over this month
        await settle(pilot)
        shown = screen_text(app)
        assert "本月" in shown and "按时%" in shown and "不出村%" in shown
        a = row_of(shown, county.towns["A"].name).split()
        b = row_of(shown, county.towns["B"].name).split()
        # received, closed on time %, overdue now, in village %, mediation %, follow-ups %, red
        if size[0] < 110:
            assert a[1:] == ["3", "—", "0", "0%", "—", "—", "1"]
            assert b[1:] == ["2", "—", "0", "0%", "—", "—", "1"]
        else:  # with closed, unanswered questions, supervised and escalated too
            assert a[1:] == ["3", "0", "—", "0", "0%", "—", "—", "1", "0", "0", "1"]
        assert_no_raw_keys(app)


async def test_the_figures_are_the_services_summary(county):
    """Each cell is the service's figure for that township and period, as a person reads it."""
    app = console(county)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_console(pilot)
        start, end = screen.period.params
        answer = StaffClient(county.service.url, county.token).summary(start, end)
        await pilot.press("2")
        await settle(pilot)
        table = screen.query_one("#cv-towns-table")
        for row in answer["townships"]:
            cells = [str(c) for c in table.get_row(row["township_id"])]
            assert cells[0] == row["township"]
            assert cells[1] == str(row["received"])
            assert cells[-4] == str(row["red_open"])
            assert cells[-3] == str(row["unanswered_questions"])


async def test_the_county_signs_assigns_and_closes_an_escalated_item(county):
    app = console(county)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_console(pilot)
        detail = await open_item(pilot, county, "lamp")
        facts = str(detail.query_one("#dt-facts").render())
        assert "已上报县级" in facts and "黄色" in facts
        assert f"乡镇：{county.towns['A'].name}" in facts and "当前归属：县" in facts
        # The county's moves only: sign for it, or give it back.
        dialog = await choose_move(pilot, "signed")
        assert sorted(dialog.states) == ["returned_to_township", "signed"]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: detail.record["status"] == "signed")
        assert "县级签收" in str(detail.query_one("#dt-facts").render())
        # Assign it: the county's departments, picked by name.
        await choose_move(pilot, "county_assigned")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, AssignDialog))
        assert [e["name"] for e in app.screen.entries] == ["县住建局"]
        assert_no_raw_keys(app)
        await pilot.press("enter")
        await until(pilot, lambda: detail.record["status"] == "county_assigned")
        assert "县级部门：县住建局" in str(detail.query_one("#dt-facts").render())
        # Done, with feedback for the officer and a reply for the resident.
        await choose_move(pilot, "done")
        await pilot.press("tab")
        await type_text(pilot, "县住建局已更换灯杆")
        await pilot.press("tab")
        await type_text(pilot, "路灯已由县住建局修复")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: detail.record["status"] == "done")
    lamp = county.record("lamp")
    assert lamp["county_department"]["name"] == "县住建局"
    assert (lamp["feedback"], lamp["public_reply"]) == (
        "县住建局已更换灯杆",
        "路灯已由县住建局修复",
    )
    # The feedback flows down: the officer's device pulls it.
    pulled = county.towns["A"].device.pull().json()["updates"]
    mine = next(u for u in pulled if u["id"] == county.records["lamp"]["id"])
    assert (mine["status"], mine["feedback"]) == ("done", "县住建局已更换灯杆")


async def test_a_return_to_the_township_needs_a_reason(county):
    app = console(county)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_console(pilot)
        await open_item(pilot, county, "lamp")
        dialog = await choose_move(pilot, "returned_to_township")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # refused before anything is sent
        assert "退回乡镇" in str(dialog.query_one("#tr-error").render())
        await type_text(pilot, "属乡镇职责，请镇城建办办理")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: app.screen.record["status"] == "returned_to_township")
    lamp = county.record("lamp", county.towns["A"].token)  # the township sees it again
    assert lamp["level"] == "township"
    assert lamp["events"][-1]["reason"] == "属乡镇职责，请镇城建办办理"


@pytest.mark.parametrize("size", SIZES)
async def test_township_staff_escalate_with_a_reason(county, size):
    app = console(county, county.towns["B"].token)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen) and app.screen.items)
        await settle(pilot)
        index = [i["id"] for i in app.screen.items].index(county.records["bridge"]["id"])
        app.screen.query_one("#in-table").move_cursor(row=index)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.record)
        detail = app.screen
        dialog = await choose_move(pilot, "escalated")
        # A township's moves: never the county's (sign for it, assign to a county department).
        assert "signed" not in dialog.states and "county_assigned" not in dialog.states
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # the county must be told why: refused before sending
        assert "上报县级" in str(dialog.query_one("#tr-error").render())
        await type_text(pilot, "桥墩加固需县应急管理局立项")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: detail.record["status"] == "escalated")
        facts = str(detail.query_one("#dt-facts").render())
        assert "当前归属：县" in facts
        assert_no_raw_keys(app)
    bridge = county.record("bridge")  # the county's staff see it, with the reason
    assert bridge["level"] == "county"
    assert bridge["events"][-1]["reason"] == "桥墩加固需县应急管理局立项"


async def test_supervision_heads_the_townships_list_with_a_mark(county):
    app = console(county)
    deadline = (local_now() + timedelta(days=7)).date().isoformat()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_console(pilot)
        detail = await open_item(pilot, county, "gas")
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, SuperviseDialog))
        dialog = app.screen
        assert_no_raw_keys(app)
        await type_text(pilot, "2020-01-01")  # in the past: refused here, before sending
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert "早于今天" in str(dialog.query_one(".error-line").render())
        dialog.query_one("#sv-deadline").value = ""
        await type_text(pilot, deadline)
        await pilot.press("tab")
        await type_text(pilot, "请三日内处置到位")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (detail.record.get("supervision") or {}).get("deadline"))
        facts = str(detail.query_one("#dt-facts").render())
        assert f"督办：期限 {deadline} · 请三日内处置到位" in facts
        await pilot.press("escape")
        await open_console(pilot)
        await until(pilot, lambda: "督办 1" in screen_text(app))
    assert county.record("gas")["supervision"]["note"] == "请三日内处置到位"
    # Township A's console: the supervised item first, marked; its staff cannot supervise.
    town = console(county, county.towns["A"].token)
    async with town.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(town.screen, IncomingScreen) and town.screen.items)
        await settle(pilot)
        assert town.screen.items[0]["id"] == county.records["gas"]["id"]
        first = screen_text(town).splitlines()
        assert any("【督办】" in line for line in first)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(town.screen, DetailScreen) and town.screen.record)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(town.screen, DetailScreen)  # not offered to a township


@pytest.mark.parametrize("size", SIZES)
async def test_township_staff_set_a_tier_with_a_reason(county, size):
    app = console(county, county.towns["A"].token)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen) and app.screen.items)
        await settle(pilot)
        assert "绿" in row_of(screen_text(app), "垃圾")  # the tier column, as a word
        index = [i["id"] for i in app.screen.items].index(county.records["rubbish"]["id"])
        app.screen.query_one("#in-table").move_cursor(row=index)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.record)
        detail = app.screen
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, TierDialog))
        dialog = app.screen
        assert_no_raw_keys(app)
        assert dialog.query_one("#td-tier").highlighted == 2  # it opens on the current: green
        await pilot.press("home", "enter")  # red: the first choice
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert "理由" in str(dialog.query_one(".error-line").render())
        await type_text(pilot, "堆放点紧邻小学，有安全隐患")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: detail.record["tier"] == "red")
        facts = str(detail.query_one("#dt-facts").render())
        assert "风险等级：红色 · 堆放点紧邻小学，有安全隐患 · 人工调整" in facts
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen))
        await settle(pilot)
        await until(pilot, lambda: "红" in row_of(screen_text(app), "垃圾"))


async def test_english_tiers_are_letters(county):
    set_language("en")
    app = console(county)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_console(pilot)
        shown = screen_text(app)
        assert row_of(shown, "燃气").split()[0] == "R"
        assert row_of(shown, "路灯").split()[0] == "Y"
        assert "Escalated to the county" in shown or "Escalated" in shown
        assert_no_raw_keys(app)


@pytest.mark.parametrize("size", SIZES)
async def test_a_leader_sees_their_villages_first_and_in_their_own_tab(county, size):
    app = console(county, county.leader_token)
    async with app.run_test(size=size) as pilot:
        screen = await open_console(pilot)
        shown = screen_text(app)
        assert "赵县长" in shown
        # Their village (青山村, township A) first, starred.
        villages = [item.get("village") for item in screen.items]
        assert villages == sorted(villages, key=lambda v: v != "青山村")
        assert "★青山村" in row_of(shown, "燃气")
        assert "★" not in row_of(shown, "便桥")
        await pilot.press("3")
        await settle(pilot)
        shown = screen_text(app)
        assert "我的包村" in shown
        row = row_of(shown, "青山村").split()
        assert row[0] == "青山村" and row[1] == "3"  # received: gas, lamp, rubbish
        assert_no_raw_keys(app)
        await pilot.press("enter")  # that village's records
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen) and app.screen.items)
        assert app.screen.scope == {"village": "青山村"}
        assert "青山村" in screen_text(app)


async def test_county_staff_have_no_villages_tab(county):
    app = console(county)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_console(pilot)
        assert not screen.query("#cv-villages")
        await pilot.press("3")
        await pilot.pause()
        assert any("包村" in n.message for n in app._notifications)


@pytest.mark.parametrize("size", SIZES)
async def test_the_trends_are_charts_per_township(county, size):
    app = console(county)
    async with app.run_test(size=size) as pilot:
        screen = await open_console(pilot)
        await pilot.press("4")
        await until(pilot, lambda: screen.weekly)
        await settle(pilot)
        a, b = county.towns["A"].name, county.towns["B"].name
        legend = str(screen.query_one("#tr-legend").render())
        assert f"x {a}" in legend and f"o {b}" in legend and "周数：12" in legend
        charts = list(screen.query(TrendChart))
        assert len(charts) == 2 and all(len(c.drawn) == 2 for c in charts)
        assert len(charts[0].labels) == 12 and charts[0].labels[-1].startswith("W")
        # The chart is drawn in the terminal: its axis and the current week's label.
        shown = screen_text(app)
        assert "┤" in shown and charts[0].labels[-1] in shown
        await pilot.press("t")  # township A alone
        await pilot.pause()
        legend = str(screen.query_one("#tr-legend").render())
        assert f"x {a}" in legend and b not in legend
        await pilot.press("w")  # more weeks
        await until(pilot, lambda: len(screen.weekly.get("weeks") or []) == 26)
        await settle(pilot)
        assert "周数：26" in str(screen.query_one("#tr-legend").render())
        assert_no_raw_keys(app)


async def test_the_period_is_chosen_or_typed(county):
    app = console(county)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_console(pilot)
        assert screen.summary["from"] == screen.period.params[0]
        await pilot.press("p")  # last month: nothing raised then
        await until(pilot, lambda: screen.summary["from"] == screen.period.params[0])
        await settle(pilot)
        assert "上月" in screen_text(app)
        assert all(row["received"] == 0 for row in screen.summary["townships"])
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, PeriodDialog))
        assert_no_raw_keys(app)
        today = app.now().date()
        start = today - timedelta(days=3)
        app.screen.query_one("#pd-from").value = ""
        await type_text(pilot, start.isoformat())
        # It opened on last month: the end too (cleared as a person clears a field).
        await pilot.press("tab", "end", "ctrl+u")
        await type_text(pilot, today.isoformat())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.summary.get("from") == start.isoformat())
        await settle(pilot)
        assert f"{start.isoformat()[5:]} 至 {today.isoformat()[5:]}" in screen_text(app)
        assert {row["received"] for row in screen.summary["townships"]} == {3, 2}


async def test_another_countys_staff_see_none_of_it(county):
    app = console(county, county.other_token)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CountyScreen) and app.screen.summary)
        await settle(pilot)
        assert app.screen.items == []
        assert "没有上报县级、督办或红色的事项" in screen_text(app)
        assert app.screen.summary["townships"] == []
    with pytest.raises(StaffNotFound):
        StaffClient(county.service.url, county.other_token).record(county.records["lamp"]["id"])


async def test_a_county_token_typed_on_the_token_screen_opens_the_county_console(county):
    app = StaffApp(StaffClient(county.service.url, ""), refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await type_text(pilot, county.token)
        await pilot.press("enter")
        await open_console(pilot)
        await pilot.press("l")  # every record of the county, as the township's list shows them
        await until(pilot, lambda: isinstance(app.screen, IncomingScreen) and app.screen.items)
        await settle(pilot)
        towns = {item["township"]["name"] for item in app.screen.items}
        assert towns == {county.towns["A"].name, county.towns["B"].name}
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CountyScreen))
