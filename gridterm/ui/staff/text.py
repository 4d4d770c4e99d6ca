"""How the console words records: short labels for the list (times: gridterm.ui.kit.times)."""

from __future__ import annotations

from rich.cells import cell_len

from gridterm.core import workflow
from gridterm.core.i18n import t
from gridterm.core.model import label

KINDS = ("report", "visit", "case", "household")
VILLAGE_KINDS = ("notice", "matter")  # the village's affairs: their words are board.console's


def kind_short(kind: str | None) -> str:
    if kind in KINDS:
        return t(f"staff.kind.{kind}")
    return t(f"board.console.kind.{kind}") if kind in VILLAGE_KINDS else (kind or "")


def status_text(status: str | None) -> str:
    return label(workflow.vocab_group(status), status) if status else ""


def urgency_text(urgency: str | None) -> str:
    return label("urgency", urgency) if urgency else ""


def place(item: dict) -> str:
    return item.get("village") or item.get("grid_name") or ""


def topic(item: dict, short: bool = False) -> str:
    """``Safety hazard · 路灯不亮`` for a report, the checklist's title for a visit: the
    service's one-line summary (``what：detail``) with ``what`` in the viewer's language.
    ``short`` (a narrow list): the detail alone when there is one."""
    summary = item.get("summary") or ""
    what, sep, detail = summary.partition("：")
    if not sep:
        what, detail = summary, ""
    if item.get("kind") == "report" and item.get("category"):
        what = label("category", item["category"])
    elif item.get("kind") == "visit" and what:
        from gridterm.core.record_text import template_title

        what = template_title(what)
    if short and detail:
        return detail
    return " · ".join(p for p in (what, detail) if p)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells (CJK characters take two), with an ellipsis."""
    text = " ".join((text or "").split())
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"
