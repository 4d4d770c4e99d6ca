"""Regenerate the SVG screenshots in ``screens/``: every screen of the officer's app, in
Chinese, at 80×24 and 50×25, from the real app on a fresh store holding the demo data — and
then the staff console's (``screens/staff-*.svg``, gridterm/devtools/staff_screenshots.py).

    python -m gridterm.devtools.screenshots [--out screens] [--lang zh_CN] [--no-staff]

The store is a temporary one; the clock is fixed (25 November 2026, 10:00 +08:00) so the
pictures only change when the screens do.  The device is shown as enrolled (a demo
enrollment, never used: the background sync is not started here).  The staff console's
pictures need the ``[township]`` extra (they run the demo service on 127.0.0.1); without it
they are skipped with a note.  Their clocks and data are fixed too: two runs give the same
files.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import itertools
import random
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

from gridterm.devtools import affairs_shots

CHINA = timezone(timedelta(hours=8))
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA)
SIZES = ((80, 24), (50, 25))
DEMO_ENROLLMENT = {
    "service_url": "https://zhen.example.gov.cn",
    "device_id": "demo-device",
    "token": "demo",
    "device_secret": "demo-secret-not-for-use",
    "officer": {"id": "o-1", "name": "张明", "phone": "13800000000"},
    "grid": {"id": "g-1", "name": "东河村第一网格"},
    "township": {"id": "t-1", "name": "东河镇"},
}


@dataclass
class Shot:
    name: str  # file name stem
    screen: str | None  # registry name (None: Home)
    kwargs: Callable[[dict], dict] = lambda ids: {}
    keys: tuple[str, ...] = ()
    push: Callable[[object, dict], object] | None = None  # builds a screen not in the registry
    after: tuple[str, ...] = field(default_factory=tuple)
    sizes: tuple[tuple[int, int], ...] = SIZES


def _shots() -> list[Shot]:
    return [
        Shot("home", None),
        Shot("palette", None, keys=("ctrl+p",)),
        Shot("households", "households", keys=("王",)),
        Shot("household", "household", lambda ids: {"household_id": ids["household"]}),
        Shot("household-form", "household_form", lambda ids: {"household_id": ids["household"]}),
        Shot("member-form", "household_form", keys=("ctrl+n",)),
        Shot("outbox", "outbox", keys=("2",)),
        Shot("feedback", "feedback"),
        Shot("settings", "settings"),
        Shot("visit-start", "visit", lambda ids: {"household_id": ids["household"]}),
        Shot("visit-walk", "visit", lambda ids: {"household_id": ids["household"]}, ("1",)),
        Shot("visit-summary", None, push=_visit_summary_screen),
        Shot("cases", "cases"),
        Shot("case", "case", lambda ids: {"case_id": ids["case"]}),
        Shot("agreement", "case", lambda ids: {"case_id": ids["case"]}, ("p",)),
        Shot("report", "report"),
        Shot("photos", None, push=_photos_screen),
        Shot("roster", "roster"),
        Shot("receipt", None, push=_receipt_screen),
        # Termux on a small phone: the code with a narrower margin, its number in the header.
        Shot("receipt", None, push=_receipt_screen, sizes=((40, 20),)),
        Shot("receipts", "receipts"),
        Shot("keys", None, keys=("question_mark",)),
        *affairs_shots.shots(Shot),
    ]


def _visit_summary_screen(app, ids: dict):
    """The safety checklist walked to its summary (every item answered, nothing flagged)."""
    from gridterm.core import checklists
    from gridterm.ui.officer.screens.visit_walk import VisitWalkScreen

    template = checklists.find(checklists.builtin_templates(), "safety")
    answers: dict = {}
    for item in template["items"]:
        if item["type"] == "yes_no":
            answers[item["key"]] = item.get("flag_if") is not True
        elif item["type"] == "choice":
            answers[item["key"]] = item["options"][min(1, len(item["options"]) - 1)]["value"]
        elif item["type"] == "number":
            answers[item["key"]] = 0
    draft = {
        "household_id": ids["household"],
        "template_id": template["id"],
        "template_version": template["version"],
        "answers": answers,
        "index": len(template["items"]),
        "reports": {},
        "notes": "",
        "follow_up": "",
        "started_at": NOW.isoformat(),
    }
    return VisitWalkScreen(app.store.get(ids["household"]), template, draft)


def _photos_screen(app, ids: dict):
    """The report form's photos (ctrl+o): one photo kept on the device, waiting to be sent."""
    from gridterm.core.i18n import t
    from gridterm.ui.officer.screens.attachments import AttachmentsScreen

    return AttachmentsScreen(ids["photos"], what=t("evidence.what.report"))


def _receipt_screen(app, ids: dict):
    from gridterm.ui.officer.screens.receipt import ReceiptScreen

    record = app.store.get(ids["report"])
    return ReceiptScreen(record, record["receipts"][0])


