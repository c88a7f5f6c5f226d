"""One refresh per refresh token in this process, shared by the requests that need it.

Auth rotates refresh tokens and treats a second use of one as theft (the whole session
ends). A browser that opens two pages at once after its access token expired sends the
same sealed cookie twice: without this, the second refresh would sign the person out.
The first request refreshes; the others wait for it and get the same new tokens, kept
here for ``KEEP_SECONDS`` under the old token's SHA-256 (several console processes can
still race: their window is one refresh call's time).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

KEEP_SECONDS = 60.0

TokenResponse = dict[str, Any]


class Refreshes:
    """Refreshes shared by concurrent requests holding the same refresh token."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._done: dict[str, tuple[float, TokenResponse]] = {}

    async def refresh(
        self, refresh_token: str, call: Callable[[], Awaitable[TokenResponse]]
    ) -> TokenResponse:
        """The new tokens for ``refresh_token``: from ``call()`` once, then remembered."""
        key = hashlib.sha256(refresh_token.encode()).hexdigest()
        self._forget_old()
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            done = self._done.get(key)
            if done is not None:
                return done[1]
            tokens = await call()
            self._done[key] = (time.monotonic(), tokens)
            return tokens

    def _forget_old(self) -> None:
        horizon = time.monotonic() - KEEP_SECONDS
        for key in [k for k, (at, _) in self._done.items() if at < horizon]:
            del self._done[key]
            lock = self._locks.get(key)
            if lock is not None and not lock.locked():
                del self._locks[key]
