"""The township's word on a record, shown at the top of every opened record: its state,
feedback and public reply, and — when the service refused it — the reason, in a warning
style, with what to do about it."""

from __future__ import annotations

from textual.widgets import Static

from gridterm.core.i18n import t
from gridterm.core.model import label
from gridterm.core.workflow import vocab_group


def township_lines(record: dict) -> list[str]:
    """The lines to show for ``record`` (empty when the township has said nothing)."""
    lines = []
    if record.get("status"):
        status = record["status"]
        lines.append(t("records.state", state=label(vocab_group(status), status)))
    if record.get("handled_by"):
        lines.append(t("tui.feedback.handled_by", who=record["handled_by"]))
    if record.get("feedback"):
        lines.append(t("tui.feedback.feedback", text=record["feedback"]))
    if record.get("public_reply"):
        lines.append(t("tui.feedback.public_reply", text=record["public_reply"]))
    return lines


class TownshipState(Static):
    """``show(record)`` fills it; hidden while there is nothing to say."""

    DEFAULT_CSS = """
    TownshipState { height: auto; padding: 0 1; margin: 0 0 1 0; display: none; }
    TownshipState.-shown { display: block; }
    TownshipState.-attention { color: $text-warning; background: $warning-muted;
                               text-style: bold; }
    """

    def __init__(self, record: dict | None = None, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self._record = record

    def on_mount(self) -> None:
        if self._record is not None:
            self.show(self._record)

    def show(self, record: dict | None) -> None:
        record = record or {}
        lines = []
        if record.get("sync_error"):
            lines.append(t("records.attention", reason=record["sync_error"]))
        lines.extend(township_lines(record))
        self.update("\n".join(lines))
        self.set_class(bool(record.get("sync_error")), "-attention")
        self.set_class(bool(lines), "-shown")
