"""The officer's command palette (ctrl+p): every key of the current screen (the kit's
``KeyCommands``), and every screen that opens on its own, by name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from gridterm.core.i18n import t
from gridterm.ui.kit.palette import Command, KeyCommands
from gridterm.ui.officer.registry import SCREEN_REGISTRY, screen_available


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
            title = t("tui.palette.open", screen=t(label))
            if title in seen or f"open('{name}')" in seen:
                continue
            seen.add(title)
            yield title, key or "", partial(app.action_open, name)  # type: ignore[attr-defined]
        yield t("tui.palette.language"), "", partial(app.action_open, "settings")  # type: ignore[attr-defined]
