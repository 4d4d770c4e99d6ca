"""``gridterm serve [--db URL] [--host 127.0.0.1] [--port 8080] [--workers N]
[--forwarded-allow-ips IPS]``: the township service.  Migrations run once, here, before any
worker starts.

``X-Forwarded-For`` names the client only when the request comes from a proxy named in
``--forwarded-allow-ips`` (or ``GRIDTERM_FORWARDED_ALLOW_IPS``); by default no one is
trusted, so a client cannot pick its own address for the rate limits and the logs.
"""

from __future__ import annotations

import argparse
import os
import sys

from gridterm.core.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help=t("service.serve.help"), description=t("service.serve.help")
    )
    parser.add_argument("--db", metavar="URL", help=t("service.serve.opt.db"))
    parser.add_argument("--host", default="127.0.0.1", help=t("service.serve.opt.host"))
    parser.add_argument("--port", type=int, default=8080, help=t("service.serve.opt.port"))
    parser.add_argument("--workers", type=int, default=1, help=t("service.serve.opt.workers"))
    parser.add_argument("--base-url", metavar="URL", help=t("service.serve.opt.base_url"))
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        default=os.environ.get("GRIDTERM_FORWARDED_ALLOW_IPS") or None,
        help=t("hardening.serve.opt.forwarded_allow_ips"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from gridterm.cli.admin.session import open_database
    from gridterm.township import db

    url = (
        db.normalize_url(args.db) if args.db else db.default_db_url(getattr(args, "data_dir", None))
    )
    engine = open_database(url)  # migrates; a clear error if the database cannot be reached
    engine.dispose()
    shown = db.make_url_safe(url)
    print(t("service.serve.listening", host=args.host, port=args.port, db=shown), file=sys.stderr)
    if getattr(args, "data_dir", None):
        # The client bundle of a PostgreSQL service lives in the data folder: every worker
        # (they build the app from the environment) must look in the same one.
        os.environ["GRIDTERM_DATA_DIR"] = str(args.data_dir)
    proxies = _trusted_proxies(args.forwarded_allow_ips)
    if args.workers > 1:
        # Worker processes build the app themselves from the environment.
        os.environ["GRIDTERM_DB"] = url
        if args.base_url:
            os.environ["GRIDTERM_BASE_URL"] = args.base_url
        uvicorn.run(
            "gridterm.township.app:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="info",
            **proxies,
        )
        return 0
    from gridterm.township.app import create_app

    app = create_app(url, migrate=False, base_url=args.base_url)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", **proxies)
    return 0


def _trusted_proxies(ips: str | None) -> dict[str, object]:
    """uvicorn's proxy settings: its own X-Forwarded-For handling, for ``ips`` only.  (Left to
    itself, uvicorn trusts 127.0.0.1 — right behind a local proxy, wrong when the service is
    reached directly, where any client on the box could pick its address.)"""
    ips = (ips or "").strip()
    if not ips:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ips}
