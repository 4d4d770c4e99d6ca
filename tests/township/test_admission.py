"""The write queue (gridterm.township.api.admission): writers wait their turn without holding
a thread, and when the wait ahead is too long they are told at once to come back later."""

from __future__ import annotations

import asyncio
import threading

import pytest

from gridterm.township.api.admission import WriteQueue
from gridterm.township.api.errors import ApiError


async def test_one_slot_runs_one_write_at_a_time_in_arrival_order():
    queue = WriteQueue(1)
    order: list[int] = []
    inside = 0
    most = 0
    lock = threading.Lock()

    def work(n: int) -> int:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        order.append(n)
        with lock:
            inside -= 1
        return n * 2

    done = await asyncio.gather(*(queue.run(work, n) for n in range(30)))
    assert done == [n * 2 for n in range(30)]
    assert most == 1
    assert order == list(range(30))


async def test_a_long_queue_is_refused_at_once_with_retry_after():
    queue = WriteQueue(1, max_wait=1.0)
    release = threading.Event()
    holder = asyncio.create_task(queue.run(release.wait))
    await asyncio.sleep(0)  # the holder takes the slot
    # Each waiter adds the mean write time (20 ms at first) to the wait ahead: past 1 s,
    # newcomers are refused — while the slot's holder is still inside, so without waiting.
    waiters = [asyncio.create_task(queue.run(lambda: "ran")) for _ in range(80)]
    for _ in range(5):
        await asyncio.sleep(0)
    refused = [w for w in waiters if w.done()]
    assert refused, "nobody was turned away"
    assert not holder.done()
    for task in refused:
        error = task.exception()
        assert isinstance(error, ApiError) and error.status == 503
        assert int(error.headers["Retry-After"]) >= 1
    release.set()
    await holder
    kept = [w for w in waiters if w not in refused]
    assert kept and all(r == "ran" for r in await asyncio.gather(*kept))


async def test_a_wait_that_runs_out_is_refused_not_hung():
    queue = WriteQueue(1, max_wait=0.2)
    release = threading.Event()
    holder = asyncio.create_task(queue.run(release.wait))
    await asyncio.sleep(0)
    with pytest.raises(ApiError) as refused:
        await queue.run(lambda: "never")
    assert refused.value.status == 503 and refused.value.headers["Retry-After"]
    assert not holder.done()
    release.set()
    await holder
    assert await queue.run(lambda: "after") == "after"
