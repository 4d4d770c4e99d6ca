"""The one date/time input through the real app, at 80×24 and 50×25, in zh_CN and en: fields
are filled on the township's clock (never ``2026-11-29T21:28:53+00:00``), take what people
type (``2026/12/15``, ``昨天``, ``下午2点半``), say beside the field what they understood,
warn when a follow-up falls before its visit, and a receipt's 开具时间 is China time whatever
the device's clock says.  The time zone is a setting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import Input

from gridterm.core import checklists, dates, receipts
from gridterm.core.i18n import set_language, t
from gridterm.ui.kit.dates import DateInput
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.case_form import SessionFormScreen
from gridterm.ui.officer.screens.receipt import ReceiptScreen
from gridterm.ui.officer.screens.report import ReportFormScreen
from gridterm.ui.officer.screens.settings import SettingsScreen
from gridterm.ui.officer.screens.visit_kit import issue_and_show
from gridterm.ui.officer.screens.visit_walk import VisitWalkScreen

from .conftest import SIZES, screen_text, settle
from .keys import P, press

# The issue's clock: a device left on UTC, late in the evening — already tomorrow in China.
UTC_EVENING = datetime(2026, 11, 29, 21, 28, 53, tzinfo=timezone.utc)
CHINA_MORNING = "2026-11-30 05:28"
LANGS = ["zh_CN", "en"]


class App(GridtermApp):
    """The officer's app without its background sync: no network here."""

    def _load_sync_worker(self) -> None:
        return None


@pytest.fixture(params=LANGS)
def lang(request):
    set_language(request.param)
    yield request.param
    set_language("zh_CN")


CASE = {
    "dispute_type": "neighbour",
    "source": "party_applied",
    "summary": "排水沟堵塞",
    "parties": [{"name": "王大明", "role": "applicant"}],
}


def household(store):
    return store.create("household", {"village": "石桥村", "group": "3", "head": "王大明"})


@pytest.mark.parametrize("size", SIZES)
async def test_a_time_field_is_filled_on_the_townships_clock(store, lang, size):
    app = App(store, clock=lambda: UTC_EVENING)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(ReportFormScreen())
        await settle(pilot)
        field = app.screen.query_one("#f-occurred_at", Input)
        assert field.value == CHINA_MORNING
        shown = screen_text(app)
        assert "+00:00" not in shown and "T21:28" not in shown
        # and what it understood is said beside it, in the language on screen
        said = t("ux.date.understood", when="", rel="").split()[0]
        assert said in str(app.screen.query_one(".date-said").content)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("typed", "stored"), [("2026/11/20", "2026-11-20"), ("昨天", "2026-11-29")]
)
async def test_a_date_is_typed_as_people_write_it(store, lang, size, typed, stored):
    case = store.create("case", CASE)
    app = App(store, clock=lambda: UTC_EVENING)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(SessionFormScreen(case["id"]))
        await settle(pilot)
        date_box = app.screen.query_one(DateInput)
        date_box.input.value = ""
        date_box.focus()
        await press(pilot, P(typed), "tab", P("村委会"), "tab", "tab", P("双方同意"))
        await settle(pilot)
        understood = dates.understand(typed, app.now())
        said = dates.understood_text(understood, app.now().date())
        assert str(date_box.query_one(".date-said").content) == said
        await press(pilot, "ctrl+s")
        await settle(pilot)
        [session] = store.get(case["id"])["data"]["sessions"]
        assert session["date"] == stored


@pytest.mark.parametrize("size", SIZES)
async def test_a_time_in_words_is_stored_on_china_time(store, lang, size):
    app = App(store, clock=lambda: UTC_EVENING)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(ReportFormScreen(dict(REPORT)))
        await settle(pilot)
        form = app.screen
        box = form.query_one("#f-occurred_at", Input)
        box.value = ""
        box.focus()
        await press(pilot, P("下午2点半" if lang == "zh_CN" else "2:30pm"), "ctrl+s")
        await settle(pilot)
        [report] = store.query(kind="report")
        assert report["data"]["occurred_at"] == "2026-11-30T14:30:00+08:00"


def walk_at_summary(app, home) -> VisitWalkScreen:
    template = checklists.find(checklists.builtin_templates(), "safety")
    answers = {}
    for item in template["items"]:
        if item["type"] == "yes_no":
            answers[item["key"]] = item.get("flag_if") is not True
        elif item["type"] == "choice":
            answers[item["key"]] = item["options"][-1]["value"]
        elif item["type"] == "number":
            answers[item["key"]] = 0
        elif item["type"] == "text":
            answers[item["key"]] = "-"
        elif item["type"] == "date":
            answers[item["key"]] = "2026-11-30"
    draft = {
        "household_id": home["id"],
        "template_id": template["id"],
        "template_version": template["version"],
        "answers": answers,
        "index": len(template["items"]),
        "reports": {},
        "notes": "",
        "follow_up": "",
        "started_at": app.now().isoformat(),
    }
    return VisitWalkScreen(home, template, draft)


