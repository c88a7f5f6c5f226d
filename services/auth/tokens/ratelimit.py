"""Sliding-window limit on failed token requests, per client id and per address.

In memory and per process: with several workers or hosts each counts its own
failures, so the effective limit is multiplied by the number of processes.
That still stops online guessing of 256-bit secrets cold; a shared limiter
(e.g. in the database or at the reverse proxy) can replace it later.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


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
        self.limits = {"client": per_client, "address": per_address}
        self.window_seconds = window_seconds
        self._clock = clock
        self._max_tracked = max_tracked
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _keys(self, client_id: str | None, address: str | None) -> list[tuple[str, str]]:
        keys = []
        if client_id:
            keys.append(("client", client_id))
        if address:
            keys.append(("address", address))
        return keys

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        stamps = self._failures.get(key)
        if stamps is None:
            return deque()
        while stamps and stamps[0] <= now - self.window_seconds:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
        return stamps

    def retry_after(self, *, client_id: str | None, address: str | None) -> int | None:
        """Seconds to wait when the client id or the address is over its limit, else None."""
        now = self._clock()
        waits = []
        for key in self._keys(client_id, address):
            stamps = self._recent(key, now)
            if len(stamps) >= self.limits[key[0]]:
                waits.append(stamps[-self.limits[key[0]]] + self.window_seconds - now)
        if not waits:
            return None
        return max(1, math.ceil(max(waits)))

    def record_failure(self, *, client_id: str | None, address: str | None) -> None:
        """Count one failed request against the client id and the address."""
        now = self._clock()
        for key in self._keys(client_id, address):
            stamps = self._failures.setdefault(key, deque())
            stamps.append(now)
            if len(stamps) > max(self.limits.values()):
                stamps.popleft()
        while len(self._failures) > self._max_tracked:
            # Forget the oldest tracked key rather than grow without bound.
            del self._failures[next(iter(self._failures))]
