"""``gridterm admin photos purge|erase``: photos kept no longer than needed, and erased on
request (PIPL; docs/evidence.md "Retention and erasure").

The rows change in the command's write session, which is committed before the bytes are
deleted from the content store: a crash in between leaves bytes nobody can reach, never a
photo listed as held whose bytes are gone.
"""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.session import command, database_url
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    photos = sub.add_parser("photos", help=t("evidence_service.admin.help"))
    actions = photos.add_subparsers(dest="action", metavar="purge|erase", required=True)
    p = actions.add_parser("purge", help=t("evidence_service.admin.purge_help"))
    p.add_argument(
        "--closed-days",
        type=int,
        required=True,
        metavar="N",
        help=t("evidence_service.admin.opt_closed_days"),
    )
    p.add_argument("--township", metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("--dry-run", action="store_true", help=t("evidence_service.admin.opt_dry_run"))
    p.set_defaults(func=command(purge))
    p = actions.add_parser("erase", help=t("evidence_service.admin.erase_help"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("sha256", metavar="SHA256", nargs="?")
    which.add_argument("--record", metavar="ID", help=t("evidence_service.admin.opt_record"))
    p.add_argument(
        "--reason", required=True, metavar="TEXT", help=t("evidence_service.admin.opt_reason")
    )
    p.set_defaults(func=command(erase))


def purge(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import photo_retention
    from gridterm.township.services.admin import AdminError, find_township

    if args.closed_days < 0:
        raise AdminError("evidence_service.admin.bad_days", value=args.closed_days)
    township = find_township(session, args.township).id if args.township else None
    note = f"closed more than {args.closed_days} days"
    removed = photo_retention.purge_closed(
        session, args.closed_days, township, dry_run=args.dry_run, note=note
    )
    _delete_after_commit(args, session, removed)
    mb = f"{removed.size / (1024 * 1024):.1f}"
    key = "would_purge" if args.dry_run else "purged"
    return [t(f"evidence_service.admin.{key}", n=len(removed.shas), mb=mb), str(len(removed.shas))]


def erase(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import photo_retention
    from gridterm.township.services.admin import AdminError
    from gridterm.township.services.errors import NotFound

    if args.record:
        try:
            removed = photo_retention.erase_record(session, args.record.strip(), args.reason)
        except NotFound:
            raise AdminError("evidence_service.admin.unknown_record", id=args.record) from None
        _delete_after_commit(args, session, removed)
        n = len(removed.shas)
        return [t("evidence_service.admin.erased_record", n=n), str(n)]
    sha = args.sha256.strip().lower()
    try:
        removed = photo_retention.erase(session, sha, args.reason)
    except NotFound:
        raise AdminError("evidence_service.admin.unknown", sha256=sha) from None
    _delete_after_commit(args, session, removed)
    key = "erased" if removed.shas else "already_erased"
    return [t(f"evidence_service.admin.{key}"), sha]


def _delete_after_commit(args: argparse.Namespace, session: Any, removed: Any) -> None:
    from gridterm.township.services.content_store import open_store

    if not removed.keys:
        return
    store, _staging = open_store(None, database_url(args))
    session.commit()
    for key in removed.keys:
        store.delete(key)
