"""What the Home screen shows, computed from the store (no UI here, so it is easy to test).

Who is due or overdue for a visit (by their tags and the visit rules, DOMAIN.md), open
mediation cases and follow-ups (回访) due, today's work, the outbox and new township feedback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from gridterm.core.households import household_tags
from gridterm.core.model import is_closed, visit_due, vocab
from gridterm.core.usecases.cases import follow_up_due, pending_follow_ups


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


LAST_VISITS = "home_last_visit"  # meta: {household id: time of its latest visit}
FEEDBACK_SEEN = "home_feedback"  # meta: [[record id, status_at]] newest first, at most 50


def remember_leaving(store, records: list[dict]) -> dict:
    """What Home must keep of records leaving the hot file for the archive.

    Pass as ``store.archive(before_move=partial(remember_leaving, store))``: the two meta
    entries are written in the same write that moves the records, so a visit archived before
    Home ever drew it still counts as that household's latest visit.
    """
    last_visit: dict[str, str] = dict(store.meta_get(LAST_VISITS) or {})
    remembered = {rid: at for rid, at in store.meta_get(FEEDBACK_SEEN) or []}
    for record in records:
        data = record.get("data") or {}
        if record.get("kind") == "visit":
            when = data.get("visited_at") or record.get("created_at", "")
            hid = data.get("household_id", "")
            if when > last_visit.get(hid, ""):
                last_visit[hid] = when
        if record.get("status_at"):
            remembered[record["id"]] = record["status_at"]
    newest = sorted(remembered.items(), key=lambda pair: pair[1], reverse=True)[:50]
    return {LAST_VISITS: last_visit, FEEDBACK_SEEN: [list(p) for p in newest]}


def summarize(store, today: date) -> HomeSummary:
    """Everything Home shows, without reading the archive beyond the households.

    Visits and township replies leave the hot file only once synced and closed; what Home
    needs of them (each household's latest visit, the latest replies) is remembered in two
    small meta entries as they pass through the hot file, so start-up never pays for years
    of history (reading it costs a device with 50,000 records several times the memory).
    Call it from a worker thread: it may save those two entries.
    """
    out = HomeSummary()
    today_s = today.isoformat()
    rules = visit_rules(store)
    households = store.query(kind="household", archived=True)
    last_visit: dict[str, str] = dict(store.meta_get(LAST_VISITS) or {})
    remembered = {rid: at for rid, at in store.meta_get(FEEDBACK_SEEN) or []}
    before = (dict(last_visit), dict(remembered))
    hot_feedback: dict[str, dict] = {}
    for record in store.query():
        kind = record.get("kind")
        data = record.get("data") or {}
        if kind == "visit":
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
                pending = pending_follow_ups(data)
                nxt = pending[0] if pending else None
                out.follow_ups_due += sum(1 for d in pending if d <= today_s)
                out.cases.append(CaseDue(record, nxt, follow_up_due(data, today_s)))
        if record.get("status_at"):
            hot_feedback[record["id"]] = record
            remembered[record["id"]] = record["status_at"]
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
    seen = store.meta_get("feedback_seen_at") or ""
    newest = sorted(remembered.items(), key=lambda pair: pair[1], reverse=True)[:50]
    out.new_feedback = sum(1 for _, at in newest if at > seen)
    for rid, _at in newest[:3]:
        record = hot_feedback.get(rid) or store.get(rid)
        if record is not None:
            out.feedback.append(record)
    remembered = dict(newest)
    if (last_visit, remembered) != before:
        store.meta_update({LAST_VISITS: last_visit, FEEDBACK_SEEN: [list(p) for p in newest]})
    return out


def newest_feedback_time(records: list[dict]) -> str | None:
    times: list[str] = [r["status_at"] for r in records if r.get("status_at")]
    return max(times) if times else None
