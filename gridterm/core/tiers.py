"""Risk tiers (red / yellow / green) of reports and cases, from rules kept as data.

``tiers.json`` beside this module holds the tiers (their time limit, follow-up duty, who
owns them) and the rules; this module reads it once and answers the questions the service
and the apps ask: which tier a record's data and facts give (:func:`assess`), who owns a
record now (:func:`level`), how long a tier allows (:func:`days`), the words for a rule.
The facts a rule needs that the record alone cannot tell — how often the same household
raised a matter lately, how far past its time limit it is — are the caller's
(:class:`Facts`); the household a record speaks for is :func:`household_key`.

Nothing here touches the disk after the first read, nor the network, nor a database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gridterm.core import workflow

_PATH = Path(__file__).resolve().parent / "tiers.json"

TIERS: tuple[str, ...] = ("green", "yellow", "red")
LEVELS: tuple[str, ...] = ("village", "township", "county")

# Conditions a rule may name: on the record's data (a list of codes the value must be one
# of), on a case (its major flag, its number of parties, its latest follow-up's risk) and on
# the caller's facts.
_LIST_CONDITIONS = ("kind", "category", "urgency", "dispute_type", "follow_up_risk")
_NUMBER_CONDITIONS = ("people_at_least", "repeat_at_least", "overdue_days_at_least")
_KNOWN_KEYS = frozenset({"id", "tier", "label", "major", *_LIST_CONDITIONS, *_NUMBER_CONDITIONS})


class RulesError(ValueError):
    """The rules file is not what this module can apply; the message says what is wrong."""


@dataclass(frozen=True)
class Facts:
    """What the record alone cannot tell: ``repeat_count`` — matters the same household raised
    within the window, this one included (1: only this one); ``overdue_days`` — whole days
    past the record's time limit while it is open (0: less than a day), None: not overdue."""

    repeat_count: int = 1
    overdue_days: int | None = None


@dataclass(frozen=True)
class Assessment:
    """The tier the rules give and the ids of the rules that gave it (empty: the default)."""

    tier: str
    rules: tuple[str, ...] = ()


def check_rules(doc: Mapping[str, Any]) -> None:
    """Raise :class:`RulesError` unless ``doc`` is a rules document this module can apply."""
    tiers = doc.get("tiers")
    if not isinstance(tiers, dict) or set(tiers) != set(TIERS):
        raise RulesError(f"tiers must be exactly {', '.join(TIERS)}")
    for name, tier in tiers.items():
        for key in ("rank", "days"):
            if not isinstance(tier.get(key), int) or tier[key] < 0:
                raise RulesError(f"tier {name}: {key} must be a whole number ≥ 0")
        if tier.get("level") not in ("village", "township"):
            raise RulesError(f"tier {name}: level must be village or township")
        follow = tier.get("follow_up_days")
        if follow is not None and (not isinstance(follow, int) or follow < 0):
            raise RulesError(f"tier {name}: follow_up_days must be a whole number ≥ 0 or null")
    if doc.get("default") not in TIERS:
        raise RulesError("default must name a tier")
    window = doc.get("repeat_window_days")
    if not isinstance(window, int) or window < 1:
        raise RulesError("repeat_window_days must be a whole number ≥ 1")
    seen: set[str] = set()
    for rule in doc.get("rules") or []:
        _check_rule(rule, seen)


def _check_rule(rule: Any, seen: set[str]) -> None:
    if not isinstance(rule, dict) or not isinstance(rule.get("id"), str) or not rule["id"]:
        raise RulesError("every rule needs an id")
    rid = rule["id"]
    if rid in seen:
        raise RulesError(f"rule {rid}: the id is used twice")
    seen.add(rid)
    unknown = set(rule) - _KNOWN_KEYS
    if unknown:
        raise RulesError(f"rule {rid}: unknown condition {', '.join(sorted(unknown))}")
    if rule.get("tier") not in TIERS:
        raise RulesError(f"rule {rid}: tier must be one of {', '.join(TIERS)}")
    label = rule.get("label")
    if not isinstance(label, dict) or not label.get("zh") or not label.get("en"):
        raise RulesError(f"rule {rid}: label needs zh and en")
    for key in _LIST_CONDITIONS:
        if key in rule and not (
            isinstance(rule[key], list) and all(isinstance(v, str) for v in rule[key])
        ):
            raise RulesError(f"rule {rid}: {key} must be a list of codes")
    for key in _NUMBER_CONDITIONS:
        if key in rule and (not isinstance(rule[key], int) or rule[key] < 0):
            raise RulesError(f"rule {rid}: {key} must be a whole number ≥ 0")
    if "major" in rule and not isinstance(rule["major"], bool):
        raise RulesError(f"rule {rid}: major must be true or false")


