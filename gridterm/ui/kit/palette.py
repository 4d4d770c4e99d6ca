"""The command palette's base (ctrl+p): every key of the current screen, by name.

On a phone the palette is how people find things, so nothing should be reachable only by a
key.  A command is found by its name in either language — "sync" in the Chinese UI, "同步"
in the English one — and by the pinyin of its Chinese name, full or initials ("tb" finds
同步), since a soft keyboard types Latin letters fastest.  It is always shown in the language
on screen.  Both apps use :class:`KeyCommands`; the officer's adds its screens
(gridterm.ui.officer.palette).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from gridterm.core import pinyin
from gridterm.core.i18n import LANGUAGES, get_language, has, t


@dataclass(frozen=True)
class Command:
    """One command: its name in a language (``say(lang)``), the key that does it, and what
    it does."""

    say: Callable[[str | None], str]
    key: str
    run: Callable[[], object]


def catalog_name(key: str, **params: object) -> Callable[[str | None], str]:
    """A command's name from a catalog key, in whichever language is asked for."""
    return lambda lang: t(key, lang, **params)


def spelling_score(query: str, name: str) -> float:
    """How well Latin letters spell ``name``'s pinyin: whole, start, or anywhere (0: not)."""
    typed = "".join(query.casefold().split())
    if not pinyin.is_spelling(typed):
        return 0.0
    best = 0.0
    for spelling in pinyin.spellings(name):
        if spelling == typed:
            return 1.0
        if spelling.startswith(typed):
            best = max(best, 0.9)
        elif typed in spelling:
            best = max(best, 0.6)
    return best


def other_language_score(query: str, name: str) -> float:
    """How well ``query`` names a command by its name in the language not on screen.

    Stricter than the palette's fuzzy match (which finds "tb" in "Outbox"): what is typed
    must start a word of the name ("sync" in "Sync now", "同步" anywhere in "立即同步", since
    Chinese has no spaces between words).
    """
    typed = " ".join(query.casefold().split())
    text = name.casefold()
    at = text.find(typed) if typed else -1
    while at >= 0:
        if at == 0 or not text[at - 1].isascii() or not text[at - 1].isalnum():
            return 0.8 if at == 0 else 0.6
        at = text.find(typed, at + 1)
    return 0.0


def score(
    query: str, say: Callable[[str | None], str], fuzzy: Callable[[str], float]
) -> tuple[float, str]:
    """(score, the name it matched in the other language or "") of a command for ``query``:
    the palette's fuzzy match on the name on screen, then the pinyin of the Chinese name,
    then the name in the other language."""
    found = fuzzy(say(None))
    if found > 0:
        return found, ""
    here = get_language()
    for lang in LANGUAGES:
        name = say(lang)
        if lang == "zh_CN":
            found = spelling_score(query, name)
            if found > 0:
                return found, ""
        if lang != here:
            found = other_language_score(query, name)
            if found > 0:
                return found, name
    return 0.0, ""


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
            shown_key = app.get_key_display(binding) or key
            yield Command(catalog_name(binding.description), shown_key, callback)

    def _commands(self) -> Iterator[Command]:
        yield from self._key_commands(set())

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.say(None), command.run, help=command.key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = False
        for command in self._commands():
            name = command.say(None)
            points, other = score(query, command.say, matcher.match)
            if points <= 0:
                continue
            found = True
            shown = matcher.highlight(name) if matcher.match(name) else name
            also = t("search.palette.other_language", name=other) if other else ""
            hint = " · ".join(part for part in (command.key, also) if part)
            yield Hit(points, shown, command.run, text=name, help=hint or None)
        if not found:
            # Textual would say "No matches found" in English whatever the language: say it
            # here, in the user's, as the one (inert) line of the list.
            yield Hit(0.0, t("search.palette.no_matches"), _nothing, text="")


def _nothing() -> None:
    """What choosing "no matches" does."""
