"""The command palette's base (ctrl+p): every key of the current screen, by name.

On a phone the palette is how people find things, so nothing should be reachable only by a
key.  Names come from the catalogs, so searching works in the language on screen.  Both apps
use :class:`KeyCommands`; the officer's adds its screens (gridterm.ui.officer.palette).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from gridterm.core.i18n import has, t

Command = tuple[str, str, Callable[[], object]]


class KeyCommands(Provider):
    """Every key of the screen the palette was opened from (and the app's own), by name.

    Subclasses add more commands by overriding ``_commands()``.
    """

    def _key_commands(self, seen: set[str]) -> Iterator[Command]:
        app = self.app
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            # Only our own keys: Textual's widgets bring English-only ones (scroll up …).
            if not binding.description or not active.enabled or not has(binding.description):
                continue
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            name = t(binding.description)
            if name in seen:
                continue
            seen.add(name)
            seen.add(binding.action.removeprefix("app."))
            callback = partial(app.run_action, binding.action, active.node)
            yield name, app.get_key_display(binding) or key, callback

    def _commands(self) -> Iterator[Command]:
        yield from self._key_commands(set())

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
