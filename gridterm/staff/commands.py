"""The staff console's command palette (ctrl+p): every key of the screen on show, by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from gridterm.i18n import has, t


class StaffCommands(Provider):
    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self.app
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or not active.enabled or not has(binding.description):
                continue
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            name = t(binding.description)
            if name in seen:
                continue
            seen.add(name)
            yield (
                name,
                app.get_key_display(binding) or key,
                partial(app.run_action, binding.action, active.node),
            )

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
