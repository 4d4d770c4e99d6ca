"""The screen registry is plain data, and every entry names a screen of the officer's UI."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from textual.screen import Screen

from gridterm.core.i18n import has
from gridterm.ui.officer.registry import (
    SCREEN_REGISTRY,
    load_screen_class,
    registry_entry,
    screen_available,
)

SCREENS = "gridterm.ui.officer.screens."


@pytest.mark.parametrize("entry", SCREEN_REGISTRY, ids=lambda e: e.name)
def test_every_entry_imports_and_points_into_the_officer_screens(entry):
    module_name, sep, class_name = entry.target.partition(":")
    assert sep and class_name, f"{entry.name}: {entry.target!r} is not 'module:Class'"
    assert module_name.startswith(SCREENS), f"{entry.name}: {module_name} is outside {SCREENS}"
    cls = getattr(importlib.import_module(module_name), class_name)
    assert isinstance(cls, type) and issubclass(cls, Screen), f"{entry.name}: not a Screen"
    assert cls.__module__ == module_name  # defined there, not borrowed from elsewhere
    assert load_screen_class(entry.name) is cls and screen_available(entry.name)
    assert has(entry.label, "en") and has(entry.label, "zh_CN"), entry.label


def test_names_and_home_keys_are_unique():
    names = [entry.name for entry in SCREEN_REGISTRY]
    keys = [entry.key for entry in SCREEN_REGISTRY if entry.key]
    assert len(names) == len(set(names)) and len(keys) == len(set(keys))
    assert registry_entry("home") is not None and registry_entry("no-such-screen") is None
    assert not screen_available("no-such-screen")
    with pytest.raises(KeyError):
        load_screen_class("no-such-screen")


def test_the_registry_is_plain_data():
    """Importing it loads neither Textual nor a screen nor the app (no cycle through it)."""
    probe = (
        "import sys, gridterm.ui.officer.registry; "
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('gridterm.ui.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()
    assert out == "['gridterm.ui.officer', 'gridterm.ui.officer.registry']"  # and its package
