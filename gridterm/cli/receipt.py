"""``gridterm receipt NUMBER [--svg F | --png F | --text | --print [DEST]]`` and
``gridterm receipt --list [--json]``.

A number is checked before anything is looked up: a mistyped one is answered by what is
wrong with it (its check character does not match), never by "not found".  Receipts are read
from this device's store through a read-only view, which takes no lock: the command works
while the app has the data folder open.  It never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys

from gridterm.core.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "receipt", help=t("receipts.cli.help"), description=t("receipts.cli.help")
    )
    parser.add_argument("number", nargs="?", metavar="NUMBER", help=t("receipts.cli.number"))
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--svg", metavar="FILE", help=t("receipts.cli.svg"))
    what.add_argument("--png", metavar="FILE", help=t("receipts.cli.png"))
    what.add_argument("--text", action="store_true", help=t("receipts.cli.text"))
    what.add_argument(
        "--print",
        dest="print_to",
        nargs="?",
        const="",
        metavar="DEST",
        help=t("receipts.cli.print"),
    )
    what.add_argument("--list", action="store_true", help=t("receipts.cli.list"))
    parser.add_argument("--json", action="store_true", help=t("receipts.cli.json"))
    parser.set_defaults(func=run)


def issued(records: list[dict]) -> list[dict]:
    """Every receipt on the records, newest first, with what it was issued for."""
    from gridterm.core.receipts import display_number

    rows = []
    for record in records:
        for receipt in record.get("receipts") or []:
            rows.append(
                {
                    "number": display_number(receipt.get("number", "")),
                    "sig": receipt.get("sig"),
                    "issued_at": receipt.get("issued_at"),
                    "party": receipt.get("party"),
                    "record_id": record["id"],
                    "kind": record.get("kind"),
                    "synced": bool(record.get("synced_rev")),
                }
            )
    rows.sort(key=lambda row: (row["issued_at"] or "", row["number"]), reverse=True)
    return rows


def print_list(rows: list[dict], as_json: bool) -> None:
    if as_json:
        json.dump({"count": len(rows), "receipts": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if not rows:
        print(t("receipts.list.empty"))
        return
    from gridterm.core import model

    for row in rows:
        when = str(row["issued_at"] or "")[:16].replace("T", " ")
        kind = model.label("kind", str(row["kind"]))
        party = (
            "" if row["party"] is None else "  " + t("receipts.list.party", party=row["party"] + 1)
        )
        print(f"{row['number']}  {when}  {kind}{party}  {row['record_id'][:8]}")


def run(args: argparse.Namespace) -> int:
    from gridterm.core.paths import data_dir
    from gridterm.core.receipts import ReceiptError, parse_number
    from gridterm.core.receipts import render as rr
    from gridterm.core.store import Store

    if not args.list and not args.number:
        raise ReceiptError("receipts.cli.need_number")
    if args.number:
        parse_number(args.number)  # a mistyped number is answered before the store is opened
    recover = bool(getattr(args, "recover", False))
    # Reading needs no lock: the list and a receipt work while the app has the folder open.
    with Store.open(data_dir(args.data_dir), recover=recover, read_only=not recover) as store:
        if args.list:
            rows = issued(store.query(archived=True))
        else:
            printable = rr.printable_from_store(store, args.number)
            printer = rr.printer_dest(store.meta_get("printer"))
    if args.list:
        print_list(rows, args.json)
        return 0
    if args.svg or args.png:
        path = args.svg or args.png
        content = printable.svg().encode("utf-8") if args.svg else printable.png()
        try:
            with open(path, "wb") as fh:
                fh.write(content)
        except OSError as exc:
            raise ReceiptError(
                "receipts.cli.write_failed", path=path, reason=exc.strerror or str(exc)
            ) from exc
        print(t("receipts.cli.saved", path=path))
    elif args.print_to is not None:
        dest = args.print_to or printer
        if not dest:
            raise ReceiptError("receipts.print.no_printer")
        rr.send(printable.escpos(), dest)
        print(t("receipts.cli.printed", dest=dest))
    else:
        sys.stdout.write(printable.text())
        symbol = printable.symbol()
        if not args.text and symbol is not None and sys.stdout.isatty():
            print("\n".join(rr.ansi_rows(symbol)))
    return 0
