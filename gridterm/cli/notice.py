"""``gridterm notice``: the village's notices (三务公开) from the shell.

    gridterm notice new --type finance --title T [--village V] [--from D --to D]
                        --file BODY [--items TABLE]
    gridterm notice correct ID --reason WHY [--title T] [--file BODY] [--items TABLE] …
    gridterm notice list [--json]
    gridterm notice print ID [--text | --svg FILE | --print [DEST] | --a4]

``new`` writes a notice and queues it like every record (the next ``gridterm sync`` sends
it to the township, which publishes it); ``correct`` writes the correction of a published
one (the township publishes it as the next version, with the reason).  BODY is a text file
(``-`` reads standard input); TABLE a financial notice's items as a spreadsheet saves them
(CSV or tab-separated text, see :mod:`gridterm.cli.notice_table`), its totals summed here or
checked against its 合计 row.  ``print`` prints a published notice's 58 mm copy with the QR
code the township signed (``--a4``: the address of the township's A4 page of it).  ID is a record id, an unambiguous start of one (as ``list``
shows) or the notice's public number.  The last line of ``new`` and ``correct`` is the id.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from gridterm.core.i18n import t

TYPES = ("party", "village", "finance", "four_two")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "notice", help=t("affairs.cli.help"), description=t("affairs.cli.help")
    )
    sub = parser.add_subparsers(dest="notice_command", metavar="new|correct|list|print")
    sub.required = True
    new = sub.add_parser("new", help=t("affairs.cli.new"), description=t("affairs.cli.new"))
    _content_options(new, required=True)
    new.set_defaults(func=run_new)
    correct = sub.add_parser(
        "correct", help=t("affairs.cli.correct"), description=t("affairs.cli.correct")
    )
    correct.add_argument("ref", metavar="ID", help=t("affairs.cli.ref"))
    correct.add_argument("--reason", required=True, help=t("affairs.cli.reason"))
    _content_options(correct, required=False)
    correct.set_defaults(func=run_correct)
    listing = sub.add_parser("list", help=t("affairs.cli.list"), description=t("affairs.cli.list"))
    listing.add_argument("--json", action="store_true", help=t("affairs.cli.json"))
    listing.set_defaults(func=run_list)
    printing = sub.add_parser(
        "print", help=t("affairs.cli.print"), description=t("affairs.cli.print")
    )
    printing.add_argument("ref", metavar="ID", help=t("affairs.cli.ref"))
    what = printing.add_mutually_exclusive_group()
    what.add_argument("--text", action="store_true", help=t("receipts.cli.text"))
    what.add_argument("--svg", metavar="FILE", help=t("receipts.cli.svg"))
    what.add_argument("--a4", action="store_true", help=t("affairs.cli.a4"))
    what.add_argument(
        "--print",
        dest="print_to",
        nargs="?",
        const="",
        metavar="DEST",
        help=t("receipts.cli.print"),
    )
    printing.set_defaults(func=run_print)


def _content_options(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--type", choices=TYPES, required=required, help=t("affairs.cli.type"))
    parser.add_argument("--title", required=required, help=t("affairs.cli.title"))
    parser.add_argument("--village", help=t("affairs.cli.village"))
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=t("affairs.cli.from"))
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=t("affairs.cli.to"))
    parser.add_argument("--file", metavar="BODY", required=required, help=t("affairs.cli.file"))
    parser.add_argument("--items", metavar="TABLE", help=t("affairs.cli.items"))


def content(args: argparse.Namespace, base: dict[str, Any]) -> dict[str, Any]:
    """The notice's data: ``base`` (the corrected notice's, or nothing) with what was given."""
    from gridterm.cli.notice_table import finance_data, read_text

    data = {k: v for k, v in base.items() if k not in ("correction_of", "reason", "totals")}
    for key in ("type", "title", "village"):
        if getattr(args, key):
            data[key] = getattr(args, key)
    if args.file:
        data["body"] = read_text(args.file).strip()
    if args.start or args.end:
        data["period"] = {"from": args.start, "to": args.end}
    if args.items:
        data.update(finance_data(args.items))
    elif data.get("type") != "finance":
        data.pop("items", None)
    return data


def _store(args: argparse.Namespace, read_only: bool = False) -> Any:
    from gridterm.core.paths import data_dir
    from gridterm.core.store import Store

    recover = bool(getattr(args, "recover", False))
    return Store.open(data_dir(args.data_dir), recover=recover, read_only=read_only and not recover)


def find(store: Any, ref: str) -> dict:
    """The notice ``ref`` names: its id, the start of its id, or its public number."""
    from gridterm.core.usecases.affairs import AffairsError

    notices = store.query(kind="notice", archived=True)
    exact = [r for r in notices if r["id"] == ref]
    by_number = [r for r in notices if str(r.get("notice_number") or "") == ref]
    by_start = [r for r in notices if len(ref) >= 4 and r["id"].startswith(ref)]
    if exact:
        return exact[0]
    if by_number:  # one number, several versions: the one published now
        by_number = [r for r in by_number if r.get("status") == "published"] or by_number
    for found in (by_number, by_start):
        if len(found) == 1:
            return found[0]
        if found:
            raise AffairsError("affairs.cli.ambiguous", ref=ref, count=len(found))
    raise AffairsError("affairs.error.no_record", id=ref)


def _saved(record: dict) -> int:
    from gridterm.core import model
    from gridterm.core.model.affairs import display_money

    data = record["data"]
    print(
        t("affairs.cli.saved", type=model.label("notice_type", data["type"]), title=data["title"])
    )
    if data.get("type") == "finance":
        totals = data["totals"]
        print(
            t(
                "affairs.notice.totals",
                income=display_money(totals["income"]),
                spending=display_money(totals["spending"]),
            )
        )
    print(record["id"])
    return 0


def run_new(args: argparse.Namespace) -> int:
    from gridterm.core.usecases import affairs as uc

    with _store(args) as store:
        data = content(args, {})
        if not data.get("village"):
            data["village"] = uc.default_village(store)
        record = uc.save_notice(store, data)
    return _saved(record)


def run_correct(args: argparse.Namespace) -> int:
    from gridterm.core.usecases import affairs as uc

    with _store(args) as store:
        original = find(store, args.ref)
        data = content(args, dict(original.get("data") or {}))
        record = uc.correct_notice(store, original["id"], data, args.reason)
    return _saved(record)


def rows(records: list[dict]) -> list[dict]:
    from gridterm.core.usecases.affairs import notice_state

    out = []
    for record in sorted(records, key=lambda r: r.get("created_at") or "", reverse=True):
        data = record.get("data") or {}
        out.append(
            {
                "id": record["id"],
                "created_at": record.get("created_at"),
                "type": data.get("type"),
                "village": data.get("village"),
                "title": data.get("title"),
                "state": notice_state(record),
                "number": record.get("notice_number"),
                "version": record.get("notice_version"),
                "published_at": record.get("published_at"),
            }
        )
    return out


def run_list(args: argparse.Namespace) -> int:
    from gridterm.core import model

    with _store(args, read_only=True) as store:
        found = rows(store.query(kind="notice", archived=True))
    if args.json:
        json.dump({"count": len(found), "notices": found}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not found:
        print(t("affairs.cli.none"))
        return 0
    for row in found:
        state = t(f"affairs.state.{row['state']}")
        if row["number"]:
            state += " " + t("affairs.cli.number", number=row["number"], version=row["version"])
        kind = model.label("notice_type", str(row["type"]))
        when = str(row["created_at"] or "")[:10]
        print(f"{row['id'][:8]}  {when}  {kind}  {row['title']}  {state}")
    return 0


def run_print(args: argparse.Namespace) -> int:
    from gridterm.core.receipts import ReceiptError
    from gridterm.core.receipts import notice_print as np
    from gridterm.core.receipts import render as rr

    with _store(args, read_only=True) as store:
        record = find(store, args.ref)
        paper = np.paper_for(record)
        printer = rr.printer_dest(store.meta_get("printer"))
        service_url = (store.meta_get("enrollment") or {}).get("service_url")
    if args.a4:
        print(np.a4_link(record, service_url))
    elif args.svg:
        try:
            with open(args.svg, "w", encoding="utf-8") as fh:
                fh.write(paper.svg())
        except OSError as exc:
            raise ReceiptError(
                "receipts.cli.write_failed", path=args.svg, reason=exc.strerror or str(exc)
            ) from exc
        print(t("receipts.cli.saved", path=args.svg))
    elif args.print_to is not None:
        dest = args.print_to or printer
        if not dest:
            raise ReceiptError("receipts.print.no_printer")
        rr.send(paper.escpos(), dest)
        print(t("receipts.cli.printed", dest=dest))
    else:
        sys.stdout.write(paper.text())
        if not args.text and sys.stdout.isatty():
            print("\n".join(rr.ansi_rows(paper.symbol())))
    return 0
