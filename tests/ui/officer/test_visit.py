"""The visit workflow through the real app and the real store, at 80×24 and 50×25, in en and
zh_CN: every built-in checklist walked to the end with single keys, a flagged answer raising
an event report, the draft that survives a cut-off visit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timezone

import pytest
from textual import events

from gridterm.core import checklists
from gridterm.core.i18n import set_language, t
from gridterm.core.record_text import address
from gridterm.core.store import Store
from gridterm.core.usecases.visits import DRAFT_KEY
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.report import ReportFormScreen
from gridterm.ui.officer.screens.visit import VisitStartScreen, offer_resume
from gridterm.ui.officer.screens.visit_walk import VisitWalkScreen
from tests.ui.officer.keys import P, assert_no_raw_keys, press, screen_text

SIZES = [(80, 24), (50, 25)]
LANGS = ["en", "zh_CN"]
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path, monkeypatch):
    # These tests drive the screens; the store's durability (fsync) has its own crash tests,
    # and the kill test below runs with it.  On a busy machine fsync dominates these runs.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    with Store.open(tmp_path / "data") as opened:
        yield opened


def make_app(store):
    return GridtermApp(store, clock=lambda: NOW)


def add_household(store, head="王大明"):
    return store.create(
        "household",
        {
            "village": "石桥村",
            "group": "3组",
            "number": "12号",
            "head": head,
            "phone": "13800138000",
        },
    )


def plain_answer(item):
    """Keys that answer ``item`` without flagging it, and the value the store should hold."""
    flag = item.get("flag_if")
    kind = item["type"]
    if kind == "yes_no":
        value = flag is not True  # answer the opposite of the flagging answer
        return ["y" if value else "n"], value
    if kind == "choice":
        for n, option in enumerate(item["options"], 1):
            if not flag or option["value"] not in flag:
                return [str(n)], option["value"]
    if kind == "number":
        value = flag["lt"] + 100 if flag and "lt" in flag else 0
        return [P(str(value)), "enter"], value
    if kind == "date":
        return [P("2026-12-01"), "enter"], "2026-12-01"
    if flag == "nonempty":
        return ["enter"], None
    return [P("ok"), "enter"], "ok"


async def burst(pilot, keys) -> None:
    """Send keys the way a terminal delivers a quick burst of typing: all queued at once,
    then wait for the app to settle (``pilot.press`` waits for idle after every key)."""
    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
    await pilot.pause()


async def walk_to_summary(pilot, template, overrides=None):
    """Answer every item of ``template``; returns the expected answers.

    Single-key answers (y/n, digits) on consecutive items go as one burst; typed answers
    (which move the focus to the input box) key by key.
    """
    expected = {}
    pending: list[str] = []
    for item in template["items"]:
        keys, value = (overrides or {}).get(item["key"]) or plain_answer(item)
        if item["type"] in ("yes_no", "choice"):
            pending.extend(keys)
        else:
            await burst(pilot, pending)
            pending = []
            await press(pilot, *keys)
        if value is not None:
            expected[item["key"]] = value
    await burst(pilot, pending)
    return expected


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
async def test_every_builtin_checklist_walked_to_the_end_and_saved(store, size, lang):
    set_language(lang)
    household = add_household(store)
    app = make_app(store)
    templates = checklists.builtin_templates()
    async with app.run_test(size=size) as pilot:
        for n, template in enumerate(templates, 1):
            app.push_screen(VisitStartScreen())
            await pilot.pause()
            # Find the household by typing part of its name, choose it, choose the checklist.
            await press(pilot, P("大明"), "enter", str(n))
            await pilot.pause()
            walk = app.screen
            assert isinstance(walk, VisitWalkScreen)
            total = len(template["items"])
            assert t(
                "wf.visit.progress", n=1, total=total, template=checklists.text(template["title"])
            ) in screen_text(app)
            assert_no_raw_keys(app)
            expected = await walk_to_summary(pilot, template)
            assert walk.item is None  # the summary
            assert t(
                "wf.visit.summary_title",
                template=checklists.text(template["title"]),
                household="王大明 · " + address(household["data"]),
            ) in screen_text(app)
            assert_no_raw_keys(app)
            await press(pilot, P("note"), "enter", "ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, VisitWalkScreen)
            visits = store.query(kind="visit")
            assert len(visits) == n
            # The one just saved (two saved in the same second may sort either way).
            [data] = [v["data"] for v in visits if v["data"]["template_id"] == template["id"]]
            assert data["household_id"] == household["id"]
            assert data["template_id"] == template["id"]
            assert data["template_version"] == template["version"]
            assert data["answers"] == expected
            assert data["flagged"] == []
            assert data["notes"] == "note"
            assert store.drafts.get_draft(DRAFT_KEY) is None
    assert {v["data"]["template_id"] for v in store.query(kind="visit")} == set(
        checklists.BUILTIN_IDS
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
async def test_flagged_answer_raises_a_report_saved_with_the_visit(store, size, lang):
    set_language(lang)
    household = add_household(store)
    template = checklists.find(checklists.builtin_templates(), "safety")
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        app.push_screen(VisitStartScreen(household_id=household["id"]))
        await pilot.pause()
        await pilot.press("2")  # the safety checklist
        await pilot.pause()
        # e-bike charged by a hanging cable: the 4th option flags the item.
        keys = {"ebike_charging": (["4"], "flying_cable")}
        expected = {}
        for item in template["items"]:
            if item["key"] == "ebike_charging":
                await pilot.press("4")
                await pilot.pause()
                assert isinstance(app.screen, ConfirmScreen)
                assert_no_raw_keys(app)
                await pilot.press("y")
                await pilot.pause()
                form = app.screen
                assert isinstance(form, ReportFormScreen)
                assert form.values()["category"] == "safety"
                assert_no_raw_keys(app)
                assert form.values()["raised_by"] == "王大明"  # the head of the household
                # Raise it as urgent: urgency is the second field, "normal" is chosen.
                await press(pilot, "tab", "enter", "up", "up", "enter", "ctrl+s")
                await pilot.pause()
                assert isinstance(app.screen, VisitWalkScreen)
                expected["ebike_charging"] = "flying_cable"
                continue
            k, value = plain_answer(item)
            await press(pilot, *k)
            if value is not None:
                expected[item["key"]] = value
        await pilot.pause()
        assert keys  # (documented above)
        assert "[" in screen_text(app)  # the summary marks the report
        await pilot.press("ctrl+s")
        await pilot.pause()
    visit = store.query(kind="visit")[0]
    assert visit["data"]["answers"] == expected
    assert visit["data"]["flagged"] == ["ebike_charging"]
    reports = store.query(kind="report")
    assert len(reports) == 1
    report = reports[0]["data"]
    assert report["links"] == {"visit": visit["id"]}
    assert report["category"] == "safety"
    assert report["urgency"] == "urgent"
    assert report["raised_by"] == "王大明"
    assert report["place"] == address(household["data"])
    item = next(i for i in template["items"] if i["key"] == "ebike_charging")
    assert checklists.text(item["label"]) in report["description"]
    assert checklists.option_label(item, "flying_cable") in report["description"]
    assert report["closed_on_spot"] is False


async def test_required_item_cannot_be_skipped_and_bad_number_is_named(store):
    household = add_household(store)
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(VisitStartScreen(household_id=household["id"]))
        await pilot.pause()
        await pilot.press("4")  # poverty watch: income change, then income per head
        await pilot.pause()
        walk = app.screen
        await pilot.press("enter")
        await pilot.pause()
        assert walk.index == 0
        assert t("checklist.answer.required") in screen_text(app)
        await pilot.press("9")
        await pilot.pause()
        assert walk.index == 0 and "1 to 4" in screen_text(app)
        await press(pilot, "2", P("lots"), "enter")
        await pilot.pause()
        assert walk.index == 1
        assert "'lots' is not a number" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert walk.index == 0 and "About the same" in screen_text(app)


async def test_escape_on_first_item_keeps_draft_and_resume_is_offered(store):
    household = add_household(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(VisitStartScreen(household_id=household["id"]))
        await pilot.pause()
        await pilot.press("1", "y", "escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, VisitWalkScreen)
        draft = store.drafts.get_draft(DRAFT_KEY)
        assert draft["answers"] == {"head_present": True} and draft["index"] == 0
        offer_resume(app)
        await pilot.pause()
        assert "1 of 12" in screen_text(app)
        await pilot.press("escape")  # not now: the draft stays
        await pilot.pause()
        assert store.drafts.get_draft(DRAFT_KEY)["answers"] == {"head_present": True}
        offer_resume(app)
        await pilot.pause()
        await pilot.press("n")  # drop it
        await pilot.pause()
    assert store.drafts.get_draft(DRAFT_KEY) is None


KILLED_VISIT = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from gridterm.ui.officer.app import GridtermApp
    from gridterm.ui.officer.screens.visit import VisitStartScreen
    from gridterm.core.store import Store

    async def main():
        store = Store.open(sys.argv[1])
        household = store.query(kind="household")[0]
        app = GridtermApp(store)
        async with app.run_test(size=(50, 25)) as pilot:
            app.push_screen(VisitStartScreen(household_id=household["id"]))
            await pilot.pause()
            # The safety checklist: answer four items, then the battery dies.
            await pilot.press("2", "2", "2", "2", "2")
            await pilot.pause()
            print(app.screen.index, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("lang", LANGS)
async def test_visit_killed_mid_way_resumes_at_the_same_item(tmp_path, lang):
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        household = add_household(store)
    script = tmp_path / "killed_visit.py"
    script.write_text(KILLED_VISIT)
    done = subprocess.run(
        [sys.executable, str(script), str(folder)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.strip() == "4"
    set_language(lang)
    with Store.open(folder) as store:
        draft = store.drafts.get_draft(DRAFT_KEY)
        assert draft["index"] == 4 and len(draft["answers"]) == 4
        app = make_app(store)
        async with app.run_test(size=(50, 25)) as pilot:
            await pilot.pause()
            # The new app offers, on its own, to carry on with the visit that was cut off.
            assert isinstance(app.screen, ConfirmScreen)
            assert "5/11" in screen_text(app) or "5 of 11" in screen_text(app)
            await pilot.press("y")
            await pilot.pause()
            walk = app.screen
            assert isinstance(walk, VisitWalkScreen)
            assert walk.index == 4 and walk.item["key"] == "wiring_sound"
            assert walk.household["id"] == household["id"]
            template = walk.template
            expected = dict(draft["answers"])
            for item in template["items"][4:]:
                keys, value = plain_answer(item)
                await press(pilot, *keys)
                if value is not None:
                    expected[item["key"]] = value
            await pilot.press("ctrl+s")
            await pilot.pause()
        visit = store.query(kind="visit")[0]
        assert visit["data"]["answers"] == expected
        assert store.drafts.get_draft(DRAFT_KEY) is None
    assert os.path.exists(folder)


async def test_township_template_and_household_are_used(store):
    """A newer version the township published replaces the built-in; a household the
    township imported can be visited before the officer has a record of it."""
    import copy

    newer = copy.deepcopy(checklists.find(checklists.builtin_templates(), "safety"))
    newer["version"] = 2
    newer["items"] = newer["items"][4:12]
    store.save_reference("templates", [newer])
    store.save_reference(
        "households", [{"id": "hh-township-1", "village": "东河村", "group": "2", "head": "赵四"}]
    )
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(VisitStartScreen())
        await pilot.pause()
        await press(pilot, P("赵四"), "enter", "2")
        await pilot.pause()
        walk = app.screen
        assert isinstance(walk, VisitWalkScreen)
        assert walk.template["version"] == 2 and len(walk.items) == 7
        expected = await walk_to_summary(pilot, newer)
        await press(pilot, "ctrl+s")
        await pilot.pause()
    [visit] = store.query(kind="visit")
    assert visit["data"]["household_id"] == "hh-township-1"
    assert visit["data"]["template_version"] == 2
    assert visit["data"]["answers"] == expected


async def test_opening_visits_offers_the_unfinished_one(store):
    household = add_household(store)
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(VisitStartScreen(household_id=household["id"]))
        await pilot.pause()
        await press(pilot, "3", "1", "escape", "escape")  # special care: one answer, leave
        await pilot.pause()
        app.action_open("visit")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        await pilot.pause()
        walk = app.screen
        assert isinstance(walk, VisitWalkScreen) and walk.template["id"] == "special_care"
        assert walk.index == 0 and walk.answers == {"person_type": "living_alone_elder"}
        await press(pilot, "escape")  # leaves the walk: back where visits were opened from
        await pilot.pause()
        assert not isinstance(app.screen, (VisitWalkScreen, VisitStartScreen))


async def test_key_typed_right_after_enter_does_not_join_the_answer(store):
    """On a slow phone the officer can type ahead: "0", enter, "2" arrive together.  The
    number saved is 0, never 02 or 2."""
    household = add_household(store)
    app = make_app(store)
    async with app.run_test(size=(50, 25)) as pilot:
        app.push_screen(VisitStartScreen(household_id=household["id"]))
        await pilot.pause()
        await press(pilot, "4", "2")  # poverty watch; income about the same
        await pilot.pause()
        walk = app.screen
        assert walk.item["key"] == "income_per_head"
        for key in ["9", "0", "0", "0", "enter", "n"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        assert walk.answers["income_per_head"] == 9000
        # ... and the "n" typed ahead answered the next item, a yes/no one.
        assert walk.answers["spending_surge"] is False
        assert walk.item["key"] == "schooling_ok"
