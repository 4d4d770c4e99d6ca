"""How the console words the county level on a record: its risk tier, who owns it now, its
supervision (督办) and the county's handling.  No Textual.

A tier is always a word or a letter (红 / R), never a colour alone: the console runs on
terminals without colour (``NO_COLOR``, 16 colours, a screen reader); the colour is added on
top (``tier_cell``).
"""

from __future__ import annotations

from rich.text import Text

from gridterm.core import tiers as tier_rules
from gridterm.core.i18n import t

TIERS = ("red", "yellow", "green")
LEVELS = ("village", "township", "county")
COUNTY_ROLES = ("county", "leader")
# The colour on top of the word, where the terminal has colour.
TIER_STYLES = {"red": "bold red", "yellow": "bold yellow", "green": "green"}


def shown_tier(item: dict) -> str | None:
    """The record's tier, for the kinds that are graded (reports and cases: households and
    visits carry the default tier but were never graded, and show none)."""
    tier = item.get("tier")
    if tier in TIERS and tier_rules.is_tiered(str(item.get("kind") or "")):
        return tier
    return None


def tier_short(tier: str | None) -> str:
    """``红`` (``R``) for a list's narrow column; empty when the service says no tier."""
    return t(f"countyview.tier_short.{tier}") if tier in TIERS else ""


def tier_word(tier: str | None) -> str:
    """``红色`` (``red``) where there is room."""
    return t(f"countyview.tier.{tier}") if tier in TIERS else ""


def tier_cell(tier: str | None) -> Text:
    """The short word, coloured where the terminal shows colour."""
    return Text(tier_short(tier), style=TIER_STYLES.get(tier or "", ""))


def level_word(level: str | None) -> str:
    """Who owns it now: 村 / 乡镇 / 县 (``village`` / ``township`` / ``county``)."""
    return t(f"countyview.level.{level}") if level in LEVELS else ""


def supervision_open(item: dict) -> bool:
    """Under supervision and not yet done."""
    supervision = item.get("supervision")
    return isinstance(supervision, dict) and not supervision.get("done_at")


def supervision_short(item: dict) -> str:
    """``12-01`` (its deadline, month and day) for an open supervision, else empty."""
    if not supervision_open(item):
        return ""
    deadline = str(item["supervision"].get("deadline") or "")
    return deadline[5:10] if len(deadline) >= 10 else deadline


def township_name(item: dict) -> str:
    township = item.get("township")
    return str(township.get("name") or "") if isinstance(township, dict) else ""


def tier_fact(item: dict) -> str:
    """``红色 · 重大纠纷 · 规则判定`` / ``red · … · set by staff`` for a record's facts."""
    tier = shown_tier(item)
    if tier is None:
        return ""
    parts = [tier_word(tier)]
    reason = item.get("tier_reason") or ""
    by = item.get("tier_by")
    if reason:
        parts.append(reason)
    if by in ("rule", "staff"):
        parts.append(t(f"countyview.tier_by.{by}"))
    return " · ".join(parts)


def supervision_fact(item: dict) -> str:
    """``期限 2026-12-01 · 请本周内办结 · 王县长`` (and ``已完成 …`` once done)."""
    supervision = item.get("supervision")
    if not isinstance(supervision, dict):
        return ""
    parts = [t("countyview.supervision.deadline", date=supervision.get("deadline") or "")]
    for key in ("note", "by"):
        if supervision.get(key):
            parts.append(str(supervision[key]))
    if supervision.get("done_at"):
        parts.append(t("countyview.supervision.done", when=str(supervision["done_at"])[:10]))
    return " · ".join(parts)


def is_county_role(me: dict | None) -> bool:
    return bool(me) and (me or {}).get("role") in COUNTY_ROLES


def county_facts(record: dict, county_view: bool, when) -> list[tuple[str, str]]:
    """The county level's facts of a record, as ``(catalog key, text)`` (empty ones are left
    out by the detail): its tier and why, who owns it now, its township (for a county's
    staff, who see several), the supervision, the county department and when the county
    signed for it.  ``when`` words a time (the detail's ``full_time``)."""
    department = record.get("county_department") or {}
    return [
        ("countyview.fact.tier", tier_fact(record)),
        ("countyview.fact.level", level_word(record.get("level"))),
        ("countyview.fact.township", township_name(record) if county_view else ""),
        ("countyview.fact.supervision", supervision_fact(record)),
        ("countyview.fact.department", str(department.get("name") or "")),
        (
            "countyview.fact.signed",
            when(record.get("signed_at")) if record.get("signed_at") else "",
        ),
    ]
