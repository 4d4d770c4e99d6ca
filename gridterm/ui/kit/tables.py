"""Tables that fit the screen's width: on a phone every column stays in sight, and the one
column that can lose its tail (an address, a summary) gives up its width first — rather than
the last columns (the state, the tags) disappearing past the right edge.

``fill(table, columns, rows, width, flex)`` replaces what ``table`` shows: ``columns`` are
``(key, label)``, ``rows`` ``(row_key, cells)``, ``flex`` the columns that may be shortened
when the natural widths do not fit ``width`` (the table's own width, scrollbar included),
each as ``(key, narrowest)``, in the order they give way.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.widgets import DataTable

PADDING = 2  # a DataTable cell's padding, one each side
SCROLLBAR = 2  # room kept for a vertical scrollbar
MIN_FLEX = 2


def widths(
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[str, Sequence[str]]],
    width: int,
    flex: Sequence[tuple[str, int]],
) -> dict[str, int | None]:
    """Each column's width: None (as wide as its content) for a column left as it is; the
    ``flex`` columns narrowed, in turn and no narrower than each one's least, until the
    table fits (a key may come twice: first a little, then more, after the others)."""
    natural = {key: cell_len(label) for key, label in columns}
    for _, cells in rows:
        for (key, _), cell in zip(columns, cells, strict=False):
            natural[key] = max(natural[key], cell_len(str(cell)))
    current = dict(natural)
    over = sum(natural.values()) - (width - SCROLLBAR - PADDING * len(columns))
    for key, least in flex:
        if over <= 0:
            break
        give = min(over, max(0, current[key] - max(least, MIN_FLEX)))
        current[key] -= give
        over -= give
    out: dict[str, int | None] = {
        key: (None if current[key] == natural[key] else current[key]) for key in natural
    }
    return out


def fill(
    table: DataTable,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[str, Sequence[str]]],
    width: int,
    flex: Sequence[tuple[str, int]],
) -> None:
    """Show ``rows`` under ``columns``, fitted to ``width``; the cursor stays on its row."""
    cursor = table.cursor_row
    sized = widths(columns, rows, width, flex)
    table.clear(columns=True)
    for key, label in columns:
        table.add_column(label, key=key, width=sized[key])
    for row_key, cells in rows:
        table.add_row(*cells, key=row_key)
    if rows:
        table.move_cursor(row=min(cursor, len(rows) - 1))
