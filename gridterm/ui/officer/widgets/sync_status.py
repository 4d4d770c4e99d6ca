"""What the officer sees of sync: offline / syncing / synced, the queue, the last good sync.

``status_text()`` is the short text the app's header shows beside the outbox depth, made
from ``app.sync_state`` (the app owns the state; the sync worker changes it with a
``SyncStateChanged`` message); ``SyncStatusView`` is the whole line as a widget, for screens
that want it in full (queue depth and needs-attention count included).
"""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Static

from gridterm.core.i18n import t
from gridterm.ui.kit.times import short_time

STATES = ("not_enrolled", "offline", "syncing", "synced", "error")


def status_text(state: str | None, last_ok: str | None, now: datetime) -> str:
    """ "offline · last sync 08:30", "syncing…", "synced 08:30", "not enrolled" …"""
    when = short_time(last_ok, now)
    last = t("sync.status.last_ok", when=when) if when else t("sync.status.never")
    if state == "not_enrolled":
        return t("sync.status.not_enrolled")
    if state == "syncing":
        return t("sync.status.syncing")
    if state == "synced":
        return f"{t('sync.status.synced')} · {last}"
    if state in ("offline", "error"):
        return f"{t(f'sync.status.{state}')} · {last}"
    return last


def full_text(state: str | None, store, now: datetime) -> str:
    """Everything in one line: state, queue depth, needs attention, last good sync."""
    from gridterm.client.sync import needs_sending

    outbox = store.outbox()
    queued = sum(1 for rec in outbox if needs_sending(rec))
    parts = [
        status_text(state, store.meta_get("last_sync_ok"), now),
        t("sync.status.queue", count=queued),
    ]
    if len(outbox) > queued:
        parts.append(t("sync.status.attention", count=len(outbox) - queued))
    return " · ".join(parts)


class SyncStatusView(Static):
    """The sync line, from ``app.sync_state``; call ``refresh_status()`` when it changes."""

    DEFAULT_CSS = """
    SyncStatusView { height: 1; width: auto; }
    SyncStatusView.-offline, SyncStatusView.-error { color: $warning; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def on_mount(self) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        app = self.app
        store = getattr(app, "store", None)
        if store is None:
            return
        state = getattr(app, "sync_state", None)
        now = app.now() if hasattr(app, "now") else datetime.now().astimezone()
        for name in STATES:
            self.set_class(state == name, f"-{name.replace('_', '-')}")
        self.update(full_text(state, store, now))
