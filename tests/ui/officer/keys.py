"""Typing into the officer's app from Pilot tests, and reading back what it shows."""

from __future__ import annotations

import html
import re

from textual import events


class P(str):
    """Text typed into the focused field in one go (as an input method commits it)."""


async def press(pilot, *keys) -> None:
    """Press keys; ``P("…")`` items are typed into the focused field as one paste."""
    batch: list[str] = []
    for key in keys:
        if isinstance(key, P):
            if batch:
                await pilot.press(*batch)
                batch = []
            pilot.app.post_message(events.Paste(str(key)))  # to the focused widget, or the screen
            await pilot.pause()
        else:
            batch.append(key)
    if batch:
        await pilot.press(*batch)


def screen_text(app) -> str:
    """Everything the screen shows, as text (the SVG export's text runs)."""
    svg = app.export_screenshot()
    return html.unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg))).replace("\xa0", " ")


def assert_no_raw_keys(app) -> None:
    shown = screen_text(app)
    for prefix in ("wf.", "checklist.", "tui.", "model."):
        assert prefix not in shown, f"a raw catalog key shows: {shown}"
