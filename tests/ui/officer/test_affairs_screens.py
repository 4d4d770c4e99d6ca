"""Village affairs through the real app and store, at 80×24 and 50×25, in zh_CN and en:
writing a financial notice from Home with its table summed, an amount that is not money
refused in its row, recording a 四议两公开 step — and one refused with the rule's reason
(a vote counting more than were present, a meeting without two thirds of its members), the
resolution made public writing its notice, and a published notice printed with the
township's QR code, opened as its A4 page and corrected."""

from __future__ import annotations

import os

import pytest

from gridterm.core import model
from gridterm.core.i18n import set_language, t
from gridterm.core.store import Store
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.affairs import AffairsScreen
from gridterm.ui.officer.screens.matter import MatterScreen
from gridterm.ui.officer.screens.matter_step import StepFormScreen
from gridterm.ui.officer.screens.notice import NoticeScreen
from gridterm.ui.officer.screens.notice_form import ItemFormScreen, NoticeFormScreen
from tests.core.test_affairs import steps
from tests.core.test_usecases_affairs import ledger, publish
from tests.ui.officer.conftest import NOW
from tests.ui.officer.keys import P, assert_no_raw_keys, press, screen_text

SIZES = [(80, 24), (50, 25)]
LANGS = ["zh_CN", "en"]


@pytest.fixture
def store(tmp_path, monkeypatch):
    # The screens are under test here; the store's fsync has its own crash tests.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    with Store.open(tmp_path / "data") as opened:
        yield opened
    set_language("zh_CN")


def choose(group: str, code: str, current: str) -> list[str]:
    """Keys that open a focused Select showing ``current`` and choose ``code``."""
    codes = model.codes(group)
    moves = codes.index(code) - codes.index(current)
    return ["enter", *(["down"] * moves if moves > 0 else ["up"] * -moves), "enter"]


