"""The village's affairs in the staff console (issue 17 items 3 and 6), through Pilot
against a real service on 127.0.0.1, at 80×24 and 120×40: a notice awaiting review is on
the to-do list, is published from its detail (which then shows its public number and
page), and residents' questions are answered or set aside from the questions screen."""

from __future__ import annotations

import httpx
import pytest

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.core.receipts import display_number
from gridterm.ui.staff.screens.detail import DetailScreen
from gridterm.ui.staff.screens.questions import QuestionsScreen
from gridterm.ui.staff.screens.text_dialog import TextDialog
from gridterm.ui.staff.screens.transition import TransitionDialog
from tests.ui.staff.conftest import Township, screen_text, until
from tests.ui.staff.test_console import SIZES, listed, make_app, settle, type_text

NOTICE = {
    "village": "青山村",
    "type": "village",
    "title": "关于村道硬化工程的公示",
    "body": "村道硬化工程经村民代表会议决议实施。",
    "period": {"from": "2026-11-01", "to": "2026-11-30"},
}


@pytest.fixture
def town(service) -> Township:
    device = service.enroll_device()
    rec = model.new_record("notice", NOTICE, device=device.id)
    town = Township(service, device, service.make_staff(device.township_id), {"notice": rec})
    town.push(rec)
    return town


def staff(town) -> httpx.Client:
    return town.service.client(town.token)


def publish(town) -> dict:
    rid = town.reports["notice"]["id"]
    done = staff(town).post(f"/api/v1/staff/records/{rid}/transition", json={"to": "published"})
    assert done.status_code == 200, done.text
    return done.json()["notice"]


def ask(town, number: str, text: str, phone: str, address: str) -> None:
    sent = httpx.post(
        f"{town.service.url}/v/n/{number}/questions",
        data={"text": text, "phone": phone},
        headers={"X-Forwarded-For": address},
        timeout=60,
    )
    assert sent.status_code == 303, sent.text


@pytest.mark.parametrize("size", SIZES)
async def test_a_notice_to_review_is_published_from_its_detail(town, size):
    rid = town.reports["notice"]["id"]
    app = make_app(town)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: listed(app) == [rid], what="the notice on the to-do list")
        await settle(pilot)
        assert t("board.console.kind.notice") in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.record)
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
        dialog = app.screen
        assert sorted(dialog.states) == ["published", "returned"]
        while dialog.chosen() != "published":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: (app.screen.record or {}).get("status") == "published")
        await settle(pilot)
        info = app.screen.record["notice"]
        shown = screen_text(app)
        assert display_number(info["number"]) in shown
        assert t("board.console.fact.number") in shown
    page = httpx.get(f"{town.service.url}{info['page']}", timeout=60)
    assert page.status_code == 200 and NOTICE["title"] in page.text


@pytest.mark.parametrize("size", SIZES)
async def test_questions_are_answered_and_set_aside_from_the_console(town, size):
    info = publish(town)
    ask(town, info["number"], "工程什么时候完工？", "13800138000", "10.94.0.1")
    ask(town, info["number"], "广告：低价出售", "13900139000", "10.94.0.2")
    app = make_app(town)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: listed(app) == [], what="the to-do list (nothing to review)")
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, QuestionsScreen))
        screen = app.screen
        await until(pilot, lambda: len(screen.items) == 2, what="two open questions")
        await settle(pilot)
        shown = screen_text(app)
        assert "工程什么时候完工" in shown and "13800138000" in shown  # staff may call back
        assert "board." not in shown and "staff." not in shown
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, TextDialog))
        await pilot.press("enter")
        assert isinstance(app.screen, TextDialog)  # an empty answer is refused in place
        await type_text(pilot, "预计11月30日完工。")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen and len(screen.items) == 1)
        await settle(pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, TextDialog))
        await type_text(pilot, "广告，与公开无关")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen and screen.items == [], what="none open")
        await pilot.press("a")  # nothing open under the cursor: said, no dialog
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("s")  # answered
        await until(pilot, lambda: [q["state"] for q in screen.items] == ["answered"])
        await settle(pilot)
        assert "预计11月30日完工。" in screen_text(app)
    page = httpx.get(f"{town.service.url}{info['page']}", timeout=60).text
    assert "预计11月30日完工。" in page and "138****8000" in page
    assert "低价出售" not in page and "13900139000" not in page


async def test_publishing_a_notice_changed_since_it_was_read_is_refused(town):
    """The officer sends rev 2 while staff read rev 1: the console publishes what staff read
    or nothing — here nothing, said in a notification — and rev 2 waits for review."""
    rec = town.reports["notice"]
    app = make_app(town)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: listed(app) == [rec["id"]])
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.record)
        await settle(pilot)
        town.push(model.validate_record({**rec, "rev": 2, "data": {**NOTICE, "title": "改过的"}}))
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TransitionDialog))
        while app.screen.chosen() != "published":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        said = t("board.refuse.rev_moved", seen=1, rev=2)
        await until(pilot, lambda: any(said in str(n.message) for n in app._notifications))
    got = staff(town).get(f"/api/v1/staff/records/{rec['id']}").json()
    assert (got["status"], got["rev"], got["notice"]["number"]) == ("submitted", 2, None)


@pytest.mark.parametrize("size", SIZES)
async def test_a_supervisor_is_enrolled_and_their_link_ended_from_the_console(town, size):
    from gridterm.ui.kit.confirm import ConfirmScreen
    from gridterm.ui.staff.screens.enrol_dialog import EnrolDialog
    from gridterm.ui.staff.screens.supervisors import SupervisorsScreen

    app = make_app(town)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: listed(app) == [town.reports["notice"]["id"]])
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, SupervisorsScreen))
        screen = app.screen
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, EnrolDialog))
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EnrolDialog)  # no village yet: refused in place
        await type_text(pilot, "青山村")
        await pilot.press("enter")
        await type_text(pilot, "陈监督")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen and len(screen.items) == 1)
        await settle(pilot)
        shown = screen_text(app).replace("\n", "")
        link = screen.query_one("#qs-detail").render().plain.splitlines()[-1]
        assert link.startswith(f"{town.service.url}/v/s/") and "陈监督" in shown
        page = httpx.get(link, timeout=60)
        assert page.status_code == 200 and town.reports["notice"]["id"] in page.text
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: screen.items and screen.items[0].get("revoked_at"))
        assert "board." not in screen_text(app)
    assert httpx.get(link, timeout=60).status_code == 404
