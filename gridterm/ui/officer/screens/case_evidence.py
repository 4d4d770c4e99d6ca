"""A case's own photos and its place, for the case screen (``i`` photos, ``g`` place).

A session's and a follow-up's photos are attached on their forms (ctrl+o); these are the
case's.  Either is saved with the case at once, and its photos then wait to be sent.
"""

from __future__ import annotations

from typing import Any

from gridterm.core import model
from gridterm.core.attachments import claim, contents_of
from gridterm.core.i18n import t
from gridterm.ui.officer.screens.visit_kit import changed


class CaseEvidence:
    """Mixed into the case screen, which has ``app``, ``case_id``, ``data`` and ``_after``."""

    app: Any
    case_id: str
    data: Any
    _after: Any  # the case screen's: refresh the file and the keys

    def evidence_text(self) -> str:
        from gridterm.ui.officer.screens.attachments import evidence_line

        d = self.data
        line = evidence_line(d.get("attachments") or [], None, d.get("location"))
        return line + "  " + t("evidence.case_keys")

    def action_photos(self) -> None:
        from gridterm.ui.officer.screens.attachments import AttachmentsScreen

        def done(entries: list[dict] | None) -> None:
            if entries is not None:
                self.save_evidence(attachments=entries)

        current = self.data.get("attachments") or []
        self.app.push_screen(AttachmentsScreen(current, None, t("evidence.what.case")), done)

    def action_place(self) -> None:
        from gridterm.ui.officer.screens.attachments import PlaceScreen

        def done(location: dict | None) -> None:
            if location is not None:
                self.save_evidence(location=location or None)

        self.app.push_screen(PlaceScreen(self.data.get("location")), done)

    def save_evidence(self, **changes: object) -> None:
        data = dict(self.data)
        for key, value in changes.items():
            if value:
                data[key] = value
            else:
                data.pop(key, None)  # no photos or no place left: the key goes, as before
        try:
            record = self.app.store.update(self.case_id, data=data)
        except model.ValidationError as exc:
            self.app.notify(str(exc), severity="error")
            return
        claim(contents_of(self.app.store), record)
        changed(self.app, record["id"])
        self._after()