@pytest.mark.parametrize("size", SIZES)
async def test_a_follow_up_before_its_visit_warns(store, lang, size):
    """The issue: a follow-up dated 16 days before the visit it follows was accepted without a
    word.  Now the warning is beside the field as it is typed, and said again on saving."""
    home = household(store)
    app = App(store, clock=lambda: UTC_EVENING)
    async with app.run_test(size=size) as pilot:
        said_on_save: list[tuple[str, str]] = []
        original = app.notify

        def notify(message, *args, **kwargs):
            said_on_save.append((kwargs.get("severity", "information"), str(message)))
            return original(message, *args, **kwargs)

        app.notify = notify
        await app.push_screen(walk_at_summary(app, home))
        await settle(pilot)
        box = app.screen.query_one("#visit-follow-up", DateInput)
        box.focus()
        await press(pilot, P("11-14"))  # the visit is on 30 November (China time)
        await settle(pilot)
        said = str(box.query_one(".date-said").content)
        warning = box.warning
        assert warning and "16" in warning and warning in said
        assert t("ux.what.visit") in warning
        assert box.query_one(".date-said").has_class("-warn")
        assert "16" in screen_text(app)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        [visit] = store.query(kind="visit")
        assert visit["data"]["follow_up"] == "2026-11-14"
        assert ("warning", warning) in said_on_save


@pytest.mark.parametrize("size", SIZES)
async def test_a_follow_up_after_its_visit_says_the_day_without_a_warning(store, lang, size):
    home = household(store)
    app = App(store, clock=lambda: UTC_EVENING)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(walk_at_summary(app, home))
        await settle(pilot)
        box = app.screen.query_one("#visit-follow-up", DateInput)
        box.focus()
        await press(pilot, P("明天" if lang == "zh_CN" else "tomorrow"))
        await settle(pilot)
        assert box.warning is None
        assert t("ux.date.rel.1") in str(box.query_one(".date-said").content)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        [visit] = store.query(kind="visit")
        assert visit["data"]["follow_up"] == "2026-12-01"


REPORT = {
    "category": "safety",
    "urgency": "normal",
    "place": "村口桥",
    "description": "桥栏松动",
    "raised_by": "王大明",
}
ENROLLMENT = {
    "service_url": "https://zhen.example.gov.cn",
    "device_id": "dev-1",
    "token": "tok",
    "device_secret": "secret-for-dates",
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}


@pytest.mark.parametrize("size", SIZES)
async def test_the_receipt_is_dated_on_china_time_on_a_utc_device(store, lang, size):
    """The paper's 开具时间 said 21:29 while the resident page said the next day."""
    store.meta_set("enrollment", ENROLLMENT)
    report = store.create("report", REPORT)
    app = App(store, clock=lambda: UTC_EVENING)
    async with app.run_test(size=size) as pilot:
        assert issue_and_show(app, report, ENROLLMENT["device_secret"], None, lambda _: None)
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        [receipt] = store.get(report["id"])["receipts"]
        assert receipt["issued_at"] == "2026-11-30T05:28:53+08:00"
        lines = receipts.receipt_lines(store.get(report["id"]), receipt, ENROLLMENT)
        assert any(CHINA_MORNING in line for line in lines)
        assert not any("21:28" in line for line in lines)


@pytest.mark.parametrize("size", SIZES)
async def test_the_time_zone_is_a_setting(store, lang, size):
    app = App(store, clock=lambda: UTC_EVENING)
    async with app.run_test(size=size) as pilot:
        assert app.now().utcoffset() == timedelta(hours=8)  # China time by default
        await app.push_screen(SettingsScreen())
        await settle(pilot)
        zone = app.screen.query_one("#input-timezone", Input)
        assert zone.value == "Asia/Shanghai"
        zone.value = "Mars/Olympus"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert (
            t("ux.settings.bad_zone", name="Mars/Olympus") in screen_text(app).replace("\n", "")
            or app.screen.query_one("#field-timezone").error
        )
        assert store.meta_get("timezone") is None
        zone.value = "Asia/Urumqi"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert store.meta_get("timezone") == "Asia/Urumqi"
        assert app.now().utcoffset() == timedelta(hours=6)
        assert app.now().strftime("%H:%M") == "03:28"
