"""Every key of the screen, listed (``?``): what the key bar has no room for on a phone.

``KeysScreen(screen)`` lists the keys of ``screen`` — the bar's and the ones it never shows
(tab, ctrl+q) — each with its words; enter does what the highlighted key does, escape (or
``?`` again) closes the list.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from gridterm.core.i18n import t
from gridterm.ui.kit.footer import Key, screen_keys


class KeysScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    KeysScreen > Vertical {
        width: 100%; max-width: 60; height: auto; max-height: 100%;
        border: round $accent; background: $panel;
    }
    KeysScreen #keys-title { text-style: bold; padding: 0 1; }
    KeysScreen #keys-list { height: auto; max-height: 1fr; }
    KeysScreen #keys-hint { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,question_mark", "close", "ux.key.close", id="keys.close"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.keys: list[Key] = [k for k in screen_keys(screen) if k.binding.action != "show_keys"]

    def compose(self) -> ComposeResult:
        width = max((Content(key.display).cell_length for key in self.keys), default=1)
        options = [
            Option(Content(f"{key.display.ljust(width)}  {key.words}"), id=str(n))
            for n, key in enumerate(self.keys)
        ]
        with Vertical():
            yield Static(t("ux.keys.title"), id="keys-title", markup=False)
            yield OptionList(*options, id="keys-list", compact=True)
            yield Static(t("ux.keys.hint"), id="keys-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _run(self, event: OptionList.OptionSelected) -> None:
        key = self.keys[event.option_index]
        app = self.app
        self.dismiss(None)
        # After the list is gone, so the key acts on the screen it belongs to.
        app.call_later(app.run_action, key.binding.action, key.node)
