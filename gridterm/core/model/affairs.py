"""The rules of village affairs (村务公开): money, a financial notice's totals, and the six
steps of a 四议两公开 matter.

Both sides call these: the officer's device before it saves, the township service when a
record is pushed (``validate_record`` runs them as the kinds' cross-checks), so a step out of
order, a vote that counts more people than were present or a table whose totals do not add
up is refused with the same reason on both.

- **Money** is written as decimal text in yuan (``"1234.50"``), never a float: a float
  cannot hold 0.10 exactly, and a ledger's totals must add up to the fen.  Typed forms are
  forgiven (full-width digits, ``¥``, ``元``, thousands commas); the stored form has two
  decimals and nothing else.
- **Steps** walk in the order of the vocabulary's ``matter_step`` group; what each records
  and the share of members its meeting and its vote need are data (``matter_rules`` in
  ``vocab.json``), read here into :class:`StepRule`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from gridterm.core import vocab
from gridterm.core.model.problems import Collector, FieldError

MONEY_LIMIT = Decimal(10) ** 12  # a village's ledger never reaches a trillion yuan
_CENT = Decimal("0.01")
_MONEY = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", re.ASCII)
MONEY_COLUMNS = ("income", "spending")


class MoneyError(ValueError):
    """Text that is not an amount of money; ``key`` names the catalog message."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# --------------------------------------------------------------------------- money


