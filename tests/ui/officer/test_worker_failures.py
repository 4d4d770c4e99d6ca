"""A worker that fails is said in the app, in the user's language, and never ends the app.

Textual's workers default to ``exit_on_error=True``: a printer that is not there used to end
the officer's whole app from the receipt screen (``ReceiptError`` → ``WorkerFailed``).
"""

from __future__ import annotations

import ast
import contextlib
from pathlib import Path

import pytest
from textual.worker import Worker, WorkerFailed

import gridterm.ui
from gridterm.core.i18n import set_language, t
from gridterm.core.receipts import issue
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.receipt import ReceiptScreen

from .conftest import NOW, SIZES, fixed_clock, make_app

UI = Path(gridterm.ui.__file__).resolve().parent
REPORT = {
    "category": "safety",
    "urgency": "normal",
    "place": "东村3组",
    "description": "燃气软管老化，需要更换",
}


ENROLLMENT = {
    "service_url": "https://qingshan.example.gov.cn",
    "device_id": "dev-failures",
    "token": "tok",
    "device_secret": "device-secret",
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}


class NoSyncApp(GridtermApp):
    """Enrolled (so the receipt has its QR code), without the background sync: no network."""

    def _load_sync_worker(self) -> None:
        pass


async def ended(pilot, worker: Worker) -> None:
    """Until the worker has ended (in an error, here) and the app has heard of it."""
    with contextlib.suppress(WorkerFailed):
        await worker.wait()
    await pilot.pause()


def said(app) -> list[tuple[str, str]]:
    """Every notification from now on, as (severity, message)."""
    seen: list[tuple[str, str]] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        seen.append((kwargs.get("severity", "information"), str(message)))
        return original(message, *args, **kwargs)

    app.notify = notify
    return seen


async def open_receipt(app, store, pilot) -> ReceiptScreen:
    record = store.create("report", REPORT)
    # Issued directly: an enrollment in the store would start the background sync.
    receipt = issue(record, "device-secret", now=NOW)
    record = store.update(record["id"], receipts=[receipt])
    await app.push_screen(ReceiptScreen(record, receipt))
    await pilot.pause()
    return app.screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_printing_to_a_missing_printer_is_said_and_the_app_goes_on(store, tmp_path, size):
    set_language("en")
    missing = tmp_path / "no-such-folder" / "lp0"
    store.meta_set("printer", str(missing))
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        screen = await open_receipt(app, store, pilot)
        notes = said(app)
        await pilot.press("p")
        await ended(pilot, screen.worker)
        assert app.is_running and app.screen is screen
        errors = [message for severity, message in notes if severity == "error"]
        assert errors == [
            t(
                "receipts.print.device_failed",
                dest=str(missing),
                reason="No such file or directory",
            )
        ]
        # Still usable: the receipt screen answers its keys.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReceiptScreen)
    assert app.return_code in (None, 0)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_an_unexpected_failure_is_named_in_the_users_language(store, tmp_path, size):
    set_language("zh_CN")
    store.meta_set("enrollment", ENROLLMENT)
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("")
    # receipts/ cannot be made inside a file: an OSError, not one of gridterm's own errors.
    app = NoSyncApp(store, data_dir=blocker, clock=fixed_clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_receipt(app, store, pilot)
        notes = said(app)
        await pilot.press("s")
        await ended(pilot, screen.worker)
        assert app.is_running and app.screen is screen and screen.saved is None
        [(severity, message)] = notes
        assert severity == "error"
        assert message.startswith(t("kit.error.unexpected", detail=""))
        assert "NotADirectoryError" in message or "FileExistsError" in message


def _worker_calls(tree: ast.AST):
    """Every ``@work(...)`` decorator and ``….run_worker(...)`` call, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Name) and target.id == "work":
                    yield decorator
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run_worker"
        ):
            yield node


def _keeps_running(call: ast.AST) -> bool:
    if not isinstance(call, ast.Call):
        return False  # a bare @work takes Textual's default: exit on error
    return any(
        kw.arg == "exit_on_error" and isinstance(kw.value, ast.Constant) and kw.value.value is False
        for kw in call.keywords
    )


def test_every_worker_in_the_uis_reports_instead_of_ending_the_app():
    found, ending = 0, []
    for path in sorted(UI.rglob("*.py")):
        for call in _worker_calls(ast.parse(path.read_text(encoding="utf-8"))):
            found += 1
            if not _keeps_running(call):
                ending.append(f"{path.relative_to(UI.parent.parent)}:{call.lineno}")
    assert found >= 10  # the check sees the workers it is about
    assert ending == [], "workers that would end the app on an error: " + ", ".join(ending)


def test_the_worker_check_would_see_a_default_worker():
    source = "@work(thread=True)\ndef load(self): ...\nself.run_worker(job, thread=True)\n"
    calls = list(_worker_calls(ast.parse(source)))
    assert len(calls) == 2 and not any(_keeps_running(c) for c in calls)
