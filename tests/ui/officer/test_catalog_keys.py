"""The app's catalogs are complete in both languages, and no screen shows a raw catalog key."""

from __future__ import annotations

import inspect
import json
import re
import string
from pathlib import Path

import pytest

from gridterm.core import i18n
from gridterm.ui.officer.registry import SCREEN_REGISTRY, load_screen_class, screen_available

from .conftest import make_app, screen_text, settle

CATALOGS = Path(i18n.__file__).parent


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_tui_catalog_has_every_key_in_both_languages_with_the_same_fields():
    en = json.loads((CATALOGS / "en" / "tui.json").read_text(encoding="utf-8"))
    zh = json.loads((CATALOGS / "zh_CN" / "tui.json").read_text(encoding="utf-8"))
    assert sorted(en) == sorted(zh)
    for key in en:
        assert _fields(en[key]) == _fields(zh[key]), key


def test_every_key_the_app_code_names_is_in_the_catalog():
    root = Path(i18n.__file__).parent.parent.parent  # the gridterm package
    files = list((root / "ui").rglob("*.py")) + list((root / "core" / "usecases").glob("*.py"))
    files.append(root / "core" / "record_text.py")
    named = set()
    for path in files:
        named |= set(re.findall(r"[\"']((?:tui)\.[a-z_]+(?:\.[a-z_]+)+)[\"']", path.read_text()))
    missing = sorted(k for k in named if not i18n.has(k, "en") or not i18n.has(k, "zh_CN"))
    assert not missing


def _all_keys() -> set[str]:
    keys: set[str] = set()
    for lang in i18n.LANGUAGES:
        keys |= set(i18n.catalog(lang))
    # Keys that are also ordinary words on screen (a value equal to its key) cannot leak.
    return {k for k in keys if "." in k and i18n.t(k, lang="en") != k}


def _arguments(cls, demo: dict[str, str]) -> dict | None:
    """Keyword arguments for a screen's constructor from the demo data, or None if unknown."""
    kwargs = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        if param.default is not param.empty:
            continue
        if name not in demo:
            return None
        kwargs[name] = demo[name]
    return kwargs


async def test_no_screen_shows_a_raw_catalog_key(demo_store, lang):
    keys = _all_keys()
    pattern = re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))
    household = demo_store.query(kind="household")[0]
    case = next(r for r in demo_store.query(kind="case") if not r["data"].get("closed_at"))
    demo = {"household_id": household["id"], "case_id": case["id"]}
    app = make_app(demo_store)
    checked = []
    async with app.run_test(size=(50, 25)) as pilot:
        await settle(pilot)
        seen = {"home": screen_text(app)}
        await pilot.press("ctrl+p")
        await settle(pilot)
        seen["palette"] = screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        for name, _target, _key, _label in SCREEN_REGISTRY:
            if name == "home" or not screen_available(name):
                continue
            kwargs = _arguments(load_screen_class(name), demo)
            if kwargs is None:
                continue
            app.action_open(name, **kwargs)
            await settle(pilot)
            seen[name] = screen_text(app)
            if name == "household_form":
                await pilot.press("ctrl+n")  # the member dialog
                await settle(pilot)
                seen["member_form"] = screen_text(app)
                await pilot.press("escape")
                await settle(pilot)
            while len(app.screen_stack) > 1:
                await app.pop_screen()
            await settle(pilot)
            checked.append(name)
    assert {"households", "household", "household_form", "outbox", "feedback", "settings"} <= set(
        checked
    )
    leaks = {name: pattern.findall(text) for name, text in seen.items() if pattern.search(text)}
    assert not leaks
    # The texts really are in the language chosen.
    if lang == "zh_CN":
        assert "待走访" in seen["home"]
    else:
        assert "Due for a visit" in seen["home"]


@pytest.mark.parametrize("key", ["tui.key.back", "tui.screen.home"])
def test_the_scan_would_catch_a_raw_key(key):
    assert key in _all_keys()
