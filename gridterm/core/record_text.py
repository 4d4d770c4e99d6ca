"""One-line descriptions of records for lists (outbox, feedback, history), from the catalogs.

``address`` is core.households' (re-exported: lists name households the way search reads them).
"""

from __future__ import annotations

from typing import Any

from gridterm.core.households import address
from gridterm.core.i18n import t
from gridterm.core.model import label
from gridterm.core.workflow import vocab_group


def tags_text(tags: list[str]) -> str:
    return t("tui.list_sep").join(label("tag", tag) for tag in tags)


def summary(record: dict, households: dict[str, dict] | None = None) -> str:
    """``张伟 · 东河村3组12号`` for a household, ``安全隐患 · 村口桥`` for a report, …"""
    kind = record.get("kind")
    data = record.get("data") or {}
    sep = " · "
    if kind == "household":
        return sep.join(x for x in (data.get("head", ""), address(data)) if x)
    if kind == "visit":
        who = ""
        if households is not None:
            home = households.get(data.get("household_id", ""))
            if home:
                who = (home.get("data") or {}).get("head", "")
        return sep.join(x for x in (template_title(data.get("template_id", "")), who) if x)
    if kind == "case":
        parties = data.get("parties") or []
        names = t("tui.list_sep").join(p.get("name", "") for p in parties[:2])
        head = data.get("case_no") or label("dispute_type", data.get("dispute_type", ""))
        return sep.join(x for x in (head, names) if x)
    if kind == "report":
        return sep.join(
            x for x in (label("category", data.get("category", "")), data.get("place", "")) if x
        )
    if kind == "notice":
        kind_of = label("notice_type", data["type"]) if data.get("type") else ""
        return sep.join(x for x in (kind_of, data.get("title", "")) if x)
    if kind == "matter" and data.get("title"):
        return str(data["title"])
    return str(record.get("id", ""))


def template_title(template_id: str) -> str:
    """The checklist's title in the current language (the template id if it is unknown)."""
    from gridterm.core import checklists

    template = checklists.find(checklists.builtin_templates(), template_id)
    return checklists.text(template["title"]) if template else template_id


def kind_label(record: dict) -> str:
    return label("kind", record.get("kind", ""))


def status_label(record: dict) -> str:
    status = record.get("status")
    return label(vocab_group(status), status) if status else t("tui.status.none")


def location_text(location: Any) -> str:
    """A record's place as a person reads it: ``石桥村村口 (29.56301, 106.55156 ±12 m)``; the
    place alone when it was typed without coordinates; ``""`` when there is none."""
    if not isinstance(location, dict):
        return ""
    place = str(location.get("place") or "").strip()
    lat, lon = location.get("lat"), location.get("lon")
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return place
    where = f"{lat:.5f}, {lon:.5f}"
    accuracy = location.get("accuracy_m")
    if isinstance(accuracy, (int, float)):
        where += f" ±{accuracy:.0f} m"
    return f"{place} ({where})" if place else where
