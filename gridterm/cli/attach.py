"""``gridterm attach RECORD_ID FILE…``: attach photos to a saved record, from the shell.

Each file is shrunk (Pillow, else ImageMagick, else sent as it is with a warning), kept in
the data folder and named by the record (one new rev); sync sends it after the record.  The
attachment ids (the photos' SHA-256) are printed one a line, nothing else on stdout.
``--camera`` takes the photo with Termux:API's ``termux-camera-photo``.  ``--where
item:KEY|session:N|follow-up:N`` puts the photos on a visit's item or a case's session or
follow-up (numbered from 1, as the case screen shows them).  ``--list`` shows the record's
photos (id, name, size, when taken, state); ``--remove ID`` takes one off before it is sent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gridterm.core.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "attach", help=t("evidence.cli.help"), description=t("evidence.cli.help")
    )
    parser.add_argument("record", metavar="RECORD_ID", help=t("evidence.cli.record"))
    parser.add_argument("files", metavar="FILE", nargs="*", help=t("evidence.cli.files"))
    parser.add_argument("--camera", action="store_true", help=t("evidence.cli.camera"))
    parser.add_argument("--where", metavar="PART", type=_where, help=t("evidence.cli.where"))
    parser.add_argument("--list", action="store_true", help=t("evidence.cli.list"))
    parser.add_argument("--remove", metavar="ID", help=t("evidence.cli.remove"))
    parser.add_argument("--json", action="store_true", help=t("evidence.cli.json"))
    parser.set_defaults(func=run)


def _where(text: str) -> dict:
    name, _, value = text.partition(":")
    name = name.strip().replace("-", "_")
    if name == "item" and value.strip():
        return {"item": value.strip()}
    if name in ("session", "follow_up") and value.strip().isdigit() and int(value) >= 1:
        return {name: int(value) - 1}
    raise argparse.ArgumentTypeError(t("evidence.cli.bad_where", value=text))


def run(args: argparse.Namespace) -> int:
    from gridterm.core.attachments.prepare import PhotoRefused
    from gridterm.core.paths import data_dir
    from gridterm.core.store import Store

    if args.list or args.remove:
        from gridterm.cli.attach_list import list_or_remove

        return list_or_remove(args, _find)
    if not args.files and not args.camera:
        print(t("evidence.cli.nothing"), file=sys.stderr)
        return 2
    with Store.open(data_dir(args.data_dir), recover=getattr(args, "recover", False)) as store:
        record_id = _find(store, args.record)
        files = list(args.files)
        if args.camera:
            files.append(_camera_photo(store))
        try:
            attached = _attach(store, record_id, files, args.where)
        except PhotoRefused as exc:
            print(f"gridterm: {exc}", file=sys.stderr)
            return 2
        finally:
            if args.camera:
                Path(files[-1]).unlink(missing_ok=True)  # kept in the content store now
    for done in attached:
        if done.warning:
            print(done.warning, file=sys.stderr)
        print(done.entry["sha256"])
    return 0


def _find(store, text: str) -> str:
    """A record by its id, or by the first characters of it (as ``gridterm outbox`` shows)."""
    from gridterm.core.errors import GridtermError

    text = text.strip().lower()
    if store.get(text) is not None:
        return text
    found = [r["id"] for r in store.query() if len(text) >= 4 and r["id"].startswith(text)]
    if len(found) == 1:
        return found[0]
    raise GridtermError(
        "evidence.cli.no_record" if not found else "evidence.cli.ambiguous", id=text
    )


def _camera_photo(store) -> str:
    from gridterm.core.attachments import termux
    from gridterm.core.errors import GridtermError

    if not termux.camera_available():
        raise GridtermError("evidence.cli.no_camera")
    target = store.folder / "attachments" / "camera.jpg"
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not termux.take_photo(target):
        raise GridtermError("evidence.cli.camera_failed")
    return str(target)


def _attach(store, record_id: str, files: list[str], where: dict | None):
    from gridterm.core import attachments
    from gridterm.core.dates import township_zone
    from gridterm.core.model import now_iso

    zone = township_zone(store.meta_get("timezone"))
    return attachments.attach_files(store, record_id, files, now=now_iso(), zone=zone, where=where)
