"""The palette (ctrl+p) finds a command by its name in either language and by the pinyin of
its Chinese name, and says "no matches" in the user's language (Pilot, 80×24 and 50×25)."""

from __future__ import annotations

import pytest
from textual.command import CommandList

from gridterm.core import i18n
from gridterm.ui.kit.palette import other_language_score, score, spelling_score
from gridterm.ui.officer.screens.households import HouseholdsScreen

from .conftest import SIZES, make_app, settle, type_text

SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]


def test_scores_of_the_other_language_and_of_pinyin():
    assert spelling_score("tb", "立即同步") == 0.6  # initials, inside the name
    assert spelling_score("ljtb", "立即同步") == 1.0
    assert spelling_score("zhu", "住户") == 0.9
    assert spelling_score("同步", "立即同步") == 0.0  # not Latin letters
    # The other language is matched strictly: "tb" is inside "Outbox", but starts no word.
    assert other_language_score("tb", "Outbox") == 0.0
    assert other_language_score("sync", "Sync now") == 0.8
    assert other_language_score("now", "Sync now") == 0.6
    assert other_language_score("同步", "立即同步") == 0.6


def test_score_tries_the_name_on_screen_then_pinyin_then_the_other_language():
    i18n.set_language("zh_CN")
    names = {"zh_CN": "立即同步", "en": "Sync now"}

    def say(lang):
        return names[lang or "zh_CN"]

    def nothing(_name):
        return 0.0

    assert score("sync", say, nothing) == (0.8, "Sync now")
    assert score("tb", say, nothing) == (0.6, "")
    assert score("xyz", say, nothing) == (0.0, "")
    assert score("同步", say, lambda name: 0.7) == (0.7, "")


async def _hits(pilot, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await type_text(pilot, query)
    # The palette gathers in a worker and says "no matches" after a short wait.
    await pilot.pause(0.7)
    await settle(pilot)
    commands = pilot.app.screen.query_one(CommandList)
    found = [str(commands.get_option_at_index(n).prompt) for n in range(commands.option_count)]
    await pilot.press("escape")
    await settle(pilot)
    return found


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_english_names_and_pinyin_in_the_chinese_ui(store, size):
    i18n.set_language("zh_CN")
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        sync = await _hits(pilot, "sync")
        assert sync and sync[0].startswith("立即同步") and "Sync now" in sync[0]
        assert (await _hits(pilot, "household"))[0].startswith("住户")
        assert (await _hits(pilot, "ljtb"))[0].startswith("立即同步")
        assert (await _hits(pilot, "xyzq")) == ["没有找到匹配的命令"]
        # And what is found runs: "zh" (住户) then enter opens the Households screen.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "zhuhu")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdsScreen)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_chinese_names_in_the_english_ui(store, size):
    i18n.set_language("en")
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        sync = await _hits(pilot, "同步")
        assert sync and sync[0].startswith("Sync now")
        assert (await _hits(pilot, "住户"))[0].startswith("Households")
        assert (await _hits(pilot, "xyzq")) == ["No matches found"]
