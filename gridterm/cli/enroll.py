"""``gridterm enroll URL CODE [--device-name N] [--ca-file F] [--exported FILE]``.

Trades a one-time code from township staff for this device's token and secret.  A device
that is already enrolled and still holds unsent records is not re-enrolled unless those
records were exported first (``gridterm outbox --json > FILE``, then ``--exported FILE``):
nothing unsent is ever stranded.
"""

from __future__ import annotations

import argparse

from gridterm.core.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "enroll", help=t("sync.enroll.cli.help"), description=t("sync.enroll.cli.help")
    )
    parser.add_argument("url", metavar="URL", help=t("sync.enroll.cli.url"))
    parser.add_argument("code", metavar="CODE", help=t("sync.enroll.cli.code"))
    parser.add_argument("--device-name", metavar="N", help=t("sync.enroll.cli.device_name"))
    parser.add_argument("--ca-file", metavar="F", help=t("sync.cli.ca_file"))
    parser.add_argument("--exported", metavar="FILE", help=t("sync.enroll.cli.exported"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gridterm.client import sync
    from gridterm.core.paths import data_dir
    from gridterm.core.store import Store

    config = sync.SyncConfig(ca_file=args.ca_file)
    with Store.open(data_dir(args.data_dir), recover=getattr(args, "recover", False)) as store:
        enrollment = sync.enroll(
            store,
            args.url,
            args.code,
            args.device_name,
            config=config,
            exported=args.exported,
        )
    print(
        t(
            "sync.enroll.done",
            device=enrollment["device_id"],
            officer=(enrollment.get("officer") or {}).get("name", ""),
            grid=(enrollment.get("grid") or {}).get("name", ""),
            township=(enrollment.get("township") or {}).get("name", ""),
            url=enrollment["service_url"],
        )
    )
    return 0
