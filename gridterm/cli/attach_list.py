"""``gridterm attach RECORD_ID --list`` and ``--remove ID``: a record's photos from the shell.

``--list`` prints one photo a line — its id (the first 12 of its SHA-256), name, size, when it
was taken and its state (to send, sent, missing) — and ``--json`` gives them whole.
``--remove ID`` (the id, or its first characters) takes a photo off the record (one new rev),
as the app's ``d`` does, only until the service has it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from gridterm.core.i18n import t

SHOWN_ID = 12


def list_or_remove(args: argparse.Namespace, find: Callable[..., str]) -> int:
    from gridterm.core import attachments
    from gridterm.core.paths import data_dir
    from gridterm.core.store import Store

    with Store.open(data_dir(args.data_dir), recover=getattr(args, "recover", False)) as store:
        record_id = find(store, args.record)
        record = store.get(record_id) or {}
        entries = list((record.get("data") or {}).get("attachments") or [])
        contents = attachments.contents_of(store)
        if args.remove:
            return _remove(store, record, entries, contents, args.remove)
        rows = [{**e, "state": _state(contents, e)} for e in entries]
    if getattr(args, "json", False):
        print(json.dumps({"record": record_id, "attachments": rows}, ensure_ascii=False))
        return 0
    if not rows:
        print(t("evidence.none"))
    for row in rows:
        cells = (
            row["sha256"][:SHOWN_ID],
            str(row.get("name") or ""),
            attachments.megabytes(int(row.get("size") or 0)),
            str(row.get("taken_at") or "-"),
            t(f"evidence.state.{row['state']}"),
        )
        print("  ".join(cells))
    return 0


def _state(contents, entry: dict) -> str:
    try:
        return str(contents.state(entry["sha256"]))
    except ValueError:
        return "missing"


def _remove(store, record: dict, entries: list[dict], contents, text: str) -> int:
    from gridterm.core import attachments

    text = text.strip().lower()
    found = [e for e in entries if str(e.get("sha256", "")).startswith(text)] if text else []
    if len(found) != 1:
        key = "evidence.cli.no_photo" if not found else "evidence.cli.ambiguous_photo"
        print(t(key, id=text), file=sys.stderr)
        return 2
    [entry] = found
    if not attachments.removable(contents, entry):
        print(t("evidence.already_sent", name=entry.get("name", "")), file=sys.stderr)
        return 2
    data = dict(record["data"])
    left = attachments.without(entries, entry["sha256"])
    if left:
        data["attachments"] = left
    else:
        data.pop("attachments", None)
    store.update(record["id"], data=data)
    print(entry["sha256"])
    return 0
