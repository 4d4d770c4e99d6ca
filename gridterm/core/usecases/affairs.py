"""Village affairs on the device: writing a notice, correcting a published one, and walking a
四议两公开 matter step by step — what each writes to the store.  No UI.

The rules themselves (order, votes, totals) are the model's
(:mod:`gridterm.core.model.affairs`): a step the rules refuse is never saved, and the same
rules refuse it again on the township service.  Recording step 5 (决议公开) or 6 (实施结果公开)
also writes the notice of the board that publishes it, in the same store write.

The notices a matter makes are written in Chinese whatever the officer's language: they are
what the village reads on its board.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gridterm.core.errors import GridtermError
from gridterm.core.i18n import t
from gridterm.core.model import affairs, is_closed, label
from gridterm.core.model.records import NOTICE_DONE
from gridterm.core.model.spec import LINE_MAX

if TYPE_CHECKING:
    from gridterm.core.store import RecordStore, Store

BOARD_LANG = "zh_CN"  # what the village reads on its board


class AffairsError(GridtermError):
    """A notice or a matter that cannot be written as asked; the message says why."""

    key = "affairs.error"


# --------------------------------------------------------------------------- notices


def notice_state(record: dict[str, Any]) -> str:
    """Where a notice stands, for lists: ``unsent``, ``attention`` (the service refused it),
    ``submitted`` (with the township, not yet published), ``returned``, ``published`` or
    ``superseded``."""
    if record.get("sync_error"):
        return "attention"
    status = record.get("status")
    if status in ("returned", "published", "superseded"):
        return str(status)
    if record.get("synced_rev") == record.get("rev"):
        return "submitted"
    return "unsent"


def can_edit(record: dict[str, Any]) -> bool:
    """A notice is edited in place until it is published; after that only corrected."""
    return record.get("status") not in NOTICE_DONE


def save_notice(store: Store, data: dict[str, Any], record_id: str | None = None) -> dict:
    """A new notice, or a new rev of one not yet published (ValidationError when bad)."""
    if record_id is None:
        return store.create("notice", with_totals(data))
    record = store.get(record_id)
    if record is None:
        raise AffairsError("affairs.error.no_record", id=record_id)
    if not can_edit(record):
        raise AffairsError("affairs.error.published")
    return store.update(record_id, data=with_totals(data))


def correct_notice(store: Store, original_id: str, data: dict[str, Any], reason: str) -> dict:
    """A correction of a published notice: a new notice naming the one it replaces and why.

    The township publishes it as the next version under the same number; the paper and the
    page of the old version then say it was superseded, and why."""
    original = store.get(original_id)
    if original is None or original.get("kind") != "notice":
        raise AffairsError("affairs.error.no_record", id=original_id)
    if original.get("status") != "published":
        raise AffairsError("affairs.error.not_published")
    fields = {k: v for k, v in data.items() if k not in ("correction_of", "reason")}
    corrected = {**fields, "correction_of": original_id, "reason": reason}
    return store.create("notice", with_totals(corrected))


def with_totals(data: dict[str, Any]) -> dict[str, Any]:
    """A financial notice's totals, summed from its items when it gives none (a table typed
    on the device is summed by the device; one brought with its own totals is checked)."""
    if data.get("type") != "finance" or data.get("totals"):
        return data
    return {**data, "totals": affairs.finance_totals(data.get("items"))}


def default_village(store: RecordStore) -> str:
    """The village a new notice or matter is most likely for: the last one written's, else
    the one most of the grid's households live in."""
    written = [r for kind in ("notice", "matter") for r in store.query(kind=kind, archived=True)]
    if written:
        last = max(written, key=lambda r: r.get("created_at") or "")
        return str((last.get("data") or {}).get("village") or "")
    villages = Counter(
        (r.get("data") or {}).get("village") for r in store.query(kind="household", archived=True)
    )
    villages.pop(None, None)
    villages.pop("", None)
    return str(villages.most_common(1)[0][0]) if villages else ""


# --------------------------------------------------------------------------- matters


@dataclass
class StepSaved:
    matter: dict[str, Any]
    notice: dict[str, Any] | None  # the notice step 5 or 6 made


def add_step(store: Store, matter_id: str, step: dict[str, Any]) -> StepSaved:
    """Record the matter's next step; for a step that publishes, write its notice too.

    Raises AffairsError when the matter has no step left to record (complete, or a vote did
    not carry), ValidationError when the step breaks a rule (the model's reasons)."""
    matter = store.get(matter_id)
    if matter is None or matter.get("kind") != "matter":
        raise AffairsError("affairs.error.no_record", id=matter_id)
    data = matter.get("data") or {}
    steps = list(data.get("steps") or [])
    expected = affairs.next_step(steps)
    if expected is None:
        stopped = affairs.matter_state(steps) == "stopped"
        raise AffairsError("affairs.error.stopped" if stopped else "affairs.error.complete")
    step = {"step": expected, **step}  # a step named out of turn is refused by the model
    rule = affairs.rule_of(str(step["step"]))
    with store.batch():
        notice = None
        if rule is not None and rule.notice:
            # One write: a step the rules refuse undoes its notice too.
            notice = store.create("notice", step_notice(matter_id, data, step, rule.notice))
            step["notice_id"] = notice["id"]
        saved = store.update(matter_id, data={**data, "steps": [*steps, step]})
    return StepSaved(saved, notice)


def step_notice(
    matter_id: str, data: dict[str, Any], step: dict[str, Any], which: str
) -> dict[str, Any]:
    """The notice of the board a publishing step makes: the resolution (with how each step
    before it went) or the result of carrying it out."""
    lang = BOARD_LANG
    title = t(f"affairs.board.{which}_title", lang=lang, title=data.get("title", ""))
    lines = [str(step.get("text") or "")]
    if which == "resolution":
        lines += ["", t("affairs.board.how", lang=lang)]
        lines += [step_line(s, lang) for s in data.get("steps") or []]
    return {
        "village": data.get("village", ""),
        "type": "four_two",
        "title": title[:LINE_MAX],
        "body": "\n".join(lines).strip(),
        "matter_id": matter_id,
    }


def step_line(step: dict[str, Any], lang: str | None = None) -> str:
    """One step in a sentence: ``党员大会审议（2026-10-15），应到42人，实到35人，赞成33票…``."""
    name = label("matter_step", str(step.get("step", "")), lang)
    head = t("affairs.board.step", lang=lang, step=name, date=step.get("date", ""))
    return t("affairs.board.joiner", lang=lang).join([head, *step_facts(step, lang)])


def step_facts(step: dict[str, Any], lang: str | None = None, outcome: bool = True) -> list[str]:
    """A step's attendance, its vote and (with ``outcome``) whether it carried."""
    parts = []
    members, present = step.get("members"), step.get("present")
    if members is not None and present is not None:
        parts.append(t("affairs.board.attendance", lang=lang, members=members, present=present))
    elif present is not None:
        parts.append(t("affairs.board.present", lang=lang, present=present))
    vote = step.get("vote") or {}
    if vote:
        parts.append(
            t(
                "affairs.board.vote",
                lang=lang,
                votes_for=vote.get("for", 0),
                against=vote.get("against", 0),
                abstain=vote.get("abstain", 0),
            )
        )
    found = affairs.outcome(step) if outcome else None
    if found is not None:
        parts.append(t(f"affairs.board.{'passed' if found.passed else 'failed'}", lang=lang))
    return parts


def open_matters(store: RecordStore) -> list[dict]:
    return [r for r in store.query(kind="matter") if not is_closed(r)]
