"""``gridterm pull URL --token T --format csv|xlsx|jsonl [--since DATE] [-o FILE]``.

Township staff pull what officers synced into a file, from the shell, with a progress bar.
The download goes to a temp file beside the target and is renamed only when complete, so an
interrupted pull never leaves a half file under the name asked for.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime

from gridterm.core.errors import GridtermError
from gridterm.core.i18n import t

FORMATS = ("csv", "xlsx", "jsonl")


class PullError(GridtermError):
    key = "pull.failed"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pull", help=t("pull.help"), description=t("pull.help"))
    parser.add_argument("url", metavar="URL", help=t("pull.opt.url"))
    parser.add_argument("--token", metavar="T", help=t("pull.opt.token"))
    parser.add_argument(
        "--format", dest="fmt", choices=FORMATS, default="xlsx", help=t("pull.opt.format")
    )
    parser.add_argument("--since", metavar="DATE", help=t("pull.opt.since"))
    parser.add_argument("-o", "--output", metavar="FILE", help=t("pull.opt.output"))
    parser.add_argument("--quiet", action="store_true", help=t("pull.opt.quiet"))
    parser.set_defaults(func=run)


def parse_since(text: str | None) -> str | None:
    """``2026-11-01`` or an ISO 8601 time; anything else is a clear error naming the value."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        raise PullError("pull.bad_since", value=text) from None


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from gridterm.client.staff import StaffClient, StaffUnreachable

    token = args.token or os.environ.get("GRIDTERM_STAFF_TOKEN")
    if not token:
        raise PullError("pull.no_token")
    since = parse_since(args.since)
    output = args.output or f"gridterm-export-{datetime.now():%Y%m%d-%H%M%S}.{args.fmt}"
    console = Console(stderr=True, quiet=args.quiet)
    with StaffClient(args.url, token) as client, _progress_bar(console) as bar:
        try:
            count = client.export(args.fmt, output, since=since, progress=bar)
        except StaffUnreachable as exc:
            # The staff client's own words name the console; here a file is at stake.
            raise PullError("pull.network", url=client.url, detail=exc.params["detail"]) from None
    console.print(t("pull.done", count=count, path=output))
    print(output)
    return 0


@contextlib.contextmanager
def _progress_bar(console) -> Iterator[Callable[[int, int | None, int | None], None]]:
    """A rich progress bar fed by the staff client's ``progress(done, total, records)``."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    columns += (TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = None

        def advance(done: int, total: int | None, records: int | None) -> None:
            nonlocal task
            if task is None:
                count = "?" if records is None else records
                task = progress.add_task(t("pull.progress", count=count), total=total)
            progress.update(task, completed=done)

        yield advance
