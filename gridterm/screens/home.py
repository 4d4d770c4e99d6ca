"""Home: the officer's grid at a glance, and the keys to every other screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from gridterm.app import SCREEN_REGISTRY
from gridterm.i18n import t
from gridterm.screens.base import GridScreen


def _nav_bindings() -> list[Binding]:
    return [
        Binding(key, f"app.open('{name}')", label, id=f"open.{name}")
        for name, _target, key, label in SCREEN_REGISTRY
        if key
    ]


class HomeScreen(GridScreen):
    TITLE_KEY = "tui.screen.home"
    CSS_PATH = "home.tcss"
    BINDINGS = [*_nav_bindings(), Binding("q", "app.quit", "tui.key.quit", id="home.quit")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="home-body"):
            yield Static(self._menu_text(), id="home-menu", markup=False)

    def _menu_text(self) -> str:
        from gridterm.app import screen_available

        parts = [
            f"{key} {t(label)}"
            for name, _target, key, label in SCREEN_REGISTRY
            if key and screen_available(name)
        ]
        return "  ".join(parts)
