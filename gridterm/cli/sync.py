"""``gridterm sync [--ca-file F] [--quiet]``: one pass, push then pull, from the shell.

Suits cron and Termux:Job.  Exit status: 0 done, 1 the service could not be reached (the
records stay queued), 2 an auth or configuration problem, 3 some records (or photos) need
attention.  Photos go after the push (gridterm.client.upload); the summary says how many
went and how many bytes are left.
When the township recommends a newer gridterm, the last lines say so and give the command
that installs it (the exit status is not changed by it).
A progress bar goes to stderr for a big queue (or whenever stderr is a terminal).
"""

from __future__ import annotations

import argparse
import sys

from gridterm.core.i18n import t

EXIT_OK, EXIT_UNREACHABLE, EXIT_CONFIG, EXIT_ATTENTION = 0, 1, 2, 3
BIG_QUEUE = 200


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sync", help=t("sync.cli.help"), description=t("sync.cli.help"))
    parser.add_argument("--ca-file", metavar="F", help=t("sync.cli.ca_file"))
    parser.add_argument(
        "--deadline", type=_seconds, default=120.0, metavar="S", help=t("sync.cli.deadline")
    )
    parser.add_argument("--quiet", action="store_true", help=t("sync.cli.quiet"))
    parser.set_defaults(func=run)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 86400:
        raise argparse.ArgumentTypeError(t("sync.cli.bad_deadline", value=text))
    return value


class _Progress:
    """A rich progress bar on stderr, started only once we know the queue is big."""

    def __init__(self, enabled_for_tty: bool) -> None:
        self.tty = enabled_for_tty
        self.progress = None
        self.tasks: dict[str, int] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase == "upload":  # the photos' bytes, counted in KiB
            done, total = done // 1024, -(-total // 1024)
        if self.progress is None:
            if phase == "pull" or not (self.tty or total > BIG_QUEUE) or total == 0:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=self.tty,  # in a log (cron), leave the final bar as a record
            )
            self.progress.start()
        if phase not in self.tasks:
            key = "evidence.progress.upload" if phase == "upload" else f"sync.progress.{phase}"
            self.tasks[phase] = self.progress.add_task(t(key), total=total or None)
        self.progress.update(self.tasks[phase], completed=done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def summary_lines(summary) -> list[str]:
    push, pull = summary.push, summary.pull
    lines = [
        t(
            "sync.summary",
            sent=push.sent,
            stored=push.stored,
            unchanged=push.unchanged,
            attention=len(push.attention),
            updates=pull.updates,
            reference=pull.templates + pull.households + pull.mediators,
            queue=summary.queue,
        )
    ]
    if pull.full:
        lines.append(t("sync.summary.full"))
    upload = summary.upload
    if upload.sent or upload.already or upload.left or upload.attention:
        from gridterm.core.attachments import megabytes

        lines.append(
            t(
                "evidence.sync.summary",
                sent=upload.sent + upload.already,
                bytes=megabytes(upload.bytes_sent),
                left=upload.left,
                bytes_left=megabytes(upload.bytes_left),
                attention=upload.attention,
            )
        )
    if upload.unsupported:
        lines.append(t("evidence.sync.unsupported"))
    return lines


def run(args: argparse.Namespace) -> int:
    from gridterm.client import sync
    from gridterm.core.paths import data_dir
    from gridterm.core.store import Store

    config = sync.SyncConfig(ca_file=args.ca_file, deadline=args.deadline)
    progress = _Progress(sys.stderr.isatty())
    with Store.open(data_dir(args.data_dir), recover=getattr(args, "recover", False)) as store:
        try:
            summary = sync.sync_once(store, config, on_progress=progress)
        finally:
            progress.stop()
        if not args.quiet:
            for line in summary_lines(summary):
                print(line)
            for entry in summary.push.attention:
                rec = store.get(entry["id"]) or {}
                print(
                    t(
                        "sync.attention_line",
                        kind=rec.get("kind", ""),
                        id=entry["id"],
                        rev=entry["rev"],
                        result=entry["result"],
                        error=entry.get("error") or "",
                    )
                )
        if not args.quiet and summary.upload.attention:
            from gridterm.cli.outbox import photo_lines, photo_summary

            for line in photo_lines({**photo_summary(store), "waiting": 0}):
                print(line)
        _tell_update(store, args.quiet)
    return EXIT_ATTENTION if summary.attention or summary.upload.attention else EXIT_OK


def _tell_update(store, quiet: bool) -> None:
    """The township's word on this gridterm: a newer one to install, and the command that
    installs it (alone on its line, to copy).  ``--quiet`` keeps only "you must update"."""
    from gridterm import __version__
    from gridterm.client.updates import notice

    found = notice(store)
    if found is None or (quiet and found.state != "required"):
        return
    out = sys.stderr if quiet else sys.stdout
    print(t(f"install.sync.{found.state}", version=found.version, running=__version__), file=out)
    print(found.command, file=out)
