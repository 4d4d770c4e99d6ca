"""The officer's header says when the township has a newer gridterm, and a sync that brings
the news says once which command installs it."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from gridterm import __version__
from gridterm.client.updates import upgrade_command
from gridterm.core.i18n import set_language, t
from gridterm.ui.kit.messages import SyncStateChanged

from .conftest import SIZES, make_app

URL = "http://10.1.2.3:8080"


@pytest.fixture(autouse=True)
def english():
    set_language("en")


def header(app) -> str:
    return str(app.screen.query_one("#hdr-status", Static).render())


def township_says(store, update: str, recommended: str = "0.9.0", reported=__version__) -> None:
    store.meta_set("enrollment", {"service_url": URL, "token": "t"})
    store.meta_set(
        "client_update",
        {"recommended": recommended, "lowest": None, "reported": reported, "update": update},
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_header_says_an_update_is_there_and_a_sync_says_how_once(store, size):
    township_says(store, "available")
    app = make_app(store)
    said: list[tuple[str, str]] = []
    async with app.run_test(size=size) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (
            said.append((kw.get("severity", ""), message)),
            original(message, **kw),
        )
        assert header(app).endswith(" · " + t("install.header.available", version="0.9.0"))
        for _ in range(2):
            app.post_message(SyncStateChanged("synced"))
            await pilot.pause()
        assert said == [
            (
                "information",
                t("install.notify", version="0.9.0", command=upgrade_command(URL)),
            )
        ]
        # Required is news again, said as a warning.
        township_says(store, "required")
        app.post_message(SyncStateChanged("synced"))
        await pilot.pause()
        assert said[-1][0] == "warning" and len(said) == 2
        assert header(app).endswith(t("install.header.required", version="0.9.0"))


@pytest.mark.parametrize(
    "update, reported", [("none", __version__), (None, __version__), ("available", "0.0.1")]
)
async def test_nothing_is_said_when_there_is_nothing_to_install(store, update, reported):
    township_says(store, update or "none", reported=reported)
    if update is None:
        store.meta_set("client_update", None)
    app = make_app(store)
    said: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify = lambda message, **kw: said.append(message)
        app.post_message(SyncStateChanged("synced"))
        await pilot.pause()
        assert "update" not in header(app)
        assert said == []
