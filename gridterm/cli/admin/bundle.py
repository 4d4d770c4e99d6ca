"""``gridterm admin bundle``: the client bundle phones install gridterm from, and the
versions the township asks its devices to run.

    gridterm admin bundle                     # fetch gridterm + dependencies (needs an index)
    gridterm admin bundle --from DIR          # or take them from a folder of wheels
    gridterm admin bundle --wheel FILE        # fetch the dependencies of this gridterm wheel
    gridterm admin bundle --url https://township.example   # the address phones use
    gridterm admin bundle --lowest 0.2.0      # devices below are told they must update
    gridterm admin bundle --list

Building records the bundled gridterm as the recommended version.  ``--url`` and
``--lowest`` alone change only that setting.  The bundled version (or, with ``--list``, the
recommended one) is printed alone on the last line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bundle", help=t("install.admin.help"), description=t("install.admin.description")
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--from", dest="source", metavar="DIR", help=t("install.admin.opt.from"))
    source.add_argument("--wheel", metavar="FILE", help=t("install.admin.opt.wheel"))
    p.add_argument("--url", metavar="URL", help=t("install.admin.opt.url"))
    p.add_argument("--lowest", metavar="VERSION", help=t("install.admin.opt.lowest"))
    p.add_argument("--list", action="store_true", help=t("install.admin.opt.list"))
    p.set_defaults(func=run)


def _builds(args: argparse.Namespace) -> bool:
    if args.list:
        return False
    return bool(args.source or args.wheel) or not (args.url or args.lowest)


def run(args: argparse.Namespace) -> int:
    from gridterm.cli.admin.session import database_url, open_database
    from gridterm.township import db
    from gridterm.township.services import bundle_build, client_bundle

    url = database_url(args)
    root = client_bundle.bundle_root(url, getattr(args, "data_dir", None))
    lines: list[str] = []
    built = None
    if _builds(args):
        # Before the database is opened: a download takes a while and holds no lock.
        if args.source:
            built = bundle_build.from_folder(Path(args.source).expanduser(), root)
        else:
            print(t("install.admin.downloading"), file=sys.stderr, flush=True)
            wheel = Path(args.wheel).expanduser() if args.wheel else None
            built = bundle_build.download(root, wheel=wheel)
        size = f"{built.size / 1e6:.1f}"
        lines.append(
            t("install.admin.built", count=len(built.files), size=size, folder=str(built.folder))
        )
    engine = open_database(url)
    try:
        with db.write_session(db.session_factory(engine)) as session:
            lines += _settings(args, session, built)
            if args.list:
                lines += _listing(client_bundle.load(root), session)
    finally:
        engine.dispose()
    for line in lines:
        print(line)
    return 0


def _settings(args: argparse.Namespace, session: Any, built: Any) -> list[str]:
    from gridterm.township.services import client_versions, termux
    from gridterm.township.services.admin import AdminError

    if built is not None:
        client_versions.set_recommended(session, built.gridterm_version)
    if args.url:
        if not termux.usable_url(args.url.rstrip("/")):
            raise AdminError("install.error.bad_url", url=args.url)
        client_versions.set_public_url(session, args.url)
    if args.lowest:
        wanted = None if args.lowest.lower() == "none" else args.lowest
        client_versions.set_lowest(session, wanted)
    if args.list:
        return []
    policy = client_versions.policy(session)
    lines = [_policy_line(policy, client_versions.public_url(session))]
    if built is not None:
        lines.append(built.gridterm_version)
    elif args.lowest:
        lines.append(policy.lowest or "none")
    elif args.url:
        lines.append(client_versions.public_url(session) or "")
    return lines


def _policy_line(policy: Any, url: str | None) -> str:
    none = t("install.admin.none")
    return t(
        "install.admin.policy",
        recommended=policy.recommended or none,
        lowest=policy.lowest or none,
        url=url or none,
    )


def _listing(bundle: Any, session: Any) -> list[str]:
    from gridterm.township.services import client_versions

    policy = client_versions.policy(session)
    if bundle is None:
        return [t("install.admin.list_empty"), _policy_line(policy, None), "-"]
    lines = [
        t(
            "install.admin.list_head",
            folder=str(bundle.folder),
            built=bundle.built_at,
            count=len(bundle.files),
            size=f"{bundle.size / 1e6:.1f}",
        )
    ]
    for item in sorted(bundle.files, key=lambda f: (f.project, f.version)):
        kind = "" if item.pure else "  " + t("install.admin.platform_wheel")
        lines.append(
            f"  {item.project:<20} {item.version:<18} {item.size / 1e3:>6.0f} kB"
            f"  {item.sha256[:12]}  {item.filename}{kind}"
        )
    lines.append(_policy_line(policy, client_versions.public_url(session)))
    lines.append(policy.recommended or "-")
    return lines
