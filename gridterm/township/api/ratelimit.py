"""Token buckets per client address: in-process (:class:`TokenBucket`), and shared by every
service process through the database (:class:`SharedBucket`, what the service uses since
issue 15: with N processes behind a load balancer a client still gets one budget).
"""

from __future__ import annotations

import threading
import time

from gridterm.township.services import buckets


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

    def take(self, key: str) -> bool:
        """Spend one token of ``key``'s if there is one; whether there was."""
        with self._lock:
            if self._level(key, time.monotonic()) < 1.0:
                return False
        self.spend(key)
        return True

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


class SharedBucket:
    """The same questions as :class:`TokenBucket`, answered from buckets kept in the
    database (:mod:`gridterm.township.services.buckets`): every service process — ``--workers
    4`` behind a proxy — spends from the same budget.  ``name`` keeps one limiter's buckets
    apart from another's.  Each call is a short database transaction: call it from a worker
    thread, not the event loop."""

    def __init__(self, name: str, capacity: float, refill_per_second: float, sessions) -> None:
        self.name = name
        self.capacity = capacity
        self.rate = refill_per_second
        self.limit = buckets.Limit(capacity, refill_per_second)
        self.sessions = sessions

    def _key(self, key: str) -> str:
        return f"{self.name}:{key}"[:200]

    def allowed(self, key: str) -> bool:
        """Is there at least one token left for ``key``?  (Does not spend it.)"""
        return buckets.level(self.sessions, self._key(key), self.limit) >= 1.0

    def take(self, key: str) -> bool:
        """Spend one token of ``key``'s if there is one; whether there was (atomic: two
        processes never both take the last)."""
        return buckets.take(self.sessions, self._key(key), self.limit)

    def spend(self, key: str) -> None:
        buckets.spend(self.sessions, self._key(key), self.limit)

    def retry_after(self, key: str) -> int:
        level = buckets.level(self.sessions, self._key(key), self.limit)
        if level >= 1.0 or self.rate <= 0:
            return 0 if level >= 1.0 else 60
        return max(1, int((1.0 - level) / self.rate + 0.999))
