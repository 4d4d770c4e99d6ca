"""What a notice's detail adds for staff: its public number and version, whether that
version is the current one, the supervision committee's word on it (an objection is for
staff to weigh before publishing), the residents' questions still open, and its page."""

from __future__ import annotations

from gridterm.core.i18n import t
from gridterm.core.receipts import display_number


def notice_rows(record: dict, service_url: str) -> list[tuple[str, str]]:
    """``(catalog key, value)`` facts of a notice record; none for any other record."""
    info = record.get("notice")
    if record.get("kind") != "notice" or not isinstance(info, dict):
        return []
    rows: list[tuple[str, str]] = []
    if info.get("number"):
        state = "board.console.fact.current" if info.get("current") else "board.console.fact.old"
        rows.append(
            (
                "board.console.fact.number",
                t(state, number=display_number(info["number"]), version=info.get("version")),
            )
        )
        rows.append(("board.console.fact.page", service_url.rstrip("/") + (info.get("page") or "")))
    for sign in info.get("countersigns") or []:
        said = "agree" if sign.get("decision") == "agree" else "object"
        line = t(
            f"board.console.fact.sign_{said}", name=sign.get("name") or "", rev=sign.get("rev")
        )
        if sign.get("note"):
            line += t("staff.colon") + sign["note"]
        if not sign.get("current_rev"):
            line += " " + t("board.console.fact.older_rev")
        rows.append(("board.console.fact.countersign", line))
    if info.get("questions_open"):
        rows.append(("board.console.fact.questions", str(info["questions_open"])))
    return rows
