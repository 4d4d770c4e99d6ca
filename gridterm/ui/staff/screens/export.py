"""Export the township's records to an XLSX or CSV file, with a progress bar.

The download runs in a thread worker that streams the answer to ``FILE.part`` and renames it
when whole (``StaffClient.export``); the bar follows the bytes (``Content-Length``) and the
line under it the record count (``X-Record-Count``).  Enter (on the format or in the file
name) or ctrl+s starts, tab moves between the two; escape closes, stopping a download that
is still running (nothing is left under the file's name).
"""

from __future__ import annotations

import time
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from gridterm.client.staff import StaffError
from gridterm.core.i18n import t
from gridterm.ui.kit.workers import ReportsWorkerFailures

FORMATS = ("xlsx", "csv")


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


class ExportDialog(ReportsWorkerFailures, ModalScreen[str | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding(
            "ctrl+s", "start", "staff.key.export_start", id="staff.export.start", priority=True
        ),
        Binding("escape", "close", "staff.key.close", id="staff.export.close"),
    ]

    def __init__(self, *, kind: object = None, folder: Path | None = None) -> None:
        super().__init__()
        self.kind = kind if isinstance(kind, str) else None
        self.folder = folder
        self.worker: Worker | None = None
        self.saved: str | None = None
        self.fmt = "xlsx"

    def default_path(self, fmt: str) -> str:
        stamp = self.app.now().strftime("%Y%m%d-%H%M%S")
        folder = self.folder or getattr(self.app, "export_folder", None) or Path.cwd()
        return str(folder / f"gridterm-export-{stamp}.{fmt}")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("staff.export.title"), classes="dialog-title", markup=False)
            yield OptionList(
                Option(t("staff.export.xlsx"), id="xlsx"),
                Option(t("staff.export.csv"), id="csv"),
                id="ex-format",
                compact=True,
            )
            yield Static(t("staff.export.file"), classes="field-label")
            yield Input(id="ex-path")
            yield ProgressBar(id="ex-bar", total=None, show_eta=False)
            yield Static("", id="ex-status", markup=False)
            yield Static(t("staff.export.keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#ex-format", OptionList)
        options.highlighted = 0
        self.query_one("#ex-path", Input).value = self.default_path(self.fmt)
        options.focus()

    @on(OptionList.OptionHighlighted, "#ex-format")
    def _format(self, event: OptionList.OptionHighlighted) -> None:
        fmt = event.option.id or "xlsx"
        path_input = self.query_one("#ex-path", Input)
        path = path_input.value
        if path.endswith("." + self.fmt):
            path_input.value = path[: -len(self.fmt)] + fmt
        self.fmt = fmt

    @on(OptionList.OptionSelected, "#ex-format")
    def _format_chosen(self, event: OptionList.OptionSelected) -> None:
        # The hint promises that enter starts, wherever the focus is; tab reaches the file.
        self.action_start()

    @on(Input.Submitted, "#ex-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    def status(self, message: str) -> None:
        self.query_one("#ex-status", Static).update(message)

    def action_start(self) -> None:
        if self.worker is not None and self.worker.state == WorkerState.RUNNING:
            return
        raw = self.query_one("#ex-path", Input).value.strip()
        if not raw:
            self.status(t("staff.export.no_file"))
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        if not path.parent.is_dir():
            self.status(t("staff.export.no_folder", folder=str(path.parent)))
            return
        if path.is_dir():
            self.status(t("staff.export.is_folder", path=str(path)))
            return
        self.saved = None
        bar = self.query_one("#ex-bar", ProgressBar)
        bar.update(total=None, progress=0)
        self.status(t("staff.export.waiting"))
        self.worker = self.download(self.fmt, str(path))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def download(self, fmt: str, path: str) -> None:
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int | None, records: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if done and total and done < total and now - last < 0.1:
                return
            last = now
            self.app.call_from_thread(self._progress, done, total, records)

        try:
            with self.app.api() as api:
                count = api.export(
                    fmt,
                    path,
                    kind=self.kind,
                    progress=progress,
                    cancelled=lambda: worker.is_cancelled,
                )
        except StaffError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.status, str(exc))
            raise
        self.app.call_from_thread(self._finished, path, count)

    def _progress(self, done: int, total: int | None, records: int | None) -> None:
        bar = self.query_one("#ex-bar", ProgressBar)
        if total:
            bar.update(total=total, progress=done)
            amount = t("staff.export.bytes_of", done=size_text(done), total=size_text(total))
        else:
            amount = size_text(done)
        if records is not None:
            self.status(t("staff.export.progress", count=records, amount=amount))
        else:
            self.status(amount)

    def _finished(self, path: str, count: int) -> None:
        bar = self.query_one("#ex-bar", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.saved = path
        self.status(t("staff.export.saved", count=count, path=path))
        self.notify(t("staff.export.saved", count=count, path=path))

    def action_close(self) -> None:
        if self.worker is not None and self.worker.state == WorkerState.RUNNING:
            self.worker.cancel()
            self.notify(t("staff.export.stopped"), severity="warning")
        self.dismiss(self.saved)
