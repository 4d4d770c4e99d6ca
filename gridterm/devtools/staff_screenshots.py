"""SVG screenshots of the staff console for ``screens/`` (the README shows them).

    python -m gridterm.devtools.staff_screenshots [--out screens] [--lang zh_CN]

Runs ``gridterm demo``'s township (a temporary SQLite service on 127.0.0.1 with the demo data
synced from a temporary device) and drives the real console with Pilot at 80×24 and 120×40:
the incoming list (to handle: open reports and cases), the reports only, a report's detail,
the move dialog, the export dialog; then the county console on a county built around the
demo township (:mod:`gridterm.devtools.county_shots`).
Needs the ``[township]`` extra (it runs the service).  ``python -m gridterm.devtools.screenshots`` runs
it too, after the officer's screens.

The pictures are the same on every run: the clocks are fixed (the device's record times, the
service's received and event times and the console's "now", all on 25 November 2026), and so
are the demo data, the record ids and the receipt numbers (:func:`reproducible`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import functools
import itertools
import os
import random
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

SIZES = ((80, 24), (120, 40))
CHINA = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 25)
DEVICE_START = dt.datetime(2026, 11, 25, 8, 0, tzinfo=CHINA)  # the officer's records
SERVICE_START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=CHINA)  # the township's clock
CONSOLE_NOW = dt.datetime(2026, 11, 25, 16, 0, tzinfo=CHINA)  # when staff look at it
SEED = 2026


def _ticking(start: dt.datetime, step: float = 1.0) -> Callable[[], dt.datetime]:
    """A clock that moves ``step`` seconds each time it is read, from ``start``."""
    ticks = itertools.count()
    return lambda: start + dt.timedelta(seconds=step * next(ticks))


@contextlib.contextmanager
def reproducible() -> Iterator[None]:
    """Fix what would make two runs draw different pictures: the device's and the service's
    clocks (a step per reading), the demo data's day, record ids and receipt numbers.
    The service runs in this process (a thread), so its clock is fixed here too."""
    from gridterm.core import demo_data, model, receipts
    from gridterm.township.db import base as db_base

    device_clock = _ticking(DEVICE_START)
    service_clock = _ticking(SERVICE_START, step=20.0)  # the list's times spread out a little

    class ServiceDatetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001 - datetime's own signature
            moment = service_clock()
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    service_dt = types.SimpleNamespace(**{**vars(dt), "datetime": ServiceDatetime})
    ids = random.Random(SEED)
    numbers = random.Random(SEED + 1)

    def new_number() -> str:
        body = "".join(numbers.choice(receipts.ALPHABET) for _ in range(receipts.BODY_LENGTH))
        return body + receipts.check_character(body)

    with contextlib.ExitStack() as stack:
        # The county's sweep reads the service's clock on a timer: off, so every run reads it
        # the same number of times in the same order.
        stack.enter_context(mock.patch.dict(os.environ, {"GRIDTERM_SWEEP_SECONDS": "0"}))
        stack.enter_context(mock.patch.object(model, "now_iso", lambda: device_clock().isoformat()))
        stack.enter_context(
            mock.patch.object(
                demo_data, "populate", functools.partial(demo_data.populate, today=TODAY)
            )
        )
        stack.enter_context(mock.patch.object(receipts, "new_number", new_number))
        # db.utcnow (and every table's default times) read the clock of db/base.py
        stack.enter_context(mock.patch.object(db_base, "dt", service_dt))
        stack.enter_context(
            mock.patch.object(uuid, "uuid4", lambda: uuid.UUID(int=ids.getrandbits(128), version=4))
        )
        yield


async def _until(pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the console did not get there in time")
        await pilot.pause(0.05)


EXPORT_FOLDER = Path("/home/staff")


def _saver(out: Path, size: tuple[int, int], written: list[Path]) -> Callable[[object, str], None]:
    """``save(app, name)``: the app's screen as ``staff-NAME-WxH.svg`` in ``out``."""
    from textual.widgets import Input

    suffix = f"{size[0]}x{size[1]}"

    def save(app, name: str) -> None:
        for widget in app.screen.query(Input):
            widget.cursor_blink = False  # a blinking cursor would be on or off by chance
        path = out / f"staff-{name}-{suffix}.svg"
        path.write_text(app.export_screenshot(title=f"gridterm staff · {name}"), "utf-8")
        written.append(path)

    return save


