"""Sliding-window limit on failed token requests, per (client id, address) and per address.

Failures are counted against the pair, not the client id alone: client ids are
not secret, so a limit on the id alone would let anyone lock a ministry out by
failing on purpose. Guessing one client's secret is stopped by the pair's
limit, guessing from one address across many clients by the address's limit;
a ministry sending its right secret from an address without recent failures
gets its token whatever others do with its id.

In memory and per process: with several workers or hosts each counts its own
failures, so the effective limit is multiplied by the number of processes.
That still stops online guessing of 256-bit secrets cold; a shared limiter
(e.g. in the database or at the reverse proxy) can replace it later. The token
route runs in the threadpool, so the counts are guarded by a lock.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

FailureKey = tuple[str, str, str]


class FailureLimiter:
    """Counts failures in a sliding window and says how long to wait once over a limit."""

    def __init__(
        self,
        *,
        per_client: int,
        per_address: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = 100_000,
    ) -> None:
        # "client": one client id from one address; "address": one address, any client id.
        self.limits = {"client": per_client, "address": per_address}
        self.window_seconds = window_seconds
        self._clock = clock
        self._max_tracked = max_tracked
        self._failures: dict[FailureKey, deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, client_id: str | None, address: str | None) -> list[FailureKey]:
        keys: list[FailureKey] = []
        if client_id:
            keys.append(("client", client_id, address or ""))
        if address:
            keys.append(("address", "", address))
        return keys

    def _recent(self, key: FailureKey, now: float) -> deque[float]:
        stamps = self._failures.get(key)
        if stamps is None:
            return deque()
        while stamps and stamps[0] <= now - self.window_seconds:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
        return stamps

    def retry_after(self, *, client_id: str | None, address: str | None) -> int | None:
        """Seconds to wait when this client id from this address, or this address, is over
        its limit; else None."""
        with self._lock:
            now = self._clock()
            waits = []
            for key in self._keys(client_id, address):
                limit = self.limits[key[0]]
                stamps = self._recent(key, now)
                if len(stamps) >= limit:
                    waits.append(stamps[-limit] + self.window_seconds - now)
        if not waits:
            return None
        return max(1, math.ceil(max(waits)))

    def record_failure(self, *, client_id: str | None, address: str | None) -> None:
        """Count one failed request against the (client id, address) pair and the address."""
        with self._lock:
            now = self._clock()
            for key in self._keys(client_id, address):
                stamps = self._failures.setdefault(key, deque())
                stamps.append(now)
                if len(stamps) > max(self.limits.values()):
                    stamps.popleft()
            while len(self._failures) > self._max_tracked:
                # Forget the oldest tracked key rather than grow without bound.
                del self._failures[next(iter(self._failures))]
