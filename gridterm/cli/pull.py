"""``gridterm pull URL --token T --format csv|xlsx|jsonl [--since DATE] [-o FILE]``.

Township staff pull what officers synced into a file, from the shell, with a progress bar.
The download goes to a temp file beside the target and is renamed only when complete, so an
interrupted pull never leaves a half file under the name asked for.
"""

from __future__ import annotations

import argparse
import os
from datetime import date, datetime

from gridterm.core.errors import GridtermError
from gridterm.core.i18n import get_language, t

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


def _detail(response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or str(response.status_code)
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail
    return response.reason_phrase or str(response.status_code)


def run(args: argparse.Namespace) -> int:
    import httpx
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    token = args.token or os.environ.get("GRIDTERM_STAFF_TOKEN")
    if not token:
        raise PullError("pull.no_token")
    since = parse_since(args.since)
    base = args.url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise PullError("pull.bad_url", value=args.url)
    params = {"format": args.fmt}
    if since:
        params["since"] = since
    output = args.output or f"gridterm-export-{datetime.now():%Y%m%d-%H%M%S}.{args.fmt}"
    partial = output + ".part"
    console = Console(stderr=True, quiet=args.quiet)
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept-Language": "zh-CN" if get_language() == "zh_CN" else "en",
    }
    timeout = httpx.Timeout(30.0, read=600.0)
    try:
        with httpx.stream(
            "GET", f"{base}/api/v1/staff/export", params=params, headers=headers, timeout=timeout
        ) as response:
            if response.status_code in (401, 403):
                response.read()
                raise PullError("pull.unauthorized", detail=_detail(response))
            if response.status_code >= 400:
                response.read()
                raise PullError(
                    "pull.http_error", status=response.status_code, detail=_detail(response)
                )
            length = response.headers.get("Content-Length")
            count = response.headers.get("X-Record-Count", "?")
            with (
                open(partial, "wb") as fh,
                Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    DownloadColumn(),
                    TransferSpeedColumn(),
                    TimeRemainingColumn(),
                    console=console,
                    transient=False,
                ) as progress,
            ):
                task = progress.add_task(
                    t("pull.progress", count=count), total=int(length) if length else None
                )
                for block in response.iter_bytes():
                    fh.write(block)
                    progress.advance(task, len(block))
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(partial, output)
    except httpx.HTTPError as exc:
        _remove(partial)
        raise PullError("pull.network", url=base, detail=type(exc).__name__) from None
    except BaseException:
        _remove(partial)
        raise
    console.print(t("pull.done", count=count, path=output))
    print(output)
    return 0


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