def _prepare(folder: Path) -> dict:
    from gridterm.core import model, receipts
    from gridterm.core.demo_data import populate
    from gridterm.core.store import Store

    ticks = itertools.count()

    def now_iso() -> str:
        return (
            datetime(2026, 11, 25, 8, 0, tzinfo=CHINA) + timedelta(seconds=next(ticks))
        ).isoformat()

    # Record ids from a seeded generator: a screen that shows one (the agreement's A4 link)
    # draws the same picture every run.
    ids_rng = random.Random(20261125)

    def uuid4() -> uuid.UUID:
        return uuid.UUID(int=ids_rng.getrandbits(128), version=4)

    store = Store.open(folder)
    with mock.patch.object(model, "now_iso", now_iso), mock.patch.object(uuid, "uuid4", uuid4):
        populate(store, today=TODAY)
        store.meta_set("enrollment", DEMO_ENROLLMENT)
        report = next(
            r for r in store.query(kind="report") if not r.get("status") and not r.get("sync_error")
        )
        body = "4X6YNVYFZP"  # a fixed receipt number, so the picture does not change each run
        with mock.patch.object(
            receipts, "new_number", lambda: body + receipts.check_character(body)
        ):
            issued = receipts.issue(report, DEMO_ENROLLMENT["device_secret"], now=NOW)
        store.update(report["id"], receipts=[issued])
        affairs = affairs_shots.prepare(store, DEMO_ENROLLMENT)
        photos = [_demo_photo(store, report["id"])]
    household = store.query(kind="household")[0]
    case = next(r for r in store.query(kind="case") if not r["data"].get("closed_at"))
    ids = {"household": household["id"], "case": case["id"], "report": report["id"], **affairs}
    ids["photos"] = photos
    store.close()
    return ids


def _demo_photo(store, record_id: str) -> dict:
    """The demo's photo kept in the device's content store for ``record_id``; its entry."""
    from gridterm.core import attachments, demo_data
    from gridterm.core.attachments.attach import photo_entry
    from gridterm.core.attachments.prepare import prepare_photo

    prepared = prepare_photo(
        demo_data.demo_photo_png(), "现场照片.png", allow_location=False, zone=CHINA
    )
    sha = attachments.contents_of(store).add(
        prepared.data, name=prepared.name, type=prepared.type, now=NOW.isoformat(), record=record_id
    )
    return photo_entry(prepared, sha, None)


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _take(store, ids: dict, shot: Shot, size: tuple[int, int], out: Path) -> str | None:
    """One screenshot, on ``store`` (a fresh copy of the demo store: drafts do not carry over)."""
    from textual.widgets import Input

    from gridterm.ui.officer.app import GridtermApp
    from gridterm.ui.officer.registry import load_screen_class, screen_available

    class ScreenshotApp(GridtermApp):
        def _load_sync_worker(self) -> None:  # no network from a screenshot
            return None

    if shot.screen and not screen_available(shot.screen):
        return None
    app = ScreenshotApp(store, data_dir=Path("~/.local/share/gridterm"), clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        if shot.push is not None:
            await app.push_screen(shot.push(app, ids))
        elif shot.screen:
            cls = load_screen_class(shot.screen)
            kwargs = shot.kwargs(ids)
            accepted = inspect.signature(cls.__init__).parameters
            app.action_open(shot.screen, **{k: v for k, v in kwargs.items() if k in accepted})
        await _settle(pilot)
        for key in shot.keys:
            await pilot.press(key)
            await _settle(pilot)
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        await _settle(pilot)
        name = f"{shot.name}-{size[0]}x{size[1]}.svg"
        (out / name).write_text(app.export_screenshot(title=f"gridterm · {shot.name}"), "utf-8")
        return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screens", help="folder for the SVG files")
    parser.add_argument("--lang", default="zh_CN", help="zh_CN (default) or en")
    parser.add_argument(
        "--no-staff", action="store_true", help="only the officer's app, not the staff console"
    )
    args = parser.parse_args(argv)

    from gridterm.core.i18n import set_language

    set_language(args.lang)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="gridterm-screens-"))
    written: list[str] = []
    try:
        from gridterm.core.store import Store

        ids = _prepare(work / "demo")
        taken = [(shot, size) for shot in _shots() for size in shot.sizes]
        for n, (shot, size) in enumerate(taken):
            copy = work / f"shot{n}"
            shutil.copytree(work / "demo", copy)
            try:
                with Store.open(copy) as store:
                    name = asyncio.run(_take(store, ids, shot, size, out))
            except Exception as exc:  # one broken screen must not stop the rest
                print(f"{shot.name} {size[0]}x{size[1]}: {exc!r}", file=sys.stderr)
                continue
            if name:
                written.append(name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name in written:
        print(out / name)
    if not args.no_staff:
        return _staff_screens(out)
    return 0


def _staff_screens(out: Path) -> int:
    """The staff console's pictures (they need the township service's packages)."""
    try:
        import uvicorn  # noqa: F401

        import gridterm.township.app  # noqa: F401
    except ModuleNotFoundError as exc:
        print(f"staff console screenshots skipped: {exc}", file=sys.stderr)
        return 0
    from gridterm.devtools.staff_screenshots import shoot_all

    for path in shoot_all(out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
