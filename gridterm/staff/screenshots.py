"""SVG screenshots of the staff console for ``screens/`` (the README shows them).

    python -m gridterm.staff.screenshots [--out screens] [--lang zh_CN]

Runs ``gridterm demo``'s township (a temporary SQLite service on 127.0.0.1 with the demo data
synced from a temporary device) and drives the real console with Pilot at 80×24 and 120×40:
the incoming list (to handle: open reports and cases), the reports only, a report's detail,
the move dialog, the export dialog.
Needs the ``[township]`` extra (it runs the service).  Times in the pictures are the time of
the run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZES = ((80, 24), (120, 40))


async def _until(pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the console did not get there in time")
        await pilot.pause(0.05)


async def _shoot(url: str, token: str, out: Path, size: tuple[int, int]) -> list[Path]:
    from gridterm.staff.app import StaffApp
    from gridterm.staff.client import StaffClient
    from gridterm.staff.screens.detail import DetailScreen
    from gridterm.staff.screens.export import ExportDialog
    from gridterm.staff.screens.incoming import IncomingScreen
    from gridterm.staff.screens.transition import TransitionDialog

    written: list[Path] = []
    suffix = f"{size[0]}x{size[1]}"

    def save(app, name: str) -> None:
        path = out / f"staff-{name}-{suffix}.svg"
        path.write_text(app.export_screenshot(title=f"gridterm staff · {name}"), "utf-8")
        written.append(path)

    app = StaffApp(StaffClient(url, token), refresh_every=0)
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
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gridterm.staff.screenshots")
    parser.add_argument("--out", default="screens")
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args(argv)

    from gridterm.commands import demo
    from gridterm.i18n import set_language
    from gridterm.store import Store

    set_language(args.lang)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gridterm-shots-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'township.db'}"
        with demo.serve(db_url) as url, Store.open(Path(tmp) / "device") as store:
            built = demo.build(store, db_url, url)
            for size in SIZES:
                for path in asyncio.run(_shoot(url, built.staff_token, out, size)):
                    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
