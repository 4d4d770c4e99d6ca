"""A roster imported with the admin command reaches an officer's device with pull, exactly as
before, and the officer's Households screen (Pilot) lists every household — on SQLite and
PostgreSQL.  The file is a one-row-per-person XLSX as townships keep it
(:mod:`tests.township.roster_files`)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from gridterm.client import sync
from gridterm.township.services.roster import import_households
from tests.sync.live import FAST, enroll_store
from tests.township.roster_files import person_rows, write_xlsx

pytest.importorskip("gridterm.ui.officer.app")
from gridterm.ui.officer.app import GridtermApp  # noqa: E402
from gridterm.ui.officer.screens.households import HouseholdsScreen  # noqa: E402


async def _listed(store) -> tuple[int, str]:
    """(rows the Households screen holds once scrolled to its end, its count line)."""
    app = GridtermApp(store)
    async with app.run_test(size=(50, 25)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.action_open("households")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        table = app.screen.query_one("#hh-table", DataTable)
        table.focus()
        for _ in range(120):
            await pilot.press("down")
        await pilot.pause()
        return table.row_count, str(app.screen.query_one("#hh-count").render())


@pytest.mark.timeout(120)
async def test_imported_twice_then_synced_the_households_screen_lists_all_100(
    live_service, tmp_path
):
    grid = live_service.make_grid()
    store = enroll_store(live_service, tmp_path / "device", grid)
    config = sync.SyncConfig(**FAST)
    try:
        path = write_xlsx(tmp_path / "花名册.xlsx", person_rows(100))
        with live_service.admin_session() as s:
            assert import_households(s, grid.grid_id, path) == 100
        with live_service.admin_session() as s:
            assert import_households(s, grid.grid_id, path) == 100  # the same file again
        assert sync.sync_once(store, config).pull.households == 100
        pulled = {h["id"]: h for h in store.households()}
        assert len(pulled) == 100
        rows, count = await _listed(store)
        assert rows == 100 and "100" in count

        # The township corrects one household: the device gets it in place, same id.
        rows_in_file = person_rows(100)
        rows_in_file[0][7] = "13999999999"  # 胡丽's phone
        write_xlsx(path, rows_in_file)
        with live_service.admin_session() as s:
            import_households(s, grid.grid_id, path)
        assert sync.sync_once(store, config).pull.households == 1
        now = {h["id"]: h for h in store.households()}
        assert now.keys() == pulled.keys()
        (changed,) = [i for i in now if now[i] != pulled[i]]
        assert now[changed]["head"] == "胡丽" and now[changed]["phone"] == "13999999999"
    finally:
        store.close()