def app_for(store) -> GridtermApp:
    return GridtermApp(store, clock=lambda: NOW)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_writing_a_financial_notice_from_home(store, size, lang):
    set_language(lang)
    store.create("household", {"village": "石桥村", "head": "王大明"})
    app = app_for(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, AffairsScreen)
        await press(pilot, "n")
        await settle(pilot)
        assert isinstance(app.screen, NoticeFormScreen)
        assert_no_raw_keys(app)
        await press(pilot, *choose("notice_type", "finance", "village"), "tab")
        await press(pilot, "tab", P("2026年第三季度财务公开"), "tab", P("2026-07-01"), "tab")
        await press(pilot, P("2026-09-30"), "tab", P("经村务监督委员会审核，现公开如下。"))
        await press(pilot, "ctrl+n")
        assert isinstance(app.screen, ItemFormScreen)
        await press(pilot, P("上级转移支付"), "tab", P("５０,０００"), "tab", "tab", P("记-001"))
        await press(pilot, "ctrl+s")
        await press(pilot, "ctrl+n", P("村道维修材料"), "tab", "tab", P("12345.6"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoticeFormScreen)
        shown = screen_text(app)
        assert "50,000.00" in shown and "12,345.60" in shown  # the totals, as typed
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert "12,345.60" in screen_text(app)
        assert_no_raw_keys(app)
    [notice] = store.query(kind="notice")
    assert notice["data"] == {
        "village": "石桥村",  # offered: the village of the grid's households
        "type": "finance",
        "title": "2026年第三季度财务公开",
        "body": "经村务监督委员会审核，现公开如下。",
        "period": {"from": "2026-07-01", "to": "2026-09-30"},
        "items": [
            {"item": "上级转移支付", "income": "50000.00", "voucher": "记-001"},
            {"item": "村道维修材料", "spending": "12345.60"},
        ],
        "totals": {"income": "50000.00", "spending": "12345.60"},
    }
    assert [r["id"] for r in store.outbox()][-1] == notice["id"]  # queued like every record


@pytest.mark.parametrize("lang", LANGS)
async def test_an_amount_that_is_not_money_is_refused_in_its_row(store, lang):
    set_language(lang)
    app = app_for(store)
    async with app.run_test(size=(50, 25)) as pilot:
        app.action_open("notice_form")
        await settle(pilot)
        await press(pilot, "ctrl+n", P("误工补贴"), "tab", P("12.345"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ItemFormScreen)  # not taken
        assert "12.345" in screen_text(app)
        assert t("affairs.money.cents", field=t("model.field.income"), value="12.345")[:6] in (
            screen_text(app).replace("\n", "")
        )
        await press(pilot, "escape")
        assert isinstance(app.screen, NoticeFormScreen)
    assert store.query(kind="notice") == []


async def open_step_form(pilot, app, store, done: int) -> dict:
    matter = store.create(
        "matter", {"village": "石桥村", "title": "村道硬化", "steps": steps(done)}
    )
    app.action_open("matter", record_id=matter["id"])
    await settle(pilot)
    assert isinstance(app.screen, MatterScreen)
    await press(pilot, "s")
    await settle(pilot)
    assert isinstance(app.screen, StepFormScreen)
    assert_no_raw_keys(app)
    return matter


async def fill_resolution(pilot, members: str, present: str, votes: tuple[str, str, str]):
    """From the date field: place, meeting (kept), attendees (none), the figures, the text."""
    await press(pilot, "tab", P("村委会议室"), "tab", "tab", "tab", P(members), "tab", P(present))
    for count in votes:
        await press(pilot, "tab", P(count))
    await press(pilot, "tab", P("决议：硬化三组至五组村道，预算38万元。"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_recording_the_representatives_resolution(store, size, lang):
    set_language(lang)
    app = app_for(store)
    async with app.run_test(size=size) as pilot:
        matter = await open_step_form(pilot, app, store, 3)
        await fill_resolution(pilot, "45", "38", ("36", "2", "0"))
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MatterScreen)
        shown = screen_text(app)
        assert t("affairs.matter.next", n=5, step=model.label("matter_step", "resolution_public"))[
            :4
        ] in shown.replace(" ", "")
    step = store.get(matter["id"])["data"]["steps"][3]
    assert step == {
        "step": "resolution",
        "date": "2026-11-25",
        "place": "村委会议室",
        "meeting": "representatives",
        "members": 45,
        "present": 38,
        "vote": {"for": 36, "against": 2, "abstain": 0},
        "text": "决议：硬化三组至五组村道，预算38万元。",
    }


@pytest.mark.parametrize(
    ("present", "votes", "reason_key", "params"),
    [
        ("38", ("30", "5", "4"), "affairs.step.votes_exceed_present", {"total": 39, "present": 38}),
        (
            "29",
            ("27", "2", "0"),
            "affairs.quorum.representatives",
            {"members": 45, "present": 29, "needed": 30},
        ),
    ],
    ids=["votes-exceed-present", "no-two-thirds"],
)
@pytest.mark.parametrize("lang", LANGS)
async def test_a_step_against_the_rules_is_refused_with_its_reason(
    store, lang, present, votes, reason_key, params
):
    set_language(lang)
    app = app_for(store)
    async with app.run_test(size=(50, 25)) as pilot:
        matter = await open_step_form(pilot, app, store, 3)
        await fill_resolution(pilot, "45", present, votes)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepFormScreen)  # not saved
        reason = t(reason_key, field="", **params)
        rule_box = str(app.screen.query_one("#step-rule").content)
        assert reason in rule_box
        assert app.screen.query_one("#step-rule").has_class("-refused")
    assert store.get(matter["id"])["rev"] == 1


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_matters_list_fits_a_phone_and_opens_a_matter(store, size):
    """A matter's next step is a long state: the list is fitted, not broken, at 50 columns."""
    set_language("zh_CN")
    matter = store.create(
        "matter", {"village": "石桥村", "title": "三组至五组村道硬化", "steps": steps(3)}
    )
    app = app_for(store)
    async with app.run_test(size=size) as pilot:
        app.action_open("affairs")
        await settle(pilot)
        await press(pilot, "2")
        await settle(pilot)
        assert isinstance(app.screen, AffairsScreen) and app.screen.which == "matters"
        assert "下一步：第4步" in screen_text(app)
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, MatterScreen) and app.screen.record_id == matter["id"]


@pytest.mark.parametrize("lang", LANGS)
async def test_a_matter_started_from_the_list_then_its_first_step(store, lang):
    """At 50×25: 2 (the matters), n, the title and background, saved; its file opens and
    its first step — the Party branch's proposal, with who attended — is recorded."""
    set_language(lang)
    store.create("household", {"village": "石桥村", "head": "王大明"})
    app = app_for(store)
    async with app.run_test(size=(50, 25)) as pilot:
        app.action_open("affairs")
        await settle(pilot)
        await press(pilot, "2", "n")
        await settle(pilot)
        await press(pilot, "tab", P("三组至五组村道硬化"), "tab", P("土路，雨天难行。"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MatterScreen)
        await press(pilot, "s")
        await settle(pilot)
        assert isinstance(app.screen, StepFormScreen) and app.screen.step == "proposal"
        await press(pilot, "tab", P("村委会议室"), "tab", P("王建国、李红梅，赵强"))
        # members, present and the vote are optional at this step: on to the text
        await press(pilot, *["tab"] * 6, P("提议硬化三组至五组村道。"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MatterScreen)
        assert "王建国" in screen_text(app)
    [matter] = store.query(kind="matter")
    assert matter["data"]["village"] == "石桥村" and matter["data"]["title"] == "三组至五组村道硬化"
    assert matter["data"]["background"] == "土路，雨天难行。"
    [step] = matter["data"]["steps"]
    assert step["step"] == "proposal" and step["attendees"] == ["王建国", "李红梅", "赵强"]
    assert step["text"] == "提议硬化三组至五组村道。" and step["date"] == "2026-11-25"


@pytest.mark.parametrize("lang", LANGS)
async def test_the_resolution_made_public_writes_its_notice(store, lang):
    set_language(lang)
    app = app_for(store)
    async with app.run_test(size=(50, 25)) as pilot:
        matter = await open_step_form(pilot, app, store, 4)
        await press(pilot, "tab", P("经村民代表会议表决通过，现予公开，公示期七天。"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MatterScreen)
        assert t("affairs.state.unsent") in screen_text(app)  # the notice, not yet sent
        await press(pilot, "escape")
        app.action_open("affairs")
        await settle(pilot)
        assert "关于村道硬化" in screen_text(app)
    [notice] = store.query(kind="notice")
    assert notice["data"]["matter_id"] == matter["id"]
    assert notice["data"]["type"] == "four_two"
    assert notice["data"]["body"].startswith("经村民代表会议表决通过")
    assert store.get(matter["id"])["data"]["steps"][4]["notice_id"] == notice["id"]


async def test_a_published_notice_prints_opens_its_a4_page_and_is_corrected(store, tmp_path):
    set_language("zh_CN")
    printer = tmp_path / "lp0"
    printer.write_bytes(b"")
    store.meta_set("printer", str(printer))
    from gridterm.core.usecases import affairs as uc

    notice = publish(store, uc.save_notice(store, ledger()), version=1, number="12")
    app = app_for(store)
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(50, 25)) as pilot:
        app.action_open("notice", record_id=notice["id"])
        await settle(pilot)
        assert "12" in screen_text(app) and t("affairs.state.published") in screen_text(app)
        assert "published" not in screen_text(app)  # the township's state named, not coded
        await press(pilot, "p")
        await settle(pilot)
        assert notice["notice_qr"].encode() in printer.read_bytes()
        assert "村道维修材料".encode("gb18030") in printer.read_bytes()
        await press(pilot, "o")
        assert opened == ["https://zhen.example.gov.cn/v/n/12/print"]
        await press(pilot, "e")  # published: never edited in place
        assert isinstance(app.screen, NoticeScreen)
        await press(pilot, "c")
        await settle(pilot)
        assert isinstance(app.screen, NoticeFormScreen)
        await press(pilot, P("凭证号写错"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert app.screen.record_id != notice["id"]
    [correction] = [r for r in store.query(kind="notice") if r["id"] != notice["id"]]
    assert correction["data"]["correction_of"] == notice["id"]
    assert correction["data"]["reason"] == "凭证号写错"
    assert correction["data"]["items"] == notice["data"]["items"]
