"""Every catalog file exists in both languages with the same keys and the same placeholders."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from gridterm.core import i18n

CATALOGS = Path(i18n.__file__).resolve().parent
LANGS = ("zh_CN", "en")


def _areas() -> list[str]:
    names: set[str] = set()
    for lang in LANGS:
        names |= {p.name for p in (CATALOGS / lang).glob("*.json")}
    return sorted(names)


def _load(lang: str, area: str) -> dict:
    path = CATALOGS / lang / area
    assert path.exists(), f"{lang}/{area} is missing (the other language has it)"
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    assert isinstance(data, dict), f"{lang}/{area} is not a JSON object"
    return data


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _may_be_empty(key: str) -> bool:
    """Joiners may be empty: Chinese puts nothing between sentences or address parts."""
    return key.rsplit(".", 1)[-1].endswith(("sep", "separator", "joiner"))


def test_there_are_catalogs():
    assert "core.json" in _areas()
    assert "model.json" in _areas()


@pytest.mark.parametrize("area", _areas())
def test_same_keys_in_both_languages(area):
    zh, en = _load("zh_CN", area), _load("en", area)
    assert sorted(set(zh) - set(en)) == [], f"only in zh_CN/{area}"
    assert sorted(set(en) - set(zh)) == [], f"only in en/{area}"


@pytest.mark.parametrize("area", _areas())
def test_placeholders_match_and_nothing_is_empty(area):
    zh, en = _load("zh_CN", area), _load("en", area)
    for key in set(zh) & set(en):
        for lang, value in (("zh_CN", zh[key]), ("en", en[key])):
            assert isinstance(value, str), f"{lang}/{area}: {key} is not a string"
            assert value or _may_be_empty(key), f"{lang}/{area}: {key} is empty"
        assert _fields(zh[key]) == _fields(en[key]), f"{area}: {key} placeholders differ"


def test_no_key_is_defined_by_two_areas():
    for lang in LANGS:
        seen: dict[str, str] = {}
        for area in _areas():
            for key in _load(lang, area):
                assert key not in seen, f"{lang}: {key} in both {seen[key]} and {area}"
                seen[key] = area


def test_placeholder_check_would_catch_a_mismatch():
    assert _fields("{field} is {n}") != _fields("{field}为{m}")


def test_only_joiners_may_be_empty():
    assert _may_be_empty("model.sep") and _may_be_empty("tui.household.address_joiner")
    assert not _may_be_empty("model.required") and not _may_be_empty("sep.title")