def parse_money(text: Any) -> Decimal:
    """The amount ``text`` writes, in yuan; MoneyError says what is wrong with it."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise MoneyError("affairs.money.not_text")
    shown = unicodedata.normalize("NFKC", text).strip()
    shown = shown.removeprefix("¥").removesuffix("元").strip()
    if shown.startswith("-"):
        raise MoneyError("affairs.money.negative")
    found = _MONEY.fullmatch(shown)
    if found is None:
        raise MoneyError("affairs.money.bad")
    if found.group(1) is not None and len(found.group(1)) > 2:
        raise MoneyError("affairs.money.cents")
    value = Decimal(shown.replace(",", ""))
    if value >= MONEY_LIMIT:
        raise MoneyError("affairs.money.too_big")
    return value


def money_text(value: Decimal) -> str:
    """The stored form: ``"1234.50"``."""
    return str(value.quantize(_CENT))


def display_money(text: Any) -> str:
    """``"1,234.50"`` for a stored amount; anything else unchanged (never raises)."""
    try:
        return f"{parse_money(text).quantize(_CENT):,}"
    except MoneyError:
        return "" if text is None else str(text)


def finance_totals(items: Any) -> dict[str, str]:
    """The sums of a financial notice's ``income`` and ``spending`` columns, as stored text.

    An empty or unreadable cell counts as nothing (validation reports it on its own)."""
    sums = dict.fromkeys(MONEY_COLUMNS, Decimal(0))
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        for column in MONEY_COLUMNS:
            cell = item.get(column)
            if cell in (None, ""):
                continue
            try:
                sums[column] += parse_money(cell)
            except MoneyError:
                continue
    return {column: money_text(total) for column, total in sums.items()}


def finance_problems(data: dict[str, Any], out: Collector) -> None:
    """A financial notice lists items and totals that add up; no other notice has either."""
    items, totals = data.get("items"), data.get("totals")
    if data.get("type") != "finance":
        for name, value in (("items", items), ("totals", totals)):
            if value:
                out.add(f"data.{name}", "affairs.finance.only_finance")
        return
    if not items:
        out.add("data.items", "affairs.finance.no_items")
        return
    for i, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict) and not any(item.get(c) for c in MONEY_COLUMNS):
            out.add(f"data.items[{i}].income", "affairs.finance.no_amount")
    if not isinstance(totals, dict) or not totals:
        out.add("data.totals", "affairs.finance.no_totals")
        return
    summed = finance_totals(items)
    for column in MONEY_COLUMNS:
        given = totals.get(column) or "0"
        try:
            stated = parse_money(given)
        except MoneyError:
            continue  # reported at the field by the spec
        if money_text(stated) != summed[column]:
            out.add(
                f"data.totals.{column}",
                "affairs.finance.totals_differ",
                stated=display_money(money_text(stated)),
                summed=display_money(summed[column]),
            )


def period_problems(data: dict[str, Any], out: Collector) -> None:
    """A period is both its ends, the first not after the last."""
    period = data.get("period")
    if not isinstance(period, dict):
        return
    start, end = _date(period.get("from")), _date(period.get("to"))
    if start and end and start > end:
        out.add("data.period.to", "affairs.period.backwards", start=start.isoformat())


def notice_problems(data: dict[str, Any], out: Collector) -> None:
    """A notice's checks between fields (the kind's cross-check)."""
    finance_problems(data, out)
    period_problems(data, out)
    if data.get("correction_of") and not data.get("reason"):
        out.add("data.reason", "affairs.notice.reason_required")
    if data.get("matter_id") and data.get("type") != "four_two":
        out.add("data.matter_id", "affairs.notice.matter_not_four_two")
    if not data.get("body") and data.get("type") != "finance":
        out.add("data.body", "model.required")


# --------------------------------------------------------------------------- the six steps


@dataclass(frozen=True)
class Share:
    """A share of a whole: ``at_least`` (≥, Chinese law's 以上) or ``more_than`` (>, 过半数)."""

    num: int
    den: int
    strict: bool

    def met(self, count: int, whole: int) -> bool:
        if self.strict:
            return count * self.den > whole * self.num
        return count * self.den >= whole * self.num

    def needed(self, whole: int) -> int:
        """The smallest count that meets the share of ``whole``."""
        low = (whole * self.num) // self.den
        return low if self.met(low, whole) else low + 1

    @property
    def key(self) -> str:
        return f"{'more_than' if self.strict else 'at_least'}_{self.num}_{self.den}"


@dataclass(frozen=True)
class VoteRule:
    """Who must be present (a share of the members) and the votes for that carry it (a share
    of the members, or of those present)."""

    quorum: Share
    passing: Share
    of: str  # "members" | "present"


@dataclass(frozen=True)
class StepRule:
    step: str
    meeting: bool  # attendance is recorded
    vote: str  # "none" | "optional" | "required"
    notice: str | None  # the notice of the board this step publishes
    rules: dict[str, VoteRule]  # by meeting ("" when the step has one kind of meeting)

    def vote_rule(self, meeting: str | None = None) -> VoteRule | None:
        if not self.rules:
            return None
        return self.rules.get(meeting or "") or next(iter(self.rules.values()))


def _share(spec: dict[str, Any]) -> Share:
    strict = "more_than" in spec
    num, den = spec["more_than" if strict else "at_least"]
    return Share(int(num), int(den), strict)


def _vote_rule(spec: dict[str, Any]) -> VoteRule:
    passing = spec["pass"]
    return VoteRule(_share(spec["quorum"]), _share(passing), str(passing.get("of", "present")))


@cache
def step_rules() -> tuple[StepRule, ...]:
    """Every step, in order, with its rules (from ``vocab.json``)."""
    rules = vocab.vocab()["matter_rules"]
    out = []
    for step in vocab.codes("matter_step"):
        spec = rules[step]
        by_meeting: dict[str, VoteRule] = {}
        if "quorum" in spec:
            by_meeting[""] = _vote_rule(spec)
        for meeting, sub in (spec.get("by_meeting") or {}).items():
            by_meeting[meeting] = _vote_rule(sub)
        out.append(
            StepRule(
                step,
                bool(spec.get("meeting")),
                str(spec.get("vote", "none")),
                spec.get("notice"),
                by_meeting,
            )
        )
    return tuple(out)


def step_order() -> tuple[str, ...]:
    return tuple(rule.step for rule in step_rules())


def rule_of(step: str) -> StepRule | None:
    return next((rule for rule in step_rules() if rule.step == step), None)


@dataclass(frozen=True)
class Outcome:
    """What a voting step's figures come to under its rule."""

    rule: VoteRule
    members: int
    present: int
    votes_for: int
    needed_present: int  # the fewest present for the meeting to be held
    needed_for: int  # the fewest votes for that carry it
    quorate: bool
    passed: bool


def outcome(step: dict[str, Any]) -> Outcome | None:
    """The result of a voting step's meeting, or None when it has no rule or no figures."""
    rule = rule_of(str(step.get("step")))
    vote_rule = rule.vote_rule(step.get("meeting")) if rule else None
    members, present = _count(step.get("members")), _count(step.get("present"))
    vote = step.get("vote") if isinstance(step.get("vote"), dict) else None
    if vote_rule is None or members is None or present is None or vote is None:
        return None
    votes_for = _count(vote.get("for")) or 0
    whole = members if vote_rule.of == "members" else present
    return Outcome(
        rule=vote_rule,
        members=members,
        present=present,
        votes_for=votes_for,
        needed_present=vote_rule.quorum.needed(members),
        needed_for=vote_rule.passing.needed(whole),
        quorate=vote_rule.quorum.met(present, members),
        passed=vote_rule.quorum.met(present, members) and vote_rule.passing.met(votes_for, whole),
    )


def stopped_at(steps: Any) -> int | None:
    """The index of the step whose vote did not carry (the matter goes no further), or None."""
    for i, step in enumerate(steps if isinstance(steps, list) else ()):
        if not isinstance(step, dict):
            continue
        found = outcome(step)
        if found is not None and not found.passed:
            return i
    return None


def next_step(steps: Any) -> str | None:
    """The step a matter records next; None once it is complete or a vote did not carry."""
    done = steps if isinstance(steps, list) else []
    order = step_order()
    if stopped_at(done) is not None or len(done) >= len(order):
        return None
    return order[len(done)]


def matter_state(steps: Any) -> str:
    """``open`` (a step to record next), ``stopped`` (a vote did not carry) or ``complete``."""
    if stopped_at(steps) is not None:
        return "stopped"
    return "open" if next_step(steps) else "complete"


def check_steps(steps: Any) -> list[FieldError]:
    """Every problem with a matter's steps (paths ``data.steps[i].…``); [] when they hold."""
    out = Collector()
    steps_problems(steps, out)
    return out.errors


def steps_problems(steps: Any, out: Collector) -> None:
    """The steps in order, each dated no earlier than the one before, none after a vote that
    did not carry, each with what its rule asks recorded and its figures possible."""
    order = step_order()
    if not isinstance(steps, list) or len(steps) > len(order):
        return  # more steps than there are: the spec says so
    previous: date | None = None
    stopped: int | None = None
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        path = f"data.steps[{i}]"
        code = step.get("step")
        if code != order[i]:
            out.add(f"{path}.step", f"affairs.order.{order[i]}", n=i + 1)
            return  # what follows a step out of place cannot be judged
        if stopped is not None:
            out.add(f"{path}.step", f"affairs.stopped.{steps[stopped]['step']}", n=stopped + 1)
            return
        when = _date(step.get("date"))
        if when and previous and when < previous:
            out.add(f"{path}.date", "affairs.step.before_previous", previous=previous.isoformat())
        previous = when or previous
        rule = rule_of(str(code))
        if rule is not None:
            _step_problems(step, rule, path, out)
            found = outcome(step)
            if found is not None and found.quorate and not found.passed:
                stopped = i


def _step_problems(step: dict[str, Any], rule: StepRule, path: str, out: Collector) -> None:
    members, present = _count(step.get("members")), _count(step.get("present"))
    listed = step.get("attendees")
    attendees: list[Any] = listed if isinstance(listed, list) else []
    vote = step.get("vote") if isinstance(step.get("vote"), dict) else None
    if rule.meeting and present is None and not attendees:
        out.add(f"{path}.present", "affairs.step.attendance_required")
    if members is not None and present is not None and present > members:
        out.add(f"{path}.present", "affairs.step.more_present_than_members", members=members)
    if present is not None and len(attendees) > present:
        out.add(f"{path}.attendees", "affairs.step.more_names_than_present", present=present)
    if step.get("meeting") and rule.step != "resolution":
        out.add(f"{path}.meeting", "affairs.step.meeting_only_resolution")
    if rule.vote == "none":
        if vote:
            out.add(f"{path}.vote", "affairs.step.no_vote")
        return
    if rule.vote == "required":
        if members is None:
            out.add(f"{path}.members", "affairs.step.members_required")
        if present is None:
            out.add(f"{path}.present", "affairs.step.present_required")
        if not vote:
            out.add(f"{path}.vote.for", "affairs.step.vote_required")
    seen = present if present is not None else len(attendees) or None
    if vote and seen is not None:
        total = sum(_count(vote.get(k)) or 0 for k in ("for", "against", "abstain"))
        if total > seen:
            out.add(f"{path}.vote", "affairs.step.votes_exceed_present", total=total, present=seen)
            return
    found = outcome(step)
    if found is not None and not found.quorate:
        key = rule.step if rule.step != "resolution" else step.get("meeting") or "representatives"
        out.add(
            f"{path}.present",
            f"affairs.quorum.{key}",
            members=found.members,
            present=found.present,
            needed=found.needed_present,
        )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None