def _console(url: str, token: str):
    from gridterm.client.staff import StaffClient
    from gridterm.ui.staff.app import StaffApp

    app = StaffApp(
        StaffClient(url, token),
        refresh_every=0,
        clock=lambda: CONSOLE_NOW,
        export_folder=EXPORT_FOLDER,  # not the folder the run started in: the same pictures anywhere
    )
    app.animation_level = "none"  # waiting bars drawn still
    return app


async def _shoot(
    url: str, token: str, out: Path, size: tuple[int, int], photo_record: str | None = None
) -> list[Path]:
    from gridterm.ui.staff.screens.detail import DetailScreen
    from gridterm.ui.staff.screens.export import ExportDialog
    from gridterm.ui.staff.screens.incoming import IncomingScreen
    from gridterm.ui.staff.screens.photos import PhotoScreen
    from gridterm.ui.staff.screens.questions import QuestionsScreen
    from gridterm.ui.staff.screens.transition import TransitionDialog

    written: list[Path] = []
    save = _saver(out, size, written)
    app = _console(url, token)
    async with app.run_test(size=size) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, IncomingScreen) and app.screen.items)
        await app.workers.wait_for_complete()
        await pilot.pause()
        save(app, "list")  # the first screen: open reports and cases (to handle)
        await pilot.press("k", "k")  # to handle -> all -> reports
        await app.workers.wait_for_complete()
        await _until(
            pilot,
            lambda: (
                app.screen.filters["kind"] == "report"
                and app.screen.items
                and all(i["kind"] == "report" for i in app.screen.items)
            ),
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        save(app, "reports")
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.record)
        await pilot.pause()
        save(app, "detail")
        if app.screen.record.get("allowed_transitions"):
            await pilot.press("t")
            await _until(pilot, lambda: isinstance(app.screen, TransitionDialog))
            await pilot.pause()
            save(app, "transition")
            await pilot.press("escape")
        await pilot.press("escape")
        await _until(pilot, lambda: isinstance(app.screen, IncomingScreen))
        await pilot.press("e")
        await _until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await pilot.pause()
        save(app, "export")
        await pilot.press("escape")
        await _until(pilot, lambda: isinstance(app.screen, IncomingScreen))
        await pilot.press("w")  # residents' questions about the village's notices (issue 17)
        await _until(pilot, lambda: isinstance(app.screen, QuestionsScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        save(app, "questions")
        await pilot.press("escape")
        if photo_record:  # the demo's report with a photo: its detail, then f (issue 16)
            await _until(pilot, lambda: isinstance(app.screen, IncomingScreen))
            app.push_screen(DetailScreen(photo_record))
            await _until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.record)
            await pilot.press("f")
            await _until(pilot, lambda: isinstance(app.screen, PhotoScreen))
            await app.workers.wait_for_complete()
            await pilot.pause()
            save(app, "photo")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gridterm.devtools.staff_screenshots")
    parser.add_argument("--out", default="screens")
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args(argv)

    from gridterm.core.i18n import set_language

    set_language(args.lang)
    for path in shoot_all(Path(args.out)):
        print(path)
    return 0


def shoot_all(out: Path) -> list[Path]:
    """Every staff console screenshot into ``out``, the same on every run; the files written."""
    from gridterm.cli import demo
    from gridterm.core.store import Store
    from gridterm.devtools import county_shots

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with reproducible(), tempfile.TemporaryDirectory(prefix="gridterm-shots-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'township.db'}"
        with demo.serve(db_url) as url, Store.open(Path(tmp) / "device") as store:
            built = demo.build(store, db_url, url)
            with_photo = [
                r for r in store.query(kind="report", archived=True) if r["data"].get("attachments")
            ]
            photo_record = with_photo[0]["id"] if with_photo else None
            for size in SIZES:
                shots = _shoot(url, built.staff_token, out, size, photo_record)
                written.extend(asyncio.run(shots))
            # The county after the township's pictures (its escalation would show in them).
            county = county_shots.build(db_url, url, built.staff_token, Path(tmp))
            for size in SIZES:
                make_app = functools.partial(_console, url)
                save = _saver(out, size, written)
                asyncio.run(county_shots.shoot(make_app, county, save, size))
    return written


if __name__ == "__main__":
    sys.exit(main())
