"""``gridterm outbox [--json]``: what is queued to be sent, oldest first, with state and reason.

The table is drawn with rich (which measures CJK cells, so Chinese columns line up); the
command never imports Textual.  ``--json`` prints an export: ``{"count", "records": [...]}``,
each item with ``id``, ``rev``, ``state``, ``reason`` and the full ``record`` exactly as it
will be sent — ``gridterm enroll --exported FILE`` accepts it — and, when there are any,
``photos``: how many photos wait to be sent, the bytes left, those needing attention.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from gridterm.core.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "outbox", help=t("store.outbox.help"), description=t("store.outbox.help")
    )
    parser.add_argument("--json", action="store_true", help=t("store.outbox.json"))
    parser.set_defaults(func=run)


def reason(rec: dict) -> str:
    """Why this record is in the outbox, in the user's language."""
    if rec.get("sync_error"):
        error = str(rec["sync_error"])
        if error in ("conflict", "rejected"):
            error = t(f"store.reason.{error}")
        return t("store.reason.attention", error=error)
    synced = rec.get("synced_rev") or 0
    if not synced:
        return t("store.reason.new")
    return t("store.reason.edited", synced=synced)


def what(rec: dict) -> str:
    """A few words that let the officer recognise the record."""
    from gridterm.core import model

    data = rec.get("data") or {}
    kind = rec.get("kind")
    if kind == "household":
        parts = [data.get("village"), data.get("group"), data.get("number"), data.get("head")]
    elif kind == "report":
        category = data.get("category")
        parts = [model.label("category", category) if category else None, data.get("place")]
    elif kind == "case":
        dispute = data.get("dispute_type")
        names = [p.get("name") for p in data.get("parties") or [] if isinstance(p, dict)]
        parts = [
            model.label("dispute_type", dispute) if dispute else None,
            "、".join(n for n in names if n),
        ]
    elif kind == "visit":
        parts = [data.get("template_id"), (data.get("visited_at") or "")[:10]]
    else:
        parts = []
    text = " ".join(str(p) for p in parts if p)
    return text if len(text) <= 40 else text[:39] + "…"


def _when(value: object) -> str:
    text = str(value or "")
    return text[:16].replace("T", " ")


def rows(records: list[dict]) -> list[dict]:
    from gridterm.core.store import state_of

    out = []
    for rec in records:
        record = json.loads(rec["_wire"]) if isinstance(rec.get("_wire"), str) else None
        out.append(
            {
                "id": rec["id"],
                "kind": rec.get("kind"),
                "rev": rec.get("rev"),
                "synced_rev": rec.get("synced_rev") or 0,
                "state": state_of(rec),
                "reason": reason(rec),
                "sync_error": rec.get("sync_error"),
                "created_at": rec.get("created_at"),
                "updated_at": rec.get("updated_at"),
                "record": record,
            }
        )
    return out


def print_table(records: list[dict], file=None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from gridterm.core import model
    from gridterm.core.store import state_of

    console = Console(file=file or sys.stdout, highlight=False, soft_wrap=False)
    if not records:
        console.print(t("store.outbox.empty"))
        return
    table = Table(
        title=t("store.outbox.title", count=len(records)),
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    table.add_column(t("store.outbox.col.n"), justify="right")
    table.add_column(t("store.outbox.col.updated"), no_wrap=True)
    table.add_column(t("store.outbox.col.kind"), no_wrap=True)
    table.add_column(t("store.outbox.col.what"), min_width=8, ratio=1, overflow="fold")
    table.add_column(t("store.outbox.col.state"), no_wrap=True)
    table.add_column(t("store.outbox.col.reason"), min_width=12, ratio=2, overflow="fold")
    wide = console.width >= 110
    if wide:
        table.add_column(t("store.outbox.col.rev"), justify="right")
        table.add_column(t("store.outbox.col.id"), no_wrap=True)
    for n, rec in enumerate(records, 1):
        state = state_of(rec)
        cells = [
            str(n),
            _when(rec.get("updated_at")),
            model.label("kind", str(rec.get("kind"))),
            what(rec),
            t(f"store.state.{state}"),
            reason(rec),
        ]
        if wide:
            cells += [str(rec.get("rev")), rec["id"][:8]]
        table.add_row(*cells, style="bold" if state == "attention" else None)
    console.print(table)
    attention = sum(1 for rec in records if state_of(rec) == "attention")
    console.print(t("store.summary", unsent=len(records) - attention, attention=attention))


def photo_summary(store) -> dict:
    """The photos' part of the queue: ``{"waiting", "bytes_left", "attention": [...]}``."""
    from gridterm.core.attachments import contents_of, photo_queue

    queue = photo_queue(store, contents_of(store))
    return {
        "waiting": len(queue.waiting),
        "bytes_left": queue.bytes_left,
        "attention": [
            {
                "id": p.record_id,
                "kind": p.kind,
                "sha256": p.sha256,
                "name": p.name,
                "reason": p.reason,
                "message": p.message,
            }
            for p in queue.attention
        ],
    }


def photo_lines(photos: dict) -> list[str]:
    from gridterm.core.attachments import megabytes

    lines = []
    if photos["waiting"]:
        left = megabytes(photos["bytes_left"])
        lines.append(t("evidence.outbox.waiting", count=photos["waiting"], left=left))
    for problem in photos["attention"]:
        lines.append(
            t("evidence.outbox.attention", id=problem["id"][:8], message=problem["message"])
        )
    return lines


def run(args: argparse.Namespace) -> int:
    from gridterm.core.paths import data_dir
    from gridterm.core.store import Store

    recover = bool(getattr(args, "recover", False))
    # Listing needs no lock: it works while the app has the data folder open.
    with Store.open(data_dir(args.data_dir), recover=recover, read_only=not recover) as store:
        if store.recovered:
            print(t("store.recovered", **store.recovered), file=sys.stderr)
        records = store.outbox()
        photos = photo_summary(store)
    try:
        if args.json:
            doc = {"count": len(records), "records": rows(records)}
            if photos["waiting"] or photos["attention"]:
                doc["photos"] = photos
            json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print_table(records)
            for line in photo_lines(photos):
                print(line)
        sys.stdout.flush()
    except BrokenPipeError:  # `gridterm outbox | head` is fine
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
    return 0
