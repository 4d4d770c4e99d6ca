"""The sync state has one owner, the app: the worker tells it with a message, and the header
of every screen on the stack follows, without the worker touching a screen."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from gridterm.core.i18n import set_language, t
from gridterm.ui.kit.messages import SyncStateChanged
from gridterm.ui.officer.sync_worker import SyncWorker
from gridterm.ui.officer.widgets.sync_status import status_text

from .conftest import NOW, SIZES, make_app


def headers(app) -> list[str]:
    return [str(s.query_one("#hdr-status", Static).render()) for s in app.screen_stack]


@pytest.fixture(autouse=True)
def english():
    set_language("en")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_header_follows_the_apps_sync_state(store, size):
    store.create(
        "report",
        {"category": "safety", "urgency": "normal", "place": "东村", "description": "路灯不亮"},
    )
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        app.action_open("outbox")
        await pilot.pause()
        assert len(app.screen_stack) == 2 and app.sync_state is None
        outbox = t("tui.header.outbox", count=1)
        assert headers(app) == [f"{outbox} · {t('tui.header.never')}"] * 2
        for state in ("syncing", "offline"):
            app.post_message(SyncStateChanged(state))
            await pilot.pause()
            assert app.sync_state == state
            assert headers(app) == [f"{outbox} · {status_text(state, None, NOW)}"] * 2


async def test_the_worker_publishes_to_the_app(store):
    app = make_app(store)
    said: list[tuple[str, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (
            said.append((kw.get("severity", ""), message)),
            original(message, **kw),
        )
        worker = SyncWorker(app)  # not started: no timer, no network
        worker._publish("error", "the service refused this device")
        await pilot.pause()
        assert app.sync_state == "error"
        assert status_text("error", None, NOW) in headers(app)[0]
        message = t("sync.status.sync_failed", message="the service refused this device")
        assert said == [("error", message)]


def test_a_pass_that_only_sent_photos_reloads_the_screens():
    """The outbox counts photos waiting: a background pass that sent only photos must make
    the screens reload, or they keep saying the photos wait (issue 16)."""
    from gridterm.client.sync import PullResult, PushResult, SyncSummary
    from gridterm.client.upload import UploadResult
    from gridterm.ui.officer.sync_worker import _changed_anything

    def summary(**upload) -> SyncSummary:
        return SyncSummary(PushResult(), PullResult(), 0, 0, "", 0.0, UploadResult(**upload))

    assert not _changed_anything(summary())
    assert _changed_anything(summary(sent=1))
    assert _changed_anything(summary(already=2))
