"""The officer's command palette (ctrl+p): every key of the current screen (the kit's
``KeyCommands``), and every screen that opens on its own, by name in either language or by
the pinyin of its Chinese name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from gridterm.core.i18n import t
from gridterm.ui.kit.palette import Command, KeyCommands, catalog_name
from gridterm.ui.officer.registry import SCREEN_REGISTRY, screen_available


def _opening(label: str) -> Callable[[str | None], str]:
    """``Open: Households`` / ``打开：住户``, in whichever language is asked for."""
    return lambda lang: t("tui.palette.open", lang, screen=t(label, lang))


class GridtermCommands(KeyCommands):
    def _commands(self) -> Iterator[Command]:
        app = self.app
        seen: set[str] = set()
        yield from self._key_commands(seen)
        # Every screen that opens on its own (no arguments needed).
        for name, _target, key, label in SCREEN_REGISTRY:
            if key is None and name != "home":
                continue
            if not screen_available(name):
                continue
            say = _opening(label)
            title = say(None)
            if title in seen or f"open('{name}')" in seen:
                continue
            seen.add(title)
            yield Command(say, key or "", partial(app.action_open, name))  # type: ignore[attr-defined]
        settings = partial(app.action_open, "settings")  # type: ignore[attr-defined]
        yield Command(catalog_name("tui.palette.language"), "", settings)
