"""Worker failures, said once for both apps.

Every worker runs with ``exit_on_error=False`` (Textual's default would end the app on the
first error: a missing printer, an unreachable service).  A failure then arrives as a
``Worker.StateChanged`` message at the node that ran the worker.  That message does not
bubble, so screens that run workers mix in :class:`ReportsWorkerFailures`, which hands the
failure to the app; :class:`gridterm.ui.kit.shell.ShellApp` says it, in the user's language.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from gridterm.core.errors import GridtermError
from gridterm.core.i18n import t


def failure_text(error: BaseException | None) -> str:
    """What to tell the user: gridterm's own errors carry a message made for them; anything
    else is named by its type and text, inside a translated sentence."""
    if isinstance(error, GridtermError):
        return str(error)
    return t("kit.error.unexpected", detail=f"{type(error).__name__}: {error}")


def failed(event: Worker.StateChanged) -> bool:
    """The worker ended in an error (not cancelled: a cancelled worker's error is expected)."""
    return event.state == WorkerState.ERROR and not event.worker.is_cancelled


class ReportsWorkerFailures:
    """Mix into a screen (before ``Screen``/``ModalScreen``) whose workers may fail.

    Textual calls this handler as well as a screen's own ``on_worker_state_changed`` (it
    dispatches to every class in the MRO), so a screen that also handles the message must
    not call ``super()``: the failure would be said twice.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if not failed(event):
            return
        app = self.app  # type: ignore[attr-defined]
        report = getattr(app, "worker_failed", None)
        if callable(report):
            report(event.worker.error)
        else:  # a screen shown by some other app (a test's host): still say it
            app.notify(failure_text(event.worker.error), severity="error", timeout=8)
