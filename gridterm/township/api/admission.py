"""The write queue: how many requests write the database at once, and who waits.

Requests that write take a slot here before they touch the database, and they wait for it
*in the event loop* — a waiting request holds no worker thread, no pooled connection and no
database lock.  A request that held the write lock (``BEGIN IMMEDIATE``) while waiting for a
worker thread to run its body is what stalled a training day's burst of enrollments: every
thread was blocked behind the lock, and the lock's holder waited for a thread (issue 13).

* SQLite: one slot per process (SQLite has one writer anyway; queueing here is fair and wakes
  the next request at once, where ``busy_timeout`` polls with growing sleeps).
* PostgreSQL: a few slots per process, fewer than the connection pool holds, so writers never
  wait for a connection that readers hold.

Nothing waits without bound: a request is turned away at once with 503 and ``Retry-After``
when the queue ahead of it would take longer than :attr:`WriteQueue.max_wait` to drain (judged
from how long recent writes took), and a request that waited that long all the same is turned
away then.  Clients retry 503 after ``Retry-After`` (gridterm.client does).
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import anyio.lowlevel
import anyio.to_thread

from gridterm.township.api.errors import ApiError

T = TypeVar("T")


class WriteQueue:
    def __init__(self, slots: int, *, max_wait: float = 8.0, max_waiting: int = 2000) -> None:
        self.slots = slots
        self.max_wait = max_wait
        self.max_waiting = max_waiting
        self._per_loop: anyio.lowlevel.RunVar[tuple[anyio.CapacityLimiter, ...]] = (
            anyio.lowlevel.RunVar(f"gridterm-write-queue-{id(self)}")
        )
        # Touched from the event loop only (one thread): no lock.
        self._waiting = 0
        self._mean = 0.02  # seconds per write, a running mean (first guess: 20 ms)

    def _limiters(self) -> tuple[anyio.CapacityLimiter, ...]:
        # Made inside the running event loop, once per loop (anyio binds them to it; a test
        # client may run one loop per request).
        try:
            return self._per_loop.get()
        except LookupError:
            # Threads of our own: a write never waits behind the shared pool's 40 threads.
            made = (anyio.CapacityLimiter(self.slots), anyio.CapacityLimiter(self.slots + 1))
            self._per_loop.set(made)
            return made

    def expected_wait(self) -> float:
        """Seconds the writes already queued are expected to take, at the recent pace."""
        return self._waiting * self._mean / self.slots

    def _refuse(self, seconds: float) -> ApiError:
        return ApiError(
            503,
            "unavailable",
            "hardening.error.busy",
            headers={"Retry-After": str(max(1, math.ceil(seconds)))},
        )

    def _timed(self, seconds: float) -> None:
        # One slow write (a checkpoint, a cold cache) moves the mean by a bounded step, so it
        # cannot make the queue turn everyone away at once.
        sample = min(max(seconds, self._mean / 4), self._mean * 4)
        self._mean = 0.9 * self._mean + 0.1 * sample

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a write slot for the block; 503 + Retry-After when the wait would be long."""
        limiter, _ = self._limiters()
        ahead = self.expected_wait()
        if self._waiting >= self.max_waiting or ahead > self.max_wait:
            raise self._refuse(ahead)
        # A borrower of our own: a dependency's setup and teardown may run in different tasks.
        borrower = object()
        self._waiting += 1
        try:
            with anyio.move_on_after(self.max_wait) as scope:
                await limiter.acquire_on_behalf_of(borrower)
        finally:
            self._waiting -= 1
        if scope.cancelled_caught:
            raise self._refuse(self.expected_wait() or self.max_wait)
        started = anyio.current_time()
        try:
            yield
        finally:
            limiter.release_on_behalf_of(borrower)
            self._timed(anyio.current_time() - started)

    async def in_thread(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in one of the queue's own worker threads (no slot taken)."""
        _, threads = self._limiters()
        return await anyio.to_thread.run_sync(work, *args, limiter=threads)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in a worker thread, inside a write slot: the whole unit of work,
        from its first statement to its commit, in that one call."""
        async with self.slot():
            return await self.in_thread(work, *args)
