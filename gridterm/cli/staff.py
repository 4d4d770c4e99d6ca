"""``gridterm staff URL [--token T]``: the township staff console (docs/staff_console.md).

The token (from ``gridterm admin staff add``) is remembered per service URL in
``config_dir()/staff.json`` (0600) once the service has accepted it; without one the console
asks for it.  A token given with ``--token`` that the service refuses is one clear line and
exit status 2; a remembered one that stopped working brings up the token screen.
"""

from __future__ import annotations

import argparse
import os

from gridterm.core.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "staff", help=t("staff.cli.help"), description=t("staff.cli.description")
    )
    parser.add_argument("url", metavar="URL", help=t("staff.cli.url"))
    parser.add_argument("--token", metavar="T", help=t("staff.cli.token"))
    parser.add_argument("--refresh", metavar="SECONDS", default="30", help=t("staff.cli.refresh"))
    parser.add_argument("--forget", action="store_true", help=t("staff.cli.forget"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gridterm.client.staff import StaffAuthError, StaffClient, StaffError, normalize_url
    from gridterm.ui.staff import config
    from gridterm.ui.staff.app import StaffApp

    url = normalize_url(args.url)
    try:
        refresh = float(args.refresh)
    except ValueError:
        refresh = -1.0
    if not 0 <= refresh <= 86400:
        raise StaffError("staff.error.bad_refresh", value=args.refresh)
    if args.forget:
        config.forget_token(url)
        print(t("staff.cli.forgotten", url=url))
        return 0
    given = args.token or os.environ.get("GRIDTERM_STAFF_TOKEN") or None
    token = given or config.remembered_token(url)
    me = None
    message = ""
    with StaffClient(url, token or "", timeout=15.0) as client:
        if token:
            try:
                me = client.me()  # unreachable: one clear line from the CLI, exit 2
            except StaffAuthError:
                if given:
                    raise StaffAuthError("staff.error.token_given", url=url) from None
                message = t("staff.login.remembered_refused")
                client.token = ""
            else:
                if args.token:
                    try:
                        config.remember_token(url, token)
                    except OSError as exc:
                        print(t("staff.login.not_saved", detail=str(exc)))

        def remember(new_token: str) -> None:
            config.remember_token(url, new_token)

        app = StaffApp(client, remember=remember, login_message=message, refresh_every=refresh)
        app.me = me
        app.run(mouse=not getattr(args, "no_mouse", False))
        return app.return_code or 0