@cache
def rules_doc() -> dict[str, Any]:
    """The parsed, checked ``tiers.json`` (read once).  Do not mutate the result."""
    with _PATH.open(encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    check_rules(doc)
    return doc


def is_tiered(kind: str) -> bool:
    """Whether records of ``kind`` carry a tier of their own (reports and cases)."""
    return kind in rules_doc().get("kinds", ())


def rank(tier: str) -> int:
    entry = rules_doc()["tiers"].get(tier)
    return int(entry["rank"]) if entry else 0


def days(tier: str) -> int:
    """The tier's time limit in calendar days."""
    return int(rules_doc()["tiers"][tier]["days"])


def follow_up_days(tier: str) -> int | None:
    """Days after closing by which a report of the tier is due a check back; None: no duty."""
    value = rules_doc()["tiers"][tier].get("follow_up_days")
    return int(value) if isinstance(value, int) else None


def escalates(tier: str) -> bool:
    """Whether a record of the tier goes to the county by itself when its time limit passes."""
    return bool(rules_doc()["tiers"][tier].get("escalates"))


def repeat_window_days() -> int:
    return int(rules_doc()["repeat_window_days"])


def default_tier() -> str:
    return str(rules_doc()["default"])


def level(status: str | None, tier: str | None) -> str:
    """Who owns a record now: the county while it is in the county's states, else the level
    its tier gives (green: the village, yellow and red: the township)."""
    if status in workflow.COUNTY_STATES:
        return "county"
    entry = rules_doc()["tiers"].get(tier or "")
    return str(entry["level"]) if entry else "township"


def _latest_risk(data: Mapping[str, Any]) -> str | None:
    for item in reversed(list(data.get("follow_ups") or ())):
        if isinstance(item, Mapping) and isinstance(item.get("risk"), str) and item["risk"]:
            return str(item["risk"])
    return None


def _value(kind: str, data: Mapping[str, Any], key: str) -> Any:
    if key == "kind":
        return kind
    if key == "follow_up_risk":
        return _latest_risk(data)
    return data.get(key)


def matches(rule: Mapping[str, Any], kind: str, data: Mapping[str, Any], facts: Facts) -> bool:
    """Whether every condition ``rule`` names holds for the record and the facts."""
    for key in _LIST_CONDITIONS:
        if key in rule and _value(kind, data, key) not in rule[key]:
            return False
    if "major" in rule and bool(data.get("major")) is not rule["major"]:
        return False
    if "people_at_least" in rule:
        parties = data.get("parties")
        if len(parties if isinstance(parties, list) else ()) < rule["people_at_least"]:
            return False
    if "repeat_at_least" in rule and facts.repeat_count < rule["repeat_at_least"]:
        return False
    if "overdue_days_at_least" in rule:
        days_over = facts.overdue_days
        return days_over is not None and days_over >= rule["overdue_days_at_least"]
    return True


def assess(kind: str, data: Mapping[str, Any] | None, facts: Facts | None = None) -> Assessment:
    """The tier of a record of ``kind`` with ``data``: the highest of the rules it matches
    (with the ids of those rules, in the file's order), else the default."""
    data = data if isinstance(data, Mapping) else {}
    facts = facts or Facts()
    doc = rules_doc()
    best = doc["default"]
    hits: list[Mapping[str, Any]] = []
    for rule in doc.get("rules") or ():
        if matches(rule, kind, data, facts):
            hits.append(rule)
            if rank(rule["tier"]) > rank(best):
                best = rule["tier"]
    return Assessment(best, tuple(r["id"] for r in hits if r["tier"] == best))


def _short(lang: str | None) -> str:
    return "en" if (lang or "zh").startswith("en") else "zh"


def tier_label(tier: str, lang: str | None = None) -> str:
    entry = rules_doc()["tiers"].get(tier)
    return str(entry["label"][_short(lang)]) if entry else tier


def owner_text(tier: str, lang: str | None = None) -> str:
    entry = rules_doc()["tiers"].get(tier)
    return str(entry["owner"][_short(lang)]) if entry else ""


def rule_label(rule_id: str, lang: str | None = None) -> str:
    for rule in rules_doc().get("rules") or ():
        if rule["id"] == rule_id:
            return str(rule["label"][_short(lang)])
    return rule_id


def reason_text(rule_ids: Sequence[str], lang: str | None = None) -> str:
    """The rules' words, joined: what a person reads as the reason for a rule's tier."""
    sep = "; " if _short(lang) == "en" else "；"
    return sep.join(rule_label(r, lang) for r in rule_ids)


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())[:100]


def household_key(
    kind: str, data: Mapping[str, Any] | None, grid: str, visit_household: str | None = None
) -> str | None:
    """Which household a report or case speaks for, as a key two records share when they are
    the same household's: the household of the visit a report came from
    (``visit_household``), else the ID number of a case's first party, else the name of
    whoever raised the report (a case: its first party) within the grid.  None: no way to
    tell (another kind, or nobody named)."""
    data = data if isinstance(data, Mapping) else {}
    if kind == "report":
        if visit_household:
            return f"hh:{visit_household}"[:200]
        name = _clean(data.get("raised_by"))
        return f"name:{grid}:{name}"[:200] if name else None
    if kind == "case":
        parties = data.get("parties")
        first = parties[0] if isinstance(parties, list) and parties else None
        if not isinstance(first, Mapping):
            return None
        number = _clean(first.get("id_number")).upper()
        if number:
            return f"id:{number}"[:200]
        name = _clean(first.get("name"))
        return f"name:{grid}:{name}"[:200] if name else None
    return None
