"""What the Home screen shows, computed from the store (no UI here, so it is easy to test).

Who is due or overdue for a visit (by their tags and the visit rules, DOMAIN.md), open
mediation cases and follow-ups (回访) due, today's work, the outbox and new township feedback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from gridterm.household_search import household_tags
from gridterm.model import is_closed, visit_due, vocab


@dataclass
class DueVisit:
    household: dict
    due: str  # YYYY-MM-DD
    overdue: bool
    last_visit: str | None


@dataclass
class CaseDue:
    case: dict
    next_follow_up: str | None  # YYYY-MM-DD of the first follow-up not done
    follow_up_due: bool


@dataclass
class HomeSummary:
    households: int = 0
    due: list[DueVisit] = field(default_factory=list)
    overdue: int = 0
    cases: list[CaseDue] = field(default_factory=list)
    follow_ups_due: int = 0
    visits_today: int = 0
    reports_today: int = 0
    sessions_today: int = 0
    outbox: int = 0
    attention: int = 0
    last_sync: str | None = None
    feedback: list[dict] = field(default_factory=list)  # newest first
    new_feedback: int = 0


def visit_rules(store) -> dict:
    """The officer's visit frequency rules (Settings), else the shipped ones."""
    saved = store.meta_get("visit_rules")
    return (
        saved
        if isinstance(saved, dict) and saved.get("tags") is not None
        else vocab()["visit_rules"]
    )


def _day(iso: str | None) -> str:
    return (iso or "")[:10]


def summarize(store, today: date, horizon_days: int = 0) -> HomeSummary:
    """Everything Home shows.  Reads the archive too (call it from a worker thread)."""
    out = HomeSummary()
    today_s = today.isoformat()
    rules = visit_rules(store)
    records = store.query(archived=True)
    last_visit: dict[str, str] = {}
    households: list[dict] = []
    for record in records:
        kind = record.get("kind")
        data = record.get("data") or {}
        if kind == "household":
            households.append(record)
        elif kind == "visit":
            when = data.get("visited_at") or record.get("created_at", "")
            hid = data.get("household_id", "")
            if when > last_visit.get(hid, ""):
                last_visit[hid] = when
            if _day(when) == today_s:
                out.visits_today += 1
        elif kind == "report":
            if _day(data.get("occurred_at") or record.get("created_at")) == today_s:
                out.reports_today += 1
        elif kind == "case":
            out.sessions_today += sum(
                1 for s in data.get("sessions") or [] if s.get("date") == today_s
            )
            if not is_closed(record):
                pending = sorted(
                    f["due"]
                    for f in data.get("follow_ups") or []
                    if f.get("due") and not f.get("done_at")
                )
                nxt = pending[0] if pending else None
                is_due = nxt is not None and nxt <= today_s
                out.follow_ups_due += sum(1 for d in pending if d <= today_s)
                out.cases.append(CaseDue(record, nxt, is_due))
        if record.get("status_at"):
            out.feedback.append(record)
    out.households = len(households)
    for household in households:
        last = last_visit.get(household["id"])
        due, overdue = visit_due(household_tags(household.get("data") or {}), last, rules, today)
        if due <= today_s:
            out.due.append(DueVisit(household, due, overdue, last))
            out.overdue += overdue
    out.due.sort(
        key=lambda d: (not d.overdue, d.due, (d.household.get("data") or {}).get("head", ""))
    )
    out.cases.sort(
        key=lambda c: (
            not c.follow_up_due,
            c.next_follow_up or "9999",
            c.case.get("created_at", ""),
        )
    )
    outbox = store.outbox()
    out.outbox = len(outbox)
    out.attention = sum(1 for r in outbox if r.get("sync_error"))
    out.last_sync = store.meta_get("last_sync_ok")
    out.feedback.sort(key=lambda r: (r.get("status_at", ""), r.get("seq") or 0), reverse=True)
    seen = store.meta_get("feedback_seen_at") or ""
    out.new_feedback = sum(1 for r in out.feedback if r.get("status_at", "") > seen)
    return out


def newest_feedback_time(records: list[dict]) -> str | None:
    times = [r.get("status_at") for r in records if r.get("status_at")]
    return max(times) if times else None
