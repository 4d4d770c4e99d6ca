"""The key bar at the bottom of every screen, in the user's language, whatever the width.

Bindings are declared once, at class level, as ``Binding(key, action, "tui.key.save", id=…)``
(the description is a catalog key); the language can change while the app runs, so the words
are looked up each time the bar is drawn.  The few keys Textual's own widgets show are named
from our catalogs too (a Select's open menu: ``esc 关闭菜单``, never "Dismiss menu"); any
other key without words of ours is left out rather than shown in English.

The bar shows the keys that fit — the screen's own first, the app-wide ones after — and,
when some do not (a 50-column phone), ends with ``? 更多``: ``?`` lists every key
(:mod:`gridterm.ui.kit.keys`).  Nothing is cut in the middle of a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget

from gridterm.core.i18n import has, t

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

#: Textual's own English key descriptions, and our words for them
TEXTUAL_WORDS = {"Dismiss menu": "ux.key.dismiss_menu"}
GAP = "  "
MORE_KEY = "?"


@dataclass(frozen=True)
class Key:
    """One key as the bar and the key list show it."""

    display: str  # "^s", "esc", "1-9"
    words: str  # translated
    binding: Binding
    node: DOMNode
    shown: bool  # the binding asks to be in the bar (show=True)


def words_for(binding: Binding) -> str | None:
    """The binding's description in the user's language; None when we have no words for it."""
    description = binding.description
    if not description:
        return None
    if has(description):
        return t(description)
    if description in TEXTUAL_WORDS:
        return t(TEXTUAL_WORDS[description])
    return None


def screen_keys(screen: Screen) -> list[Key]:
    """Every key of ``screen`` with words of ours, one per action: the screen's and its
    widgets' first, then the app's."""
    app = screen.app
    own: list[Key] = []
    app_wide: list[Key] = []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not active.enabled or binding.action in seen:
            continue
        words = words_for(binding)
        if words is None:
            continue
        seen.add(binding.action)
        key = Key(app.get_key_display(binding), words, binding, active.node, binding.show)
        (app_wide if active.node is app else own).append(key)
    return own + app_wide


class AppFooter(Widget):
    """One line of keys; ``? 更多`` at the end when they do not all fit."""

    DEFAULT_CSS = """
    AppFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
    }
    AppFooter > .app-footer--key { color: $footer-key-foreground; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"app-footer--key"}

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, Key | None]] = []

    def on_mount(self) -> None:
        # Redrawn whenever the screen's keys change (focus moved, a key enabled …).
        self.screen.bindings_updated_signal.subscribe(self, self._keys_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _keys_changed(self, screen: Screen) -> None:
        self.refresh()

    def shown_keys(self) -> tuple[list[Key], bool]:
        """The keys the bar has room for, and whether some were left for ``?``."""
        keys = [key for key in screen_keys(self.screen) if key.shown]
        width = self.size.width - 1
        more = Content(f"{MORE_KEY} {t('ux.key.more')}").cell_length
        used, fitted = 0, []
        for n, key in enumerate(keys):
            cost = Content(f"{key.display} {key.words}").cell_length + (len(GAP) if fitted else 0)
            room = width - (more + len(GAP) if n < len(keys) - 1 else 0)
            if used + cost > room:
                return fitted, True
            fitted.append(key)
            used += cost
        return fitted, False

    def render(self) -> Content:
        key_style = self.get_visual_style("app-footer--key")
        keys, cut = self.shown_keys()
        parts: list[Content | tuple[str, object] | str] = []
        spans: list[tuple[int, int, Key | None]] = []
        x = 0
        for key in keys:
            if parts:
                parts.append(GAP)
                x += len(GAP)
            item = Content.assemble((key.display, key_style), " ", key.words)
            parts.append(item)
            spans.append((x, x + item.cell_length, key))
            x += item.cell_length
        if cut:
            if parts:
                parts.append(GAP)
                x += len(GAP)
            item = Content.assemble((MORE_KEY, key_style), " ", t("ux.key.more"))
            parts.append(item)
            spans.append((x, x + item.cell_length, None))
        self._spans = spans
        return Content.assemble(*parts)  # type: ignore[arg-type]

    def on_click(self, event: events.Click) -> None:
        """A click on a key does what the key does (``? 更多`` lists them all)."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                if key is None:
                    self.app.run_action("show_keys")
                else:
                    self.app.run_action(key.binding.action, key.node)
                event.stop()
                return
