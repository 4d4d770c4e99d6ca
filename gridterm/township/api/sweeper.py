"""The county ladder's periodic sweep, as one background task in each service process's
lifespan (:func:`gridterm.township.services.escalation.sweep`).

Every process sweeps; the sweep's changes are compare-and-set updates, so several processes
(``--workers 4``, several machines on one PostgreSQL) sweeping at once change each record
once.  A sweep that fails (the database away for a moment) is logged by type and tried again
at the next tick; it never ends the service.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread

from gridterm.township.services import escalation

log = logging.getLogger("gridterm.township")

DEFAULT_SECONDS = 60.0


def interval(seconds: float | None) -> float:
    """``seconds``, else ``GRIDTERM_SWEEP_SECONDS``, else the default; 0 turns it off."""
    if seconds is not None:
        return max(0.0, float(seconds))
    try:
        return max(0.0, float(os.environ.get("GRIDTERM_SWEEP_SECONDS", DEFAULT_SECONDS)))
    except ValueError:
        return DEFAULT_SECONDS


async def _loop(state: Any, every: float) -> None:
    while True:
        await anyio.sleep(every)
        try:
            await anyio.to_thread.run_sync(escalation.sweep, state.write_sessions, state.sessions)
        except Exception as exc:  # noqa: BLE001 - a failed sweep waits for the next tick
            log.warning("county sweep failed (%s)", type(exc).__name__)


@asynccontextmanager
async def sweeping(state: Any, seconds: float | None) -> AsyncIterator[None]:
    """Run the sweep every ``seconds`` while the block runs."""
    every = interval(seconds)
    if every <= 0:
        yield
        return
    async with anyio.create_task_group() as group:
        group.start_soon(_loop, state, every)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
