"""Textual's Footer, with binding descriptions read as catalog keys and translated.

Bindings are declared once, at class level, as ``Binding(key, action, "tui.key.save", id=…)``;
the language can change while the app runs, so the text is looked up each time the footer
is drawn rather than when the class is defined.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from gridterm.core.i18n import t


class AppFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = t(widget.description) if widget.description else ""
                if widget.tooltip:
                    widget.tooltip = t(str(widget.tooltip))
            yield widget
