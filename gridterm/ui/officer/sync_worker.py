"""Sync in the background of the officer's app: never blocks the UI, starts on its own.

A timer on the app looks every few seconds and starts a sync pass (gridterm.client.sync, in a
Textual thread worker) whenever there is something to send, the officer asked ("sync now"),
or a while has passed since the last pull;
after a pass that could not reach the service it waits longer each time (5 s, 10 s, … up to
5 min) before trying again, so a phone off the network does not burn its battery, and a
"sync now" cuts the wait short.  The per-request retries inside a pass are stamina's
(gridterm.client.sync); this module only schedules passes.

It keeps only its schedule.  The state ("offline" | "syncing" | "synced" | "error") belongs
to the app (``app.sync_state``): the worker posts a ``SyncStateChanged`` message, and the
app's headers follow it.  After a pass that brought or sent anything it calls
``app.store_changed()`` (screens refresh: queue depth, township states and replies); all of
this on the app's thread.  The store is thread-safe (one lock), so the worker reads and
writes it directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from gridterm.client import sync
from gridterm.core.i18n import t
from gridterm.ui.kit.messages import SyncStateChanged


@dataclass
class Timing:
    idle_poll: float = 3.0  # how often to look for new records to send
    pull_every: float = 300.0  # pull the township's news at least this often
    backoff_initial: float = 5.0
    backoff_max: float = 300.0
    config: sync.SyncConfig = field(
        default_factory=lambda: sync.SyncConfig(
            connect_timeout=5.0,
            read_timeout=30.0,
            deadline=20.0,
            wait_max=5.0,
            max_retry_after=10.0,
        )
    )


TIMING = Timing()  # tests replace this with shorter waits


class SyncWorker:
    """Schedules sync passes from a timer on the app's thread; each pass is a short thread
    worker, so nothing runs between passes (``app.workers.wait_for_complete()`` returns)."""

    def __init__(self, app: Any, timing: Timing | None = None) -> None:
        self.app = app
        self.timing = timing or TIMING
        self.timer = None
        self.worker = None
        self.passes = 0
        self._forced = False
        self._backoff = 0.0
        self._last_pass = float("-inf")
        self._stopped = False

    # -- all on the app's thread -------------------------------------------------------

    def start(self) -> None:
        self.timer = self.app.set_interval(self.timing.idle_poll, self.tick, name="sync")
        self.tick()

    def stop(self) -> None:
        self._stopped = True
        if self.timer is not None:
            self.timer.stop()

    def sync_now(self) -> None:
        self._forced = True
        self.tick()

    @property
    def running(self) -> bool:
        return self.worker is not None and not self.worker.is_finished

    def due(self) -> bool:
        store = self.app.store
        if not store.meta_get("enrollment"):
            return False  # nothing to show: the header keeps its own "never synced"
        since = time.monotonic() - self._last_pass
        if self._forced or since >= self.timing.pull_every:
            return True
        if since < self._backoff:
            return False
        return any(sync.needs_sending(rec) for rec in store.outbox())

    def tick(self) -> None:
        if self._stopped or self.running or not self.due():
            return
        forced, self._forced = self._forced, False
        self._last_pass = time.monotonic()
        self.passes += 1
        self._publish("syncing", None)
        self.worker = self.app.run_worker(
            lambda: self._pass(forced),
            name="sync",
            group="sync",
            thread=True,
            exit_on_error=False,
        )

    def _publish(self, state: str, error: str | None, summary=None, forced=False) -> None:
        app = self.app
        if state == "synced":
            self._backoff = 0.0
        elif state == "offline":
            self._backoff = min(
                max(self._backoff * 2, self.timing.backoff_initial), self.timing.backoff_max
            )
        elif state == "error":
            self._backoff = self.timing.backoff_max  # auth/config problems do not heal soon
        app.post_message(SyncStateChanged(state))
        # Every pass publishes "syncing" first, so each failed pass is said once.
        if state == "error" and error:
            app.notify(t("sync.status.sync_failed", message=error), severity="error", timeout=8)
        elif state == "offline" and error and forced:
            # Asked for by the officer: say why nothing happened (in the background, the
            # header's "offline" is enough).
            app.notify(error, severity="warning", timeout=8)
        if summary is not None and forced:
            app.notify(
                t("sync.status.sync_done", sent=summary.push.sent, updates=summary.pull.updates)
            )
        if summary is not None and _changed_anything(summary):
            app.store_changed()  # every screen reloads: states, replies, queue depth

    # -- the worker thread -------------------------------------------------------------

    def _cancelled(self) -> bool:
        worker = self.worker
        return self._stopped or bool(worker is not None and worker.is_cancelled)

    def _pass(self, forced: bool) -> None:
        summary, state, error = None, "synced", None
        try:
            with sync.SyncClient(
                self.app.store, _copy(self.timing.config), should_stop=self._cancelled
            ) as client:
                summary = client.sync()
        except sync.ServiceUnreachable as exc:
            state, error = "offline", str(exc)
        except sync.SyncError as exc:
            state, error = "error", str(exc)
        except Exception as exc:  # one bad pass must never end background sync
            state, error = "error", f"{type(exc).__name__}: {exc}"
        if self._cancelled():
            return
        try:
            self.app.call_from_thread(self._publish, state, error, summary, forced)
        except RuntimeError:
            pass  # the app has gone


def _changed_anything(summary: sync.SyncSummary) -> bool:
    pulled = summary.pull
    return bool(
        summary.push.sent
        or pulled.updates
        or pulled.templates
        or pulled.households
        or pulled.mediators
        or pulled.full
        # photos sent (or found already there) change what the outbox says is waiting
        or summary.upload.sent
        or summary.upload.already
        or summary.upload.refused
    )


def _copy(config: sync.SyncConfig) -> sync.SyncConfig:
    from dataclasses import replace

    return replace(config)
