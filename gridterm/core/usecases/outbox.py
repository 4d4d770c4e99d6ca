"""What the Outbox screen lists: queued, needs attention, sent — each tab's count the length
of its list, and the households visits name.  No UI.

The sent tab counts every sent record, archived ones included (the archive holds only synced
records), so "3 已发送 79" is followed by 79 rows — not a count of the hot store's 8 and then
a list of 79.  Only the newest ``shown`` are listed; ``counts`` says how many there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gridterm.core.households import all_households

if TYPE_CHECKING:
    from gridterm.core.store import Store

VIEWS = ("queued", "attention", "sent")


@dataclass
class OutboxViews:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {v: [] for v in VIEWS})
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VIEWS, 0))
    households: dict[str, dict] = field(default_factory=dict)


def outbox_views(store: Store, shown: int = 200) -> OutboxViews:
    """Every tab's rows (sent: newest ``shown``) and counts, read once."""
    outbox = store.outbox()
    sent = store.query(state="sent", archived=True)
    sent.sort(key=lambda r: (r.get("updated_at", ""), r.get("id", "")), reverse=True)
    views = OutboxViews()
    views.rows = {
        "queued": [r for r in outbox if not r.get("sync_error")],
        "attention": [r for r in outbox if r.get("sync_error")],
        "sent": sent[:shown],
    }
    views.counts = {
        "queued": len(views.rows["queued"]),
        "attention": len(views.rows["attention"]),
        "sent": len(sent),
    }
    needed = {
        (r.get("data") or {}).get("household_id")
        for rows in views.rows.values()
        for r in rows
        if r.get("kind") == "visit"
    }
    if needed:
        views.households = {h["id"]: h for h in all_households(store) if h.get("id") in needed}
    return views
