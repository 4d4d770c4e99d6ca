"""What every screen of the staff console shares: failed workers reported to the app.

``Worker.StateChanged`` does not bubble, so each screen hands its workers' failures to
``StaffApp.worker_failed`` (a translated notification, or the token screen for a refused token).
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState


class ReportsWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and not event.worker.is_cancelled:
            self.app.worker_failed(event.worker.error)  # type: ignore[attr-defined]
