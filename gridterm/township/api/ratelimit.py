"""A small in-process token bucket per client address.

Each service process keeps its own buckets: with N processes behind a load balancer a client
gets up to N times the budget.  That still keeps guessing an 8-character enrollment code
(40 bits) hopeless; put a shared limiter in the proxy if that matters.
"""

from __future__ import annotations

import threading
import time


class TokenBucket:
    def __init__(self, capacity: float, refill_per_second: float, max_keys: int = 10_000) -> None:
        self.capacity = capacity
        self.rate = refill_per_second
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        tokens, stamp = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - stamp) * self.rate)

    def allowed(self, key: str) -> bool:
        """Is there at least one token left for ``key``?  (Does not spend it.)"""
        with self._lock:
            return self._level(key, time.monotonic()) >= 1.0

    def spend(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            level = self._level(key, now)
            if len(self._buckets) >= self.max_keys and key not in self._buckets:
                self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.capacity}
            self._buckets[key] = (max(0.0, level - 1.0), now)

    def retry_after(self, key: str) -> int:
        with self._lock:
            level = self._level(key, time.monotonic())
        if level >= 1.0 or self.rate <= 0:
            return 0 if level >= 1.0 else 60
        return max(1, int((1.0 - level) / self.rate + 0.999))
